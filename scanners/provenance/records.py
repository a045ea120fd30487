"""Line-level provenance records a repository may carry, and its declared AI paths.

* **Git AI authorship logs** (Git AI Standard v3.0.0,
  https://github.com/git-ai-project/git-ai/blob/main/specs/git_ai_standard_v3.0.0.md):
  one git note per commit under `refs/notes/ai`. An attestation section (a file path at
  the start of a line, then lines `  <session hash> <ranges>` such as `1-4,9,12-20`), a
  line `---`, then JSON metadata whose `prompts[hash].agent_id` names `tool` and `model`.
  Line numbers are those of the file *in that commit*; a file of the commit that is not
  listed, or a line not in any range, was written by a human (the standard lists only AI
  lines and says files without AI lines "MUST NOT be included").
* **Agent Trace records** (Agent Trace 0.1.0, https://github.com/cursor/agent-trace,
  README §6): JSON trace records with `vcs.revision`, `files[].path` and
  `files[].conversations[].ranges[]` (`start_line`/`end_line`, 1-indexed, positions at
  the recorded revision) and a `contributor.type` of `ai` / `human` / `mixed` / `unknown`
  (per conversation, overridable per range) with an optional `model_id`. The spec leaves
  storage open; we read the reference implementation's `.agent-trace/traces.jsonl` (any
  `*.jsonl` / `*.json` under `.agent-trace/`) and notes under `refs/notes/agent-trace`.
  `mixed` (human-edited AI output) counts as AI; `unknown` says nothing. Per §6.5 a line is
  looked up by the commit blame gives it and its line number in that commit.
* **Declared AI paths**: `.auditor/ai-paths`, one glob per line (`#` comments; `*` within
  a directory, `**` across directories, a pattern without `/` matches the file name
  anywhere): every line of a matching file counts as AI unless a line-level record says
  otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanners.provenance.gitrun import ReadOnlyGit, cat_objects

GIT_AI_REF = "refs/notes/ai"
AGENT_TRACE_REF = "refs/notes/agent-trace"
AI_PATHS_FILE = ".auditor/ai-paths"
_MAX_NOTE_BYTES = 8 * 1024 * 1024
_MAX_TRACE_BYTES = 32 * 1024 * 1024
_ENTRY = re.compile(r"  ([0-9a-fA-F]{7,64}) ([0-9,\-]+)")


@dataclass(frozen=True, slots=True)
class LineClaim:
    """What a record says about lines of one file in one commit."""

    ai: bool
    tool: str
    model: str
    source: str  # "git-ai" | "agent-trace"


# commit → path (as in that commit) → line number there → claim
Records = dict[str, dict[str, dict[int, LineClaim]]]


def parse_ranges(spec: str, limit: int = 1_000_000) -> Iterator[int]:
    """Lines of a range list like `1-4,9,12-20` (bounded: a hostile note cannot make us loop)."""
    for part in spec.split(","):
        start, dash, end = part.partition("-")
        if not start.isdigit() or (dash and not end.isdigit()):
            continue
        first, last = int(start), int(end or start)
        if first < 1 or last < first:
            continue
        yield from range(first, min(last, first + limit) + 1)


def _unquote(path: str) -> str:
    return path[1:-1] if len(path) >= 2 and path[0] == path[-1] == '"' else path


def parse_authorship_log(text: str) -> dict[str, dict[int, LineClaim]]:
    """One Git AI note: path → line → claim (only AI lines are listed)."""
    text = text.replace("\r\n", "\n")
    if text.startswith("---\n"):  # no AI line at all: only the metadata
        attest, meta_text = "", text[4:]
    else:
        attest, _divider, meta_text = text.partition("\n---\n")
    try:
        meta = json.loads(meta_text) if meta_text.strip() else {}
    except ValueError:
        meta = {}
    prompts = meta.get("prompts", {}) if isinstance(meta, dict) else {}
    result: dict[str, dict[int, LineClaim]] = {}
    current: dict[int, LineClaim] | None = None
    for line in attest.split("\n"):
        if not line.strip():
            continue
        if not line.startswith(" "):
            current = result.setdefault(_unquote(line.rstrip()), {})
            continue
        entry = _ENTRY.fullmatch(line.rstrip())
        if entry is None or current is None:
            continue
        prompt = prompts.get(entry.group(1), {}) if isinstance(prompts, dict) else {}
        agent = prompt.get("agent_id", {}) if isinstance(prompt, dict) else {}
        agent = agent if isinstance(agent, dict) else {}
        claim = LineClaim(
            True, str(agent.get("tool") or "git-ai")[:64], str(agent.get("model") or "")[:128], "git-ai"
        )
        for n in parse_ranges(entry.group(2)):
            current[n] = claim
    return result


def _note_blobs(git: ReadOnlyGit, ref: str, commits: set[str], timeout: float) -> dict[str, tuple[str, str]]:
    """commit → (note blob id, note text), for the commits of `commits` that have a note
    under `ref`. A missing ref lists no note (`git notes list` succeeds with nothing)."""
    listing = git("notes", f"--ref={ref}", "list", timeout=timeout)
    if listing.returncode != 0:
        return {}
    wanted: dict[str, str] = {}
    for row in listing.stdout.decode("ascii", "replace").splitlines():
        parts = row.split()
        if len(parts) == 2 and parts[1] in commits:
            wanted[parts[0]] = parts[1]
    if not wanted:
        return {}
    blobs = cat_objects(git, sorted(wanted), b"blob", timeout, _MAX_NOTE_BYTES)
    return {wanted[blob]: (blob, data.decode("utf-8", "replace")) for blob, data in blobs.items()}


def read_git_ai_notes(git: ReadOnlyGit, commits: set[str], timeout: float) -> tuple[Records, dict[str, str]]:
    """Git AI authorship logs of `commits` (commit → path → line → claim), and each
    commit's note blob id (what identifies its record: decided.py)."""
    notes = _note_blobs(git, GIT_AI_REF, commits, timeout)
    return {sha: parse_authorship_log(text) for sha, (_, text) in notes.items()}, {
        sha: blob for sha, (blob, _) in notes.items()
    }


