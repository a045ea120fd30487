"""AI323: a pytest / unittest test that asserts nothing."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.placeholders import SMOKE_TITLE
from scanners.rules.python.astutil import dotted_name, node_index, walk_function_body
from scanners.source import SourceFile

# A call whose last name says it checks something: unittest's assert*/fail*, mock's
# assert_called*, numpy/pandas testing helpers, and the project's own assert_*/check_*/
# verify_*/expect_* helpers.
_CHECKING_CALL = re.compile(r"^_*(assert|check|verify|expect|ensure|validate|fail|skip)", re.IGNORECASE)
# pytest helpers that check (raises/warns/deprecated_call/fail) or mark the test as not run.
# Comparison helpers of test suites that predate pytest's rewriting (SQLAlchemy's `eq_`,
# `is_`, `in_`, nose's `assert_equal` is covered above).
_COMPARE_HELPER = re.compile(
    r"^(eq|ne|lt|le|gt|ge|is|is_not|in|not_in|isa)_$|^is_(true|false|none|not_none|instance_of)$"
)
_PYTEST_CHECKS = frozenset({"raises", "warns", "deprecated_call", "fail", "skip", "xfail", "importorskip"})
_SKIP_MARKS = frozenset({"skip", "skipif", "xfail", "skipTest"})


def _checks(function: ast.FunctionDef | ast.AsyncFunctionDef, helpers: set[str]) -> bool:
    """Whether the test's body checks anything, in the local functions it defines too (a
    test's inner `def go(): … eq_(…)` is run by the test)."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Raise):
            return True  # `raise AssertionError(...)` or a deliberate failure
        if isinstance(node, ast.Call):
            name = dotted_name(node.func) or (node.func.attr if isinstance(node.func, ast.Attribute) else "")
            last = name.rsplit(".", 1)[-1]
            if _CHECKING_CALL.match(last) or _COMPARE_HELPER.match(last) or last in helpers:
                return True
            if name.startswith("pytest.") and last in _PYTEST_CHECKS:
                return True
            if "snapshot" in name.lower():
                return True  # snapshot fixtures compare on their own
    return False


_OUTPUT = frozenset({"print", "pprint", "debug", "info", "warning", "log"})


_COMMENTED_CHECK = re.compile(r"^\s*#\s*(assert\b|self\.assert|pytest\.raises)")


