"""Each line of each scanned file: AI, human or unknown, with tool, model and source.

How a line is decided, first rule that applies (the precedence of issue 11, line-level
records > commit trailers > path globs):

1. `git blame` gives the commit that last touched the line and its number there. No
   blame (uncommitted file or line, blame failed or ran out of time), or a commit outside
   the history window (older than the newest `history_commits`, or the edge of a shallow
   clone, where blame stops and would wrongly credit the edge commit): **unknown**,
   unless rule 4 declares the file.
2. A line-level record for that commit: its **Git AI** authorship log (when the commit
   has one, a line it does not list is human), else an **Agent Trace** range covering
   the line (`ai`/`mixed` → AI, `human` → human).
3. The commit's **signature** (trailers, author, committer, message; signatures.toml and
   the team's own patterns): AI, with the entry's tool and model.
4. The path is declared in `.auditor/ai-paths`: AI.
5. Otherwise: **human** (a commit in the window with no AI signature). Trailers
   undercount AI work, so "human" means "no source says AI"; pages say so.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from scanners.paths import escape_path
from scanners.provenance.blame import (
    NOT_COMMITTED,
    BlameCache,
    BlameReport,
    FileBlame,
    blame_files,
    boundary_of,
    head_blobs,
)
from scanners.provenance.decided import Decided, DecidedCache, encode_runs, entry_digest, unaffected
from scanners.provenance.gitrun import GitTimeout, ReadOnlyGit, cat_objects
from scanners.provenance.lastfile import LastFile
from scanners.provenance.records import (
    LineClaim,
    Records,
    path_declared,
    read_agent_traces,
    read_ai_paths,
    read_git_ai_notes,
)
from scanners.provenance.replay import Replay, ReplayCache, cached_window, replay_history
from scanners.provenance.signatures import (
    Commit,
    Signature,
    Verdict,
    builtin_signatures,
    classify_commit,
    compile_signatures,
)

AI, HUMAN, UNKNOWN = "ai", "human", "unknown"
# Sources, as recorded per line and summed in the scan's summary.
SOURCE_GIT_AI, SOURCE_TRACE, SOURCE_TRAILER, SOURCE_PATHS, SOURCE_HISTORY = (
    "git-ai", "agent-trace", "signature", "ai-paths", "history",
)  # fmt: skip


@dataclass(frozen=True)
class ProvenanceConfig:
    """How attribution runs. `extra_signatures`: a team's own entries (signatures.toml shape)."""

    enabled: bool = True
    history_commits: int = 1000  # lines last touched before the newest N commits are unknown
    budget_seconds: float = 600.0  # for the whole scan's blames
    extra_signatures: tuple[Mapping[str, Any], ...] = ()
    git: str = "git"
    # The commit of the previous scan: lines last touched after it are "new code", counted
    # per origin (e.g. "more than N% of new code is AI-written"). "" or absent: not counted.
    base_commit: str = ""

    def __post_init__(self) -> None:
        if self.history_commits < 1:
            raise ValueError("history_commits must be >= 1")
        if self.budget_seconds <= 0:
            raise ValueError("budget_seconds must be positive")
        compile_signatures(self.extra_signatures)  # a bad team pattern fails before any work


@dataclass(frozen=True, slots=True)
class LineOrigin:
    origin: str  # ai | human | unknown
    tool: str = ""
    model: str = ""
    source: str = ""


UNKNOWN_LINE = LineOrigin(UNKNOWN)


