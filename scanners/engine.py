"""The public entry point: `scan_directory(root, config) -> ScanResult`.

Flow: discover files → build the repo context once → analyse files in a process pool
(the context reaches each worker once, through the pool initializer; files travel in
chunks) → run repo-level rules' `conclude` in the parent → suppressions → fingerprints
→ one deterministic, sorted ScanResult.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from scanners import __version__ as ENGINE_VERSION
from scanners.analysis import AnalysisSettings, FileOutcome, analyse_file, hit_to_finding
from scanners.cache import FileDigests, ResultCache, cached_context, context_digest, gc_paused
from scanners.collector import GC_THRESHOLD, fewer_collections
from scanners.discovery import DEFAULT_MAX_FILE_BYTES, DiscoveredFile, discover
from scanners.fingerprint import assign_fingerprints
from scanners.headroom import with_headroom
from scanners.model import FileMetrics, Finding, RuleMeta, ScannerId, ScanResult, ScanWarning
from scanners.project.context import RepoContext, build_repo_context
from scanners.project.registry import RegistryConfig
from scanners.project.testcode import TestLayout, build_test_layout
from scanners.provenance.attribution import ProvenanceConfig, decide, read_history
from scanners.provenance.join import join_findings, join_metrics, summarise
from scanners.registry import DEFAULT_SCANNERS, rule_metadata, scanner_versions, validate_scanner_ids
from scanners.rules.base import RepoRule, Rule
from scanners.rules.registry import FILE_RULES, REPO_RULES
from scanners.suppression import apply_suppressions

# Files per task sent to a worker: big enough that pickling/IPC is noise, small enough
# that one slow chunk does not leave the other workers idle at the end.
MAX_CHUNK = 32
# At most this many files to analyse and the parent does it alone: starting a pool (fork,
# pickling the context, shutting it down) costs more than a few files' analysis, and a
# re-scan after a small change has a handful of files (plus the generated/skipped ones,
# which are never cached and are re-checked on every scan).
SERIAL_MAX_FILES = 8
# How pool workers start: a fresh interpreter that imports the engine (see `_pool`).
# Measured through the worker on 20,000 files: fork 611 MiB summed RSS, forkserver with
# the engine preloaded 456 (the server's pages count again in each worker), spawn 432.
POOL_START_METHOD = "spawn"


@dataclass(frozen=True)
class EngineConfig:
    """How a scan runs. Validated on construction: a typo fails before any work."""

    workers: int | None = None  # None → os.cpu_count(); 1 → in this process
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    complexity_threshold: int = 10  # radon cc above this (rank C or worse) → RAD001
    mi_threshold: float = 10.0  # radon mi below this (rank C) → RAD002
    scanners: frozenset[ScannerId] = field(default=DEFAULT_SCANNERS)
    cache_dir: Path | None = None  # per-file result cache; None disables it
    # Registry lookup of declared packages (AI116); None (the default) makes no network call.
    registry: RegistryConfig | None = None
    # AI provenance of every line (scanners/provenance/); only on a git checkout.
    provenance: ProvenanceConfig = field(default_factory=ProvenanceConfig)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scanners", validate_scanner_ids(self.scanners))
        if self.workers is not None and self.workers < 1:
            raise ValueError(f"workers must be >= 1, got {self.workers}")
        if self.max_file_bytes < 1:
            raise ValueError("max_file_bytes must be positive")

    @property
    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1

    def settings(self) -> AnalysisSettings:
        return AnalysisSettings(
            self.scanners, self.max_file_bytes, self.complexity_threshold, self.mi_threshold
        )


def scan_directory(
    root: Path,
    config: EngineConfig | None = None,
    *,
    rules: Sequence[Rule] | None = None,
    repo_rules: Sequence[RepoRule] | None = None,
) -> ScanResult:
    """Scan the checkout at `root`. Problems with files are warnings/findings, not errors.

    `rules` / `repo_rules` replace the registry's custom rules (tests inject fakes).
    Raises NotADirectoryError if `root` is not a directory.
    """
    # Young collections as rarely as while files are analysed: folding thousands of cached
    # outcomes and concluding the repository rules allocate ~10^6 objects that all
    # survive, and the default threshold walks them ~100 times (≈10% of a re-scan).
    threshold = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        return _scan(root, config, rules, repo_rules)
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()  # the cache loads' objects (gc_paused) go back to the oldest generation


def _scan(
    root: Path,
    config: EngineConfig | None,
    rules: Sequence[Rule] | None,
    repo_rules: Sequence[RepoRule] | None,
) -> ScanResult:
    started = time.perf_counter()
    config = config or EngineConfig()
    root = Path(root)
    if not root.is_dir():
        raise NotADirectoryError(f"not a directory: {root}")
    root = root.resolve()
    file_rules, all_repo_rules, custom_meta = _custom_rules(config, rules, repo_rules)
    # Built first so a broken catalogue (e.g. duplicate rule ids) fails before any work.
    catalogue = rule_metadata(config.scanners, custom_meta)

    discovered, warnings = discover(root, config.max_file_bytes)
    digests = FileDigests(config.cache_dir, root) if config.cache_dir is not None else None
    context, digest = (
        _context(root, discovered, warnings, config.cache_dir, config.registry)
        if ScannerId.AI_RULES in config.scanners
        else (None, "none")
    )
    rule_ids = [r.meta.id for r in file_rules] + [r.meta.id for r in all_repo_rules]
    cache = ResultCache.open(config.cache_dir, config.settings(), digest, rule_ids, digests)
    sources = [f for f in discovered if f.language is not None]
    # In-tests marking needs only the test layout, not the discovered list.
    layout = context.tests if context is not None else _test_layout(root, discovered)
    del discovered
    # Attribution's reads are mostly git processes: they run while the files are analysed.
    history = None
    if config.provenance.enabled:
        paths = [f.path for f in sources]
        history = _in_background(
            read_history, root, paths, config.provenance, cache_dir=config.cache_dir, workers=config.workers
        )

    # Each outcome is folded in as it arrives (from the cache or the pool) and dropped:
    # the parent never holds every file's outcome at once.
    findings: list[Finding] = []
    metrics: list[FileMetrics] = []
    facts = _FactSpool([r.meta.id for r in all_repo_rules])
    directives = {}
    for outcome in _outcomes(root, sources, config, context, file_rules, all_repo_rules, cache, warnings):
        warnings.extend(outcome.warnings)
        findings.extend(outcome.findings)
        if outcome.metrics is not None:
            metrics.append(outcome.metrics)
        if outcome.directives:
            directives[outcome.path] = outcome.directives
        facts.add(outcome.path, outcome.facts)
    del sources
    if context is not None:
        findings.extend(_conclude(all_repo_rules, facts, context, warnings))
    # Rules may memoise per context what they concluded from the facts (context_rules):
    # freed here, not after attribution and the joins (on 100,000 files, ≈ 40 MiB).
    del facts, context
    metrics.sort(key=lambda m: m.path)

    kept, suppressed = apply_suppressions(findings, directives)
    kept = mark_in_tests(kept, layout)
    fingerprinted = assign_fingerprints(kept)
    attribution = None
    read = history.result() if history is not None else None
    if read is not None:
        attribution = decide(read, {m.path: m.lines for m in metrics})
        if attribution is not None:
            fingerprinted = join_findings(fingerprinted, attribution)
            warnings.extend(
                ScanWarning("provenance:unattributed", path, f"lines unknown: {why}"[:500])
                for path, why in attribution.failed.items()
                if why != "not committed"
            )
    metrics = join_metrics(metrics, attribution)
    return ScanResult(
        root=str(root),
        engine_version=ENGINE_VERSION,
        scanner_versions=scanner_versions(config.scanners),
        files=tuple(sorted(metrics, key=lambda m: m.path)),
        findings=tuple(fingerprinted),
        warnings=tuple(sorted(set(warnings), key=lambda w: (w.path, w.code, w.message))),
        suppressed=suppressed,
        rules=catalogue,
        duration_seconds=round(time.perf_counter() - started, 3),
        provenance=summarise(attribution) if attribution is not None else None,
    )


_R = TypeVar("_R")


def _in_background(function: Callable[..., _R], *args: Any, **kwargs: Any) -> Future[_R]:
    """`function` run in a thread of its own. One executor per call, never shared: a
    module-level pool would not survive the fork of a prefork (Celery) worker."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine-background")
    try:
        return executor.submit(function, *args, **kwargs)
    finally:
        executor.shutdown(wait=False)  # the submitted call still runs; the thread then ends


