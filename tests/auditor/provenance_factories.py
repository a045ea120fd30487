"""A repository with known provenance scanned twice through the worker (two chart points)."""

from __future__ import annotations

from pathlib import Path

from auditor.models import Repository, Scan, Team
from auditor.services.scan_pipeline import Outcome, scan_execute
from tests.scanners.provenance.repo_support import build_provenance_repo, commit

CLAUDE_TRAILER = "\n\nCo-authored-by: Claude Sonnet 4 <noreply@anthropic.com>\n"


def scanned_twice(team: Team, root: Path) -> tuple[Repository, Scan, Scan]:
    """Scan 1: 10 AI lines (5 findings), 11 human (2 findings). Then a Claude commit adds
    extra.py (2 AI lines, 1 finding); scan 2: 12 AI lines (6 findings), 11 human (2)."""
    source = root / "prov"
    build_provenance_repo(source)
    repository = Repository.objects.create(
        team=team, name="prov", slug="prov", clone_url=str(source), default_branch="main"
    )
    first = Scan.objects.create(repository=repository, branch="main")
    assert scan_execute(first.pk) is Outcome.SUCCEEDED
    commit(source, {"extra.py": "def more(x):\n    return eval(x)\n"}, "Add extra" + CLAUDE_TRAILER)
    second = Scan.objects.create(repository=repository, branch="main")
    assert scan_execute(second.pk) is Outcome.SUCCEEDED
    first.refresh_from_db()
    second.refresh_from_db()
    return repository, first, second
