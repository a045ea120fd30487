"""bandit's adapter: running it in process on the shared AST, mapping its issues to
findings, its version and its catalogue of tests.

We drive bandit's own `BanditNodeVisitor` and `BanditTester` exactly as
`BanditManager._parse_file` does for `bandit -r` with no configuration (every default
plugin and blacklist test, no severity/confidence filter, `# nosec` honoured), except
that the tree comes from `SourceFile.python_tree` instead of a second `ast.parse`, and
the `# nosec` comments come from the engine's single token pass.
"""

from __future__ import annotations

import ast
import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# bandit loads its optional formatters (e.g. sarif_om) at import; a missing one only
# matters to bandit's own CLI, so keep stevedore's complaint out of our output.
logging.getLogger("stevedore.extension").setLevel(logging.CRITICAL)

import bandit  # noqa: E402
from bandit.core import config as b_config  # noqa: E402
from bandit.core import docs_utils, extension_loader  # noqa: E402
from bandit.core import manager as b_manager  # noqa: E402
from bandit.core import meta_ast as b_meta_ast  # noqa: E402
from bandit.core import metrics as b_metrics  # noqa: E402
from bandit.core import node_visitor as b_node_visitor  # noqa: E402
from bandit.core import test_set as b_test_set  # noqa: E402
from bandit.core import tester as b_tester  # noqa: E402

from scanners.findings import snippet_of  # noqa: E402
from scanners.model import (  # noqa: E402
    Category,
    Confidence,
    Finding,
    RuleMeta,
    ScannerId,
    ScanWarning,
    Severity,
)
from scanners.source import SourceFile  # noqa: E402

_SEVERITY = {
    "UNDEFINED": Severity.INFO,
    "LOW": Severity.LOW,
    "MEDIUM": Severity.MEDIUM,
    "HIGH": Severity.HIGH,
}
_CONFIDENCE = {"UNDEFINED": Confidence.LOW, "LOW": Confidence.LOW, "MEDIUM": Confidence.MEDIUM}
_CONFIDENCE["HIGH"] = Confidence.HIGH
_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)


@dataclass(frozen=True)
class BanditIssue:
    """One bandit result, reduced to plain data."""

    test_id: str
    severity: Severity
    confidence: Confidence
    line: int
    end_line: int
    column: int  # 1-based
    message: str


@dataclass(frozen=True)
class BanditOutcome:
    issues: tuple[BanditIssue, ...]
    errors: tuple[str, ...]  # bandit's own "internal error running test" reports


