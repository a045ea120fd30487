"""One source file, read once, decoded once, parsed at most once.

Every rule and tool adapter receives the same `SourceFile`, so the Python AST
and the tree-sitter tree are built a single time per file and shared.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from scanners.treesitter import parse

PYTHON = "python"
JAVASCRIPT = "javascript"
TYPESCRIPT = "typescript"
TSX = "tsx"

LANGUAGE_BY_SUFFIX: dict[str, str] = {
    ".py": PYTHON,
    ".pyi": PYTHON,
    ".js": JAVASCRIPT,
    ".mjs": JAVASCRIPT,
    ".cjs": JAVASCRIPT,
    ".jsx": JAVASCRIPT,
    ".ts": TYPESCRIPT,
    ".mts": TYPESCRIPT,
    ".cts": TYPESCRIPT,
    ".tsx": TSX,
}


_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class SourceFile:
    """A decoded file plus lazily built, cached parse trees."""

    path: str  # relative POSIX path inside the scanned root
    text: str
    language: str
    _parse_error: SyntaxError | None = field(default=None, init=False, repr=False)
    # Set when ast.parse gave up on nesting depth (RecursionError / MemoryError): the file
    # may well be valid Python, so it is not a parse error (see registry.NOT_ANALYSED).
    too_deep: str | None = field(default=None, init=False, repr=False)
    # Analyses of this file that a tool adapter and rules share (e.g. JS metrics), keyed
    # by the module that computes them; built at most once per file, like the trees.
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def lines(self) -> list[str]:
        # Only the line ends Python's tokenizer (and tree-sitter) count: str.splitlines also
        # breaks at \f, \x1c or \u2028, which would shift every later line number.
        lines = _LINE_END.split(self.text)
        if lines and lines[-1] == "":
            lines.pop()
        return lines

    def line_text(self, lineno: int) -> str:
        """The 1-based line `lineno`, or '' outside the file."""
        if 1 <= lineno <= len(self.lines):
            return self.lines[lineno - 1]
        return ""

    @cached_property
    def python_tree(self) -> ast.Module | None:
        """The module's AST, or None when it does not parse (see `parse_error`)."""
        if self.language != PYTHON:
            return None
        try:
            with warnings.catch_warnings():
                # Invalid escape sequences in scanned code are the repo's business, not ours.
                warnings.simplefilter("ignore")
                return ast.parse(self.text, filename=self.path)
        except (SyntaxError, ValueError) as exc:
            # ValueError: source contains null bytes.
            self._parse_error = exc if isinstance(exc, SyntaxError) else SyntaxError(str(exc))
            return None
        except (RecursionError, MemoryError) as exc:
            self.too_deep = f"ast.parse ({type(exc).__name__})"
            return None

    @property
    def parse_error(self) -> SyntaxError | None:
        _ = self.python_tree if self.language == PYTHON else self.ts_tree
        return self._parse_error

    @cached_property
    def ts_tree(self) -> Any | None:
        """The tree-sitter tree for JS/TS/TSX files, or None for other languages."""
        if self.language not in (JAVASCRIPT, TYPESCRIPT, TSX):
            return None
        return parse(self.text, self.language)