@dataclass
class Attribution:
    """Per path, its lines as runs of one origin: (first line, last line, origin), 1-based,
    covering every line; and what the attribution rests on."""

    runs: dict[str, tuple[Run, ...]]
    history_commits: int
    blamed: list[str] = field(default_factory=list)
    cached: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    sources_present: list[str] = field(default_factory=list)
    seconds: float = 0.0
    new_lines: dict[str, int] | None = None  # per origin, lines touched since base_commit
    reused: int = 0  # files whose runs came from the decided cache (decided.py)
    _starts: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def files(self) -> Mapping[str, tuple[LineOrigin, ...]]:
        """Per path, one LineOrigin per line (index 0 = line 1), expanded on access."""
        return _PerLine(self.runs)

    def line(self, path: str, number: int) -> LineOrigin:
        runs = self.runs.get(path)
        if not runs or number < 1:
            return UNKNOWN_LINE
        starts = self._starts.get(path)
        if starts is None:
            starts = self._starts[path] = [run[0] for run in runs]
        first, last, origin = runs[bisect_right(starts, number) - 1]
        return origin if first <= number <= last else UNKNOWN_LINE

    def runs_of(self, path: str) -> tuple[Run, ...]:
        """The runs of `path` (empty when it has no attribution)."""
        return self.runs.get(path, ())


Run = tuple[int, int, LineOrigin]


def expand(runs: Iterable[Run]) -> tuple[LineOrigin, ...]:
    """One origin per line, from runs."""
    lines: list[LineOrigin] = []
    for first, last, origin in runs:
        lines.extend([origin] * (last - first + 1))
    return tuple(lines)


class _PerLine(Mapping[str, tuple[LineOrigin, ...]]):
    def __init__(self, runs: Mapping[str, tuple[Run, ...]]) -> None:
        self._runs = runs

    def __getitem__(self, path: str) -> tuple[LineOrigin, ...]:
        return expand(self._runs[path])

    def __iter__(self) -> Iterator[str]:
        return iter(self._runs)

    def __len__(self) -> int:
        return len(self._runs)


class _RunBuilder:
    """Lines appended in order, by run."""

    def __init__(self) -> None:
        self.count = 0
        self.runs: list[Run] = []

    def add(self, origin: LineOrigin, count: int) -> None:
        if count <= 0:
            return
        runs = self.runs
        first = self.count + 1
        self.count += count
        # Origins are interned by the decider (identity); equality covers the rest.
        if runs and ((last := runs[-1])[2] is origin or last[2] == origin):
            runs[-1] = (last[0], self.count, origin)
        else:
            runs.append((first, self.count, origin))

    def done(self) -> tuple[Run, ...]:
        return tuple(self.runs)


def _parse_commit(sha: str, raw: bytes) -> Commit:
    head, _, message = raw.partition(b"\n\n")
    author = committer = ""
    for line in head.split(b"\n"):
        if line.startswith(b"author "):
            author = _identity(line[7:])
        elif line.startswith(b"committer "):
            committer = _identity(line[10:])
    return Commit(sha, author, committer, message.decode("utf-8", "replace"))


def _identity(value: bytes) -> str:
    # "Name <email> 1700000000 +0000" → "Name <email>"
    text = value.decode("utf-8", "replace")
    end = text.rfind(">")
    return text[: end + 1] if end >= 0 else text


def read_commits(git: ReadOnlyGit, shas: Iterable[str], timeout: float) -> dict[str, Commit]:
    """The commit objects of `shas`, in one `git cat-file --batch`."""
    raw = cat_objects(git, sorted(set(shas)), b"commit", timeout)
    return {sha: _parse_commit(sha, data) for sha, data in raw.items()}


def _dirty(git: ReadOnlyGit, timeout: float) -> set[str]:
    run = git("diff", "--no-renames", "--name-only", "-z", "HEAD", "--", timeout=timeout)
    return {escape_path(n) for n in run.stdout.split(b"\0") if n} if run.returncode == 0 else set()


def _shallow(root: Path) -> set[str]:
    try:
        return set((root / ".git" / "shallow").read_text("ascii").split())
    except OSError:
        return set()


