"""The embedded default's demo: a team, a user `demo`/`demo`, a sample repository."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from auditor.demo.sample_repo import build_sample_repository
from auditor.models import Repository, Role, Scan, ScanTrigger
from auditor.services.repositories import repository_create
from auditor.services.scans import scan_request
from auditor.services.teams import membership_set, team_get_or_create

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"  # noqa: S105  (documented demo credential, embedded default only)
DEMO_TEAM = "Demo team"
DEMO_REPOSITORY = "demo-service"


class DemoRefused(Exception):
    """The demo user would be reachable by others: not on a server database."""


@dataclass(frozen=True)
class DemoSetup:
    repository: Repository
    scan: Scan | None  # the first scan, when this call queued it


def demo_create(*, allow_server_database: bool = False) -> DemoSetup:
    """Create (idempotently) the demo team, user, repository and its first scan.

    Refused on a server database (DATABASE_URL set): a known password must never
    exist on an installation others can reach.
    """
    if settings.DATABASE_URL and not allow_server_database:
        raise DemoRefused(
            "The demo user (demo/demo) is only created in the embedded default (no DATABASE_URL)."
        )
    repo_root = Path(settings.AUDITOR_LOCAL_REPO_ROOTS[0])
    repo_path = build_sample_repository(repo_root / DEMO_REPOSITORY)

    with transaction.atomic():
        team = team_get_or_create(DEMO_TEAM)
        user_model = get_user_model()
        user = user_model.objects.filter(username=DEMO_USERNAME).first()
        if user is None:
            user = user_model.objects.create_user(username=DEMO_USERNAME, password=DEMO_PASSWORD)
            # The demo user administers the demo instance (Django admin included).
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        membership_set(user=user, team=team, role=Role.ADMIN)
        repository = Repository.objects.filter(team=team, name=DEMO_REPOSITORY).first()
        if repository is None:
            repository = repository_create(
                team=team, name=DEMO_REPOSITORY, clone_url=str(repo_path), default_branch="main", actor=user
            )
        scan = None
        if not repository.scans.exists():
            scan = scan_request(repository=repository, trigger=ScanTrigger.CLI, requested_by=user)
    return DemoSetup(repository=repository, scan=scan)