def _contributor(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        return None
    kind = str(value.get("type", "")).lower()
    return (
        (kind, str(value.get("model_id") or "")[:128])
        if kind in {"ai", "human", "mixed", "unknown"}
        else None
    )


def trace_claims(record: Any, into: Records) -> None:
    """Add one Agent Trace record's ranges to `into` (ignores what does not fit the schema)."""
    if not isinstance(record, dict):
        return
    vcs = record.get("vcs")
    revision = vcs.get("revision") if isinstance(vcs, dict) else None
    if not isinstance(revision, str) or not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", revision):
        return
    tool_info = record.get("tool")
    tool = str(tool_info.get("name") or "") if isinstance(tool_info, dict) else ""
    files = record.get("files")
    for file in files if isinstance(files, list) else []:
        if not isinstance(file, dict) or not isinstance(file.get("path"), str):
            continue
        lines = into.setdefault(revision, {}).setdefault(file["path"], {})
        conversations = file.get("conversations")
        for conversation in conversations if isinstance(conversations, list) else []:
            if not isinstance(conversation, dict):
                continue
            default = _contributor(conversation.get("contributor"))
            ranges = conversation.get("ranges")
            for span in ranges if isinstance(ranges, list) else []:
                if not isinstance(span, dict):
                    continue
                who = _contributor(span.get("contributor")) or default
                start, end = span.get("start_line"), span.get("end_line")
                if (
                    who is None
                    or who[0] == "unknown"
                    or not isinstance(start, int)
                    or not isinstance(end, int)
                ):
                    continue
                claim = LineClaim(who[0] != "human", tool[:64] or "agent-trace", who[1], "agent-trace")
                for n in parse_ranges(f"{start}-{end}"):
                    lines[n] = claim


def _json_documents(text: str) -> Iterator[Any]:
    stripped = text.strip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped):
        try:
            doc = json.loads(stripped)
        except ValueError:
            return
        yield from doc if isinstance(doc, list) else [doc]
        return
    for line in stripped.splitlines():
        try:
            yield json.loads(line)
        except ValueError:
            continue


def read_agent_traces(root: Path, git: ReadOnlyGit, commits: set[str], timeout: float) -> Records:
    """Agent Trace records from `.agent-trace/` files and `refs/notes/agent-trace`."""
    records: Records = {}
    directory = root / ".agent-trace"
    budget = _MAX_TRACE_BYTES
    if directory.is_dir() and not directory.is_symlink():
        for path in sorted(directory.rglob("*")):
            if path.is_symlink() or not path.is_file() or path.suffix not in {".json", ".jsonl"}:
                continue
            size = path.stat().st_size
            if size > budget:
                continue
            budget -= size
            for doc in _json_documents(path.read_text("utf-8", "replace")):
                trace_claims(doc, records)
    for _, text in _note_blobs(git, AGENT_TRACE_REF, commits, timeout).values():
        for doc in _json_documents(text):
            trace_claims(doc, records)
    return records


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A gitignore-like glob as a regex over a `/`-separated path."""
    anchored = "/" in pattern.strip("/")
    body = pattern.strip("/")
    out = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    # A directory pattern covers everything under it.
    return re.compile(f"{prefix}{''.join(out)}(?:/.*)?")


def read_ai_paths(root: Path) -> tuple[re.Pattern[str], ...]:
    """The globs of `.auditor/ai-paths` (none when the file is absent or unreadable)."""
    path = root / AI_PATHS_FILE
    if path.is_symlink() or not path.is_file() or path.stat().st_size > 256 * 1024:
        return ()
    globs = []
    for line in path.read_text("utf-8", "replace").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            globs.append(glob_regex(line))
    return tuple(globs)


def path_declared(path: str, globs: Iterable[re.Pattern[str]]) -> bool:
    return any(g.fullmatch(path) for g in globs)
