"""Every registered Python file rule survives odd-but-valid and broken code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanners.rules.registry import FILE_RULES
from scanners.source import PYTHON
from tests.scanners.rules.harness import run_rule

PYTHON_FILE_RULES = [rule for rule in FILE_RULES if PYTHON in rule.meta.languages]


@pytest.mark.parametrize("rule", PYTHON_FILE_RULES, ids=lambda r: r.meta.id)
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
