"""What the AI provenance settings page reads: a repository's recent commits."""

from __future__ import annotations

from django.db import models

from auditor.models.repositories import Repository


class CommitSample(models.Model):
    """The newest commits of a repository's default branch as its latest scan saw them
    (sha, author, committer, message; at most 200), so that a team's own signature
    pattern can be previewed against real history without cloning in a web request."""

    repository = models.OneToOneField(Repository, on_delete=models.CASCADE, related_name="commit_sample")
    commits = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{len(self.commits)} commits of {self.repository}"
