"""Raw line metrics (loc, lloc, sloc, comments, multi, blank) from ONE token pass.

radon's `raw.analyze` strips every line and re-tokenises growing groups of lines until
they tokenise cleanly, which is quadratic-ish and was the biggest single cost of a scan.
Its groups are exactly the logical lines of the file (plus lone blank/comment lines), so
we rebuild them from the single `tokenize` pass the engine already makes, and apply
radon's own per-group rules. The result equals `radon.raw.analyze` on valid Python; for
files that do not tokenise, or that contain the rare characters `str.splitlines` treats
as line breaks but `tokenize` does not, we fall back to radon itself.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

from radon.raw import _logical
from radon.raw import analyze as radon_analyze

_SKIP = frozenset({tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER, tokenize.ENCODING})
_LINE_ENDS = frozenset({tokenize.NL, tokenize.NEWLINE})
_ENDMARKER = (tokenize.ENDMARKER, "", (0, 0), (0, 0), "")
# Characters `str.splitlines` breaks on besides \n (radon numbers lines with splitlines).
_EXOTIC_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


@dataclass(frozen=True)
class RawCounts:
    """radon's `Module` tuple, as a value object."""

    loc: int
    lloc: int
    sloc: int
    comments: int
    multi: int
    blank: int
    single_comments: int


def python_tokens(text: str) -> tuple[list[tokenize.TokenInfo], bool]:
    """Tokenise `text` once; returns (tokens, complete). Incomplete on TokenError,
    in which case the tokens seen so far are kept (bandit's `# nosec` scan does the same)."""
    tokens: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            tokens.append(tok)
    except (tokenize.TokenError, SyntaxError):
        # SyntaxError: IndentationError from inconsistent dedents.
        return tokens, False
    return tokens, True


def python_raw_counts(text: str, tokens: list[tokenize.TokenInfo], complete: bool) -> RawCounts:
    """radon.raw.analyze-equivalent counts from the shared token list."""
    if not complete or _EXOTIC_BREAKS.search(text):
        return _radon_fallback(text)
    stripped_empty = [not line.strip() for line in text.split("\n")]
    counts = _Counter(stripped_empty)
    group: list[tokenize.TokenInfo] = []
    has_code = False
    for tok in tokens:
        if tok.type in _SKIP:
            continue
        group.append(tok)
        if tok.type == tokenize.NEWLINE or (tok.type == tokenize.NL and not has_code):
            counts.add_group(group)
            group = []
            has_code = False
        elif tok.type not in _LINE_ENDS and tok.type != tokenize.COMMENT:
            has_code = True
    if group:
        counts.add_group(group)
    return counts.result(len(text.splitlines()))


class _Counter:
    """Accumulates radon's per-group classification."""

    def __init__(self, stripped_empty: list[bool]) -> None:
        self.empty = stripped_empty
        self.next_row = 1  # first physical row not yet classified
        self.lloc = self.sloc = self.comments = self.multi = self.blank = self.single = 0

    def _plain_rows(self, first: int, last: int) -> None:
        for row in range(first, last + 1):
            if row - 1 < len(self.empty) and self.empty[row - 1]:
                self.blank += 1
            else:
                self.sloc += 1

    def add_group(self, group: list[tokenize.TokenInfo]) -> None:
        first, last = group[0].start[0], group[-1].start[0]
        if first > self.next_row:
            # Rows no token covers (should not happen on valid code): count them as radon
            # counts code/blank lines.
            self._plain_rows(self.next_row, first - 1)
        first = max(first, self.next_row)
        self.next_row = last + 1
        significant = [t for t in group if t.type not in _LINE_ENDS]
        self.comments += sum(1 for t in group if t.type == tokenize.COMMENT)
        if len(significant) == 1 and significant[0].type == tokenize.COMMENT:
            self.single += 1
        elif len(significant) == 1 and significant[0].type == tokenize.STRING:
            string = significant[0]
            if string.start[0] == string.end[0]:
                self.single += 1
            else:
                rows = range(first, last + 1)
                empties = sum(1 for r in rows if self.empty[r - 1])
                self.blank += empties
                self.multi += len(rows) - empties
        else:
            self._plain_rows(first, last)
        self.lloc += _logical([*significant, _ENDMARKER])

    def result(self, total_lines: int) -> RawCounts:
        if self.next_row <= total_lines:
            self._plain_rows(self.next_row, total_lines)
        loc = self.sloc + self.blank + self.multi + self.single
        return RawCounts(loc, self.lloc, self.sloc, self.comments, self.multi, self.blank, self.single)


def _radon_fallback(text: str) -> RawCounts:
    try:
        module = radon_analyze(text)
    except (SyntaxError, tokenize.TokenError, IndentationError):
        return plain_line_counts(text, comment_prefixes=("#",))
    return RawCounts(*module)


def plain_line_counts(text: str, comment_prefixes: tuple[str, ...]) -> RawCounts:
    """Line-based counts for code we cannot tokenise: blank, comment-only, the rest sloc."""
    loc = sloc = comments = blank = 0
    for line in text.splitlines():
        loc += 1
        stripped = line.strip()
        if not stripped:
            blank += 1
        elif stripped.startswith(comment_prefixes):
            comments += 1
        else:
            sloc += 1
    return RawCounts(loc, sloc, sloc, comments, 0, blank, comments)


def js_line_counts(text: str) -> RawCounts:
    """Line counts for JavaScript/TypeScript: blank lines, comment-only lines (`//` and
    `/* … */` blocks) and source lines. A lexer-free approximation: comment markers
    inside string or template literals are taken at face value."""
    loc = sloc = comments = blank = 0
    in_block = False
    for line in text.splitlines():
        loc += 1
        stripped = line.strip()
        if in_block:
            comments += 1
            if "*/" in stripped:
                in_block = False
                rest = stripped.split("*/", 1)[1].strip()
                if rest and not rest.startswith("//"):
                    sloc += 1
                    comments -= 1
            continue
        if not stripped:
            blank += 1
        elif stripped.startswith("//"):
            comments += 1
        elif stripped.startswith("/*"):
            comments += 1
            in_block = "*/" not in stripped[2:]
        else:
            sloc += 1
            if "/*" in stripped and "*/" not in stripped.split("/*", 1)[1]:
                in_block = True
    return RawCounts(loc, sloc, sloc, comments, 0, blank, comments)
