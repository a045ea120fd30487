"""Declared Python dependencies, read from the repository's manifests (never executed).

Formats: requirements*.txt / *.in (with `-r`/`-c` includes, `-e …#egg=`), requirements/
directories, pyproject.toml (`[project]`, `[dependency-groups]`, Poetry, PDM, uv, Hatch
environments, `[build-system]`), setup.cfg, setup.py (ast, literal values only) and Pipfile.
"""

from __future__ import annotations

import ast
import configparser
import posixpath
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanners.paths import read_text_inside

# A requirement's distribution name: PEP 508 names start and end with a letter or digit.
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_VERSION = re.compile(r"(>=|~=|==|\^|~|>)\s*(\d+)(?:\.(\d+))?")
_MAX_MANIFEST_BYTES = 2_000_000


@dataclass(frozen=True)
class DeclaredDependency:
    """One distribution named by one manifest."""

    name: str  # as written, e.g. "PyYAML"
    source: str  # manifest path, e.g. "requirements/base.txt"


@dataclass
class ManifestScan:
    """Mutable accumulator while reading manifests; frozen into `PythonProject` afterwards."""

    dependencies: list[DeclaredDependency] = field(default_factory=list)
    manifests: set[str] = field(default_factory=set)  # manifests that declare dependencies
    complete: bool = True  # False when a manifest computes its dependencies (we cannot see them)
    own_names: set[str] = field(default_factory=set)  # the repo's own distribution names
    requires_python: list[tuple[str, str]] = field(default_factory=list)  # (manifest, specifier)
    generated: set[str] = field(default_factory=set)  # files written at build time (_version.py)

    def add(self, names: Iterable[str], source: str, declares: bool = True) -> None:
        """Record `names`; `declares=False` for build-only requirements, which say nothing
        about what the code may import at run time."""
        added = [DeclaredDependency(name=name, source=source) for name in names]
        if declares and added:
            self.manifests.add(source)
        self.dependencies.extend(added)


def requirement_name(spec: str) -> str | None:
    """The distribution name of a PEP 508 string (`pkg[extra]>=1; marker` → `pkg`)."""
    egg = _EGG.search(spec)
    if egg:
        return egg.group(1)
    if "://" in spec.split("@")[0] or spec.strip().startswith((".", "/")):
        return None  # a bare URL or a local path: no name to map
    match = _REQ_NAME.match(spec)
    return match.group(1) if match else None


def lowest_python(specifier: str) -> tuple[int, int] | None:
    """Lowest Python a specifier admits: `>=3.9,<4` → (3, 9); `^3.10` → (3, 10).

    Comma-separated clauses must all hold (the highest lower bound wins); Poetry's `||`
    alternatives admit any of them (the lowest wins).
    """
    alternatives = []
    for alternative in re.split(r"\|\|?", specifier):
        bounds = [
            (int(m.group(2)), int(m.group(3) or 0))
            for m in _VERSION.finditer(alternative)
            if m.group(2) in {"2", "3"}
        ]
        if bounds:
            alternatives.append(max(bounds))
    return min(alternatives) if alternatives else None


def _read(root: Path, rel: str) -> str | None:
    # Never outside the checkout: an include (`-r ../x.txt`) or a link may point there.
    return read_text_inside(root, rel, _MAX_MANIFEST_BYTES)


def is_requirements_file(rel: str) -> bool:
    name = posixpath.basename(rel).lower()
    parent = posixpath.basename(posixpath.dirname(rel)).lower()
    if parent in {"requirements", "requirements.d", "reqs"} and name.endswith((".txt", ".in")):
        return True
    return name.endswith((".txt", ".in")) and "requirements" in name