def hollow(function: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str] | None = None) -> str | None:
    """Why a test without checks is hollow rather than a "does not raise" smoke test: its
    body is empty, or it computes a value that it only prints or drops. None when it just
    calls the code (the call raising is then what it tests)."""
    body = [s for s in function.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if lines is not None:
        end = function.end_lineno or function.lineno
        # Comments after the last statement still belong to the test (the AST ends before them).
        while end < len(lines) and lines[end].strip().startswith("#"):
            end += 1
        if any(_COMMENTED_CHECK.match(line) for line in lines[function.lineno : end]):
            return "its assertion is commented out"
    if not body or all(isinstance(s, ast.Pass) for s in body):
        return "its body is empty"
    stored: dict[str, int] = {}
    read: set[str] = set()
    printed = False
    for node in walk_function_body(function):
        # `x = compute()` only: loop and comprehension variables and names unpacked from a
        # tuple are routinely left unused.
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                stored.setdefault(targets[0].id, node.lineno)
    for node in ast.walk(function):  # reads in nested classes and functions count too
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            read.add(node.id)
        elif isinstance(node, ast.Call):
            name = (dotted_name(node.func) or "").rsplit(".", 1)[-1]
            printed = printed or (name in _OUTPUT and bool(node.args))
    shared = {n for g in ast.walk(function) if isinstance(g, (ast.Global, ast.Nonlocal)) for n in g.names}
    dropped = sorted(
        (line, name)
        for name, line in stored.items()
        if name not in read and name != "_" and name not in shared
    )
    if printed:
        return "it prints what it computes instead of checking it"
    if dropped:
        return f"it computes `{dropped[0][1]}` and never looks at it"
    return None


def _skipped(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Not run, or checked by a decorator (a profiler's call count, a `@given`, …): any
    decorator but pytest's own marks and fixtures may hold the test's check."""
    for decorator in function.decorator_list:
        name = dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator) or ""
        if name.rsplit(".", 1)[-1] in _SKIP_MARKS:
            return True
        if not name.startswith(("pytest.", "mark.")) and name not in ("staticmethod", "classmethod"):
            return True
    return False


def _base_names(cls: ast.ClassDef) -> set[str]:
    return {(dotted_name(b) or "").rsplit(".", 1)[-1] for b in cls.bases}


def _is_test_class(cls: ast.ClassDef) -> bool:
    bases = _base_names(cls)
    return cls.name.startswith("Test") or any(b.endswith(("TestCase", "Test")) for b in bases)


class TestWithoutAssertionRule:
    __test__ = False  # not a pytest test class despite its name

    meta = RuleMeta(
        id="AI323",
        name="test-without-assertion",
        title="Test that asserts nothing",
        category=Category.HAPPY_PATH,
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        in_tests_note=(
            "Only test code is checked (the engine's test-code policy: conventions plus the "
            "repository's pytest configuration)."
        ),
        what=(
            "Flags a test function (`test_*` at module level or in a `Test*` / `TestCase` class, "
            "in test code) whose body contains no check: no `assert`, no `raise`, no call named "
            "`assert*` / `check*` / `verify*` / `expect*` / `ensure*` / `validate*` / `fail*` "
            "(unittest's assertions, mock's `assert_called_once_with`, your own helpers), no "
            "`pytest.raises` / `warns` / `fail` / `skip`, no snapshot comparison, and no call to "
            "a function of the same file that itself asserts — and that is hollow: its body is "
            "empty, or it prints a value it computed or stores one it never reads. A test that "
            "only calls the code is taken as a \u201cdoes not raise\u201d smoke test and is quiet, as are "
            "skipped and xfail tests and tests whose name says not failing is the point "
            "(`test_does_not_raise`, `test_…_smoke`). An empty test in a class that extends another "
            "test class (switching an inherited test off) and test classes defined inside a "
            "function (a test runner's fixtures) are quiet too, and so are tests with a decorator other "
            "than pytest's marks (a profiler or property-based runner may hold the check) and calls "
            "of comparison helpers such as `eq_` / `is_` / `in_`."
        ),
        why=(
            "Assistants asked for tests produce tests that call the code and check nothing: they "
            "pass whatever the code does, raise coverage and hide that the behaviour is untested."
        ),
        example=(
            "from shop import cart\n"
            "\n"
            "\n"
            "def test_add_item():  # expect: AI323\n"
            "    c = cart.Cart()\n"
            "    c.add('apple', 2)\n"
            "    print(c.total())\n"
        ),
        use_instead=(
            "import pytest\n"
            "from shop import cart\n"
            "\n"
            "\n"
            "def assert_total(c, expected):\n"
            "    assert c.total() == expected\n"
            "\n"
            "\n"
            "def test_add_item():\n"
            "    c = cart.Cart()\n"
            "    c.add('apple', 2)\n"
            "    assert_total(c, 2)\n"
            "\n"
            "\n"
            "def test_rejects_negative_quantity():\n"
            "    with pytest.raises(ValueError):\n"
            "        cart.Cart().add('apple', -1)\n"
            "\n"
            "\n"
            "def test_snapshot(snapshot):\n"
            "    snapshot.assert_match(cart.Cart().render())\n"
        ),
    )
    example_filename = "tests/test_cart.py"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        if not context.in_tests(source.path) or "def test" not in source.text:
            return
        index = node_index(source)
        if index is None:
            return
        tree = index.tree
        functions = [*index.of(ast.FunctionDef), *index.of(ast.AsyncFunctionDef)]
        # Functions of this file that check something: calling one is a check.
        helpers = {
            f.name
            for f in functions
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
            and not f.name.startswith("test")
            and _checks(f, set())
        }
        candidates: list[ast.FunctionDef | ast.AsyncFunctionDef] = [
            s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        # Test classes defined inside a function are fixtures of a test (of a test runner).
        outside = _classes_outside_functions(tree)
        inherits: set[int] = set()  # methods of test classes that extend another test class
        for cls in index.of(ast.ClassDef):
            assert isinstance(cls, ast.ClassDef)
            if _is_test_class(cls) and not _skipped_class(cls) and id(cls) in outside:
                methods = [s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
                candidates.extend(methods)
                if any(not b.endswith("TestCase") for b in _base_names(cls)):
                    inherits.update(id(m) for m in methods)
        for function in sorted(candidates, key=lambda f: f.lineno):
            if not function.name.startswith("test") or _skipped(function):
                continue
            if SMOKE_TITLE.search(function.name.replace("_", " ").replace("dont", "don't")):
                continue  # `test_does_not_raise`, `test_import_smoke`: not failing is the check
            if _checks(function, helpers):
                continue
            reason = hollow(function, source.lines)
            if reason == "its body is empty" and id(function) in inherits:
                continue  # an empty override switches off a test the class inherits
            if reason is not None:
                yield Hit(
                    function.lineno,
                    f"Test `{function.name}` checks nothing ({reason}): it passes whatever the code "
                    "does. Assert the outcome (`assert …`, `pytest.raises`, an `assert_*` helper).",
                )


def _skipped_class(cls: ast.ClassDef) -> bool:
    return any(
        (dotted_name(d.func if isinstance(d, ast.Call) else d) or "").rsplit(".", 1)[-1] in _SKIP_MARKS
        for d in cls.decorator_list
    )


def _classes_outside_functions(tree: ast.Module) -> set[int]:
    """Ids of the classes not nested in a function, found by walking statements only
    (a walk of every expression of every function was a third of the rules' time)."""
    found: set[int] = set()
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.ClassDef):
            found.add(id(node))
        stack.extend(
            child
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.stmt | ast.ExceptHandler | ast.match_case)
        )
    return found
