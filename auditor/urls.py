"""Every route of the app, grouped by domain."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from auditor.api import views as api
from auditor.views import (
    audit,
    contracts,
    dashboard,
    exports,
    exports_report,
    files,
    findings,
    health,
    members,
    provenance,
    repositories,
    repository_admin,
    reviews,
    rules,
    scans,
    schedules,
    team_nav,
    team_settings,
    tokens,
    webhooks,
)

overview: list[URLPattern | URLResolver] = [
    path("", dashboard.overview, name="team-overview"),
    path("trends/", dashboard.team_trends_page, name="team-trends"),
    path("help/risk/", dashboard.risk_help, name="help-risk"),
    path("help/provenance/", provenance.provenance_help, name="help-provenance"),
    path("ai/", provenance.team_ai, name="team-ai"),
    path("reports/", exports_report.team_report_page, name="team-report"),
]

repository_routes: list[URLPattern | URLResolver] = [
    path("repositories/", repositories.repository_list, name="repository-list"),
    path("repositories/new/", repository_admin.repository_add, name="repository-add"),
    path("repositories/<int:repository_id>/", repositories.repository_detail, name="repository-detail"),
    path("repositories/<int:repository_id>/edit/", repository_admin.repository_edit, name="repository-edit"),
    path(
        "repositories/<int:repository_id>/check-access/",
        repository_admin.repository_access_check,
        name="repository-check-access",
    ),
    path(
        "repositories/<int:repository_id>/active/",
        repository_admin.repository_active,
        name="repository-active",
    ),
    path(
        "repositories/<int:repository_id>/webhook-secret/",
        repository_admin.repository_secret_rotate,
        name="repository-secret-rotate",
    ),
    path(
        "repositories/<int:repository_id>/delete/",
        repository_admin.repository_remove,
        name="repository-delete",
    ),
    path("repositories/<int:repository_id>/scan/", scans.scan_create, name="scan-create"),
    path(
        "repositories/<int:repository_id>/trends/", dashboard.repository_trends_page, name="repository-trends"
    ),
    path("repositories/<int:repository_id>/ai/", provenance.repository_ai, name="repository-ai"),
    path(
        "repositories/<int:repository_id>/hotspots/",
        dashboard.repository_hotspots,
        name="repository-hotspots",
    ),
    path("repositories/<int:repository_id>/schedule/", schedules.schedule_update, name="schedule-update"),
    path(
        "repositories/<int:repository_id>/schedule/toggle/", schedules.schedule_toggle, name="schedule-toggle"
    ),
    path("webhooks/github/<int:repository_id>/", webhooks.github_push, name="webhook-github"),
    path("webhooks/gitlab/<int:repository_id>/", webhooks.gitlab_push, name="webhook-gitlab"),
]

scan_routes: list[URLPattern | URLResolver] = [
    path("scans/<int:scan_id>/", scans.scan_detail, name="scan-detail"),
    path("scans/<int:scan_id>/status/", scans.scan_status, name="scan-status"),
    path("scans/<int:scan_id>/cancel/", schedules.scan_cancel_view, name="scan-cancel"),
    path("scans/<int:scan_id>/retry/", scans.scan_retry, name="scan-retry"),
    path("scans/<int:scan_id>/file/", files.file_detail, name="file-detail"),
    path("scans/<int:scan_id>/export.<str:fmt>", exports.scan_export, name="scan-export"),
    path("scans/<int:scan_id>/report/", exports_report.scan_report, name="scan-report"),
    path("scans/<int:scan_id>/report.pdf", exports_report.scan_report_pdf, name="scan-report-pdf"),
]

finding_routes: list[URLPattern | URLResolver] = [
    path("findings/", findings.finding_index, name="finding-index"),
    path("findings/export.<str:fmt>", exports.findings_export, name="findings-export"),
    path("findings/triage/", findings.finding_triage_bulk, name="finding-triage-bulk"),
    path("findings/<int:tracked_id>/", findings.finding_detail, name="finding-detail"),
    path("findings/<int:tracked_id>/triage/", findings.finding_triage, name="finding-triage"),
    path("findings/<int:tracked_id>/reopen/", findings.finding_untriage, name="finding-untriage"),
    path("rules/", rules.rule_index, name="rule-index"),
    path("rules/<str:rule_id>/", rules.rule_detail, name="rule-detail"),
]

review_routes: list[URLPattern | URLResolver] = [
    path("reviews/", reviews.review_index, name="review-index"),
    path("scans/<int:scan_id>/review/", reviews.review_detail, name="review-detail"),
    path("scans/<int:scan_id>/review/sign/", reviews.review_signoff, name="review-signoff"),
]

team_routes: list[URLPattern | URLResolver] = [
    path("team/<str:section>/", team_nav.team_section, name="team-section"),
    path("teams/<slug:team_slug>/contract/", contracts.contract_detail, name="contract-detail"),
    path("teams/<slug:team_slug>/contract/edit/", contracts.contract_edit, name="contract-edit"),
    path("teams/<slug:team_slug>/settings/", team_settings.team_settings, name="team-settings"),
    path("teams/<slug:team_slug>/ai-patterns/", provenance.team_ai_patterns, name="team-ai-patterns"),
    path("teams/<slug:team_slug>/members/", members.member_list, name="member-list"),
    path("teams/<slug:team_slug>/members/add/", members.member_add, name="member-add"),
    path("teams/<slug:team_slug>/members/invite/", members.member_invite, name="member-invite"),
    path("teams/<slug:team_slug>/members/<int:membership_id>/role/", members.member_role, name="member-role"),
    path(
        "teams/<slug:team_slug>/members/<int:membership_id>/remove/",
        members.member_remove,
        name="member-remove",
    ),
    path("teams/<slug:team_slug>/audit/", audit.audit_trail, name="audit-trail"),
    path("teams/<slug:team_slug>/audit.csv", audit.audit_csv, name="audit-csv"),
]

account_routes: list[URLPattern | URLResolver] = [
    path("settings/tokens/", tokens.token_list, name="token-list"),
    path("settings/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token-revoke"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/set-password/<uidb64>/<token>/", members.PasswordSetView.as_view(), name="password-set"),
]

api_routes: list[URLPattern | URLResolver] = [
    path("api/v1/repositories/", api.RepositoryList.as_view(), name="api-repository-list"),
    path("api/v1/repositories/<int:repository_id>/scans/", api.scan_trigger, name="api-scan-trigger"),
    path("api/v1/repositories/<int:repository_id>/results/", api.result_upload, name="api-result-upload"),
    path("api/v1/scans/<int:scan_id>/", api.scan_detail, name="api-scan-detail"),
    path("api/v1/scans/<int:scan_id>/cancel/", api.scan_cancel_view, name="api-scan-cancel"),
    path("api/v1/scans/<int:scan_id>/findings/", api.FindingList.as_view(), name="api-finding-list"),
    path("api/v1/scans/<int:scan_id>/export/<str:fmt>/", api.scan_export, name="api-scan-export"),
    path("api/v1/findings/export/<str:fmt>/", api.findings_export, name="api-findings-export"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A page for people: anonymous visitors are sent to sign in rather than given a 403.
    path(
        "api/docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="auditor/api/docs.html")
        ),
        name="api-docs",
    ),
]

site_routes: list[URLPattern | URLResolver] = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

urlpatterns: list[URLPattern | URLResolver] = [
    *overview,
    *repository_routes,
    *scan_routes,
    *finding_routes,
    *review_routes,
    *team_routes,
    *account_routes,
    *api_routes,
    *site_routes,
]
