"""Review contracts, sign-offs, trust, quality gate, roles and the audit trail."""

from django.urls import URLPattern, URLResolver, path

from auditor.views import audit, contracts, members, reviews, team_settings

urlpatterns: list[URLPattern | URLResolver] = [
    path("reviews/", reviews.review_index, name="review-index"),
    path("scans/<int:scan_id>/review/", reviews.review_detail, name="review-detail"),
    path("scans/<int:scan_id>/review/sign/", reviews.review_signoff, name="review-signoff"),
    path("teams/<slug:team_slug>/contract/", contracts.contract_detail, name="contract-detail"),
    path("teams/<slug:team_slug>/contract/edit/", contracts.contract_edit, name="contract-edit"),
    path("teams/<slug:team_slug>/settings/", team_settings.team_settings, name="team-settings"),
    path("teams/<slug:team_slug>/members/", members.member_list, name="member-list"),
    path("teams/<slug:team_slug>/members/add/", members.member_add, name="member-add"),
    path("teams/<slug:team_slug>/members/<int:membership_id>/role/", members.member_role, name="member-role"),
    path(
        "teams/<slug:team_slug>/members/<int:membership_id>/remove/",
        members.member_remove,
        name="member-remove",
    ),
    path("teams/<slug:team_slug>/audit/", audit.audit_trail, name="audit-trail"),
    path("teams/<slug:team_slug>/audit.csv", audit.audit_csv, name="audit-csv"),
]
