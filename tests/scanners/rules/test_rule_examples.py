"""Every registered rule's documented examples are its fixtures.

The bad example yields findings on exactly the lines marked `expect: ID`; the good
example yields none. These are the same texts the rules page and SARIF `help` show.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from scanners.model import Category
from scanners.rules.registry import FILE_RULES, REPO_RULES, duplicate_ids, rule_catalogue
from tests.scanners.rules.harness import expected_lines, hit_lines, run_rule

ALL_RULES: list[Any] = [*FILE_RULES, *REPO_RULES]
DEFAULT_FILENAME = {
    "python": "app/example.py",
    "javascript": "src/example.js",
    "typescript": "src/example.ts",
}


def _run(rule: Any, code: str, tmp_path: Path) -> list[int]:
    filename = getattr(rule, "example_filename", None) or DEFAULT_FILENAME[rule.meta.languages[0]]
    hits = run_rule(rule, code, tmp_path, filename=filename, extra_files=getattr(rule, "example_files", {}))
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
    assert re.fullmatch(r"AI\d{3}", meta.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", meta.name)
    assert all((meta.title, meta.what, meta.why, meta.example, meta.use_instead))
    assert isinstance(meta.category, Category)
    assert meta.scanner == "ai-rules"


def test_the_catalogue_covers_every_category_of_the_taxonomy() -> None:
    categories = {meta.category for meta in rule_catalogue()}
    assert {
        Category.CONTEXT,
        Category.TEMPORAL,
        Category.HAPPY_PATH,
        Category.CONCURRENCY,
        Category.OBSERVABILITY,
        Category.SECURITY,
    } <= categories


def test_rule_ids_and_names_are_unique() -> None:
    metas = rule_catalogue()
    assert len({m.id for m in metas}) == len(metas)
    assert len({m.name for m in metas}) == len(metas)


def test_the_registry_names_rule_ids_used_twice() -> None:
    first, second, third = (rule.meta for rule in FILE_RULES[:3])
    assert duplicate_ids([first, second, third]) == []
    assert duplicate_ids([third, first, third, second, first]) == sorted({first.id, third.id})
