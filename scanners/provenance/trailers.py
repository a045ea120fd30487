"""Commit trailers, parsed the way `git interpret-trailers --parse` does (git's trailer.c).

* The message ends before a line `---` (or `--- …`): what follows is a patch.
* The first paragraph (up to the first blank line) is the title and never holds trailers.
* The trailer block is the last paragraph. It counts as trailers when every line of it is
  a trailer (or a continuation: a line starting with whitespace, folded into the trailer
  before it), or when at least 25% of its lines are trailers and one of them is a
  git-generated one (`Signed-off-by: `, `(cherry picked from commit `).
* A trailer is `TOKEN SEP VALUE` with TOKEN made of letters, digits and `-`, optional
  whitespace before the separator `:`; key and value are trimmed, continuations joined
  by a space. Lines starting with `#` (comments) are ignored.
"""

from __future__ import annotations

import re

_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
_TOKEN = re.compile(r"([A-Za-z0-9-]+)[ \t]*:(.*)", re.DOTALL)


def _separator(line: str) -> re.Match[str] | None:
    if not line or line[0] in " \t":
        return None
    return _TOKEN.fullmatch(line)


def _message_end(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if line == "---" or line.startswith("--- "):
            return i
    return len(lines)


def parse_trailers(message: str) -> list[tuple[str, str]]:
    """(key, value) pairs of the message's trailer block, in order; [] when it has none."""
    lines = message.replace("\r\n", "\n").split("\n")
    end = _message_end(lines)
    # The title: up to the first blank line (comment lines skipped).
    start = 0
    while start < end and (lines[start].startswith("#") or lines[start].strip()):
        start += 1
    if start >= end:
        return []
    # Trailing blank lines, then the last paragraph walking backwards.
    last = end
    while last > start and not lines[last - 1].strip():
        last -= 1
    first = last
    trailer_lines = non_trailer = continuation = 0
    recognized = False
    while first > start and lines[first - 1].strip():
        line = lines[first - 1]
        first -= 1
        if line.startswith("#"):
            continue
        if any(line.startswith(prefix) for prefix in _GIT_GENERATED):
            trailer_lines += 1 + continuation
            continuation = 0
            recognized = True
        elif line[0] in " \t":
            continuation += 1
        elif _separator(line):
            trailer_lines += 1 + continuation
            continuation = 0
        else:
            non_trailer += 1 + continuation
            continuation = 0
    non_trailer += continuation  # continuation lines with no trailer above them
    if not trailer_lines:
        return []
    if non_trailer and not (recognized and trailer_lines * 3 >= non_trailer):
        return []
    pairs: list[tuple[str, str]] = []
    for line in lines[first:last]:
        if line.startswith("#"):
            continue
        if line[0] in " \t":
            if pairs:
                key, value = pairs[-1]
                pairs[-1] = (key, f"{value} {line.strip()}".strip())
            continue
        match = _separator(line)
        if match:
            pairs.append((match.group(1), match.group(2).strip()))
        # Non-trailer lines inside an accepted block (the 25% case) are skipped, as git
        # --parse --only-trailers does. "(cherry picked …" has no key and is dropped too.
    return pairs
