"""Shapes of the API's responses and request bodies."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from auditor.models import Finding, Repository, Scan, Severity
from auditor.permissions import repository_url_for
from auditor.selectors.gate import scan_gate


class RepositorySerializer(serializers.ModelSerializer[Repository]):
    team: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    display_url = serializers.SerializerMethodField(
        help_text="The clone URL without credentials; a local path is shown to the team's admins only."
    )

    class Meta:
        model = Repository
        fields = ["id", "name", "slug", "team", "display_url", "default_branch", "active", "created_at"]

    def get_display_url(self, repository: Repository) -> str:
        return repository_url_for(self.context["request"].user, repository)


class GateSerializer(serializers.Serializer[dict[str, Any]]):
    passed = serializers.BooleanField()
    failures = serializers.ListField(child=serializers.DictField())


class ScanSerializer(serializers.ModelSerializer[Scan]):
    repository: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    gate = serializers.SerializerMethodField(help_text="The quality gate's verdict; null until computed.")

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
        ]

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
            "ai_authored",
            "ai_tool",
            "ai_model",
        ]

    def get_severity(self, finding: Finding) -> str:
        return Severity(finding.severity).label


class ScanTriggerSerializer(serializers.Serializer[dict[str, Any]]):
    branch = serializers.CharField(required=False, allow_blank=True, max_length=255)


class ResultUploadSerializer(serializers.Serializer[dict[str, Any]]):
    commit = serializers.RegexField(r"^[0-9a-fA-F]{7,64}$", help_text="The commit the result is of.")
    branch = serializers.CharField(required=False, allow_blank=True, max_length=255)
    result = serializers.DictField(help_text="The engine's JSON (`python -m scanners . --format json`).")
