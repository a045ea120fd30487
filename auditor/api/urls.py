"""Routes of the REST API, mounted under /api/."""

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from auditor.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/repositories/", views.RepositoryList.as_view(), name="api-repository-list"),
    path("v1/repositories/<int:repository_id>/scans/", views.scan_trigger, name="api-scan-trigger"),
    path("v1/repositories/<int:repository_id>/results/", views.result_upload, name="api-result-upload"),
    path("v1/scans/<int:scan_id>/", views.scan_detail, name="api-scan-detail"),
    path("v1/scans/<int:scan_id>/cancel/", views.scan_cancel_view, name="api-scan-cancel"),
    path("v1/scans/<int:scan_id>/findings/", views.FindingList.as_view(), name="api-finding-list"),
    path("v1/scans/<int:scan_id>/export/<str:fmt>/", views.scan_export, name="api-scan-export"),
    path("v1/findings/export/<str:fmt>/", views.findings_export, name="api-findings-export"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
