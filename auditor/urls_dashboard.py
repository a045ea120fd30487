"""Dashboard: team overview, findings, files, trends, triage."""

from django.urls import URLPattern, URLResolver, path

from auditor.views import dashboard, files, findings

urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboard.overview, name="team-overview"),
    path("trends/", dashboard.team_trends_page, name="team-trends"),
    path("help/risk/", dashboard.risk_help, name="help-risk"),
    path(
        "repositories/<int:repository_id>/trends/", dashboard.repository_trends_page, name="repository-trends"
    ),
    path(
        "repositories/<int:repository_id>/hotspots/",
        dashboard.repository_hotspots,
        name="repository-hotspots",
    ),
    path("findings/", findings.finding_index, name="finding-index"),
    path("findings/<int:tracked_id>/", findings.finding_detail, name="finding-detail"),
    path("findings/<int:tracked_id>/triage/", findings.finding_triage, name="finding-triage"),
    path("findings/<int:tracked_id>/reopen/", findings.finding_untriage, name="finding-untriage"),
    path("scans/<int:scan_id>/file/", files.file_detail, name="file-detail"),
]