class _Decider:
    """Rules 1 to 5 of the module docstring, for lines of one scan."""

    def __init__(
        self,
        window: set[str],
        boundary: set[str],
        verdicts: Mapping[str, Verdict | None],
        notes: Records,
        traces: Records,
        globs: Sequence[Any],
    ) -> None:
        self.window, self.boundary, self.verdicts = window, boundary, verdicts
        self.notes, self.traces, self.globs = notes, traces, globs
        self._interned: dict[tuple[str, str, str, str], LineOrigin] = {}
        # A commit's origin by its signature: (sha, declared) → origin.
        self._by_commit: dict[tuple[str, bool], LineOrigin] = {}
        # Per `declared`: sha → the origin of all its lines, or None (decided line by line).
        self._by_commit_lines: dict[bool, dict[str, LineOrigin | None]] = {False: {}, True: {}}

    def origin(self, origin: str, tool: str = "", model: str = "", source: str = "") -> LineOrigin:
        key = (origin, tool, model, source)
        found = self._interned.get(key)
        if found is None:
            found = self._interned[key] = LineOrigin(origin, tool, model, source)
        return found

    def _claim(self, claim: LineClaim) -> LineOrigin:
        if claim.ai:
            return self.origin(AI, claim.tool, claim.model, claim.source)
        return self.origin(HUMAN, "", "", claim.source)

    def file(self, path: str, blame: FileBlame | None, line_count: int) -> tuple[Run, ...]:
        """The origins of the `line_count` lines of `path`, as runs.

        A commit without line-level records decides all its lines alike, so blame's runs
        of one commit are decided once (most of a file's lines come in such runs)."""
        declared = bool(self.globs) and path_declared(path, self.globs)
        fallback = self.origin(AI, "declared", "", SOURCE_PATHS) if declared else UNKNOWN_LINE
        built = _RunBuilder()
        if blame is None:
            built.add(fallback, line_count)
            return built.done()
        # A commit's lines are decided alike in every file, unless blame stopped at an edge
        # of its own in this file: then only within it.
        decided_by_commit = self._by_commit_lines[declared] if not blame.boundary else {}
        add = built.add
        # A blame longer than the file (it changed on disk meanwhile) is cut to it.
        lines = blame.lines if len(blame.lines) <= line_count else blame.lines[:line_count]
        for sha, run in groupby(lines, key=_SHA):
            decided = decided_by_commit.get(sha, _UNDECIDED)
            if decided is _UNDECIDED:
                decided = decided_by_commit[sha] = self._commit(sha, declared, fallback, blame.boundary)
            if decided is not None:
                add(decided, len(list(run)))
                continue
            for _, orig_line, orig_path in run:
                add(self._line(sha, orig_line, orig_path, declared, fallback), 1)
        # A blame shorter than the file leaves the rest unknown.
        add(UNKNOWN_LINE, line_count - built.count)
        return built.done()

    def _commit(
        self, sha: str, declared: bool, fallback: LineOrigin, edge: frozenset[str]
    ) -> LineOrigin | None:
        """The origin of every line `sha` last touched, or None when records decide per line."""
        if sha == NOT_COMMITTED or sha not in self.window or sha in self.boundary or sha in edge:
            return fallback
        if sha in self.notes or sha in self.traces:
            return None
        return self._signed(sha, declared, fallback)

    def _signed(self, sha: str, declared: bool, fallback: LineOrigin) -> LineOrigin:
        """Rules 3 to 5: the commit's signature, the declared paths, else human."""
        key = (sha, declared)
        known = self._by_commit.get(key)
        if known is None:
            verdict = self.verdicts.get(sha)
            if verdict is not None:
                known = self.origin(AI, verdict.tool, verdict.model, SOURCE_TRAILER)
            elif declared:
                known = fallback
            else:
                known = self.origin(HUMAN, "", "", SOURCE_HISTORY)
            self._by_commit[key] = known
        return known

    def _line(
        self, sha: str, orig_line: int, orig_path: str, declared: bool, fallback: LineOrigin
    ) -> LineOrigin:
        """Rule 2 for one line of a commit with line-level records, else rules 3 to 5."""
        note = self.notes.get(sha)
        if note is not None:
            claim = note.get(orig_path, {}).get(orig_line)
            return self._claim(claim) if claim else self.origin(HUMAN, "", "", SOURCE_GIT_AI)
        traced_file = self.traces[sha].get(orig_path) if sha in self.traces else None
        if traced_file is not None and orig_line in traced_file:
            return self._claim(traced_file[orig_line])
        return self._signed(sha, declared, fallback)