class _ErrorCollector(logging.Handler):
    """Bandit reports a crashing test through `LOG.error` and carries on (as its CLI
    does); we keep those messages so they become ScanWarnings instead of stderr noise."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0][:300])


class _Tester(b_tester.BanditTester):  # type: ignore[misc]
    """bandit's tester; skips the per-test `# nosec` lookup when the file has none
    (that lookup returns None then anyway, after walking the node's line range)."""

    def _get_nosecs_from_contexts(self, context: Any, test_result: Any = None) -> Any:
        if not self.nosec_lines:
            return None
        return super()._get_nosecs_from_contexts(context, test_result)


class _Visitor(b_node_visitor.BanditNodeVisitor):  # type: ignore[misc]
    """bandit's node visitor with one shortcut that leaves results unchanged.

    bandit builds a fresh context (with the node's whole line range as a list) for every
    node and then looks for tests of that node type, although most node types (Name,
    Attribute, arguments, …) have neither tests nor a `visit_` method, so that context is
    never read. Here such nodes are only descended into; parent/sibling links are set for
    every node exactly as bandit does, and nodes with tests or a visitor take bandit's path.
    """

    def __init__(self, *args: Any, active: frozenset[str]) -> None:
        super().__init__(*args)
        self.active = active
        self.tester = _Tester(self.testset, self.debug, self.nosec_lines, self.metrics)

    def generic_visit(self, node: ast.AST) -> None:
        for _, value in ast.iter_fields(node):
            if isinstance(value, list):
                max_idx = len(value) - 1
                for idx, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        item._bandit_sibling = value[idx + 1] if idx < max_idx else None  # type: ignore[attr-defined]
                        item._bandit_parent = node  # type: ignore[attr-defined]
                        self._descend(item)
            elif isinstance(value, ast.AST):
                value._bandit_sibling = None  # type: ignore[attr-defined]
                value._bandit_parent = node  # type: ignore[attr-defined]
                self._descend(value)

    def _descend(self, item: ast.AST) -> None:
        name = item.__class__.__name__
        # visit_Constant only acts on str/bytes; numbers, None and booleans are plain leaves.
        if name in self.active and (name != "Constant" or isinstance(item.value, (str, bytes))):  # type: ignore[attr-defined]
            if self.pre_visit(item):
                self.visit(item)
                self.generic_visit(item)
                self.post_visit(item)
        else:
            self.generic_visit(item)


@cache
def _active_node_types() -> frozenset[str]:
    """Node types bandit does something for: a `visit_X` method or a test checking X."""
    visitors = {name.removeprefix("visit_") for name in dir(b_node_visitor.BanditNodeVisitor)}
    visitors = {name for name in visitors if hasattr(b_node_visitor.BanditNodeVisitor, f"visit_{name}")}
    return frozenset(visitors | set(_testset().tests))


@cache
def _testset() -> b_test_set.BanditTestSet:
    # An empty profile is the CLI default: every plugin and blacklist test.
    return b_test_set.BanditTestSet(b_config.BanditConfig(), profile={})


@cache
def _collector() -> _ErrorCollector:
    collector = _ErrorCollector()
    logger = logging.getLogger("bandit")
    logger.addHandler(collector)
    logger.propagate = False  # bandit's warnings are not the scanned repo's output
    logger.setLevel(logging.ERROR)
    return collector


def nosec_lines(comments: Iterable[tuple[int, str]]) -> dict[int, set[str]]:
    """bandit's per-line `# nosec` map, from (line, comment text) pairs."""
    result: dict[int, set[str]] = {}
    for lineno, text in comments:
        if "nosec" not in text:  # cheap pre-filter; the regex below is bandit's own
            continue
        parsed = b_manager._parse_nosec_comment(text)
        if parsed is not None:
            result[lineno] = parsed
    return result


def _file_bytes(text: str) -> bytes:
    """Bytes for bandit's whole-file tests (B613 re-detects the encoding from them)."""
    head = text.split("\n", 2)[:2]
    for line in head:
        match = _COOKIE.match(line)
        if match:
            try:
                return text.encode(match.group(1))
            except (LookupError, UnicodeEncodeError):
                break
    return text.encode("utf-8", errors="surrogatepass")


def run_bandit(source: SourceFile, abs_path: str, nosec: dict[int, set[str]]) -> BanditOutcome:
    """Run every default bandit test over `source.python_tree` (which must be parsed)."""
    tree = source.python_tree
    if tree is None:
        return BanditOutcome((), ())
    collector = _collector()
    collector.messages.clear()
    metrics = b_metrics.Metrics()
    metrics.begin(abs_path)
    fdata = io.BytesIO(_file_bytes(source.text))
    visitor = _Visitor(
        abs_path,
        fdata,
        b_meta_ast.BanditMetaAst(),
        _testset(),
        False,
        nosec,
        metrics,
        active=_active_node_types(),
    )
    # Body of BanditNodeVisitor.process(), minus its ast.parse of the data.
    visitor.generic_visit(tree)
    visitor.context = {
        "file_data": fdata,
        "filename": abs_path,
        "lineno": 0,
        "linerange": [0, 1],
        "col_offset": 0,
    }
    visitor.update_scores(visitor.tester.run_tests(visitor.context, "File"))
    issues = tuple(_convert(i) for i in visitor.tester.results)
    return BanditOutcome(issues, tuple(collector.messages))


@dataclass(frozen=True)
class BanditFindings:
    """What bandit contributes to one file's outcome."""

    findings: tuple[Finding, ...]
    warnings: tuple[ScanWarning, ...]


def bandit_findings(
    root: Path, source: SourceFile, comments: Iterable[tuple[int, str]], lines: Sequence[str]
) -> BanditFindings:
    """bandit over one parsed file, its issues as findings; a crash of bandit is a warning."""
    try:
        outcome = run_bandit(source, str(root / source.path), nosec_lines(comments))
    except (RecursionError, MemoryError):
        raise  # the file is nested too deeply to walk: the engine reports it (E002)
    except Exception as exc:  # bandit's CLI skips such a file too; we record why
        crash = ScanWarning("scanner:crashed", source.path, f"bandit: {type(exc).__name__}: {exc}")
        return BanditFindings((), (crash,))
    errors = tuple(ScanWarning("scanner:bandit-error", source.path, m) for m in outcome.errors)
    findings = tuple(
        Finding(
            rule_id=issue.test_id,
            scanner=ScannerId.BANDIT,
            category=Category.SECURITY,
            severity=issue.severity,
            confidence=issue.confidence,
            path=source.path,
            line=issue.line,
            end_line=issue.end_line,
            column=issue.column,
            message=issue.message,
            snippet=snippet_of(lines, issue.line),
            fingerprint="",
        )
        for issue in outcome.issues
    )
    return BanditFindings(findings, errors)


def _convert(issue: Any) -> BanditIssue:
    linerange = [n for n in (issue.linerange or []) if isinstance(n, int) and n > 0]
    line = int(issue.lineno or 1)
    return BanditIssue(
        test_id=str(issue.test_id),
        severity=_SEVERITY.get(str(issue.severity), Severity.MEDIUM),
        confidence=_CONFIDENCE.get(str(issue.confidence), Confidence.LOW),
        line=line,
        end_line=max([line, *linerange]),
        column=max(int(issue.col_offset), 0) + 1,
        message=str(issue.text),
    )


def _doc_summary(func: Any) -> tuple[str, str]:
    doc = (getattr(func, "__doc__", None) or "").strip()
    lines = [line.strip() for line in doc.splitlines()]
    title = next((line for line in lines if line and not line.startswith("=")), "")
    return title.strip("*").strip(), doc


def _url(test_id: str) -> str:
    # get_url rewrites blacklist entries' names in place; keep bandit's tables intact.
    entry = extension_loader.MANAGER.blacklist_by_id.get(test_id)
    saved = entry["name"] if entry else None
    try:
        return str(docs_utils.get_url(test_id))
    finally:
        if entry is not None:
            entry["name"] = saved


@cache
def bandit_catalogue() -> tuple[RuleMeta, ...]:
    """Metadata of every default bandit test (plugins and blacklist entries), by id."""
    manager = extension_loader.MANAGER
    metas: dict[str, RuleMeta] = {}
    for test_id, ext in manager.plugins_by_id.items():
        title, doc = _doc_summary(ext.plugin)
        name = ext.name.replace("_", "-")
        metas[test_id] = _meta(test_id, name, title or name, doc, Severity.MEDIUM)
    for test_id, entry in manager.blacklist_by_id.items():
        name = str(entry["name"]).replace("_", "-")
        message = str(entry.get("message", "")).replace("{name}", "this name")
        severity = _SEVERITY.get(str(entry.get("level", "MEDIUM")), Severity.MEDIUM)
        metas[test_id] = _meta(test_id, name, message or name, message, severity)
    return tuple(metas[k] for k in sorted(metas))


def _meta(test_id: str, name: str, title: str, doc: str, severity: Severity) -> RuleMeta:
    return RuleMeta(
        id=test_id,
        name=name,
        title=title,
        category=Category.SECURITY,
        severity=severity,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.BANDIT,
        what=doc,
        why="Flagged by bandit's default test set.",
        languages=("python",),
        help_uri=_url(test_id),
    )


def bandit_version() -> str:
    return str(bandit.__version__)