def scan_requirements(root: Path, rel: str, scan: ManifestScan, seen: set[str]) -> None:
    """A pip requirements file and, recursively, the files it includes."""
    if rel in seen:
        return
    seen.add(rel)
    text = _read(root, rel)
    if text is None:
        return
    names: list[str] = []
    for raw in text.replace("\\\n", " ").splitlines():
        line = re.sub(r"(^|\s)#(?!egg=).*$", "", raw).strip()
        if not line:
            continue
        include = re.match(r"^(?:-r|-c|--requirement|--constraint)[\s=]+(\S+)", line)
        if include:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), include.group(1)))
            if not target.startswith(".."):
                scan_requirements(root, target, scan, seen)
            continue
        editable = re.match(r"^(?:-e|--editable)[\s=]+(\S+)", line)
        if editable:
            name = requirement_name(editable.group(1))
            if name:
                names.append(name)
            continue
        if line.startswith("-"):
            continue  # --index-url, --hash, -f, …
        name = requirement_name(line)
        if name:
            names.append(name)
    scan.add(names, rel)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _names(specs: Iterable[str]) -> list[str]:
    return [name for name in (requirement_name(s) for s in specs) if name]


def _table(data: Any, *keys: str) -> dict[str, Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _toml(root: Path, rel: str) -> dict[str, Any] | None:
    """The TOML document at `rel`, or None when it cannot be read or parsed."""
    text = _read(root, rel)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def scan_pyproject(root: Path, rel: str, scan: ManifestScan) -> None:
    data = _toml(root, rel)
    if data is None:
        return
    project = _table(data, "project")
    if project:
        scan.manifests.add(rel)  # `[project]` without `dependencies` declares "none" (PEP 621)
        if isinstance(project.get("name"), str):
            scan.own_names.add(project["name"])
        dynamic = project.get("dynamic") or []
        if "dependencies" in dynamic:
            files = _table(data, "tool", "setuptools", "dynamic", "dependencies").get("file")
            for dep_file in _strings(files):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), dep_file))
                scan_requirements(root, target, scan, set())
            if not files:
                scan.complete = False
        scan.add(_names(_strings(project.get("dependencies"))), rel)
        for specs in _table(project, "optional-dependencies").values():
            scan.add(_names(_strings(specs)), rel)
        if isinstance(project.get("requires-python"), str):
            scan.requires_python.append((rel, project["requires-python"]))
    for group in _table(data, "dependency-groups").values():
        scan.add(_names(_strings(group)), rel)  # {include-group = …} entries are not strings
    scan.add(_names(_strings(_table(data, "build-system").get("requires"))), rel, declares=False)
    tool = _table(data, "tool")
    poetry = _table(tool, "poetry")
    if poetry:
        if isinstance(poetry.get("name"), str):
            scan.own_names.add(poetry["name"])
        if "dependencies" in poetry:
            scan.manifests.add(rel)
        tables = [_table(poetry, "dependencies"), _table(poetry, "dev-dependencies")]
        tables += [_table(group, "dependencies") for group in _table(poetry, "group").values()]
        for table in tables:
            scan.add([name for name in table if name.lower() != "python"], rel)
        python = _table(poetry, "dependencies").get("python")
        if isinstance(python, str):
            scan.requires_python.append((rel, python))
    for group in _table(tool, "pdm", "dev-dependencies").values():
        scan.add(_names(_strings(group)), rel)
    scan.add(_names(_strings(_table(tool, "uv").get("dev-dependencies"))), rel)
    for env in _table(tool, "hatch", "envs").values():
        if isinstance(env, dict):
            scan.add(_names(_strings(env.get("dependencies")) + _strings(env.get("extra-dependencies"))), rel)
    # Version files generated at build time by setuptools-scm / hatch-vcs.
    for generated in (
        _table(tool, "setuptools_scm").get("write_to"),
        _table(tool, "setuptools_scm").get("version_file"),
        _table(tool, "hatch", "build", "hooks", "vcs").get("version-file"),
        _table(tool, "pdm", "build").get("version-file"),
    ):
        if isinstance(generated, str):
            scan.generated.add(posixpath.basename(generated))


