"""Integrations: per-user API tokens, per-repository scan schedules, webhook deliveries seen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_celery_beat.models import PeriodicTask

from auditor.models.repositories import Repository


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once.

    Tokens are 256-bit random strings, so a fast unsalted hash is enough: there is
    nothing to brute-force, and lookups stay one indexed equality.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # The first characters, stored in clear, so the user can tell his tokens apart.
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)  # unique → the auth lookup index
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_created_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ScheduleKind(models.TextChoices):
    CRON = "cron", "Cron expression"
    INTERVAL = "interval", "Every N minutes"


class RepositorySchedule(models.Model):
    """A repository's scan schedule; beat runs it through its PeriodicTask."""

    repository = models.OneToOneField(Repository, on_delete=models.CASCADE, related_name="schedule")
    periodic_task = models.OneToOneField(
        PeriodicTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=ScheduleKind.choices, default=ScheduleKind.CRON)
    cron = models.CharField(max_length=120, blank=True)
    interval_minutes = models.PositiveIntegerField(null=True, blank=True)
    branch = models.CharField(max_length=255, blank=True)  # blank → the default branch
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What the last tick did ("queued scan #12", "skipped: scan #11 still running").
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"schedule of {self.repository_id}"


class WebhookDelivery(models.Model):
    """A verified webhook delivery, by the id its sender gives it, so a replay is recognised.

    GitHub retries and "Redeliver" reuse `X-GitHub-Delivery`; GitLab sends
    `Idempotency-Key` (the same on retries) and `X-Gitlab-Event-UUID`.
    """

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=16)
    delivery_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "provider", "delivery_id"], name="delivery_unique_repo_provider_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} delivery {self.delivery_id}"
