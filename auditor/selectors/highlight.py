"""Syntax highlighting for the file page: Pygments on the server, classes only.

Each line comes back as escaped HTML of `<span class="k">…</span>` runs; the colours are in
static/css/pygments.css (no inline styles, so the Content-Security-Policy holds). The text is
a hostile repository's: every token is escaped, and only a short list of lexers (the
languages the product reads and their configuration files) ever sees it, within a size cap.
"""

from __future__ import annotations

from django.utils.html import escape
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_for_filename
from pygments.token import STANDARD_TYPES, _TokenType
from pygments.util import ClassNotFound

# Pygments lexer aliases we trust with a repository's text.
LEXERS = frozenset(
    {"python", "javascript", "typescript", "jsx", "tsx", "json", "yaml", "toml", "ini", "css", "html", "bash"}
)
# Bigger texts are shown plain: highlighting is a nicety, never a reason for a slow page.
MAX_CHARS = 400_000


def _lexer_for(path: str) -> Lexer | None:
    try:
        lexer = get_lexer_for_filename(path.rsplit("/", 1)[-1], stripnl=False, stripall=False, ensurenl=False)
    except ClassNotFound:
        return None
    return lexer if lexer.aliases and lexer.aliases[0] in LEXERS else None


def _css_class(ttype: _TokenType) -> str:
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    css: str = STANDARD_TYPES[ttype]
    return css


def highlight_lines(path: str, text: str, line_count: int) -> list[str] | None:
    """The HTML of each of `text`'s lines, or None to show it plain (unknown language,
    too big, or line breaks Pygments counts differently from `str.splitlines`, such as
    form feeds: a highlighted line must never sit beside another line's number)."""
    if len(text) > MAX_CHARS:
        return None
    lexer = _lexer_for(path)
    if lexer is None:
        return None
    lines: list[list[str]] = [[]]
    for ttype, value in lexer.get_tokens(text):
        css = _css_class(ttype)
        for i, part in enumerate(value.split("\n")):
            if i:
                lines.append([])
            if part:
                lines[-1].append(f'<span class="{css}">{escape(part)}</span>' if css else str(escape(part)))
    if lines and not lines[-1]:
        lines.pop()  # the break after the last line opens no line of its own
    if len(lines) != line_count:
        return None
    return ["".join(parts) for parts in lines]
