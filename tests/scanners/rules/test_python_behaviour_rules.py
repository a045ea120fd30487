"""Python behaviour rules (AI2xx–AI5xx): documented examples and well-kept-code negatives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanners.model import Confidence, Severity
from scanners.rules.python.behaviour_rules import BEHAVIOUR_RULES
from tests.scanners.rules.harness import expected_lines, hit_lines, run_rule

RULES = {rule.meta.id: rule for rule in BEHAVIOUR_RULES}


def lines_of(rule_id: str, code: str, tmp_path: Path, **kwargs: Any) -> list[int]:
    return hit_lines(run_rule(RULES[rule_id], code, tmp_path, **kwargs))


def assert_marked(rule_id: str, code: str, tmp_path: Path, **kwargs: Any) -> None:
    assert lines_of(rule_id, code, tmp_path, **kwargs) == expected_lines(code, rule_id)


@pytest.mark.parametrize("rule", BEHAVIOUR_RULES, ids=lambda r: r.meta.id)
def test_documented_bad_example_is_flagged_on_exactly_the_marked_lines(rule: Any, tmp_path: Path) -> None:
    extra = getattr(rule, "example_files", None)
    expected = expected_lines(rule.meta.example, rule.meta.id)
    assert expected, "the bad example must mark at least one line"
    assert hit_lines(run_rule(rule, rule.meta.example, tmp_path, extra_files=extra)) == expected


@pytest.mark.parametrize("rule", BEHAVIOUR_RULES, ids=lambda r: r.meta.id)
def test_documented_good_example_is_quiet(rule: Any, tmp_path: Path) -> None:
    extra = getattr(rule, "example_files", None)
    assert run_rule(rule, rule.meta.use_instead, tmp_path, extra_files=extra) == []


@pytest.mark.parametrize("rule", BEHAVIOUR_RULES, ids=lambda r: r.meta.id)
def test_rule_metadata_is_complete(rule: Any) -> None:
    meta = rule.meta
    assert meta.id.startswith("AI") and meta.name == meta.name.lower() and " " not in meta.name
    assert meta.what and meta.why and meta.example and meta.use_instead
    assert meta.scanner == "ai-rules"


@pytest.mark.parametrize("rule", BEHAVIOUR_RULES, ids=lambda r: r.meta.id)
def test_rule_never_crashes_on_odd_but_valid_code(rule: Any, tmp_path: Path) -> None:
    code = (
        "from . import x\n"
        "from .. import *\n"
        "lambda: (yield)\n"
        "async def f():\n"
        "    async with a as (b, c):\n"
        "        [d async for d in e]\n"
        "    global g\n"
        "    g += await h\n"
        "match x:\n"
        "    case {'k': v, **rest}: pass\n"
        "try:\n"
        "    pass\n"
        "except* ValueError:\n"
        "    pass\n"
        "x[1:2] = y = z = f'{a!r:>{w}}'\n"
        "del x\n"
    )
    list(run_rule(rule, code, tmp_path))
    list(run_rule(rule, "def broken(:\n", tmp_path, filename="app/broken.py"))


# --- AI201 deprecated-api ------------------------------------------------------------


def test_deprecated_api_resolves_module_aliases(tmp_path: Path) -> None:
    code = (
        "import datetime as dt\n"
        "import collections\n"
        "import logging\n"
        "now = dt.datetime.utcnow()  # expect: AI201\n"
        "isinstance({}, collections.MutableMapping)  # expect: AI201\n"
        "log = logging.getLogger(__name__)\n"
        "log.warn('old')  # expect: AI201\n"
        "import warnings\n"
        "warnings.warn('fine')\n"
    )
    assert_marked("AI201", code, tmp_path)


def test_deprecated_api_flags_unittest_aliases_and_pep594_modules(tmp_path: Path) -> None:
    code = (
        "import unittest\n"
        "import telnetlib  # expect: AI201\n"
        "from distutils.core import setup  # expect: AI201\n"
        "\n"
        "\n"
        "class T(unittest.TestCase):\n"
        "    def test_it(self):\n"
        "        self.assertEquals(1, 1)  # expect: AI201\n"
        "        self.assertEqual(1, 1)\n"
    )
    assert_marked("AI201", code, tmp_path)


def test_deprecated_api_ignores_version_guarded_code(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from datetime import datetime\n"
        "if sys.version_info < (3, 12):\n"
        "    now = datetime.utcnow()\n"
        "try:\n"
        "    import imp\n"
        "except ImportError:\n"
        "    imp = None\n"
    )
    assert lines_of("AI201", code, tmp_path) == []


def test_deprecated_api_severity_rises_when_requires_python_reaches_removal(tmp_path: Path) -> None:
    code = "import imp\nfrom datetime import datetime\nx = datetime.utcnow()\n"
    pyproject = '[project]\nname = "x"\nrequires-python = ">=3.12"\n'
    hits = run_rule(RULES["AI201"], code, tmp_path, extra_files={"pyproject.toml": pyproject})
    by_line = {h.line: h for h in hits}
    assert "removed in Python 3.12" in by_line[1].message
    assert "use `importlib`" in by_line[1].message
    # The other engineer's project builder fills requires_python; until then it is None.
    from scanners.context import build_repo_context

    context = build_repo_context(tmp_path, ["app/example.py", "pyproject.toml"])
    if context.python.requires_python is not None:
        assert by_line[1].severity == Severity.HIGH
        assert by_line[3].severity is None  # utcnow has no removal version yet
