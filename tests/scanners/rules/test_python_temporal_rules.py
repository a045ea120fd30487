"""Python temporal rules beyond their documented examples: AI201 deprecated-api."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scanners.model import Severity
from scanners.project.context import RepoContext
from scanners.project.python import PythonProject
from scanners.source import SourceFile
from tests.scanners.rules.harness import RULES, assert_marked, lines_of

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


def test_deprecated_api_follows_a_name_imported_as_module_then_as_class(tmp_path: Path) -> None:
    # ruff's DTZ003 fixture: `datetime` is the module on line 2, the class on line 4.
    code = (
        "import datetime\n"
        "datetime.datetime.utcnow()  # expect: AI201\n"
        "from datetime import datetime\n"
        "datetime.utcfromtimestamp(0)  # expect: AI201\n"
        "from datetime import datetime as dt\n"
        "dt.utcnow().isoformat()  # expect: AI201\n"
        "datetime.now(datetime.UTC)\n"
    )
    assert_marked("AI201", code, tmp_path)


def test_deprecated_api_knows_the_removals_of_3_8_to_3_14(tmp_path: Path) -> None:
    code = (
        "import time, base64, ssl, tempfile, asyncio, codecs\n"
        "from xml.etree import cElementTree  # expect: AI201\n"
        "import platform\n"
        "time.clock()  # expect: AI201\n"
        "base64.encodestring(b'x')  # expect: AI201\n"
        "ssl.SSLContext(ssl.PROTOCOL_TLS)  # expect: AI201\n"
        "name = tempfile.mktemp()  # expect: AI201\n"
        "asyncio.iscoroutinefunction(f)  # expect: AI201\n"
        "codecs.open('a', encoding='utf-8')  # expect: AI201\n"
        "platform.linux_distribution()  # expect: AI201\n"
        "ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); time.perf_counter(); base64.encodebytes(b'x')\n"
        "tempfile.mkstemp(); platform.freedesktop_os_release()\n"
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


def check_with(
    rule_id: str, code: str, requires: tuple[int, int] | None, path: str = "app/x.py"
) -> list[Any]:
    context = RepoContext(root=".", paths=frozenset({path}), python=PythonProject(requires_python=requires))
    return list(RULES[rule_id].check(SourceFile(path=path, text=code, language="python"), context))


def test_deprecated_api_severity_rises_when_requires_python_reaches_removal() -> None:
    code = "import imp\nfrom datetime import datetime\nx = datetime.utcnow()\n"
    old = {h.line: h for h in check_with("AI201", code, (3, 9))}
    new = {h.line: h for h in check_with("AI201", code, (3, 12))}
    assert old[1].severity is None
    assert new[1].severity == Severity.HIGH
    assert "removed in Python 3.12" in new[1].message
    assert "use `importlib`" in new[1].message
    assert new[3].severity is None  # utcnow has no removal version yet


def test_deprecated_api_leaves_get_event_loop_inside_coroutines_alone(tmp_path: Path) -> None:
    code = (
        "import asyncio\n"
        "async def run():\n"
        "    loop = asyncio.get_event_loop()\n"
        "    def inner():\n"
        "        return asyncio.get_event_loop()  # expect: AI201\n"
        "    return loop, inner\n"
    )
    assert_marked("AI201", code, tmp_path)


def test_deprecated_api_ignores_assert_helpers_outside_unittest_classes(tmp_path: Path) -> None:
    code = (
        "class Fixture:\n"
        "    def assert_(self, x):\n"
        "        assert x\n"
        "    def test(self):\n"
        "        self.assert_(True)\n"
    )
    assert lines_of("AI201", code, tmp_path) == []
