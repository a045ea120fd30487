"""AI121/AI122, AI321/AI322, AI323/AI324 beyond their documented examples: exact lines,
and the look-alikes that must stay quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scanners.rules.chatter import AssistantChatterJs, AssistantChatterRule
from scanners.rules.javascript.placeholders import PlaceholderBodyJs, TestWithoutAssertionJs
from scanners.rules.python.placeholders import PlaceholderBodyRule
from scanners.rules.python.test_assertions import TestWithoutAssertionRule
from tests.scanners.rules.harness import hit_lines, run_rule


def _lines(rule: Any, code: str, tmp_path: Path, filename: str, **files: str) -> list[int]:
    return hit_lines(run_rule(rule, code, tmp_path, filename=filename, extra_files=files or None))


# ---- placeholders ---------------------------------------------------------------


def test_python_placeholder_is_flagged_only_when_called_somewhere_in_the_repository(tmp_path: Path) -> None:
    code = "def load(path):\n    ...\n\n\ndef unused():\n    raise NotImplementedError()\n"
    caller = {"app/main.py": "from app.example import load\n\nload('x')\n"}
    assert _lines(PlaceholderBodyRule(), code, tmp_path, "app/example.py", **caller) == [1]
    assert _lines(PlaceholderBodyRule(), code, tmp_path / "alone", "app/example.py") == []


def test_python_placeholder_look_alikes_stay_quiet(tmp_path: Path) -> None:
    code = (
        "import abc\n"
        "import typing\n"
        "from typing import Protocol\n"
        "\n"
        "\n"
        "class Reader(Protocol):\n"
        "    def read(self) -> bytes: ...\n"
        "\n"
        "\n"
        "class Shape(metaclass=abc.ABCMeta):\n"
        "    def area(self):\n"
        "        raise NotImplementedError\n"
        "\n"
        "\n"
        "class Plugin:\n"
        "    def run(self):\n"
        "        raise NotImplementedError('subclasses run the plugin')\n"
        "\n"
        "\n"
        "class Handler(object):\n"
        "    def handle(self):\n"
        "        pass\n"
        "\n"
        "\n"
        "class JsonHandler(Handler):\n"
        "    def handle(self):\n"
        "        return 1\n"
        "\n"
        "\n"
        "class Quiet(SomeFrameworkHandler):\n"
        "    def log_message(self, *args):\n"
        "        pass\n"
        "\n"
        "\n"
        "@typing.overload\n"
        "def conv(x: int) -> int: ...\n"
        "def conv(x):\n"
        "    return x\n"
        "\n"
        "\n"
        "class Widget:\n"
        "    def __init__(self):\n"
        "        pass\n"
        "\n"
        "    @hookspec\n"
        "    def on_click(self):\n"
        "        pass\n"
        "\n"
        "\n"
        "Reader().read(); Shape().area(); Plugin().run(); Handler().handle(); Quiet().log_message()\n"
        "conv(1); Widget().on_click()\n"
    )
    assert _lines(PlaceholderBodyRule(), code, tmp_path, "app/example.py") == []


def test_python_placeholder_method_of_a_repository_class_is_flagged(tmp_path: Path) -> None:
    code = (
        "class Service:\n"
        "    def create(self, data):\n"
        "        return data\n"
        "\n"
        "\n"
        "class Orders(Service):\n"
        "    def cancel(self, order):\n"
        "        pass  # TODO: implement\n"
        "\n"
        "\n"
        "Orders().cancel(1)\n"
    )
    assert _lines(PlaceholderBodyRule(), code, tmp_path, "app/example.py") == [7]


def test_python_stub_files_are_declarations(tmp_path: Path) -> None:
    stub = "def load(path: str) -> bytes: ...\n"
    assert (
        _lines(PlaceholderBodyRule(), stub, tmp_path, "app/example.pyi", **{"app/m.py": "load('x')\n"}) == []
    )


def test_js_placeholder_look_alikes_stay_quiet(tmp_path: Path) -> None:
    code = (
        "export function onChange() {}\n"
        "function declared(a: string): void;\n"
        "function declared(a: any) { return a; }\n"
        "class Base { render() { throw new Error('subclass must render'); } }\n"
        "const todo = () => {\n  // nothing to do for now\n};\n"
        "onChange(); declared('a'); new Base().render(); todo();\n"
    )
    assert _lines(PlaceholderBodyJs(), code, tmp_path, "src/a.ts") == []


def test_js_placeholder_method_called_across_files(tmp_path: Path) -> None:
    code = "export class Api {\n  fetchUser(id) {\n    // TODO: implement\n  }\n}\n"
    other = {"src/b.js": "import { Api } from './a';\nnew Api().fetchUser(1);\n"}
    assert _lines(PlaceholderBodyJs(), code, tmp_path, "src/a.js", **other) == [2]


# ---- chatter ---------------------------------------------------------------------


def test_python_chatter_in_strings_or_quoted_is_quiet(tmp_path: Path) -> None:
    code = (
        '"""Filters model output that says "As an AI language model"."""\n'
        "PROMPT = 'Never say: I hope this helps'\n"
        "# Strip lines such as 'Here is the updated code:' from replies.\n"
        "x = 1  # Sure! Here is the fix you asked for\n"
    )
    assert _lines(AssistantChatterRule(), code, tmp_path, "app/example.py") == [4]


def test_js_chatter_in_template_literals_is_quiet(tmp_path: Path) -> None:
    code = "const reply = `As an AI language model, I cannot`;\n/**\n * I hope this helps!\n */\n"
    assert _lines(AssistantChatterJs(), code, tmp_path, "src/a.ts") == [3]


# ---- tests without assertions ---------------------------------------------------------


def test_python_tests_that_check_in_any_common_way_are_quiet(tmp_path: Path) -> None:
    code = (
        "import pytest\n"
        "import unittest\n"
        "\n"
        "\n"
        "def check_payload(p):\n"
        "    assert p\n"
        "\n"
        "\n"
        "def _expect_ok(r):\n"
        "    if not r.ok:\n"
        "        raise AssertionError(r)\n"
        "\n"
        "\n"
        "def test_helper():\n"
        "    check_payload({'a': 1})\n"
        "\n"
        "\n"
        "def test_private_helper():\n"
        "    _expect_ok(object())\n"
        "\n"
        "\n"
        "def test_mock(m):\n"
        "    m()\n"
        "    m.assert_called_once_with()\n"
        "\n"
        "\n"
        "@pytest.mark.skip(reason='later')\n"
        "def test_later():\n"
        "    run()\n"
        "\n"
        "\n"
        "class TestThing(unittest.TestCase):\n"
        "    def test_equal(self):\n"
        "        self.assertEqual(1, 1)\n"
        "\n"
        "    def test_nothing(self):\n"
        "        result = run()\n"
        "\n"
        "    def helper(self):\n"
        "        run()\n"
    )
    assert _lines(TestWithoutAssertionRule(), code, tmp_path, "tests/test_x.py") == [36]


def test_python_only_test_code_is_checked(tmp_path: Path) -> None:
    code = "def test_connection():\n    conn = connect()\n"
    assert _lines(TestWithoutAssertionRule(), code, tmp_path, "app/selftest.py") == []
    assert _lines(TestWithoutAssertionRule(), code, tmp_path, "tests/test_db.py") == [1]


def test_js_tests_with_each_kind_of_check(tmp_path: Path) -> None:
    code = (
        "import request from 'supertest';\n"
        "import assert from 'node:assert';\n"
        "test('status', () => request(app).get('/').expect(200));\n"
        "it('asserts', () => { assert.equal(f(), 1); });\n"
        "it.each([1, 2])('each %s', (n) => { const v = f(n); });\n"
        "test.only('only', async () => { const r = await f(); console.log(r); });\n"
        "it('should', () => { f().should.equal(1); });\n"
        "it('uses expected', () => { const expected = f(); g(expected.length); });\n"
    )
    # Line 8: `expected` is not a call of `expect`, but its value is used: not hollow.
    assert _lines(TestWithoutAssertionJs(), code, tmp_path, "test/api.spec.ts") == [5, 6]
    assert _lines(TestWithoutAssertionJs(), code, tmp_path / "src", "src/api.ts") == []


def test_smoke_tests_named_for_not_failing_are_quiet(tmp_path: Path) -> None:
    js = (
        "it('does not throw without a token', () => { f(); });\n"
        "it('should be able to be loaded with require', async () => { await exec('x'); });\n"
        "it('adds a handler', () => { const h = f(); });\n"
        "it('runs', async () => { await f(); });\n"  # only calls: a "does not throw" test
        "it('is empty', () => {});\n"
    )
    assert _lines(TestWithoutAssertionJs(), js, tmp_path, "test/a.test.js") == [3, 5]
    py = (
        "def test_does_not_raise_on_empty():\n    value = f()\n\n\n"
        "def test_parses():\n    f()\n\n\n"  # only calls: a "does not raise" test
        "def test_prints():\n    value = f()\n    print(value)\n\n\n"
        "def test_empty():\n    pass\n"
    )
    assert _lines(TestWithoutAssertionRule(), py, tmp_path, "tests/test_a.py") == [9, 14]


def test_python_hooks_documented_as_such_and_local_callbacks_are_quiet(tmp_path: Path) -> None:
    code = (
        "class Adapter:\n"
        "    def add_headers(self, request):\n"
        '        """This does nothing by default, but is left for overriding by subclasses."""\n'
        "        pass\n"
        "\n"
        "    def send(self, request):\n"
        "        def hook(response):\n"
        "            pass\n"
        "\n"
        "        self.add_headers(request)\n"
        "        hook(request)\n"
    )
    assert _lines(PlaceholderBodyRule(), code, tmp_path, "app/example.py") == []


def test_values_read_in_nested_scopes_are_used_and_local_fakes_are_not_placeholders(tmp_path: Path) -> None:
    test = (
        "import re\n"
        "\n"
        "\n"
        "def test_precompiled_pattern():\n"
        "    pattern = re.compile('a')\n"
        "\n"
        "    class Tester:\n"
        "        val = matches(pattern)\n"
    )
    assert _lines(TestWithoutAssertionRule(), test, tmp_path, "tests/test_v.py") == []
    fake = (
        "def test_len():\n"
        "    class NoLen:\n"
        "        def seek(self, offset):\n"
        "            pass\n"
        "\n"
        "    assert size(NoLen()) == 0\n"
        "\n"
        "\n"
        "def size(f):\n"
        "    f.seek(0)\n"
    )
    assert _lines(PlaceholderBodyRule(), fake, tmp_path / "fake", "tests/test_u.py") == []


def test_a_commented_out_assertion_makes_a_test_hollow(tmp_path: Path) -> None:
    js = "it('adds a handler', (done) => {\n  f(spy);\n  // expect(spy).toHaveBeenCalled();\n  done();\n});\n"
    assert _lines(TestWithoutAssertionJs(), js, tmp_path, "test/a.test.js") == [1]
    py = "def test_handler():\n    f(spy)\n    # assert spy.called\n"
    assert _lines(TestWithoutAssertionRule(), py, tmp_path, "tests/test_a.py") == [1]


def test_type_checking_declarations_and_interface_classes_are_quiet(tmp_path: Path) -> None:
    code = (
        "import typing\n"
        "\n"
        "\n"
        "class Result:\n"
        "    if typing.TYPE_CHECKING:\n"
        "\n"
        "        def fetchone(self): ...\n"
        "\n"
        "\n"
        "class ExecutionContext:\n"
        "    def fire_sequence(self, seq):\n"
        "        raise NotImplementedError()\n"
        "\n"
        "    def get_rowcount(self):\n"
        "        raise NotImplementedError()\n"
        "\n"
        "\n"
        "Result().fetchone(); ExecutionContext().fire_sequence(1); ExecutionContext().get_rowcount()\n"
    )
    assert _lines(PlaceholderBodyRule(), code, tmp_path, "app/example.py") == []


def test_empty_overrides_and_test_classes_inside_tests_are_quiet(tmp_path: Path) -> None:
    code = (
        "import unittest\n"
        "\n"
        "\n"
        "class CookieSessionTests(SessionTestsMixin, unittest.TestCase):\n"
        "    def test_save(self):\n"
        "        pass\n"
        "\n"
        "\n"
        "def test_runner_counts(runner):\n"
        "    class Sample(unittest.TestCase):\n"
        "        def test_one(self):\n"
        "            pass\n"
        "\n"
        "    assert runner.run(Sample).testsRun == 1\n"
        "\n"
        "\n"
        "class PlainTests(unittest.TestCase):\n"
        "    def test_empty(self):\n"
        "        pass\n"
    )
    assert _lines(TestWithoutAssertionRule(), code, tmp_path, "tests/test_s.py") == [18]


def test_loop_variables_comparison_helpers_and_decorated_tests(tmp_path: Path) -> None:
    code = (
        "import pytest\n"
        "\n"
        "\n"
        "def test_loop():\n"
        "    items = [make() for i in range(3)]\n"
        "    for n in items:\n"
        "        use(n)\n"
        "\n"
        "\n"
        "def test_eq():\n"
        "    value = make()\n"
        "    eq_(make(), 1)\n"
        "\n"
        "\n"
        "@profiling.function_call_count()\n"
        "def test_profiled():\n"
        "    value = make()\n"
        "\n"
        "\n"
        "@pytest.mark.parametrize('x', [1])\n"
        "def test_dropped(x):\n"
        "    value = make(x)\n"
    )
    assert _lines(TestWithoutAssertionRule(), code, tmp_path, "tests/test_h.py") == [21]


def test_null_objects_refusals_and_redefined_stubs_are_quiet(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "\n"
        "\n"
        "def and_(*clauses): ...\n"
        "def and_(*clauses):\n"
        "    return clauses\n"
        "\n"
        "\n"
        "if sys.platform == 'win32':\n"
        "    def lazy_gc():\n"
        "        pass\n"
        "else:\n"
        "    def lazy_gc():\n"
        "        collect()\n"
        "\n"
        "\n"
        "class NullTimeKeeper:\n"
        "    def print_results(self):\n"
        "        pass\n"
        "\n"
        "\n"
        "class Engine:\n"
        "    def _no_async_events(self):\n"
        "        raise NotImplementedError()\n"
        "\n"
        "\n"
        "and_(1); lazy_gc(); NullTimeKeeper().print_results(); Engine()._no_async_events()\n"
    )
    assert _lines(PlaceholderBodyRule(), code, tmp_path, "app/example.py") == []


def test_checks_in_local_functions_and_globals_count(tmp_path: Path) -> None:
    code = (
        "def test_go():\n"
        "    def go():\n"
        "        eq_(run(), 1)\n"
        "\n"
        "    go()\n"
        "\n"
        "\n"
        "def test_global():\n"
        "    global SomeEnum\n"
        "    SomeEnum = make()\n"
        "    dumps(make())\n"
    )
    assert _lines(TestWithoutAssertionRule(), code, tmp_path, "tests/test_g.py") == []


def test_python_test_classes_built_inside_a_test_are_fixtures_however_deep(tmp_path: Path) -> None:
    code = (
        "import unittest\n"
        "\n"
        "\n"
        "def test_runner_reports():\n"
        "    class Inner(unittest.TestCase):\n"
        "        def test_quiet(self):\n"
        "            value = 1\n"
        "\n"
        "    class Holder:\n"
        "        class TestNested(unittest.TestCase):\n"
        "            def test_quiet(self):\n"
        "                value = 2\n"
        "    assert run(Inner, Holder)\n"
        "\n"
        "\n"
        "if True:\n"
        "    class TestTop(unittest.TestCase):\n"
        "        def test_nothing(self):\n"
        "            value = 3\n"
    )
    assert _lines(TestWithoutAssertionRule(), code, tmp_path, "tests/test_runner.py") == [18]
