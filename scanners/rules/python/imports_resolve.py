"""Resolve every import of the repository against the repo, the stdlib and the manifests.

Shared by AI101 (cannot be resolved inside the repository) and AI102 (a third-party name
no declared dependency provides); one import yields at most one of the two.
"""

from __future__ import annotations

import difflib
import posixpath
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from scanners.project.dist_names import distributions_for, import_names_for
from scanners.project.python import PythonProject, is_vendored
from scanners.rules.python.imports import ImportFact, ModuleFacts

UNRESOLVED = "AI101"
UNDECLARED = "AI102"

# Modules removed from the stdlib in recent versions (PEP 594, distutils, imp): still
# "standard" for this rule; the deprecated-API rule is the one that reports them.
_REMOVED_STDLIB = frozenset(
    {
        "aifc",
        "asynchat",
        "asyncore",
        "audioop",
        "cgi",
        "cgitb",
        "chunk",
        "crypt",
        "distutils",
        "imghdr",
        "imp",
        "lib2to3",
        "mailcap",
        "msilib",
        "nis",
        "nntplib",
        "ossaudiodev",
        "pipes",
        "smtpd",
        "sndhdr",
        "spwd",
        "sunau",
        "telnetlib",
        "uu",
        "xdrlib",
        "_typeshed",
    }
)
STDLIB = frozenset(sys.stdlib_module_names) | _REMOVED_STDLIB | {"__main__"}
# Attributes every module has, importable by `from mod import __file__`.
_MODULE_ATTRIBUTES = frozenset(
    {
        "__file__",
        "__name__",
        "__doc__",
        "__path__",
        "__spec__",
        "__loader__",
        "__package__",
        "__builtins__",
        "__dict__",
    }
)

# Files run by tools rather than by the application: their third-party imports are test or
# build tooling, which projects rarely declare (AI102 stays quiet there; AI101 does not).
_AUX_DIRS = frozenset(
    {
        "test",
        "tests",
        "testing",
        "docs",
        "doc",
        "examples",
        "example",
        "benchmarks",
        "benchmark",
        "bench",
        "scripts",
        "tools",
        "ci",
        "_ext",
        "demo",
        "demos",
        "samples",
        "sandbox",
    }
)
_AUX_FILES = frozenset(
    {
        "conftest.py",
        "setup.py",
        "noxfile.py",
        "fabfile.py",
        "tasks.py",
        "conf.py",
        "manage.py",
        "dodo.py",
        "hatch_build.py",
        "build.py",
        "pavement.py",
        "tox.py",
    }
)
_SOURCE_SUFFIXES = (".py", ".pyi", "/__init__.py", "/__init__.pyi")


def is_auxiliary(path: str) -> bool:
    """Tests, docs, examples, scripts and tool configuration files."""
    parts = path.split("/")
    name = parts[-1]
    return (
        name in _AUX_FILES
        or name.startswith("test_")
        or name.endswith(("_test.py", "_tests.py"))
        or any(part in _AUX_DIRS for part in parts[:-1])
    )


@dataclass(frozen=True)
class Problem:
    path: str
    fact: ImportFact
    rule: str  # UNRESOLVED or UNDECLARED
    message: str