def _context(
    root: Path,
    discovered: list[DiscoveredFile],
    warnings: list[ScanWarning],
    cache_dir: Path | None,
    registry: RegistryConfig | None,
) -> tuple[RepoContext | None, str]:
    """The repository context and its digest (cached: scanners/cache.py; never when it asked
    the package registries, whose answers age)."""
    paths = [f.path for f in discovered]

    def build(checkout: Path, files: list[str]) -> RepoContext:
        return build_repo_context(checkout, files, registry)

    def build_once() -> tuple[RepoContext, str]:
        if registry is None:
            return cached_context(cache_dir, root, paths, build)
        context = build(root, paths)
        return context, context_digest(context)

    try:
        # json, tomllib and ast recurse per nesting level of a manifest: same budget always.
        return with_headroom(build_once)
    except Exception as exc:
        # Without a context our rules cannot run; bandit and radon still can.
        message = f"custom rules skipped: {type(exc).__name__}: {exc}"[:500]
        warnings.append(ScanWarning("rule:context-crashed", "", message))
        return None, "none"


def _test_layout(root: Path, discovered: list[DiscoveredFile]) -> TestLayout:
    try:
        return build_test_layout(root, [f.path for f in discovered])
    except Exception:
        return TestLayout()  # conventions alone; bandit's and radon's findings still get marked


