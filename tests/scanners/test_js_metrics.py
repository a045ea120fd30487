"""JS/TS metrics: complexity equal to ESLint's `complexity` rule, nesting equal to its
`max-depth`, file figures in the scan result."""

from __future__ import annotations

import json
from pathlib import Path

from scanners.engine import EngineConfig, scan_directory
from scanners.source import SourceFile
from scanners.tools.js_metrics import js_metrics
from scanners.tools.raw import js_line_counts

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "js_complexity"


def _metrics(code: str, language: str = "javascript"):  # type: ignore[no-untyped-def]
    raw = js_line_counts(code)
    result = js_metrics(SourceFile("a.js", code, language), raw.sloc, raw.comments)
    assert result is not None
    return result


def test_complexity_equals_eslints_on_the_golden_fixture() -> None:
    # golden.json holds ESLint 9.39.5's own figures (see its "_comment" for how it was made).
    golden = json.loads((FIXTURES / "golden.json").read_text())["sample.js"]
    metrics = _metrics((FIXTURES / "sample.js").read_text())
    # Keyed as bench/eslint_complexity_parity.py keys them (`key_of`).
    ours = {
        f"{f.line}:{f.column}" + (":initializer" if f.kind == "field" else ""): f.complexity
        for f in metrics.functions
    }
    assert ours == golden


def test_hand_checked_figures() -> None:
    code = (FIXTURES / "sample.js").read_text()
    by_name = {f.name: f for f in _metrics(code).functions}
    # 1 + if + else if + for + for…in + for…of + while + do + catch + 2 cases + ternary
    assert (by_name["branches"].complexity, by_name["branches"].depth) == (12, 1)
    # 1 + three `?.` + `??`
    assert by_name["optional"].complexity == 6
    # `a = 1`, `b = 2`, `d = 3`, `{…} = {}`, `e = 4`, `[…] = []`, `f = 5`: seven defaults.
    assert by_name["defaults"].complexity == 8
    # if > for…of > while > try > if > switch
    assert by_name["nested"].depth == 6
    assert by_name["Shape.static"].complexity == 2
    assert by_name["Shape.size (initializer)"].complexity == 2
    # A nested function's branches are its own: `outer` counts only its `&&`.
    assert (by_name["outer"].complexity, by_name["inner"].complexity, by_name["arrow"].complexity) == (
        2,
        2,
        2,
    )


def test_typescript_defaults_and_types_count_as_eslint_with_typescript_eslint_does() -> None:
    code = (
        "function f(a: number = 1, b?: string): string | undefined {\n"
        "  type T = A extends B ? C : D;\n"
        "  return b ?? a?.toString();\n"
        "}\n"
        "interface I { m(x?: number): void }\n"
        "abstract class K { abstract run(): void; go(): void { if (this) {} } }\n"
    )
    functions = {f.name: f.complexity for f in _metrics(code, "typescript").functions}
    # f: 1 + default + `??` + `?.` (the conditional type and the optional parameter do not count)
    assert functions == {"f": 4, "K.go": 2}


def test_file_metrics_of_a_js_file_reach_the_scan_result(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text((FIXTURES / "sample.js").read_text())
    (metrics,) = scan_directory(tmp_path, EngineConfig(workers=1)).files
    assert metrics.complexity_max == 12
    assert len(metrics.functions) == 20
    assert metrics.complexity_mean == round(sum(f.complexity for f in metrics.functions) / 20, 2)
    assert metrics.maintainability is not None
    assert 0 < metrics.maintainability < 100
