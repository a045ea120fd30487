"""Value objects the engine returns. Frozen, JSON-serialisable, no behaviour."""

from __future__ import annotations

import enum
import operator
from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

_T = TypeVar("_T")


def _pickled_as_arguments(cls: type[_T]) -> type[_T]:
    """Pickle a frozen slotted dataclass as `cls(*values)`.

    The dataclass default for slots (`__getstate__`/`__setstate__`) calls `fields()` and
    `object.__setattr__` per field on every load; a re-scan of a large repository loads
    ~10^5 of these from the engine's cache, and this form loads them ~20% faster."""
    values = operator.attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: _T) -> tuple[type[_T], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


class Severity(enum.IntEnum):
    """Ordered so that `finding.severity >= Severity.HIGH` reads naturally."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r}; expected one of {choices}") from None


class Confidence(enum.IntEnum):
    LOW = 0
    MEDIUM = 1
    HIGH = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Confidence:
        try:
            return cls[value.upper()]
        except KeyError:
            raise ValueError(f"unknown confidence {value!r}") from None


class ScannerId(enum.StrEnum):
    """Who produced a finding. The value is what JSON, SARIF and the database store."""

    AI_RULES = "ai-rules"  # our own rules (scanners/rules/)
    BANDIT = "bandit"
    RADON = "radon"
    ENGINE = "engine"  # the engine itself (a file that does not parse)


class Category(enum.StrEnum):
    """The taxonomy of ai-code-failures.md plus the classic tool categories."""

    CONTEXT = "context"
    TEMPORAL = "temporal"
    HAPPY_PATH = "happy-path"
    CONCURRENCY = "concurrency"
    SECURITY = "security"
    COMPLEXITY = "complexity"
    OBSERVABILITY = "observability"


@dataclass(frozen=True)
class RuleMeta:
    """What a rule is, documented next to its check (ruff/pylint style)."""

    id: str  # stable code, e.g. "AI101" or bandit's "B602"
    name: str  # kebab-case description of the pattern, e.g. "unresolved-import"
    title: str  # one line for tables
    category: Category
    severity: Severity
    confidence: Confidence
    # A ScannerId for every rule of our catalogues; any string for metadata rebuilt from
    # a stored finding (an uploaded or old scan may name a scanner we no longer have).
    scanner: str
    what: str = ""  # What it does
    why: str = ""  # Why AI code does this
    example: str = ""  # Bad example (executed as a test fixture)
    use_instead: str = ""  # Good example (executed as a test fixture)
    languages: tuple[str, ...] = ("python",)
    help_uri: str = ""
    # How the rule treats test code, when it differs from elsewhere: the severity its
    # findings there take at most (where tests make the pattern benign) and why.
    tests_severity: Severity | None = None
    in_tests_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["category"] = self.category.value
        data["severity"] = self.severity.label
        data["confidence"] = self.confidence.label
        data["languages"] = list(self.languages)
        data["tests_severity"] = self.tests_severity.label if self.tests_severity is not None else None
        return data


@_pickled_as_arguments
@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    scanner: str  # a ScannerId when the engine made it; as uploaded when read back
    category: Category
    severity: Severity
    confidence: Confidence
    path: str  # relative to the scanned root, POSIX separators
    line: int
    end_line: int
    column: int
    message: str
    snippet: str
    fingerprint: str  # stable across unrelated line moves; see fingerprint.py
    # A taint flow: (line, column, message) steps from the untrusted source to the sink
    # (1-based line, 1-based column); empty for findings that are not flows.
    flow: tuple[tuple[int, int, str], ...] = ()
    # In test code (scanners/project/testcode.py); set by the engine over the whole result.
    in_tests: bool = False
    # Provenance of the finding's line (scanners/provenance/): True AI, False human, None unknown.
    ai_authored: bool | None = None
    ai_tool: str = ""
    ai_model: str = ""

    def with_provenance(self, authored: bool | None, tool: str, model: str) -> Finding:
        """This finding with its line's provenance (`dataclasses.replace`, at a third of
        the cost: every finding of a scan passes here)."""
        return Finding(*_FINDING_BEFORE_PROVENANCE(self), authored, tool, model)  # type: ignore[call-arg]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["category"] = self.category.value
        data["severity"] = self.severity.label
        data["confidence"] = self.confidence.label
        data["flow"] = [
            {"line": line, "column": column, "message": message} for line, column, message in self.flow
        ]
        return data


_FINDING_BEFORE_PROVENANCE = operator.attrgetter(
    *(f.name for f in fields(Finding) if f.name not in ("ai_authored", "ai_tool", "ai_model"))
)
if [f.name for f in fields(Finding)][-3:] != ["ai_authored", "ai_tool", "ai_model"]:  # pragma: no cover
    raise TypeError("Finding.with_provenance expects the provenance fields last")


@_pickled_as_arguments
@dataclass(frozen=True, slots=True)
class FunctionMetric:
    name: str  # qualified, e.g. "Class.method"
    line: int
    complexity: int
    rank: str  # radon's A-F


Span = tuple[int, int, str]  # (first line, last line, tool): a run of AI-written lines


@_pickled_as_arguments
@dataclass(frozen=True, slots=True)
class FileMetrics:
    path: str
    language: str
    lines: int
    sloc: int
    comments: int
    blank: int
    complexity_max: int
    complexity_mean: float
    maintainability: float | None  # radon MI; None where not measurable
    parse_ok: bool
    functions: tuple[FunctionMetric, ...] = ()
    sha256: str = ""
    # Provenance (scanners/provenance/): lines per origin, and the AI lines as
    # (first, last, tool) runs for the file page's gutter.
    ai_lines: int = 0
    human_lines: int = 0
    unknown_lines: int = 0
    ai_spans: tuple[tuple[int, int, str], ...] = ()

    def with_origins(self, ai: int, human: int, unknown: int, spans: tuple[Span, ...]) -> FileMetrics:
        """These metrics with their line counts per origin (as `Finding.with_provenance`)."""
        return FileMetrics(*_METRICS_BEFORE_ORIGINS(self), ai, human, unknown, spans)  # type: ignore[call-arg]

    @property
    def ai_share(self) -> float | None:
        """AI lines / attributed (AI + human) lines; None when no line is attributed."""
        attributed = self.ai_lines + self.human_lines
        return round(self.ai_lines / attributed, 4) if attributed else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["functions"] = [asdict(f) for f in self.functions]
        data["ai_spans"] = [list(s) for s in self.ai_spans]
        data["ai_share"] = self.ai_share
        return data


_ORIGIN_FIELDS = ["ai_lines", "human_lines", "unknown_lines", "ai_spans"]
_METRICS_BEFORE_ORIGINS = operator.attrgetter(
    *(f.name for f in fields(FileMetrics) if f.name not in _ORIGIN_FIELDS)
)
if [f.name for f in fields(FileMetrics)][-4:] != _ORIGIN_FIELDS:  # pragma: no cover
    raise TypeError("FileMetrics.with_origins expects the origin fields last")


@_pickled_as_arguments
@dataclass(frozen=True, slots=True)
class ScanWarning:
    """Something the engine skipped or could not do, recorded instead of raised."""

    code: str  # namespaced, e.g. "file:binary", "file:too-large", "scanner:crashed"
    path: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ProvenanceSummary:
    """What the scan's AI attribution rests on, and its totals (unknown shown apart)."""

    sources: tuple[str, ...]  # the sources that said something (git-ai, agent-trace, signature, ai-paths)
    ai_lines: int
    human_lines: int
    unknown_lines: int
    history_commits: int  # the window: lines last touched before it are unknown
    by_tool: tuple[tuple[str, str, int], ...] = ()  # (tool, model, AI lines), most lines first
    by_source: tuple[tuple[str, int], ...] = ()  # (source, lines it decided)
    blamed_files: int = 0  # blamed afresh (the rest came from the blame cache)
    cached_files: int = 0
    seconds: float = 0.0
    # Lines per origin ("ai", "human", "unknown") touched since the base commit (the previous
    # scan's); None when no base was given or it is not in the clone.
    new_lines: tuple[tuple[str, int], ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["new_lines"] = dict(self.new_lines) if self.new_lines is not None else None
        data["sources"] = list(self.sources)
        data["by_tool"] = [{"tool": t, "model": m, "lines": n} for t, m, n in self.by_tool]
        data["by_source"] = dict(self.by_source)
        return data


@dataclass(frozen=True)
class ScanResult:
    root: str
    engine_version: str
    scanner_versions: dict[str, str]
    files: tuple[FileMetrics, ...]
    findings: tuple[Finding, ...]
    warnings: tuple[ScanWarning, ...]
    suppressed: int = 0  # findings silenced by inline `audit: ignore[...]` comments
    rules: tuple[RuleMeta, ...] = field(default=())
    duration_seconds: float = 0.0
    provenance: ProvenanceSummary | None = None  # None: not a git checkout, or turned off

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "engine_version": self.engine_version,
            "scanner_versions": dict(self.scanner_versions),
            "duration_seconds": self.duration_seconds,
            "suppressed": self.suppressed,
            "files": [f.to_dict() for f in self.files],
            "findings": [f.to_dict() for f in self.findings],
            "warnings": [w.to_dict() for w in self.warnings],
            "rules": [r.to_dict() for r in self.rules],
            "provenance": self.provenance.to_dict() if self.provenance is not None else None,
        }
