"""The table of AI signatures in commits (`signatures.toml`, data) and the matcher.

A commit is AI-authored when any entry matches it: a trailer (parsed as
`git interpret-trailers --parse` does, see trailers.py), the author or committer identity,
or the message itself. The first matching entry, in table order, names the tool and model.
Teams add their own entries (same shape, validated by `compile_signatures`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from scanners.provenance.trailers import parse_trailers

TABLE_PATH = Path(__file__).with_name("signatures.toml")
WHERE = ("trailer", "author", "committer", "message")
_MAX_PATTERN = 500


@dataclass(frozen=True, slots=True)
class Commit:
    """What the matcher reads of a commit."""

    sha: str
    author: str  # "Name <email>"
    committer: str
    message: str


@dataclass(frozen=True, slots=True)
class Signature:
    id: str
    tool: str
    where: str
    pattern: re.Pattern[str]
    key: str = ""  # trailer key, lower case

    def match(self, commit: Commit, trailers: list[tuple[str, str]]) -> re.Match[str] | None:
        if self.where == "trailer":
            for key, value in trailers:
                if key.lower() == self.key:
                    found = self.pattern.search(value)
                    if found:
                        return found
            return None
        text = {"author": commit.author, "committer": commit.committer}.get(self.where, commit.message)
        return self.pattern.search(text)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Why a commit counts as AI-written."""

    tool: str
    model: str
    signature: str  # the entry's id


class SignatureError(ValueError):
    """An entry of the table (or a team's pattern) is malformed."""


def compile_signature(entry: Mapping[str, Any]) -> Signature:
    """One validated entry; raises SignatureError naming what is wrong."""
    ident = str(entry.get("id", "")).strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", ident):
        raise SignatureError(f"id {ident!r}: expected kebab-case, at most 64 characters")
    where = entry.get("where")
    if where not in WHERE:
        raise SignatureError(f"{ident}: where must be one of {', '.join(WHERE)}")
    key = str(entry.get("key", "")).strip()
    if where == "trailer" and not re.fullmatch(r"[A-Za-z0-9-]+", key):
        raise SignatureError(f"{ident}: a trailer entry needs a key made of letters, digits and '-'")
    source = str(entry.get("pattern", ""))
    if not source or len(source) > _MAX_PATTERN:
        raise SignatureError(f"{ident}: pattern must be 1 to {_MAX_PATTERN} characters")
    try:
        pattern = re.compile(source, re.IGNORECASE)
    except re.error as exc:
        raise SignatureError(f"{ident}: invalid regular expression: {exc}") from None
    unknown = set(pattern.groupindex) - {"tool", "model"}
    if unknown:
        raise SignatureError(f"{ident}: unknown named groups {sorted(unknown)} (only tool, model)")
    tool = str(entry.get("tool", "")).strip()[:64]
    if not tool and "tool" not in pattern.groupindex:
        raise SignatureError(f"{ident}: needs a tool name or a (?P<tool>…) group")
    return Signature(ident, tool, str(where), pattern, key.lower())


def compile_signatures(entries: Iterable[Mapping[str, Any]]) -> tuple[Signature, ...]:
    """All entries, validated; duplicate ids fail."""
    compiled = tuple(compile_signature(e) for e in entries)
    ids = [s.id for s in compiled]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SignatureError(f"duplicate signature ids: {', '.join(duplicates)}")
    return compiled


def table_entries() -> list[dict[str, Any]]:
    """The shipped table as data (each entry with its example)."""
    with TABLE_PATH.open("rb") as f:
        return list(tomllib.load(f)["signature"])


@lru_cache(maxsize=1)
def builtin_signatures() -> tuple[Signature, ...]:
    return compile_signatures(table_entries())


def classify_commit(commit: Commit, signatures: Iterable[Signature]) -> Verdict | None:
    """The first signature matching `commit`, as a Verdict; None: no AI signature (human)."""
    trailers = parse_trailers(commit.message)
    for signature in signatures:
        found = signature.match(commit, trailers)
        if found is None:
            continue
        groups = found.groupdict()
        tool = (groups.get("tool") or signature.tool).strip()[:64]
        model = (groups.get("model") or "").strip()[:128]
        return Verdict(tool, model, signature.id)
    return None


def recent_commits(git_dir: Path, count: int = 200, timeout: float = 60.0) -> list[Commit]:
    """The newest `count` commits of HEAD in the checkout `git_dir` (for previewing a
    team's pattern against real history), through the hardened read-only runner."""
    from scanners.provenance.gitrun import ReadOnlyGit

    run = ReadOnlyGit(git_dir)(
        "log",
        "-z",
        f"--max-count={count}",
        "--format=%H%x00%an <%ae>%x00%cn <%ce>%x00%B",
        "HEAD",
        timeout=timeout,
    )
    if run.returncode != 0:
        return []
    fields = run.stdout.decode("utf-8", "replace").split("\0")
    return [Commit(*fields[i : i + 4]) for i in range(0, len(fields) - 3, 4)]