class Resolver:
    """Looks imports up in the repository index built from paths and per-file facts."""

    def __init__(
        self, facts: Mapping[str, ModuleFacts | None], project: PythonProject, paths: frozenset[str]
    ):
        self.facts = facts
        self.project = project
        self.paths = paths

    # --- the repository ---------------------------------------------------------------
    def is_module_path(self, base: str) -> bool:
        return (
            base + ".py" in self.paths
            or base + ".pyi" in self.paths
            or base in self.project.package_dirs
            or base in self.project.opaque_modules
        )

    def defines(self, base: str, name: str) -> bool:
        """Module at `base` binds `name`, or may (compiled, unparsable, dynamic)."""
        if base in self.project.opaque_modules:
            return True
        for suffix in _SOURCE_SUFFIXES:
            path = base + suffix
            if path not in self.paths:
                continue
            facts = self.facts.get(path)
            if facts is None or facts.dynamic or name in facts.names:
                return True  # unparsable or uncollected modules cannot be checked
        return False

    def may_exist(self, parent_base: str, name: str) -> bool:
        """A missing submodule that is generated at build time or compiled from sources."""
        return (
            f"{name}.py" in self.project.generated_files
            or parent_base in self.project.extension_dirs
            or parent_base in self.project.opaque_modules
            or self.defines_dynamically(parent_base)
        )

    def defines_dynamically(self, base: str) -> bool:
        for suffix in ("/__init__.py", ".py"):
            facts = self.facts.get(base + suffix)
            if facts is not None and facts.dynamic:
                return True
        return False

    def missing_names(self, module: str, bases: tuple[str, ...], names: tuple[str, ...]) -> list[str]:
        missing = []
        for name in names:
            if name == "*" or name in _MODULE_ATTRIBUTES:
                continue
            if any(self.is_module_path(f"{base}/{name}") or self.defines(base, name) for base in bases):
                continue
            if any(self.may_exist(base, name) for base in bases):
                continue
            missing.append(name)
        return missing

    def check_repo_module(self, fact: ImportFact, module: str, bases: tuple[str, ...] | None) -> str | None:
        """Why `module` (absolute, its top level a repo module) does not resolve, or None."""
        index = self.project.module_bases
        if bases is None:
            parts = module.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                prefix_bases = index.get(".".join(parts[:cut]))
                if not prefix_bases:
                    continue
                missing = parts[cut]
                if any(self.may_exist(base, missing) for base in prefix_bases):
                    return None
                if cut == len(parts) - 1 and any(self.defines(base, missing) for base in prefix_bases):
                    return None  # `import a.b.c` where `c` is an attribute of `a.b`: lenient
                prefix = ".".join(parts[:cut])
                return (
                    f"`{module}` is not a module of this repository: `{prefix}` "
                    f"({_describe(prefix_bases[0], self.paths)}) has no `{missing}`"
                )
            return None
        missing_names = self.missing_names(module, bases, fact.names)
        if missing_names:
            listed = ", ".join(f"`{name}`" for name in missing_names)
            where = _describe(bases[0], self.paths)
            return f"{listed} is not defined in `{module}` ({where}) nor one of its submodules"
        return None

    def check_relative(self, path: str, fact: ImportFact) -> str | None:
        directory = posixpath.dirname(path)
        for _ in range(fact.level - 1):
            if not directory:
                return None  # climbs out of the repository: nothing to compare with
            directory = posixpath.dirname(directory)
        dots = "." * fact.level
        if not fact.module:
            missing = self.missing_names("", (directory,), fact.names)
            if missing:
                listed = ", ".join(f"`{name}`" for name in missing)
                where = f"{directory}/" if directory else "the repository root"
                return f"{listed} is neither a module in {where} nor defined by its `__init__.py`"
            return None
        parts = fact.module.split(".")
        base = posixpath.join(directory, *parts)
        if not self.is_module_path(base):
            parent = posixpath.dirname(base)
            if self.may_exist(parent, parts[-1]):
                return None
            missing_module = f"`{dots}{fact.module}`"
            return f"{missing_module} does not exist: there is no `{base}.py` or `{base}/` in this repository"
        missing = self.missing_names(fact.module, (base,), fact.names)
        if missing:
            listed = ", ".join(f"`{name}`" for name in missing)
            where = _describe(base, self.paths)
            return f"{listed} is not defined in `{dots}{fact.module}` ({where}) nor one of its submodules"
        return None

    # --- everything -----------------------------------------------------------------------
    def problems(self) -> Iterator[Problem]:
        project = self.project
        ai102_on = project.declares_dependencies and project.dependencies_complete
        for path, facts in sorted(self.facts.items()):
            if facts is None or is_vendored(path):
                continue
            auxiliary = is_auxiliary(path)
            for fact in facts.imports:
                if fact.guarded:
                    continue
                if fact.level:
                    message = self.check_relative(path, fact)
                    if message:
                        yield Problem(path, fact, UNRESOLVED, message + _FIX_REPO)
                    continue
                top = fact.module.split(".", 1)[0]
                if top in STDLIB:
                    continue
                if top in project.top_level_modules:
                    message = self.check_repo_module(fact, fact.module, project.module_bases.get(fact.module))
                    if message and top not in project.dependency_imports:
                        yield Problem(path, fact, UNRESOLVED, message + _FIX_REPO)
                    continue
                if top in project.dependency_imports or not ai102_on or auxiliary or fact.in_function:
                    continue  # function-level imports are the idiom for optional dependencies
                if _is_adapter_module(path, top):
                    continue
                yield Problem(path, fact, UNDECLARED, self.undeclared_message(top))

    def undeclared_message(self, top: str) -> str:
        project = self.project
        manifests = ", ".join(project.manifests[:3]) + (", …" if len(project.manifests) > 3 else "")
        hint = ""
        declared = sorted(project.dependency_imports | {dep.name for dep in project.dependencies})
        close = difflib.get_close_matches(top, declared, n=1, cutoff=0.8)
        if close:
            hint = f" Did you mean `{close[0]}`?"
        dists = distributions_for(top)
        provider = (
            f"the distribution that provides it (`{dists[0]}`)"
            if dists
            else "the distribution that provides it"
        )
        return (
            f"`{top}` is not a module of this repository, the standard library, or a declared "
            f"dependency ({manifests}).{hint} Fix the name, or add {provider} to "
            f"{project.manifests[0] if project.manifests else 'the requirements'}."
        )


_FIX_REPO = "; import it from the module that defines it, or create it."


def _describe(base: str, paths: frozenset[str] = frozenset()) -> str:
    for suffix in (".py", ".pyi"):
        if base + suffix in paths:
            return base + suffix
    return f"{base}/" if base else "the repository root"


def _is_adapter_module(path: str, top: str) -> bool:
    """`serializers/pyyaml.py` importing `yaml`, `backends/jinja2.py` importing `jinja2`:
    an integration module named after the optional package it wraps."""
    stem = posixpath.basename(path).rsplit(".", 1)[0].lower().lstrip("_")
    return stem == top.lower() or top in import_names_for(stem)
