"""Shapes of the API's responses and request bodies."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from auditor.models import Finding, Repository, Role, Scan, Severity
from auditor.permissions import can, repository_url_for
from auditor.selectors.counts import FindingCounts
from auditor.selectors.gate import scan_gate
from auditor.selectors.scan_failure import scan_failure
from auditor.selectors.scans import scan_changed_line_counts


class FindingCountsSerializer(serializers.Serializer[dict[str, Any]]):
    open = serializers.IntegerField(help_text="Open findings of the default branch (triaged ones excluded).")
    critical_high = serializers.IntegerField(help_text="Of which critical or high.")
    triaged = serializers.IntegerField(help_text="Present, with a triage in force.")
    open_by_severity = serializers.DictField(child=serializers.IntegerField())


class RepositorySerializer(serializers.ModelSerializer[Repository]):
    team: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    display_url = serializers.SerializerMethodField(
        help_text="The clone URL without credentials; a local path is shown to the team's admins only."
    )
    findings = serializers.SerializerMethodField(help_text="Counts as every page shows them, now.")

    class Meta:
        model = Repository
        fields = [
            "id",
            "name",
            "slug",
            "team",
            "display_url",
            "default_branch",
            "active",
            "created_at",
            "findings",
        ]

    def get_display_url(self, repository: Repository) -> str:
        return repository_url_for(self.context["request"].user, repository)

    @extend_schema_field(FindingCountsSerializer)
    def get_findings(self, repository: Repository) -> dict[str, Any]:
        # Read for the whole page at once by the view (`counts` in the context).
        counts: FindingCounts = self.context["counts"][repository.pk]
        return {
            "open": counts.open,
            "critical_high": counts.severe,
            "triaged": counts.triaged,
            "open_by_severity": dict(counts.by_label("open")),
        }


class RepositoryCreateSerializer(serializers.Serializer[dict[str, Any]]):
    team = serializers.SlugField(help_text="the team's slug; you must be one of its admins")
    name = serializers.CharField(max_length=120)
    clone_url = serializers.CharField(max_length=1000)
    default_branch = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text="omitted: the branch the remote's HEAD names",
    )


class GateSerializer(serializers.Serializer[dict[str, Any]]):
    passed = serializers.BooleanField()
    failures = serializers.ListField(child=serializers.DictField())


class ScanSerializer(serializers.ModelSerializer[Scan]):
    repository: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    gate = serializers.SerializerMethodField(help_text="The quality gate's verdict; null until computed.")
    error_text = serializers.SerializerMethodField(
        help_text="Why the scan failed; git's own output and server paths only for the team's admins."
    )
    changed_line_findings = serializers.SerializerMethodField(
        help_text="A pull-request scan's findings on changed lines, per severity; null for other scans."
    )

    class Meta:
        model = Scan
        fields = [
            "id",
            "repository",
            "branch",
            "commit_sha",
            "commit_verified",
            "trigger",
            "status",
            "created_at",
            "started_at",
            "finished_at",
            "error_code",
            "error_text",
            "engine_version",
            "files_scanned",
            "lines_scanned",
            "findings_total",
            "suppressed_total",
            "severity_counts",
            "category_counts",
            "provenance",
            "gate",
            "base_branch",
            "base_commit_sha",
            "changed_line_findings",
        ]

    def get_error_text(self, scan: Scan) -> str:
        if not scan.error_code and not scan.error_text:
            return ""
        request = self.context.get("request")
        admin = request is not None and can(request.user, scan.repository.team_id, Role.ADMIN)
        failure = scan_failure(scan, for_admin=admin)
        return failure.details or failure.reason if admin else failure.reason

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField(), allow_null=True))
    def get_changed_line_findings(self, scan: Scan) -> dict[str, int] | None:
        if not scan.base_branch:
            return None
        return scan_changed_line_counts(scan)

    @extend_schema_field(GateSerializer(allow_null=True))
    def get_gate(self, scan: Scan) -> dict[str, Any] | None:
        return scan_gate(scan)


class FindingSerializer(serializers.ModelSerializer[Finding]):
    severity = serializers.SerializerMethodField()
    confidence = serializers.CharField(source="get_confidence_display")

    class Meta:
        model = Finding
        fields = [
            "id",
            "scan",
            "rule_id",
            "scanner",
            "category",
            "severity",
            "confidence",
            "path",
            "line",
            "end_line",
            "column",
            "message",
            "snippet",
            "fingerprint",
            "on_changed_line",
            "in_tests",
            "ai_authored",
            "ai_tool",
            "ai_model",
            "flow",
        ]
        extra_kwargs = {
            "flow": {
                "help_text": "A taint finding's steps from the untrusted source to the sink: "
                "[{line, column, message}, ...]; empty for other findings."
            }
        }

    def get_severity(self, finding: Finding) -> str:
        return Severity(finding.severity).label


class ScanTriggerSerializer(serializers.Serializer[dict[str, Any]]):
    branch = serializers.CharField(required=False, allow_blank=True, max_length=255)
    base = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="A pull-request scan: the branch `branch` is compared with. Findings on lines the "
        "branch changed since it left `base` are marked `on_changed_line`.",
    )


class ResultUploadSerializer(serializers.Serializer[dict[str, Any]]):
    commit = serializers.RegexField(r"^[0-9a-fA-F]{7,64}$", help_text="The commit the result is of.")
    branch = serializers.CharField(required=False, allow_blank=True, max_length=255)
    result = serializers.DictField(help_text="The engine's JSON (`python -m scanners . --format json`).")