def mark_in_tests(findings: Sequence[Finding], layout: TestLayout) -> list[Finding]:
    """Every finding with `in_tests` set from the one test-code policy (testcode.py)."""
    verdict: dict[str, bool] = {}
    marked = []
    for finding in findings:
        in_tests = verdict.get(finding.path)
        if in_tests is None:
            in_tests = verdict[finding.path] = layout.is_test(finding.path)
        marked.append(dataclasses.replace(finding, in_tests=True) if in_tests else finding)
    return marked


def _custom_rules(
    config: EngineConfig, rules: Sequence[Rule] | None, repo_rules: Sequence[RepoRule] | None
) -> tuple[tuple[Rule, ...], tuple[RepoRule, ...], tuple[RuleMeta, ...] | None]:
    if ScannerId.AI_RULES not in config.scanners:
        return (), (), None
    if rules is None and repo_rules is None:
        return tuple(FILE_RULES), tuple(REPO_RULES), None
    chosen, chosen_repo = tuple(rules or ()), tuple(repo_rules or ())
    return chosen, chosen_repo, tuple([r.meta for r in chosen] + [r.meta for r in chosen_repo])


def _conclude(
    repo_rules: Sequence[RepoRule],
    facts: _FactSpool,
    context: RepoContext,
    warnings: list[ScanWarning],
) -> Iterator[Finding]:
    for rule in repo_rules:
        try:
            pairs = list(rule.conclude(facts.take(rule.meta.id), context))
        except Exception as exc:
            warnings.append(
                ScanWarning("rule:crashed", "", f"{rule.meta.id}: {type(exc).__name__}: {exc}"[:500])
            )
            continue
        for path, hit in pairs:
            # The file text lives in the worker; repo rules pass the line's text in hit.snippet.
            yield hit_to_finding(rule.meta, path, hit, (), context.in_tests(path))


