"""Which files are test code: the one place the engine decides it.

A file is test code when the usual layouts say so (tests/ directories, `test_*.py`,
`*.test.ts`, `__tests__/`, …) or when the repository's own test runner configuration
says so: pytest's `testpaths` / `python_files` (pytest.ini, pyproject.toml, setup.cfg,
tox.ini) and jest's `testMatch` / `testRegex` or vitest's `include` (package.json "jest",
jest.config.*, vitest.config.*, vite.config.*). Findings there are still reported, marked
`in_tests`; rules may lower a severity where tests make the pattern benign.

Configuration is read from the repository's root only (where the runners look first);
a pattern the engine cannot understand is ignored rather than guessed at.
"""

from __future__ import annotations

import configparser
import fnmatch
import json
import posixpath
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from scanners.paths import read_text_inside

_MAX_CONFIG_BYTES = 256 * 1024

# The layouts every runner's default or common practice treats as tests.
_CONVENTION_DIRS = frozenset({"tests", "test", "testing", "__tests__", "__mocks__", "e2e", "spec"})
_CONVENTION_FILE = re.compile(
    r"^(test_.*\.pyi?|.*_tests?\.pyi?|conftest\.py|.*\.(test|spec|stories)\.[cm]?[jt]sx?)$"
)
_JS_SUFFIX = re.compile(r"\.[cm]?[jt]sx?$")
_PYTEST_DEFAULT_FILES = ("test_*.py", "*_test.py")


@dataclass(frozen=True)
class TestLayout:
    """What the repository declares about its tests (picklable; part of RepoContext)."""

    __test__ = False  # not a pytest test class despite the name

    pytest_paths: tuple[str, ...] = ()  # testpaths, relative to the root
    pytest_files: tuple[str, ...] = ()  # python_files globs (basename), beyond the defaults
    js_globs: tuple[str, ...] = ()  # jest testMatch / vitest include, relative to the root
    js_regexes: tuple[str, ...] = ()  # jest testRegex

    @cached_property
    def _js_compiled(self) -> tuple[re.Pattern[str], ...]:
        compiled = [_compile_glob(g) for g in self.js_globs]
        for pattern in self.js_regexes:
            try:
                compiled.append(re.compile(pattern))
            except re.error:
                continue
        return tuple(c for c in compiled if c is not None)

    def is_test(self, path: str) -> bool:
        """True when `path` (relative, POSIX) is test code by convention or configuration."""
        parts = path.split("/")
        filename = parts[-1]
        if any(p in _CONVENTION_DIRS for p in parts[:-1]) or _CONVENTION_FILE.match(filename):
            return True
        if filename.endswith(".py"):
            return self._is_pytest_file(path, filename)
        if _JS_SUFFIX.search(filename):
            return any(p.search(path) for p in self._js_compiled)
        return False

    def _is_pytest_file(self, path: str, filename: str) -> bool:
        # Everything under a declared test path is test code (its helpers and fixtures
        # too, not only the modules pytest collects); elsewhere, the declared file globs.
        if any(t not in ("", ".") and path.startswith(t + "/") for t in self.pytest_paths):
            return True
        return any(fnmatch.fnmatchcase(filename, g) for g in self.pytest_files)


def build_test_layout(root: Path, paths: Iterable[str]) -> TestLayout:
    """Read the root's test runner configuration (missing or broken files are skipped)."""
    present = frozenset(paths)
    pytest_paths: list[str] = []
    pytest_files: list[str] = []
    for rel, reader in (
        ("pytest.ini", _ini_pytest),
        ("pyproject.toml", _pyproject_pytest),
        ("tox.ini", _ini_pytest),
        ("setup.cfg", _ini_pytest),
    ):
        if rel not in present:
            continue
        found = reader(root, rel)
        if found is not None:
            # pytest uses the first configuration file that has a pytest section.
            pytest_paths, pytest_files = found
            break
    js_globs: list[str] = []
    js_regexes: list[str] = []
    package = _json(root, "package.json") if "package.json" in present else None
    if isinstance(package, dict) and isinstance(package.get("jest"), dict):
        _jest_options(package["jest"], js_globs, js_regexes)
    if "jest.config.json" in present:
        data = _json(root, "jest.config.json")
        if isinstance(data, dict):
            _jest_options(data, js_globs, js_regexes)
    for rel in sorted(present):
        if "/" in rel or not re.match(r"^(jest|vitest|vite)\.config\.[cm]?[jt]s$", rel):
            continue
        text = read_text_inside(root, rel, _MAX_CONFIG_BYTES) or ""
        for key in ("testMatch", "include"):
            js_globs.extend(_array_strings(text, key))
        js_regexes.extend(_array_strings(text, "testRegex"))
    return TestLayout(
        pytest_paths=tuple(p.strip("/") for p in pytest_paths),
        # The defaults are conventions already; only a repository's own globs add files.
        pytest_files=tuple(g for g in pytest_files if g not in _PYTEST_DEFAULT_FILES),
        js_globs=tuple(g.replace("<rootDir>/", "") for g in js_globs),
        js_regexes=tuple(js_regexes),
    )