def scan_setup_cfg(root: Path, rel: str, scan: ManifestScan) -> None:
    text = _read(root, rel)
    if text is None:
        return
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=rel)
    except configparser.Error:
        return
    if parser.has_option("metadata", "name"):
        scan.own_names.add(parser.get("metadata", "name").strip())
    for option in ("install_requires", "tests_require", "setup_requires"):
        if parser.has_option("options", option):
            _add_cfg_value(root, rel, parser.get("options", option), scan)
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            _add_cfg_value(root, rel, value, scan)
    if parser.has_option("options", "python_requires"):
        scan.requires_python.append((rel, parser.get("options", "python_requires")))


def _add_cfg_value(root: Path, rel: str, value: str, scan: ManifestScan) -> None:
    if value.strip().startswith("file:"):
        for dep_file in value.split(":", 1)[1].replace(",", " ").split():
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), dep_file))
            scan_requirements(root, target, scan, set())
        return
    scan.add(_names(line.split(";")[0] for line in _strings(value)), rel)


def scan_setup_py(root: Path, rel: str, scan: ManifestScan) -> None:
    """`setup(install_requires=[...], ...)` keywords with literal values (or module-level
    names bound to literals); anything computed marks the declaration incomplete."""
    text = _read(root, rel)
    if text is None:
        return
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return
    literals: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            literals[node.targets[0].id] = node.value
    for call in _setup_calls(tree):
        for keyword in call.keywords:
            value = (
                literals.get(keyword.value.id, keyword.value)
                if isinstance(keyword.value, ast.Name)
                else keyword.value
            )
            if keyword.arg in {"install_requires", "tests_require", "setup_requires"}:
                scan.manifests.add(rel)
                specs = _literal_strings(value)
                if specs is None:
                    scan.complete = False
                else:
                    scan.add(_names(specs), rel)
            elif keyword.arg == "extras_require":
                if isinstance(value, ast.Dict):
                    for item in value.values:
                        specs = _literal_strings(
                            literals.get(item.id, item) if isinstance(item, ast.Name) else item
                        )
                        if specs is None:
                            scan.complete = False
                        else:
                            scan.add(_names(specs), rel)
                else:
                    scan.complete = False
            elif keyword.arg == "python_requires" and isinstance(value, ast.Constant):
                if isinstance(value.value, str):
                    scan.requires_python.append((rel, value.value))
            elif keyword.arg == "name" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                scan.own_names.add(value.value)


def _setup_calls(tree: ast.Module) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name == "setup":
                yield node


def _literal_strings(node: ast.expr) -> list[str] | None:
    """Strings of a literal list/tuple (or `a + b` of them); None when computed."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        values = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return values if len(values) == len(node.elts) else None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _strings(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_strings(node.left), _literal_strings(node.right)
        return None if left is None or right is None else left + right
    return None


def scan_pipfile(root: Path, rel: str, scan: ManifestScan) -> None:
    data = _toml(root, rel)
    if data is None:
        return
    scan.manifests.add(rel)
    for section in ("packages", "dev-packages"):
        scan.add(list(_table(data, section)), rel)
    version = _table(data, "requires").get("python_version")
    if isinstance(version, str):
        scan.requires_python.append((rel, f">={version}"))


def scan_manifests(root: Path, paths: Iterable[str]) -> ManifestScan:
    """Read every dependency manifest of the repository (outside vendored trees)."""
    scan = ManifestScan()
    seen_requirements: set[str] = set()
    for rel in sorted(paths):
        name = posixpath.basename(rel)
        if name == "pyproject.toml":
            scan_pyproject(root, rel, scan)
        elif name == "setup.cfg":
            scan_setup_cfg(root, rel, scan)
        elif name == "setup.py":
            scan_setup_py(root, rel, scan)
        elif name == "Pipfile":
            scan_pipfile(root, rel, scan)
        elif is_requirements_file(rel):
            scan_requirements(root, rel, scan, seen_requirements)
    return scan


def choose_requires_python(candidates: list[tuple[str, str]]) -> tuple[int, int] | None:
    """The repository's declared floor: the shallowest manifest that states one wins."""
    for _, spec in sorted(candidates, key=lambda item: (item[0].count("/"), item[0])):
        version = lowest_python(spec)
        if version is not None:
            return version
    return None