_SHA = itemgetter(0)
_UNDECIDED = LineOrigin("undecided")


@dataclass
class History:
    """What attribution reads from the checkout (`read_history`), ready to decide each
    line (`decide`). Split so that the engine reads git while it analyses files."""

    config: ProvenanceConfig
    git: ReadOnlyGit
    deadline: float
    read_seconds: float
    ordered: list[str] = field(default_factory=list)
    merges: bool = False
    shallow: set[str] = field(default_factory=set)
    report: BlameReport | None = None  # None: the time budget ran out while reading
    verdicts: Verdicts = field(default_factory=lambda: Verdicts(set(), {}, {}))
    notes: Records = field(default_factory=dict)
    traces: Records = field(default_factory=dict)
    globs: Sequence[Any] = ()
    # For the decided cache (decided.py): the replay this rests on, files changed on disk,
    # the entry digest, and each commit's records identity.
    replay: Replay | None = None
    dirty: set[str] = field(default_factory=set)
    digest: str = ""
    record_ids: dict[str, str] = field(default_factory=dict)
    decided_cache: DecidedCache = field(default_factory=lambda: DecidedCache(None))


def read_history(
    root: Path,
    paths: Iterable[str],
    config: ProvenanceConfig,
    *,
    cache_dir: Path | None = None,
    workers: int | None = None,
) -> History | None:
    """Read what attributing `paths` (engine paths) in the checkout `root` needs from git.

    None when `root` is not the top of a git checkout with a commit (nothing to read).
    """
    started = time.monotonic()
    deadline = started + config.budget_seconds
    git = ReadOnlyGit(root, config.git)
    try:
        # One process: the top of the work tree, then HEAD's commit.
        run = git("rev-parse", "--show-toplevel", "--verify", "-q", "HEAD^{commit}", timeout=30)
    except (OSError, GitTimeout):
        return None
    out = run.stdout.decode("utf-8", "surrogateescape").splitlines()
    if run.returncode != 0 or len(out) != 2 or Path(out[0]).resolve() != root.resolve():
        return None
    head = out[1].strip()

    def remaining() -> float:
        return max(deadline - time.monotonic(), 1.0)

    try:
        shallow = _shallow(root)
        replay_cache = ReplayCache(cache_dir / "provenance-replay" if cache_dir is not None else None)
        ordered, merges = _window(git, config, shallow, replay_cache, remaining())
        window = set(ordered)
        blobs = head_blobs(git, remaining())
        dirty = _dirty(git, remaining())
        report, replay = _line_origins(
            git, list(paths), head=head, ordered=ordered, merges=merges, blobs=blobs, dirty=dirty,
            shallow=shallow, config=config, cache_dir=cache_dir, replay_cache=replay_cache, workers=workers,
            deadline=deadline,
        )  # fmt: skip
        used: set[str] = set()
        for blame in report.blames.values():
            used.update(map(_SHA, blame.lines))
        used &= window
        signatures = (*builtin_signatures(), *compile_signatures(config.extra_signatures))
        verdicts = _verdicts(git, used, signatures, cache_dir, remaining())
        notes, note_ids = read_git_ai_notes(git, used, remaining())
        traces = read_agent_traces(root, git, used, remaining())
    except GitTimeout:
        return History(config, git, deadline, time.monotonic() - started)
    globs = read_ai_paths(root)
    record_ids = dict(note_ids)
    for sha, traced in traces.items():
        digest = hashlib.sha256(repr(sorted(traced.items())).encode("utf-8", "surrogatepass")).hexdigest()
        record_ids[sha] = f"{record_ids.get(sha, '')}|{digest}"
    return History(
        config, git, deadline, time.monotonic() - started, ordered=ordered, merges=merges, shallow=shallow,
        report=report, verdicts=verdicts, notes=notes, traces=traces, globs=globs, replay=replay,
        dirty=dirty, digest=entry_digest(signatures, globs, config.history_commits), record_ids=record_ids,
        decided_cache=DecidedCache(cache_dir / "provenance-decided" if cache_dir is not None else None),
    )  # fmt: skip


