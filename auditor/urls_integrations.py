"""Schedules, webhooks, the REST API and exports."""

from django.urls import URLPattern, URLResolver, include, path

from auditor.views import exports, exports_report, schedules, tokens, webhooks

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/", include("auditor.api.urls")),
    path("settings/tokens/", tokens.token_list, name="token-list"),
    path("settings/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token-revoke"),
    path("scans/<int:scan_id>/export.<str:fmt>", exports.scan_export, name="scan-export"),
    path("findings/export.<str:fmt>", exports.findings_export, name="findings-export"),
    path("scans/<int:scan_id>/cancel/", schedules.scan_cancel_view, name="scan-cancel"),
    path("scans/<int:scan_id>/report/", exports_report.scan_report, name="scan-report"),
    path("scans/<int:scan_id>/report.pdf", exports_report.scan_report_pdf, name="scan-report-pdf"),
    path("reports/", exports_report.team_report_page, name="team-report"),
    path("repositories/<int:repository_id>/schedule/", schedules.schedule_update, name="schedule-update"),
    path(
        "repositories/<int:repository_id>/schedule/toggle/", schedules.schedule_toggle, name="schedule-toggle"
    ),
    path("webhooks/github/<int:repository_id>/", webhooks.github_push, name="webhook-github"),
    path("webhooks/gitlab/<int:repository_id>/", webhooks.gitlab_push, name="webhook-gitlab"),
]
