"""AI121 / AI122: an assistant's conversational chatter committed into code.

When code is pasted from a chat, the assistant's framing often comes with it: "Here's
the updated code", "As an AI language model", "I hope this helps", "Certainly! Here is".
Language-neutral phrase table here; Python looks in comments and docstrings, JS/TS in
comments. Ordinary string literals are left alone: an application built on a language
model legitimately holds such phrases in prompts, fixtures and filters.

The whole text is searched once with one regular expression (C speed); only a file that
matches is tokenised / walked to see whether the match sits in a comment.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.syntax import JS_LANGUAGES, descendants
from scanners.rules.python.astutil import node_index
from scanners.source import SourceFile

# Each phrase is what an assistant says to the person it talks to, not what code or its
# documentation says about itself.
_PHRASES = (
    r"here(?:'s| is) (?:the|your) "
    r"(?:updated|corrected|revised|modified|complete|full|refactored|fixed|improved)"
    r" (?:code|version|implementation|function|script|file)",
    r"as an ai(?: language model| model| assistant)?\b",
    r"i(?:'m| am) (?:just )?an ai\b",
    r"i hope this helps",
    r"(?:certainly|sure|of course|absolutely)[!,.] here(?:'s| is| are)\b",
    r"let me know if you (?:need|have|want|would like) (?:any )?(?:further|more|other|additional)?",
    r"i(?:'ve| have) (?:updated|modified|fixed|refactored|rewritten|added) "
    r"(?:the|your) (?:code|function|script)",
    r"in this (?:updated|revised|modified) version(?: of the code)?",
    r"feel free to (?:ask|reach out|let me know)",
)
CHATTER = re.compile("|".join(f"(?:{p})" for p in _PHRASES), re.IGNORECASE)
# Literal pieces one of which every phrase contains: `in` on the lowered text is C-speed,
# the alternation above ~20x slower, so it only runs on the few files that have one.
_ANCHORS = (
    "here's the",
    "here is the",
    "here's your",
    "here is your",
    "as an ai",
    "an ai",
    "hope this helps",
    "! here",
    ", here",
    ". here",
    "let me know if you",
    "i've ",
    "i have ",
    "updated version",
    "revised version",
    "modified version",
    "feel free to",
)


def may_chatter(text: str) -> bool:
    """Cheap pre-check: False when no phrase of CHATTER can occur in `text`."""
    lowered = text.lower()
    return any(anchor in lowered for anchor in _ANCHORS) and CHATTER.search(text) is not None


_MESSAGE = (
    "Assistant chatter committed into the code (“{phrase}”): this is the chat's framing, "
    "not a comment about the code; delete it and check the surrounding code was meant to be kept."
)


_QUOTES = frozenset("\"'`\u201c\u2018\u00ab")  # also curly quotes and guillemets


def _hits_in(text: str, first_line: int, column: int = 0) -> Iterator[Hit]:
    for number, line in enumerate(text.split("\n")):
        for match in CHATTER.finditer(line):
            # A quoted phrase is a mention (documentation, a filter's comment), not chatter.
            if match.start() and line[match.start() - 1] in _QUOTES:
                continue
            yield Hit(first_line + number, _MESSAGE.format(phrase=match.group(0)[:80]), column=column)
            break


_SHARED = {
    "category": Category.CONTEXT,
    "severity": Severity.LOW,
    "confidence": Confidence.HIGH,
    "scanner": ScannerId.AI_RULES,
    "why": (
        "A model answering in a chat frames its code for the reader; pasted into the file, the "
        "framing shows the change was copied without being read, and often brings a half-edited "
        "or duplicated block with it."
    ),
}


class AssistantChatterRule:
    meta = RuleMeta(
        id="AI121",
        name="assistant-chatter",
        title="Assistant chatter in a comment or docstring",
        what=(
            "Flags comments and docstrings that carry an assistant's conversational framing: "
            "“Here's the updated code”, “As an AI language model”, “I hope this helps”, "
            "“Certainly! Here is”, “Let me know if you need further…”, “I've updated the code”, "
            "“In this updated version”. String literals that are not docstrings are not checked "
            "(prompts and fixtures of LLM applications hold such phrases on purpose)."
        ),
        example=(
            "# Here's the updated code with the retry logic:  # expect: AI121\n"
            "def fetch(url):\n"
            '    """Fetch a page.\n'
            "\n"
            "    I hope this helps! Let me know if you need anything else.  # expect: AI121\n"
            '    """\n'
            "    return get(url, timeout=5)\n"
        ),
        use_instead=(
            "# Retries are left to the caller: see fetch_with_retry.\n"
            "REFUSALS = ('As an AI language model', 'I hope this helps')  # a filter's data\n"
            "def fetch(url):\n"
            '    """Fetch a page."""\n'
            "    return get(url, timeout=5)\n"
        ),
        **_SHARED,  # type: ignore[arg-type]
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        if not may_chatter(source.text):
            return
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(source.text).readline))
        except (tokenize.TokenError, SyntaxError):
            tokens = []
        for token in tokens:
            if token.type == tokenize.COMMENT:
                yield from _hits_in(token.string, token.start[0], token.start[1])
        index = node_index(source)
        if index is None:
            return
        for node in (*index.of(ast.Module), *index.of(ast.ClassDef), *index.of(ast.FunctionDef)):
            yield from _docstring_hits(node)
        for node in index.of(ast.AsyncFunctionDef):
            yield from _docstring_hits(node)


def _docstring_hits(node: ast.AST) -> Iterator[Hit]:
    body = getattr(node, "body", [])
    if not body or not isinstance(body[0], ast.Expr):
        return
    value = body[0].value
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        # Only the lines of the docstring that match (a # inside it is text, not a comment).
        yield from _hits_in(value.value, value.lineno)


class AssistantChatterJs:
    meta = RuleMeta(
        id="AI122",
        name="assistant-chatter-js",
        title="Assistant chatter in a JavaScript/TypeScript comment",
        what=(
            "Flags `//` and `/* … */` comments (JSDoc included) that carry an assistant's "
            "conversational framing, the same phrases as AI121. String and template literals are "
            "not checked."
        ),
        example=(
            "// Certainly! Here is the refactored function:  // expect: AI122\n"
            "export function total(items) {\n"
            "  return items.reduce((sum, item) => sum + item.price, 0);\n"
            "}\n"
            "/* As an AI language model, I cannot test this.  // expect: AI122\n"
            " */\n"
        ),
        use_instead=(
            "// Sum of the item prices, in cents.\n"
            "export function total(items) {\n"
            "  return items.reduce((sum, item) => sum + item.price, 0);\n"
            "}\n"
            "const refusal = 'As an AI language model';  // matched in model output\n"
        ),
        languages=JS_LANGUAGES,
        **_SHARED,  # type: ignore[arg-type]
    )
    example_filename = "src/example.js"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        tree = source.ts_tree
        if tree is None or not may_chatter(source.text):
            return
        for comment in descendants(tree.root_node, frozenset({"comment"})):
            raw = comment.text.decode("utf-8", "replace") if comment.text else ""
            yield from _hits_in(raw, comment.start_point[0] + 1, comment.start_point[1])