def decide(history: History, paths: Mapping[str, int]) -> Attribution:
    """Every line of `paths` (engine path → line count), by the rules of the module docstring."""
    started = time.monotonic()
    config, report = history.config, history.report
    if report is None:
        unknown: dict[str, tuple[Run, ...]] = {p: ((1, n, UNKNOWN_LINE),) * (n > 0) for p, n in paths.items()}
        return Attribution(unknown, config.history_commits, failed=dict.fromkeys(paths, "time budget spent"))
    verdicts, notes, traces, globs = history.verdicts, history.notes, history.traces, history.globs
    window = set(history.ordered)
    decider = _Decider(window, history.shallow, verdicts, notes, traces, globs)
    runs, reused = _decided_runs(history, decider, window, paths)
    linear = None if history.merges else history.ordered  # merge-free: base..HEAD is a prefix
    timeout = max(history.deadline - time.monotonic(), 1.0)
    new_lines = _new_lines(history.git, config.base_commit, report.blames, runs, timeout, linear)
    present = [name for name, on in (
        (SOURCE_GIT_AI, bool(notes)), (SOURCE_TRACE, bool(traces)),
        (SOURCE_TRAILER, verdicts.any_signed()), (SOURCE_PATHS, bool(globs)),
    ) if on]  # fmt: skip
    return Attribution(
        runs=runs,
        history_commits=config.history_commits,
        blamed=sorted(report.blamed),
        cached=len(report.blames) - len(report.blamed),
        failed={path: why for path, why in report.failed.items() if path in paths},
        sources_present=present,
        seconds=round(history.read_seconds + time.monotonic() - started, 3),
        new_lines=new_lines,
        reused=reused,
    )


def _decided_runs(
    history: History, decider: _Decider, window: set[str], paths: Mapping[str, int]
) -> tuple[dict[str, tuple[Run, ...]], int]:
    """Each path's runs, reused from the decided cache where still valid (decided.py);
    stored there when the replay stored its state at this head."""
    report, replay, cache = history.report, history.replay, history.decided_cache
    assert report is not None
    size = history.config.history_commits
    entry = (
        cache.get(replay.base, size, history.digest)
        if replay is not None and replay.base and not replay.stored
        else None
    )
    changed: set[str] = set()
    origins: list[LineOrigin] = []
    fresh = set(report.blamed) | history.dirty
    if entry is not None:
        changed = entry.changed_commits(window, history.shallow, history.record_ids)
        origins = [decider.origin(*values) for values in entry.origins]
    stored_files = entry.files if entry is not None else {}
    made_runs: dict[str, tuple[Run, ...]] = entry.made if entry is not None else {}
    runs: dict[str, tuple[Run, ...]] = {}
    reused = 0
    for path, count in paths.items():
        blame = report.blames.get(path)
        kept = stored_files.get(path) if path not in fresh else None
        if kept is not None and kept[0] == count and blame is not None and unaffected(blame.lines, changed):
            made = made_runs.get(path)
            if made is None:
                made = made_runs[path] = tuple([(first, last, origins[at]) for first, last, at in kept[1]])
            runs[path] = made
            reused += 1
        else:
            runs[path] = decider.file(path, blame, count)
    if replay is not None and replay.stored and cache.directory is not None:
        index: dict[LineOrigin, int] = {}
        values: list[tuple[str, str, str, str]] = []
        files = {
            path: (paths[path], encode_runs(path_runs, index, values))
            for path, path_runs in runs.items()
            if path in report.blames and path not in history.dirty
        }
        stored = Decided(history.digest, window, set(history.shallow), history.record_ids, values, files)
        stored.made.update((path, runs[path]) for path in files)
        cache.put(history.ordered[0], size, stored)
    return runs, reused


