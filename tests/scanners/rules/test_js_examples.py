"""Every JS/TS rule's documented examples are its fixtures: the bad example yields
findings on exactly the marked lines, the good example yields none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanners.rules.javascript import JS_REPO_RULES, JS_RULES
from tests.scanners.rules.harness import expected_lines, hit_lines, run_rule

ALL_RULES: list[Any] = [*JS_RULES, *JS_REPO_RULES]


def _run(rule: Any, code: str, tmp_path: Path) -> list[int]:
    hits = run_rule(
        rule,
        code,
        tmp_path,
        filename=getattr(rule, "example_filename", "src/example.ts"),
        extra_files=getattr(rule, "example_files", {}),
    )
    return hit_lines(hits)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.meta.id)
def test_bad_example_is_flagged_on_exactly_the_marked_lines(rule: Any, tmp_path: Path) -> None:
    expected = expected_lines(rule.meta.example, rule.meta.id)
    assert expected, "the bad example must mark at least one line"
    assert _run(rule, rule.meta.example, tmp_path) == expected


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.meta.id)
def test_good_example_is_quiet(rule: Any, tmp_path: Path) -> None:
    assert _run(rule, rule.meta.use_instead, tmp_path) == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.meta.id)
def test_rule_metadata_is_complete(rule: Any) -> None:
    meta = rule.meta
    assert meta.id.startswith("AI")
    assert meta.name == meta.name.lower()
    assert all((meta.what, meta.why, meta.example, meta.use_instead))
    assert set(meta.languages) == {"javascript", "typescript", "tsx"}