class _FactSpool:
    """Repo rules' per-file facts, kept pickled in batches until `conclude` (one rule's
    facts unpickled at a time, after the pool has gone). Held as objects, the facts of
    10 rules over 100,000 files were ≈ 150 MiB of the scan process while the pool ran;
    pickled, about a quarter of that.

    Rules that collect the very same objects (AI101 and AI102 share one module's facts)
    are stored once and taken as one dict: pickled apart, each would unpickle its own
    copy, and the rules' memo of what they concluded (keyed by those objects' identity)
    would miss, concluding twice with both copies alive."""

    BATCH = 2000
    # Below this many files the facts stay objects: a re-scan of a repository this size
    # loads them all from the cache, and pickling them again only to unpickle them at
    # conclude would cost ≈ 40% of that re-scan (Django: 2,957 files) for little memory.
    PACK_FROM_FILES = 10_000

    def __init__(self, rule_ids: Sequence[str]) -> None:
        self._pending: dict[str, list[tuple[str, Any]]] = {rule_id: [] for rule_id in rule_ids}
        self._packed: dict[str, list[bytes]] = {rule_id: [] for rule_id in rule_ids}
        self._files = 0
        # Rule → the rule whose fact was the same object (or equally absent) for every file
        # so far: paired at the first file where both collected the same object and their
        # facts so far agree, given up at the first file where they differ. A rule is
        # considered for pairing once, at its first fact that is not None.
        self._twins: dict[str, str] = {}
        self._unpaired = set(rule_ids)
        self._untaken = set(rule_ids)
        self._taken: dict[str, dict[str, Any]] = {}  # a twin's facts, until all sharing it took them

    def add(self, path: str, facts: Mapping[str, Any]) -> None:
        self._files += 1
        if self._unpaired:
            self._pair(facts)
        for rule_id, twin in list(self._twins.items()):
            if facts.get(rule_id, _ABSENT) is not facts.get(twin, _ABSENT):
                # Its own from now on: until here its facts were the twin's.
                del self._twins[rule_id]
                self._pending[rule_id] = list(self._pending[twin])
                self._packed[rule_id] = list(self._packed[twin])
        for rule_id, value in facts.items():
            if rule_id in self._twins:
                continue
            pending = self._pending[rule_id]
            pending.append((path, value))
            if len(pending) >= self.BATCH and self._files > self.PACK_FROM_FILES:
                self._packed[rule_id].append(pickle.dumps(pending, protocol=pickle.HIGHEST_PROTOCOL))
                pending.clear()

    def _pair(self, facts: Mapping[str, Any]) -> None:
        first_with: dict[int, str] = {}
        for rule_id, value in facts.items():
            if value is None:  # None is everyone's "nothing here": no evidence of sharing
                continue
            first = first_with.setdefault(id(value), rule_id)
            if rule_id not in self._unpaired:
                continue
            self._unpaired.discard(rule_id)
            if first != rule_id and first not in self._twins and self._agree(rule_id, first):
                self._twins[rule_id] = first
                self._pending[rule_id] = []

    def _agree(self, rule_id: str, twin: str) -> bool:
        """Whether the two rules stored the very same facts so far (before any packing)."""
        mine, theirs = self._pending[rule_id], self._pending[twin]
        return (
            not self._packed[rule_id]
            and not self._packed[twin]
            and len(mine) == len(theirs)
            and all(a[0] == b[0] and a[1] is b[1] for a, b in zip(mine, theirs, strict=True))
        )

    def take(self, rule_id: str) -> dict[str, Any]:
        """The rule's facts by path, in the order they were added; forgotten here once every
        rule sharing them took them. Rules sharing facts get the same dict: read-only."""
        twins = self._twins
        self._untaken.discard(rule_id)
        source = twins.get(rule_id, rule_id)
        taken = self._taken.pop(source, None)
        if taken is None:
            taken = {}
            for packed in self._packed.pop(source, []):
                taken.update(pickle.loads(packed))  # noqa: S301 - pickled above
            taken.update(self._pending.pop(source, []))
        sharing = {source} | {alias for alias, twin in twins.items() if twin == source}
        if sharing & self._untaken:
            self._taken[source] = taken
        return taken


