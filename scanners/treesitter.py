"""tree-sitter parsers for JavaScript, TypeScript and TSX, built once per process."""

from __future__ import annotations

from functools import cache
from typing import Any

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript


@cache
def parser_for(language: str) -> tree_sitter.Parser:
    """The parser for "javascript", "typescript" or "tsx" (ValueError otherwise)."""
    if language == "javascript":
        lang = tree_sitter.Language(tree_sitter_javascript.language())
    elif language == "typescript":
        lang = tree_sitter.Language(tree_sitter_typescript.language_typescript())
    elif language == "tsx":
        lang = tree_sitter.Language(tree_sitter_typescript.language_tsx())
    else:
        raise ValueError(f"no tree-sitter grammar for {language!r}")
    return tree_sitter.Parser(lang)


def parse(text: str, language: str) -> Any:
    """Parse `text`; tree-sitter always returns a tree (errors become ERROR nodes)."""
    return parser_for(language).parse(text.encode("utf-8"))


@cache
def compile_query(language: str, patterns: tuple[str, ...]) -> tree_sitter.Query | None:
    """One Query per grammar; patterns the grammar cannot express are left out."""
    lang = parser_for(language).language
    if lang is None:  # pragma: no cover - parsers are always built with a language
        return None
    try:
        return tree_sitter.Query(lang, "\n".join(patterns))
    except tree_sitter.QueryError:
        valid = []
        for pattern in patterns:
            try:
                tree_sitter.Query(lang, pattern)
            except tree_sitter.QueryError:
                continue
            valid.append(pattern)
        return tree_sitter.Query(lang, "\n".join(valid)) if valid else None