def _split(value: str) -> list[str]:
    return [v for v in re.split(r"[\s,]+", value) if v]


def _ini_pytest(root: Path, rel: str) -> tuple[list[str], list[str]] | None:
    text = read_text_inside(root, rel, _MAX_CONFIG_BYTES)
    if text is None:
        return None
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=rel)
    except configparser.Error:
        return None
    section = "pytest" if rel == "pytest.ini" else "tool:pytest" if rel == "setup.cfg" else "pytest"
    if not parser.has_section(section):
        return None
    return _split(parser.get(section, "testpaths", fallback="")), _split(
        parser.get(section, "python_files", fallback="")
    )


def _pyproject_pytest(root: Path, rel: str) -> tuple[list[str], list[str]] | None:
    text = read_text_inside(root, rel, _MAX_CONFIG_BYTES)
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    tool = data.get("tool")
    pytest = tool.get("pytest") if isinstance(tool, dict) else None
    options = pytest.get("ini_options") if isinstance(pytest, dict) else None
    if not isinstance(options, dict):
        return None
    return _strings(options.get("testpaths")), _strings(options.get("python_files"))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return _split(value)
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _json(root: Path, rel: str) -> Any:
    text = read_text_inside(root, rel, _MAX_CONFIG_BYTES)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _jest_options(options: dict[str, Any], globs: list[str], regexes: list[str]) -> None:
    globs.extend(_strings(options.get("testMatch")))
    regexes.extend(_strings(options.get("testRegex")))


_STRING = re.compile(r"""(['"`])((?:\\.|(?!\1).)*)\1""")
_SKIPPABLE = re.compile(r"[\s,]*")


def _array_strings(text: str, key: str) -> list[str]:
    """The string literals of `key: [ ... ]` or `key: '...'` in a JS/TS config file (a
    lexical read: configuration built by code at run time is not followed)."""
    found: list[str] = []
    for match in re.finditer(rf"\b{key}\s*:\s*", text):
        at = match.end()
        if text.startswith("/", at):  # a regex literal (testRegex: /.../)
            literal = re.match(r"/((?:\\.|[^/\n])+)/", text[at:])
            if literal:
                found.append(literal.group(1).replace("\\/", "/"))
            continue
        in_array = text.startswith("[", at)
        at += in_array
        while True:
            at = _SKIPPABLE.match(text, at).end()  # type: ignore[union-attr]  # `*` always matches
            literal = _STRING.match(text, at)
            if literal is None:
                break
            found.append(literal.group(2).replace("\\\\", "\\"))
            at = literal.end()
            if not in_array:
                break
    return found


def _compile_glob(glob: str) -> re.Pattern[str] | None:
    """A micromatch-style glob (`**`, `*`, `?`, `[...]`, `{a,b}`, `?(x)`, `+(a|b)`,
    `@(a|b)`, `*(a)`) as a regex over a relative path; None when it is not understood."""
    glob = glob.removeprefix("./")
    if glob.startswith("!"):
        return None  # negations narrow other patterns; a positive match is all we mark
    out: list[str] = []
    i = 0
    depth = 0  # inside {…} or an extglob group
    closers: list[str] = []
    while i < len(glob):
        c = glob[i]
        nxt = glob[i + 1] if i + 1 < len(glob) else ""
        if c == "*" and nxt == "*":
            i += 2
            if i < len(glob) and glob[i] == "/":
                out.append("(?:.*/)?")
                i += 1
            else:
                out.append(".*")
            continue
        if c in "?*+@!" and nxt == "(":
            closers.append({"?": ")?", "*": ")*", "+": ")+", "@": ")", "!": ")"}[c])
            out.append("(?:")
            depth += 1
            i += 2
            continue
        if c == ")" and closers:
            out.append(closers.pop())
            depth -= 1
        elif c == "|" and depth:
            out.append("|")
        elif c == "{":
            closers.append(")")
            out.append("(?:")
            depth += 1
        elif c == "}" and closers:
            out.append(closers.pop())
            depth -= 1
        elif c == "," and depth:
            out.append("|")
        elif c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = glob.find("]", i + 1)
            if end == -1:
                return None
            out.append("[" + glob[i + 1 : end].replace("\\", "\\\\") + "]")
            i = end
        else:
            out.append(re.escape(c))
        i += 1
    if closers:
        return None
    try:
        return re.compile("^" + "".join(out) + "$")
    except re.error:
        return None


def is_test_path(path: str) -> bool:
    """Test code by the usual layouts alone (no repository configuration known)."""
    return TestLayout().is_test(posixpath.normpath(path))
