"""Runs one rule on a documented example inside a throw-away repository.

Examples mark the lines a rule must flag with a trailing `# expect: ID` (Python)
or `// expect: ID` (JS/TS) comment; every other line must stay quiet.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from scanners.project.context import build_repo_context
from scanners.rules.base import Hit
from scanners.rules.registry import FILE_RULES, REPO_RULES
from scanners.source import LANGUAGE_BY_SUFFIX, SourceFile

_EXPECT = re.compile(r"(?:#|//)\s*expect:\s*([A-Z0-9, ]+)")


def expected_lines(code: str, rule_id: str) -> list[int]:
    """1-based lines whose `expect:` marker names `rule_id`."""
    lines = []
    for number, text in enumerate(code.splitlines(), start=1):
        match = _EXPECT.search(text)
        if match and rule_id in {part.strip() for part in match.group(1).split(",")}:
            lines.append(number)
    return lines


def run_rule(
    rule: Any,
    code: str,
    tmp_path: Path,
    filename: str = "app/example.py",
    extra_files: dict[str, str] | None = None,
) -> list[Hit]:
    """Write `code` (and `extra_files`) into `tmp_path`, build the repo context, run `rule`.

    Works for per-file rules (`check`) and repo rules (`collect` + `conclude`); for repo
    rules every Python/JS file in the tree is collected, so `extra_files` can set the
    repository's dominant convention.
    """
    files = {filename: code, **(extra_files or {})}
    for rel, text in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    context = build_repo_context(tmp_path, files.keys())

    def source_of(rel: str) -> SourceFile:
        language = LANGUAGE_BY_SUFFIX[Path(rel).suffix]
        return SourceFile(path=rel, text=files[rel], language=language)

    if hasattr(rule, "check"):
        return list(rule.check(source_of(filename), context))
    facts = {
        rel: rule.collect(source_of(rel), context) for rel in files if Path(rel).suffix in LANGUAGE_BY_SUFFIX
    }
    return [hit for path, hit in rule.conclude(facts, context) if path == filename]


def hit_lines(hits: list[Hit]) -> list[int]:
    return sorted(hit.line for hit in hits)


RULES: dict[str, Any] = {rule.meta.id: rule for rule in (*FILE_RULES, *REPO_RULES)}


def lines_of(rule_id: str, code: str, tmp_path: Path, **kwargs: Any) -> list[int]:
    """Lines the registered rule `rule_id` flags in `code`."""
    return hit_lines(run_rule(RULES[rule_id], code, tmp_path, **kwargs))


def assert_marked(rule_id: str, code: str, tmp_path: Path, **kwargs: Any) -> None:
    """The rule flags exactly the lines of `code` marked `expect: rule_id`."""
    assert lines_of(rule_id, code, tmp_path, **kwargs) == expected_lines(code, rule_id)
