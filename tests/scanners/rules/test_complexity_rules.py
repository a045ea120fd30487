"""AI701-AI703 beyond their documented examples: exact lines, and the shapes that must
not count (elif / else-if chains, nested functions measured on their own)."""

from __future__ import annotations

from pathlib import Path

from scanners.rules.javascript.complexity import ComplexJsFunction, DeeplyNestedJsFunction
from scanners.rules.python.nesting import DeeplyNestedFunctionRule
from tests.scanners.rules.harness import hit_lines, run_rule


def _py(code: str, tmp_path: Path) -> list[int]:
    return hit_lines(run_rule(DeeplyNestedFunctionRule(), code, tmp_path))


def test_python_elif_chains_do_not_nest(tmp_path: Path) -> None:
    code = (
        "def f(a):\n"
        "    for x in a:\n"
        "        while x:\n"
        "            with open(x) as fh:\n"
        "                if x == 1:\n"
        "                    pass\n"
        "                elif x == 2:\n"
        "                    pass\n"
        "                elif x == 3:\n"
        "                    pass\n"
        "                else:\n"
        "                    pass\n"
    )
    assert _py(code, tmp_path) == []


def test_python_each_block_kind_nests_and_the_deepest_line_is_reported(tmp_path: Path) -> None:
    code = (
        "async def f(a):\n"
        "    async for x in a:\n"
        "        try:\n"
        "            match x:\n"
        "                case 1:\n"
        "                    async with x:\n"
        "                        while x:\n"
        "                            x -= 1\n"
        "        except OSError:\n"
        "            pass\n"
    )
    assert _py(code, tmp_path) == [7]


def test_python_nested_functions_and_classes_start_again(tmp_path: Path) -> None:
    code = (
        "def outer(a):\n"
        "    for x in a:\n"
        "        if x:\n"
        "            def inner(y):\n"
        "                for z in y:\n"
        "                    if z:\n"
        "                        while z:\n"
        "                            try:\n"
        "                                if z:\n"
        "                                    pass\n"
        "                            finally:\n"
        "                                pass\n"
        "            class K:\n"
        "                def m(self):\n"
        "                    if self:\n"
        "                        pass\n"
    )
    # `inner` alone is five deep (line 9); `outer` is two deep, `m` one.
    assert _py(code, tmp_path) == [9]


def _js(rule: object, code: str, tmp_path: Path, filename: str = "src/a.js") -> list[int]:
    return hit_lines(run_rule(rule, code, tmp_path, filename=filename))


def test_js_else_if_chains_do_not_nest_but_else_blocks_do(tmp_path: Path) -> None:
    chain = (
        "function f(a) {\n"
        "  for (;;) { while (a) { do { if (a === 1) {} else if (a === 2) {} else if (a) {} } while (a); } }\n"
        "}\n"
    )
    assert _js(DeeplyNestedJsFunction(), chain, tmp_path) == []
    nested = (
        "function f(a) {\n  for (;;) { while (a) { do { if (a) {} else { if (a) {} } } while (a); } }\n}\n"
    )
    assert _js(DeeplyNestedJsFunction(), nested, tmp_path) == [2]


def test_js_nested_callbacks_are_measured_on_their_own(tmp_path: Path) -> None:
    code = (
        "function outer(list) {\n"
        "  if (list) {\n"
        "    list.forEach((x) => {\n"
        "      if (x) { for (;;) { while (x) { try { if (x) {} } catch {} } } }\n"
        "    });\n"
        "  }\n"
        "}\n"
    )
    assert _js(DeeplyNestedJsFunction(), code, tmp_path) == [4]


def test_js_complexity_is_reported_at_the_function_above_ten(tmp_path: Path) -> None:
    ten = "const f = (a) =>\n  " + " || ".join(f"a === {i}" for i in range(10)) + ";\n"
    eleven = "class K {\n  m(a) {\n    return " + " || ".join(f"a === {i}" for i in range(11)) + ";\n  }\n}\n"
    assert _js(ComplexJsFunction(), ten, tmp_path) == []  # 1 + 9 `||`
    hits = run_rule(ComplexJsFunction(), eleven, tmp_path, filename="src/k.ts")
    assert [(h.line, h.message.split(" has")[0]) for h in hits] == [(2, "Method `K.m`")]
    assert "complexity of 11" in hits[0].message


def test_python_an_if_inside_else_nests_unlike_elif(tmp_path: Path) -> None:
    code = (
        "def f(a):\n"
        "    for x in a:\n"
        "        if x:\n"
        "            pass\n"
        "        else:\n"
        "            if x > 1:\n"
        "                while x:\n"
        "                    if x == 2:\n"
        "                        pass\n"
    )
    # for > if > (else) if > while > if: five deep at line 8
    assert _py(code, tmp_path) == [8]
