"""Support for the engine tests: real file trees in tmp_path, and tiny injected rules.

The rules are module-level classes so that pool workers can unpickle them; they stand in
for the real registry, which other modules fill. (Not a conftest.py: tests/scanners/rules/
belongs to the rule authors and must not inherit engine fixtures.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from scanners.model import Category, Confidence, RuleMeta, Severity
from scanners.rules.base import Hit


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create `files` (relative path → text or bytes) under `root`; returns root."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def make_repo(tmp_path: Path) -> Path:
    """An empty checkout directory; its parent stays free for files 'outside' the checkout."""
    root = tmp_path / "repo"
    root.mkdir(exist_ok=True)
    return root


def _meta(rule_id: str, name: str, languages: tuple[str, ...] = ("python",)) -> RuleMeta:
    return RuleMeta(
        id=rule_id,
        name=name,
        title=name.replace("-", " "),
        category=Category.OBSERVABILITY,
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        scanner="ai-rules",
        languages=languages,
    )


class PrintRule:
    """Flags every line containing `print(` (Python and JS `console.log(`)."""

    meta = _meta("AI901", "print-call", ("python", "javascript", "typescript"))

    def check(self, source: Any, context: Any) -> Iterator[Hit]:
        needle = "print(" if source.language == "python" else "console.log("
        for number, line in enumerate(source.text.split("\n"), start=1):
            column = line.find(needle)
            if column >= 0:
                yield Hit(line=number, column=column, message=f"{needle} call")


class CrashingRule:
    meta = _meta("AI902", "always-crashes")

    def check(self, source: Any, context: Any) -> Iterator[Hit]:
        raise RuntimeError("boom")
        yield  # pragma: no cover - makes this a generator


class TodoCountRule:
    """Repo rule: flags the first TODO of the file with the most TODOs."""

    meta = _meta("AI903", "most-todos")

    def collect(self, source: Any, context: Any) -> Any:
        lines = source.text.split("\n")
        todos = [(n, line.strip()) for n, line in enumerate(lines, start=1) if "TODO" in line]
        return todos

    def conclude(self, facts: Mapping[str, Any], context: Any) -> Iterator[tuple[str, Hit]]:
        path, todos = max(facts.items(), key=lambda item: (len(item[1]), item[0]))
        if todos:
            line, text = todos[0]
            yield (
                path,
                Hit(line=line, message=f"{len(todos)} TODOs in {len(context.paths)} files", snippet=text),
            )
