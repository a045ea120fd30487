"""Facts about the whole repository, built once per scan and shared by all rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scanners.project.javascript import JsProject, build_js_project
from scanners.project.python import PythonProject, build_python_project
from scanners.project.registry import PackageStatus, RegistryConfig, lookup_packages
from scanners.project.testcode import TestLayout, build_test_layout


@dataclass(frozen=True)
class RepoContext:
    """Picklable: it is sent once to every worker process of the pool."""

    root: str
    paths: frozenset[str]  # every discovered file, relative POSIX paths
    python: PythonProject = field(default_factory=PythonProject)
    js: JsProject = field(default_factory=JsProject)
    # Registry facts of the declared packages; empty unless the scan enabled the lookup.
    registry: tuple[PackageStatus, ...] = ()
    registry_min_age_days: int = 30
    tests: TestLayout = field(default_factory=TestLayout)

    def in_tests(self, path: str) -> bool:
        """Whether `path` is test code (conventions plus the repository's runner config)."""
        return self.tests.is_test(path)


def build_repo_context(
    root: Path, paths: Iterable[str], registry: RegistryConfig | None = None
) -> RepoContext:
    """Index the repository once, before any file is analysed (and, when `registry` is
    given, ask the package registries about the declared packages)."""
    all_paths = frozenset(paths)
    python = build_python_project(root, all_paths)
    js = build_js_project(root, all_paths)
    statuses: tuple[PackageStatus, ...] = ()
    if registry is not None:
        statuses = lookup_packages(registry, js.declared_packages, [d.name for d in python.dependencies])
    return RepoContext(
        root=str(root),
        paths=all_paths,
        python=python,
        js=js,
        registry=statuses,
        registry_min_age_days=registry.min_age_days if registry else 30,
        tests=build_test_layout(root, all_paths),
    )