def attribute(
    root: Path,
    paths: Mapping[str, int],
    config: ProvenanceConfig,
    *,
    cache_dir: Path | None = None,
    workers: int | None = None,
) -> Attribution | None:
    """Attribute every line of `paths` (engine path → line count) in the checkout `root`.

    None when `root` is not the top of a git checkout with a commit (nothing to read).
    """
    history = read_history(root, paths, config, cache_dir=cache_dir, workers=workers)
    return decide(history, paths) if history is not None else None


_RECENT = 200  # commits listed first, to find a stored window (replay.cached_window)


def _window(
    git: ReadOnlyGit, config: ProvenanceConfig, shallow: set[str], replay_cache: ReplayCache, timeout: float
) -> tuple[list[str], bool]:
    """The newest `history_commits` commits from HEAD, newest first, and whether any is a
    merge. A re-scan lists only the commits since a stored state (replay.cached_window):
    walking thousands of commits costs more than the rest of a re-scan's attribution."""

    def listed(count: int) -> list[list[str]]:
        run = git("rev-list", "--parents", f"--max-count={count}", "HEAD", timeout=timeout)
        return [line.split() for line in run.stdout.decode().splitlines()] if run.returncode == 0 else []

    recent = listed(min(_RECENT, config.history_commits))
    if replay_cache.directory is not None and len(recent) == min(_RECENT, config.history_commits):
        known = cached_window(recent, config.history_commits, shallow, cache=replay_cache)
        if known is not None:
            return known, False
    complete = len(recent) < _RECENT or config.history_commits <= _RECENT
    rows = recent if complete else listed(config.history_commits)
    return [row[0] for row in rows], any(len(row) > 2 for row in rows)


_MAX_CACHED_VERDICTS = 200_000
# The verdict file this process read or wrote last (lastfile.py).
_LAST_VERDICTS: LastFile[dict[str, Any]] = LastFile()
# What loading a damaged or foreign pickle raises: the entry is then computed again.
_UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError)