_ABSENT = object()


# ---- the pool ---------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(
    root: Path,
    settings: AnalysisSettings,
    context: RepoContext | None,
    rules: tuple[Rule, ...],
    repo_rules: tuple[RepoRule, ...],
) -> None:
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])  # inherited when forked; not when spawned
    _WORKER.update(root=root, settings=settings, context=context, rules=rules, repo_rules=repo_rules)


def _init_spawned_worker(payload: bytes) -> None:
    """`_init_worker` from the parent's one pickle of its arguments (made once per scan,
    not once per worker); the context then sits in the permanent generation, which no
    collection walks."""
    _init_worker(*pickle.loads(payload))  # noqa: S301 - pickled by this scan's parent
    gc.freeze()


def _analyse_chunk(chunk: list[DiscoveredFile]) -> list[FileOutcome]:
    w = _WORKER
    return [
        analyse_file(w["root"], f, w["settings"], w["context"], w["rules"], w["repo_rules"]) for f in chunk
    ]


def _chunks(files: list[DiscoveredFile], workers: int) -> list[list[DiscoveredFile]]:
    # Largest files first so the long tail is short; ~8 chunks per worker for balance.
    ordered = sorted(files, key=lambda f: -f.size)
    size = max(1, min(MAX_CHUNK, len(ordered) // (workers * 8) or 1))
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def _outcomes(
    root: Path,
    files: list[DiscoveredFile],
    config: EngineConfig,
    context: RepoContext | None,
    rules: tuple[Rule, ...],
    repo_rules: tuple[RepoRule, ...],
    cache: ResultCache,
    warnings: list[ScanWarning],
) -> Iterator[FileOutcome]:
    """Every file's outcome, cached ones first, then the others as the pool finishes them
    (each stored in the cache as it arrives)."""
    pending: list[DiscoveredFile] = []
    with gc_paused():
        for file in files:
            hit = cache.get(file)
            if hit is None:
                pending.append(file)
            else:
                yield hit
    workers = min(config.worker_count, max(1, len(pending)))
    if len(pending) <= SERIAL_MAX_FILES:
        workers = 1
    if workers > 1 and multiprocessing.current_process().daemon:
        # e.g. inside a Celery prefork child: daemonic processes may not have children.
        warnings.append(ScanWarning("engine:no-pool", "", "running in a daemon process; analysing serially"))
        workers = 1
    settings = config.settings()
    with fewer_collections():
        if workers == 1:
            for file in pending:
                outcome = analyse_file(root, file, settings, context, rules, repo_rules)
                cache.store(file, outcome)
                yield outcome
        else:
            by_path = {f.path: f for f in pending}
            pool = _pool(workers, (root, settings, context, rules, repo_rules))
            with pool:
                for batch in pool.map(_analyse_chunk, _chunks(pending, workers)):
                    for outcome in batch:
                        cache.store(by_path[outcome.path], outcome)
                        yield outcome
    cache.finish()


def _pool(workers: int, initargs: tuple[Any, ...]) -> ProcessPoolExecutor:
    """The analysis pool, its workers started fresh (`POOL_START_METHOD`) rather than
    forked from the caller.

    A forked worker carries everything its parent had loaded: inside a Celery child that
    is Django and the whole app (≈ 190 MiB of RSS per worker on a 100,000-file scan, most
    of it shared with the parent but counted in each process's RSS). A spawned worker
    imports the engine alone and gets the context once, through its initializer. Rules
    that do not pickle (a test's local class) fall back to forking."""
    try:
        payload = pickle.dumps(initargs, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError):
        payload = None
    if payload is None or POOL_START_METHOD not in multiprocessing.get_all_start_methods():
        forking = multiprocessing.get_context("fork")
        return ProcessPoolExecutor(workers, forking, initializer=_init_worker, initargs=initargs)
    fresh = multiprocessing.get_context(POOL_START_METHOD)
    return ProcessPoolExecutor(workers, fresh, initializer=_init_spawned_worker, initargs=(payload,))
