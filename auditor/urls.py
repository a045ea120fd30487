from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from auditor.views import health, repositories, rules, scans

urlpatterns = [
    path("repositories/", repositories.repository_list, name="repository-list"),
    path("repositories/<int:repository_id>/", repositories.repository_detail, name="repository-detail"),
    path("repositories/<int:repository_id>/scan/", scans.scan_create, name="scan-create"),
    path("scans/<int:scan_id>/", scans.scan_detail, name="scan-detail"),
    path("scans/<int:scan_id>/status/", scans.scan_status, name="scan-status"),
    path("rules/", rules.rule_index, name="rule-index"),
    path("rules/<str:rule_id>/", rules.rule_detail, name="rule-detail"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # Feature areas keep their routes in their own modules.
    path("", include("auditor.urls_dashboard")),
    path("", include("auditor.urls_reviews")),
    path("", include("auditor.urls_integrations")),
]