def _verdicts(
    git: ReadOnlyGit, shas: set[str], signatures: Sequence[Signature], cache_dir: Path | None, timeout: float
) -> Verdicts:
    """Each commit's verdict under `signatures`. A commit never changes, so verdicts are
    kept on disk per signature set: a re-scan reads and classifies only commits it has not
    seen (the new ones), not the whole window again."""
    digest = hashlib.sha256(
        repr([(s.id, s.tool, s.where, s.key, s.pattern.pattern) for s in signatures]).encode()
    ).hexdigest()
    path = cache_dir / "provenance-verdicts" / f"{digest}.pickle" if cache_dir is not None else None
    known: dict[str, Any] = {}
    if path is not None:
        # Verdicts never change: this process's copy, when it has one, is as good as the
        # file (one another worker extended lacks only what is classified again).
        known = _LAST_VERDICTS.get(path) or {}
        if not known:
            try:
                with path.open("rb") as handle:
                    loaded = pickle.load(handle)  # noqa: S301 - our own entries (replay.ReplayCache says why)
                known = loaded if isinstance(loaded, dict) else {}
            except _UNREADABLE:
                known = {}
    missing = shas - known.keys()
    fresh = {sha: classify_commit(c, signatures) for sha, c in read_commits(git, missing, timeout).items()}
    if path is not None and fresh:
        if len(known) > _MAX_CACHED_VERDICTS:
            known = {}
        known.update({sha: (v.tool, v.model, v.signature) if v else 0 for sha, v in fresh.items()})
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(known, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    if path is not None:
        _LAST_VERDICTS.keep(path, known)
    return Verdicts(shas, known, fresh)


class Verdicts(Mapping[str, "Verdict | None"]):
    """Each commit's verdict (None: human, or missing from the clone), made from its cached
    entry when first asked for: a re-scan decides only a few files (decided.py), so most
    of the window's verdicts are never looked at."""

    def __init__(self, shas: set[str], known: Mapping[str, Any], fresh: Mapping[str, Verdict | None]) -> None:
        self._shas, self._known, self._fresh = shas, known, fresh

    def __getitem__(self, sha: str) -> Verdict | None:
        if sha not in self._shas:
            raise KeyError(sha)
        if sha in self._fresh:
            return self._fresh[sha]
        entry = self._known.get(sha)
        if isinstance(entry, tuple) and len(entry) == 3:
            return Verdict(str(entry[0]), str(entry[1]), str(entry[2]))
        return None

    def __iter__(self) -> Iterator[str]:
        return iter(self._shas)

    def __len__(self) -> int:
        return len(self._shas)

    def any_signed(self) -> bool:
        """Whether any commit has an AI signature (without making every verdict)."""
        known, fresh = self._known, self._fresh
        if any(verdict is not None for verdict in fresh.values()):
            return True
        return any(isinstance(known.get(sha), tuple) for sha in self._shas - fresh.keys())


def _line_origins(
    git: ReadOnlyGit,
    paths: Sequence[str],
    *,
    head: str,
    ordered: list[str],
    merges: bool,
    blobs: dict[str, str],
    dirty: set[str],
    shallow: set[str],
    config: ProvenanceConfig,
    cache_dir: Path | None,
    replay_cache: ReplayCache,
    workers: int | None,
    deadline: float,
) -> tuple[BlameReport, Replay | None]:
    """Which commit last touched each line: one replay of a merge-free window (replay.py),
    else `git blame` per file (blame.py); files changed on disk are always blamed as they are."""
    blame_cache = BlameCache(cache_dir / "provenance-blame" if cache_dir is not None else None)
    workers = workers or os.cpu_count() or 1
    if merges or not ordered or ordered[0] != head:
        report = blame_files(git, list(paths), head=head, blobs=blobs, dirty=dirty, shallow=shallow,
                             cache=blame_cache, workers=workers, deadline=deadline)  # fmt: skip
        return report, None
    replayed = replay_history(git, ordered, config.history_commits, shallow,
                              max(deadline - time.monotonic(), 1.0), cache=replay_cache)  # fmt: skip
    report = blame_files(git, [p for p in paths if p in dirty], head=head, blobs=blobs, dirty=dirty,
                         shallow=shallow, cache=blame_cache, workers=workers, deadline=deadline)  # fmt: skip
    for path in paths:
        if path in dirty:
            continue
        if path not in blobs:
            report.failed[path] = "not committed"
            continue
        lines = replayed.state.get(path, [])
        edge = shallow.intersection(map(_SHA, lines)) if shallow else ()
        report.blames[path] = FileBlame(tuple(lines), boundary_of(edge))
        if path in replayed.touched or not replayed.from_cache:
            report.blamed.append(path)
    return report, replayed


def _new_lines(
    git: ReadOnlyGit,
    base: str,
    blames: Mapping[str, FileBlame],
    runs: Mapping[str, tuple[Run, ...]],
    timeout: float,
    linear: list[str] | None = None,
) -> dict[str, int] | None:
    """Lines per origin whose commit is in `base..HEAD`; None without a base in this clone.

    `linear`: the window, newest first, when it has no merge: a base inside it is found
    there, without asking git."""
    if not base:
        return None
    if linear is not None and base in linear:
        new = set(linear[: linear.index(base)])
    else:
        if git("cat-file", "-e", f"{base}^{{commit}}", timeout=timeout).returncode != 0:
            return None
        listed = git("rev-list", f"{base}..HEAD", timeout=timeout)
        if listed.returncode != 0:
            return None
        new = set(listed.stdout.decode().split())
    new.add(NOT_COMMITTED)
    counts = dict.fromkeys((AI, HUMAN, UNKNOWN), 0)
    for path, path_runs in runs.items():
        # Read for every discovered file; decided only for those analysed (`runs`).
        blame = blames.get(path)
        if blame is None or new.isdisjoint(map(_SHA, blame.lines)):
            continue  # most files: no line of a new commit (checked in C)
        for (sha, _, _), origin in zip(blame.lines, expand(path_runs), strict=False):
            if sha in new:
                counts[origin.origin] += 1
    return counts


def tally(lines: Iterable[LineOrigin]) -> Counter[str]:
    """Lines per origin."""
    return Counter(line.origin for line in lines)
