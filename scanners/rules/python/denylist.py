"""AI631: validation by listing bad values (`if ".." in path`, `if cmd in ["rm", ...]`,
`re.search("<script", s)`, `s.replace("../", "")`) where an allow-list or
canonicalisation is needed."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.denylist_common import MESSAGE, is_bad_literal, is_bad_pattern, is_bad_value
from scanners.rules.python.astutil import dotted_name, node_index
from scanners.source import SourceFile

_REGEX_CALLS = frozenset({"re.search", "re.match", "re.findall", "re.compile", "re.fullmatch"})


class DenyListValidationRule:
    meta = RuleMeta(
        id="AI631",
        name="deny-list-validation",
        title="Input validated by listing bad values",
        category=Category.SECURITY,
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags checks that reject input by looking for known-bad values: a traversal or shell "
            "metacharacter tested with `in`, a list of forbidden commands, a regex for `<script`, "
            "or stripping `../` with `replace`."
        ),
        why=(
            "Asked to 'validate the path' or 'block dangerous commands', assistants write the "
            "first bad values that come to mind. Attackers use the others: `..%2f`, `....//`, "
            "`<ScRiPt>`, `$IFS`, `rm\\t-rf`. Only an allow-list of good values, or canonicalising "
            "and then checking the result, closes the class."
        ),
        example="""import re
import subprocess


def read(name):
    if ".." in name:  # expect: AI631
        raise ValueError("bad path")
    return open("/srv/" + name.replace("../", "")).read()  # expect: AI631


def run(cmd):
    if cmd.split()[0] in ["rm", "shutdown", "reboot"]:  # expect: AI631
        raise PermissionError(cmd)
    return subprocess.run(cmd.split())


def comment(text):
    if re.search(r"<script", text, re.I):  # expect: AI631
        return None
    return text
""",
        use_instead="""import html
import os
import subprocess

BASE = "/srv"
ALLOWED_COMMANDS = {"ls", "df", "uptime"}


def read(name):
    full = os.path.realpath(os.path.join(BASE, name))
    if not full.startswith(BASE + os.sep):
        raise ValueError("bad path")
    return open(full).read()


def run(cmd):
    if cmd.split()[0] not in ALLOWED_COMMANDS:
        raise PermissionError(cmd)
    return subprocess.run(cmd.split())


def comment(text):
    return html.escape(text)
""",
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        del context
        index = node_index(source)  # the walk the behaviour rules share
        if index is None:
            return
        hits: list[Hit] = []
        for statement in index.of(ast.If, ast.Assert):
            found = _deny_test(statement.test, statement)
            if found is not None:
                hits.append(
                    Hit(
                        line=statement.test.lineno,
                        column=statement.test.col_offset,
                        message=MESSAGE.format(value=found),
                    )
                )
        for call in index.of(ast.Call):
            found = _stripping(call)
            if found is not None:
                hits.append(
                    Hit(line=call.lineno, column=call.col_offset, message=MESSAGE.format(value=found))
                )
        yield from sorted(hits, key=lambda h: (h.line, h.column))


def _deny_test(test: ast.expr, statement: ast.If | ast.Assert) -> str | None:
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            op, right = node.ops[0], node.comparators[0]
            if not isinstance(op, ast.In | ast.NotIn):
                continue
            left = node.left
            if (
                isinstance(left, ast.Constant)
                and is_bad_literal(left.value)
                and not isinstance(right, ast.Constant)
                and not _components(right)
            ):
                return str(left.value)
            if (
                isinstance(op, ast.In)
                and isinstance(right, ast.List | ast.Tuple | ast.Set)
                and isinstance(statement, ast.If)
                and _leaves(statement.body)
            ):
                bad = [e.value for e in right.elts if isinstance(e, ast.Constant) and is_bad_value(e.value)]
                if bad and len(bad) * 2 >= len(right.elts):
                    return str(bad[0])
        if isinstance(node, ast.Call) and dotted_name(node.func) in _REGEX_CALLS and node.args:
            pattern = node.args[0]
            if isinstance(pattern, ast.Constant) and is_bad_pattern(pattern.value):
                return str(pattern.value)
    return None


def _stripping(call: ast.Call) -> str | None:
    """`value.replace("../", "")`: removing a bad sequence once (`....//` leaves `../`)."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "replace" and len(call.args) >= 2):
        return None
    old, new = call.args[0], call.args[1]
    if (
        isinstance(old, ast.Constant)
        and isinstance(new, ast.Constant)
        and new.value == ""
        and isinstance(old.value, str)
        and old.value.strip() in ("../", "..\\", "..", "<script>", "<script", "</script>")
    ):
        return old.value
    return None


def _components(node: ast.expr) -> bool:
    """`".." in path.parts` / `in name.split("/")`: comparing whole path components, which
    is the canonical check, not a substring hunt."""
    if isinstance(node, ast.Attribute) and node.attr == "parts":
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("split", "rsplit")
    )


def _leaves(body: list[ast.stmt]) -> bool:
    last = body[-1] if body else None
    if isinstance(last, ast.Return | ast.Raise | ast.Continue):
        return True
    return (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and "abort" in (dotted_name(last.value.func) or "")
    )
