from django.contrib import admin

from auditor.models import FileMetric, Finding, Membership, Repository, Scan, Team


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "team", "role"]
    list_filter = ["role", "team"]


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "team", "clone_url", "default_branch", "active"]
    list_filter = ["team", "active"]
    search_fields = ["name", "clone_url"]


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "repository", "status", "trigger", "commit_sha", "findings_total", "created_at"]
    list_filter = ["status", "trigger"]
    list_select_related = ["repository"]
    readonly_fields = [f.name for f in Scan._meta.fields]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["rule_id", "severity", "category", "path", "line", "scan"]
    list_filter = ["severity", "category", "scanner"]
    search_fields = ["rule_id", "path"]
    raw_id_fields = ["scan"]
    show_full_result_count = False


@admin.register(FileMetric)
class FileMetricAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["path", "language", "sloc", "complexity_max", "maintainability", "scan"]
    raw_id_fields = ["scan"]
    show_full_result_count = False


# --- Integrations ------------------------------------------------------------------------
from auditor.models import ApiToken, RepositorySchedule  # noqa: E402


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # Only the hash is stored; the admin can see and revoke, never read a token.
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "token_hash", "created_at", "last_used_at"]
    list_select_related = ["user"]


@admin.register(RepositorySchedule)
class RepositoryScheduleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["repository", "kind", "cron", "interval_minutes", "enabled", "last_outcome"]
    list_select_related = ["repository"]
    raw_id_fields = ["repository", "periodic_task"]
