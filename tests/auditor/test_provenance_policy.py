"""Policies on AI-written code: trust starts over, an AI-only gate, a review above N% AI."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.models import FileTrust, Severity
from auditor.selectors.contracts import team_settings_for
from auditor.selectors.gate import gate_evaluate, scan_new_ai_percent
from auditor.services.scan_pipeline import scan_provenance_config
from auditor.services.team_settings import team_settings_update
from tests.auditor.conftest import Personas
from tests.auditor.provenance_factories import scanned_twice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _single_process_engine(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SCAN_ENGINE_WORKERS = 1


def test_policies_apply_to_ai_written_code(personas: Personas, repos_root: Path) -> None:
    team_settings_update(
        team=personas.team, actor=personas.admin, values={"gate_new_severity": Severity.MEDIUM}
    )
    _, first, second = scanned_twice(personas.team, repos_root)

    # Trust: files above 50% AI start over in Quarantine (streak 0); the human-heavy app.py
    # climbs. In the second scan the AI files that stayed above keep climbing, the new one
    # (extra.py) starts at 0.
    streaks = dict(FileTrust.objects.filter(scan=first).values_list("path", "clean_streak"))
    assert streaks == {"app.py": 1, "claude.py": 0, "kernel.py": 0, "aider.py": 0, "generated/schema.py": 0}
    streaks = dict(FileTrust.objects.filter(scan=second).values_list("path", "clean_streak"))
    assert streaks == {
        "app.py": 2, "claude.py": 1, "kernel.py": 1, "aider.py": 1, "generated/schema.py": 1, "extra.py": 0,
    }  # fmt: skip

    # Gate: every finding of the first scan is new (7 medium); only 5 are on AI-written lines.
    settings = team_settings_for(personas.team)
    (severe,) = [c for c in gate_evaluate(first, settings) if c.code == "new-severe-findings"]
    assert severe.message == "7 new findings of medium severity or above"
    team_settings_update(team=personas.team, actor=personas.admin, values={"gate_ai_new_only": True})
    settings = team_settings_for(personas.team)
    (severe,) = [c for c in gate_evaluate(first, settings) if c.code == "new-severe-findings"]
    assert (severe.label, severe.message) == (
        "No new findings of medium severity or above in AI-written code",
        "5 new findings of medium severity or above",
    )

    # Review: the second scan's new lines are all AI-written (extra.py), the first has no base.
    assert (scan_new_ai_percent(first), scan_new_ai_percent(second)) == (None, 100.0)
    team_settings_update(team=personas.team, actor=personas.admin, values={"ai_review_above_percent": 50})
    settings = team_settings_for(personas.team)
    (review,) = [c for c in gate_evaluate(second, settings) if c.code == "ai-review-approved"]
    assert (review.passed, review.message) == (
        False,
        "100% of new lines AI-written; The review of this scan is not approved yet",
    )
    (review,) = [c for c in gate_evaluate(first, settings) if c.code == "ai-review-approved"]
    assert (review.passed, review.message) == (True, "Not required (new code AI-written: unknown)")
    # The setting re-evaluated the latest scan's stored verdict.
    second.gate_result.refresh_from_db()
    assert not second.gate_result.passed


def test_the_settings_page_offers_the_provenance_settings(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.admin)
    page = client.get(f"/teams/{personas.team.slug}/settings/").content.decode()
    for name in (
        "provenance_history_commits",
        "ai_quarantine_share",
        "gate_ai_new_only",
        "ai_review_above_percent",
    ):
        assert f'name="{name}"' in page


def test_a_team_pattern_is_previewed_against_recent_commits_then_used(
    personas: Personas,
    repos_root: Path,
    client,  # type: ignore[no-untyped-def]
) -> None:
    repository, first, second = scanned_twice(personas.team, repos_root)
    client.force_login(personas.admin)
    url = f"/teams/{personas.team.slug}/ai-patterns/"
    entry = {"id": "conventional-feat", "tool": "Feat bot", "where": "message", "pattern": r"\Afeat: "}
    page = client.post(url, {**entry, "repository": repository.pk, "action": "preview"}).content.decode()
    assert "Preview: 1 of the last 200 commits match" in page
    assert "feat: add aider helper" in page
    bad = client.post(
        url, {**entry, "pattern": "(unclosed", "action": "preview", "repository": repository.pk}
    )
    assert bad.status_code == 400
    assert "invalid regular expression" in bad.content.decode()
    assert client.post(url, {**entry, "action": "add"}).status_code == 302
    assert team_settings_for(personas.team).provenance_patterns == [entry]
    config = scan_provenance_config(second)
    assert config.extra_signatures == (entry,)
    assert config.base_commit == first.commit_sha  # "new code" is what changed since the previous scan
    viewer = client.__class__()
    viewer.force_login(personas.viewer)
    assert viewer.get(url).status_code in (403, 404)
