"""Deny-list validation (AI631, AI632): exact lines, and ordinary parsing code stays quiet."""

from __future__ import annotations

from pathlib import Path

from tests.scanners.rules.harness import lines_of


def test_python_deny_lists_are_flagged_and_parsing_or_allow_lists_are_not(tmp_path: Path) -> None:
    code = (
        "import re\n"
        "def f(path, token, cmd, host):\n"
        "    if '../' in path or path.startswith('/'):\n"
        "        raise ValueError\n"
        "    if \"'\" in token or ';' in token:\n"
        "        token = token.strip()\n"
        "    if cmd in ('ls', 'df'):\n"
        "        return cmd\n"
        "    if host in ['localhost', '127.0.0.1']:\n"
        "        raise ValueError(host)\n"
        "    if re.match(r'^[a-z]+$', token):\n"
        "        return token\n"
        "    return path.replace('..', '').replace('-', '')\n"
    )
    assert lines_of("AI631", code, tmp_path) == [3, 9, 13]


def test_js_deny_lists_are_flagged_and_allow_lists_are_not(tmp_path: Path) -> None:
    code = (
        "function f(p, cmd, s) {\n"
        "  if (p.indexOf('../') !== -1) throw new Error('no');\n"
        "  if (['rm', 'shutdown'].includes(cmd)) throw new Error('no');\n"
        "  if (['ls', 'df'].includes(cmd)) return cmd;\n"
        "  if (s.includes(';')) return s.split(';');\n"
        "  return s.replaceAll(/<script>/gi, '') + p.replace('-', '');\n"
        "}\n"
    )
    assert lines_of("AI632", code, tmp_path, filename="src/a.js") == [2, 3, 6]


def test_comparing_whole_path_components_is_not_a_deny_list(tmp_path: Path) -> None:
    code = (
        "import pathlib\n"
        "def f(name, chars):\n"
        "    if '..' in pathlib.PurePath(name).parts:\n"
        "        raise ValueError(name)\n"
        "    if '..' in name.split('/'):\n"
        "        raise ValueError(name)\n"
        "    return chars.replace(';', '')\n"
    )
    assert lines_of("AI631", code, tmp_path) == []
