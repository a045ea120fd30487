from __future__ import annotations

import secrets

from django.db import models

from auditor.git import scrub_credentials
from auditor.models.teams import Team


def _new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class Repository(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="repositories")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    clone_url = models.CharField(max_length=1000)
    default_branch = models.CharField(max_length=255, default="main")
    webhook_secret = models.CharField(max_length=64, default=_new_webhook_secret, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with every change to this repository's scans, findings, triage, reviews or
    # schedule: its pages are cached under it (services/revisions.py).
    revision = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "repositories"
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="repository_unique_team_name"),
            models.UniqueConstraint(fields=["team", "slug"], name="repository_unique_team_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_url(self) -> str:
        """The clone URL without any credentials it carries (deploy tokens in https URLs):
        the only form of it that pages, the API and exports show."""
        return scrub_credentials(self.clone_url)

    @property
    def is_local(self) -> bool:
        """Cloned from the server's own disk (a path or file:// URL under
        AUDITOR_LOCAL_REPO_ROOTS): its URL is a path on the server."""
        return self.clone_url.startswith(("/", "file:"))
