"""What the repository declares and defines on its Python side.

Built once per scan from the path list and the manifest files only (no AST of the
code): module index, import roots, declared dependencies, `requires-python`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from scanners.paths import read_text_inside
from scanners.project.dist_names import fallback_import_names, import_names_for
from scanners.project.python_deps import DeclaredDependency, choose_requires_python, scan_manifests

_MAX_GITIGNORE_BYTES = 1_000_000

SOURCE_SUFFIXES = (".py", ".pyi")
# Compiled modules: importable, but their names cannot be read.
_COMPILED_SUFFIXES = (".so", ".pyd", ".pyx")
# Sources of extension modules whose module names live in build scripts we do not run.
_EXTENSION_SOURCE_SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".rs", ".pyx")
VENDORED_DIRS = frozenset(
    {
        "vendor",
        "_vendor",
        "vendored",
        "_vendored",
        "third_party",
        "thirdparty",
        "third-party",
        "extern",
        "_extern",
        "externals",
        "site-packages",
        "node_modules",
    }
)
# Files generated at build time by version plug-ins (setuptools-scm, hatch-vcs, versioneer).
_USUALLY_GENERATED = frozenset({"_version.py", "__version__.py", "version.py"})


class ModuleIndex(Mapping[str, tuple[str, ...]]):
    """dotted name → the paths (without suffix) that define it, one per import root it is
    found under, sorted. Answered per lookup from the module paths and the roots.

    A flat layout makes every directory a root, so a name exists under several of them
    (`a/b/c.py` is `c`, `b.c` and `a.b.c`): a table of every name had 241,000 entries for a
    100,000-file repository, in every process of the pool. Lookups are remembered."""

    def __init__(self, bases: frozenset[str], roots: tuple[str, ...]) -> None:
        self._bases = bases  # module paths of files, and every directory holding code
        self._roots = roots
        self._memo: dict[str, tuple[str, ...] | None] = {}

    def _lookup(self, name: str) -> tuple[str, ...] | None:
        if name in self._memo:
            return self._memo[name]
        parts = name.split(".")
        found: tuple[str, ...] | None = None
        if all(part.isidentifier() for part in parts):
            tail = "/".join(parts)
            candidates = (f"{root}/{tail}" if root else tail for root in self._roots)
            hits = sorted(base for base in candidates if base in self._bases)
            found = tuple(hits) or None
        self._memo[name] = found
        return found

    def __getitem__(self, name: str) -> tuple[str, ...]:
        found = self._lookup(name)
        if found is None:
            raise KeyError(name)
        return found

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._lookup(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._names()))

    def __len__(self) -> int:
        return len(self._names())

    def _names(self) -> set[str]:
        roots = set(self._roots)
        names: set[str] = set()
        for base in self._bases:
            parts = base.split("/")
            for start in range(len(parts)):  # every root that is a proper prefix of the base
                tail = parts[start:]
                if "/".join(parts[:start]) in roots and all(part.isidentifier() for part in tail):
                    names.add(".".join(tail))
        return names


@dataclass(frozen=True)
class PythonProject:
    """Picklable facts about the repo's Python side, built once per scan."""

    # Lowest Python the repo declares (`requires-python = ">=3.12"` → (3, 12)); None if undeclared.
    requires_python: tuple[int, int] | None = None
    # Directories a module path starts from ("" = the repository root): every directory
    # holding Python code that is not itself a regular package (flat, src/, lib/, backend/, …).
    import_roots: tuple[str, ...] = ()
    # The path without suffix of every module file (`a/b.py` → `a/b`, `a/__init__.py` → `a`);
    # with `package_dirs`, what `module_bases` answers from.
    module_paths: frozenset[str] = frozenset()
    top_level_modules: frozenset[str] = frozenset()  # first part of every dotted module name
    package_dirs: frozenset[str] = frozenset()  # directories holding Python code (transitively)
    opaque_modules: frozenset[str] = frozenset()  # base paths of compiled modules (.so/.pyx)
    extension_dirs: frozenset[str] = frozenset()  # directories with C/Cython/Rust extension sources
    generated_files: frozenset[str] = frozenset()  # basenames written at build time (_version.py)
    dependencies: tuple[DeclaredDependency, ...] = ()
    dependency_imports: frozenset[str] = frozenset()  # top-level import names they provide
    declares_dependencies: bool = False  # some manifest declares the dependencies
    dependencies_complete: bool = True  # False when a manifest computes them (setup.py code)
    manifests: tuple[str, ...] = ()  # manifests that declare dependencies, for messages
    own_distributions: tuple[str, ...] = ()  # the repository's own distribution names

    @cached_property
    def module_bases(self) -> ModuleIndex:
        """dotted name → the paths (without suffix) that define it (see ModuleIndex)."""
        return ModuleIndex(self.module_paths | self.package_dirs, self.import_roots)

    @property
    def modules(self) -> frozenset[str]:
        """Every dotted module/package the repo defines (built on each call: tests, tools)."""
        return frozenset(self.module_bases)

    @property
    def module_index(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The whole index as sorted pairs (built on each call: tests, tools)."""
        index = self.module_bases
        return tuple((name, index[name]) for name in index)


def is_vendored(path: str) -> bool:
    return any(part in VENDORED_DIRS for part in path.split("/")[:-1])


def _ancestors(directory: str) -> list[str]:
    """`a/b/c` → ["a/b/c", "a/b", "a", ""]."""
    result = []
    while directory:
        result.append(directory)
        directory = posixpath.dirname(directory)
    result.append("")
    return result


def _module_parts(path: str) -> list[str] | None:
    """Path components of the module a file defines (`a/b/__init__.py` → [a, b])."""
    parts = path.split("/")
    stem = parts[-1].split(".", 1)[0]
    parts = parts[:-1] if stem == "__init__" else [*parts[:-1], stem]
    return parts


def _index_modules(
    python_files: list[str], compiled: list[str]
) -> tuple[set[str], list[str], set[str], set[str]]:
    """(module paths, import roots, package dirs, top-level module names)."""
    init_dirs = {posixpath.dirname(p) for p in python_files if posixpath.basename(p).startswith("__init__.")}
    package_dirs: set[str] = set()
    directories = {posixpath.dirname(path) for path in python_files + compiled}
    for directory in directories:
        package_dirs.update(d for d in _ancestors(directory) if d)
    roots = sorted({""} | {d for d in package_dirs if d not in init_dirs})
    root_set = set(roots)
    module_paths: set[str] = set()
    top_level: set[str] = set()
    for path in python_files + compiled:
        parts = _module_parts(path)
        if not parts:
            continue
        module_paths.add("/".join(parts))
        # Every root above the file makes the part just below it a top-level name.
        for start in range(len(parts)):
            if parts[start].isidentifier() and "/".join(parts[:start]) in root_set:
                top_level.add(parts[start])
    return module_paths, roots, package_dirs, top_level


def _gitignored_python_files(root: Path) -> set[str]:
    """Basenames of `.py` files the root .gitignore names (generated, so absent in checkouts)."""
    text = read_text_inside(root, ".gitignore", _MAX_GITIGNORE_BYTES)
    if text is None:
        return set()
    return {
        posixpath.basename(line.strip().rstrip("/"))
        for line in text.splitlines()
        if line.strip().endswith(".py") and not line.startswith(("#", "!")) and "*" not in line
    }


def build_python_project(root: Path, paths: Iterable[str]) -> PythonProject:
    """Index the repo's Python modules and declared dependencies (no AST parsing of code)."""
    all_paths = sorted(paths)
    python_files = [p for p in all_paths if p.endswith(SOURCE_SUFFIXES)]
    compiled = [p for p in all_paths if p.endswith(_COMPILED_SUFFIXES)]
    module_paths, roots, package_dirs, top_level = _index_modules(python_files, compiled)
    opaque = {"/".join(parts) for p in compiled if (parts := _module_parts(p))}
    extension_dirs = {posixpath.dirname(p) for p in all_paths if p.endswith(_EXTENSION_SOURCE_SUFFIXES)}

    scan = scan_manifests(root, (p for p in all_paths if not is_vendored(p)))
    dependencies = tuple(dict.fromkeys(scan.dependencies))
    dependency_imports: set[str] = set()
    for dep in dependencies:
        dependency_imports.update(import_names_for(dep.name))
    for own in scan.own_names:  # a repo may import itself as an installed distribution
        dependency_imports.update(fallback_import_names(own))

    return PythonProject(
        requires_python=choose_requires_python(scan.requires_python),
        import_roots=tuple(roots),
        module_paths=frozenset(module_paths),
        top_level_modules=frozenset(top_level),
        package_dirs=frozenset(package_dirs),
        opaque_modules=frozenset(opaque),
        extension_dirs=frozenset(extension_dirs),
        generated_files=frozenset(_USUALLY_GENERATED | scan.generated | _gitignored_python_files(root)),
        dependencies=dependencies,
        dependency_imports=frozenset(dependency_imports),
        declares_dependencies=bool(scan.manifests),
        dependencies_complete=scan.complete,
        manifests=tuple(sorted(scan.manifests)),
        own_distributions=tuple(sorted(scan.own_names)),
    )
