"""radon numbers from the shared AST and the single token pass equal radon's own."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from radon.raw import analyze

from scanners.engine import EngineConfig, scan_directory
from scanners.tools.raw import RawCounts, js_line_counts, python_raw_counts, python_tokens
from tests.scanners.engine_support import make_repo, write_tree

RADON = Path(sys.executable).with_name("radon")
CONFIG = EngineConfig(workers=1, scanners=frozenset({"radon"}))

SAMPLES = {
    "docstrings.py": '''\
        """Module docstring
        spanning lines.

        with a blank line inside
        """
        import os  # trailing comment

        # a comment line
        #
        x = 1; y = 2
        if x: y = 3


        def f(a, b=(1,
                    2)):
            """One-line docstring."""
            '''  # continuation of nothing
    '''
            s = """multi
            line
            string"""
            t = ("implicit"
                 "concat")
            u = x \\
                + y
            return {a: b}[a] if a else lambda q: q[1:2]


        class C(object):
            r"""Raw
            docstring."""

            def m(self):
                try: return 1
                except Exception: pass  # swallow
                finally:
                    pass

            async def am(self):
                async with self as s:
                    await s
                return [i for i in range(3) if i]
        ''',
    "comments_in_brackets.py": """\
        values = [  # open
            1,
            # inside
            2,

            3,
        ]
        call(a,
             b)  # after
        '''a standalone
        string'''  # with comment
        '''standalone'''
        @decorator
        def g(): return 1
        lambda: 0
        """,
    "empty.py": "",
    "only_comments.py": "# one\n\n# two\n   \n",
    "no_trailing_newline.py": "x = 1\nif x:\n    pass",
    "bytes_and_fstrings.py": (
        "b = b'''x\ny'''\nf = f\"{b!r:>10}\"\n"
        "match b:\n    case [x, *_]:\n        pass\n    case _:\n        pass\n"
    ),
}


def _sample(name: str) -> str:
    return textwrap.dedent(SAMPLES[name])


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_raw_counts_equal_radon_raw_analyze_on_fixtures(name: str) -> None:
    text = _sample(name)
    tokens, complete = python_tokens(text)
    assert complete
    assert python_raw_counts(text, tokens, complete) == RawCounts(*analyze(text))


@pytest.mark.parametrize("module", ["tokenize", "json.decoder", "dataclasses", "textwrap", "radon.visitors"])
def test_raw_counts_equal_radon_raw_analyze_on_real_modules(module: str) -> None:
    __import__(module)
    path = sys.modules[module].__file__
    assert path is not None
    text = Path(path).read_text(encoding="utf-8")
    tokens, complete = python_tokens(text)
    assert python_raw_counts(text, tokens, complete) == RawCounts(*analyze(text))


def test_raw_counts_fall_back_to_radon_for_form_feeds_and_untokenisable_code() -> None:
    text = "x = 1\n\x0c\ndef f():\n    return 2\n"
    tokens, complete = python_tokens(text)
    assert python_raw_counts(text, tokens, complete) == RawCounts(*analyze(text))
    broken = "x = (\n"
    tokens, complete = python_tokens(broken)
    assert not complete
    assert python_raw_counts(broken, tokens, complete).loc == 1


def test_js_line_counts() -> None:
    code = "// head\n/* block\n   still */ let a = 1;\n\nconst b = 2; /* tail */\n/** doc */\n"
    assert js_line_counts(code) == RawCounts(
        loc=6, lloc=2, sloc=2, comments=3, multi=0, blank=1, single_comments=3
    )


def _radon_json(command: str, root: Path) -> dict:  # type: ignore[type-arg]
    """radon's JSON report; files radon cannot read are left out (radon opens every file
    as UTF-8, so our PEP 263 latin-1 fixture is an error there and analysed here)."""
    completed = subprocess.run(
        [str(RADON), command, "-j", "."], cwd=root, capture_output=True, text=True, check=True
    )
    report = json.loads(completed.stdout)
    errors = {path for path, value in report.items() if isinstance(value, dict) and "error" in value}
    assert errors == {"pkg/latin.py"}
    return {path: value for path, value in report.items() if path not in errors}


@pytest.fixture
def radon_tree(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path)
    write_tree(repo, {name: _sample(name) for name in SAMPLES})
    bandit_tree = Path(__file__).parents[1] / "fixtures" / "bandit_tree" / "pkg"
    shutil.copytree(bandit_tree, repo / "pkg", ignore=shutil.ignore_patterns("broken.py"))
    shutil.copy(Path(sys.modules["tokenize"].__file__ or ""), repo / "tokenize_copy.py")
    return repo


@pytest.mark.skipif(not RADON.exists(), reason="radon CLI not installed next to the interpreter")
def test_cyclomatic_complexity_equals_radon_cc_per_block(radon_tree: Path) -> None:
    expected = {
        (path, block["lineno"], block.get("classname", "") + "." + block["name"], block["complexity"])
        for path, blocks in _radon_json("cc", radon_tree).items()
        for block in blocks
    }
    result = scan_directory(radon_tree, CONFIG)
    got = set()
    for metrics in result.files:
        if metrics.path == "pkg/latin.py":
            continue
        for fn in metrics.functions:
            qualified = fn.name if "." in fn.name else "." + fn.name
            got.add((metrics.path, fn.line, qualified, fn.complexity))
    assert got == expected
    assert len(expected) > 30


@pytest.mark.skipif(not RADON.exists(), reason="radon CLI not installed next to the interpreter")
def test_maintainability_index_equals_radon_mi(radon_tree: Path) -> None:
    expected = {path: value["mi"] for path, value in _radon_json("mi", radon_tree).items()}
    result = scan_directory(radon_tree, CONFIG)
    got = {m.path: m.maintainability for m in result.files if m.path != "pkg/latin.py"}
    assert got.keys() == expected.keys()
    for path, mi in expected.items():
        assert got[path] == pytest.approx(mi, abs=0.005), path  # we store MI rounded to 2 decimals


@pytest.mark.skipif(not RADON.exists(), reason="radon CLI not installed next to the interpreter")
def test_file_line_counts_equal_radon_raw(radon_tree: Path) -> None:
    expected = _radon_json("raw", radon_tree)
    result = scan_directory(radon_tree, CONFIG)
    assert {m.path for m in result.files} == set(expected) | {"pkg/latin.py"}
    for metrics in result.files:
        if metrics.path == "pkg/latin.py":
            continue
        raw = expected[metrics.path]
        assert (metrics.lines, metrics.sloc, metrics.comments, metrics.blank) == (
            raw["loc"],
            raw["sloc"],
            raw["comments"],
            raw["blank"],
        ), metrics.path
