"""tsconfig/jsconfig: the `baseUrl` and `paths` aliases a file's imports go through.

Each config is read with its relative `extends` chain applied, the way `tsc` does, and
its targets are made relative to the repository root.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanners.project.jsonc import read_json_lenient
from scanners.project.relpath import dir_of, join_relative


@dataclass(frozen=True)
class PathMapping:
    """One tsconfig `paths` entry, targets made relative to the repository root."""

    pattern: str  # the key as written, e.g. "@/*"
    targets: tuple[str, ...]  # e.g. ("src/*",)
    source: str  # the config file that defines it, for messages

    @property
    def prefix(self) -> str:
        return self.pattern.split("*", 1)[0]

    def match(self, spec: str) -> str | None:
        """The text `*` stands for ("" for exact keys), or None when the key does not match."""
        if "*" not in self.pattern:
            return "" if spec == self.pattern else None
        head, tail = self.pattern.split("*", 1)
        if spec.startswith(head) and spec.endswith(tail) and len(spec) >= len(head) + len(tail):
            return spec[len(head) : len(spec) - len(tail)]
        return None

    def substitute(self, star: str) -> list[str]:
        return [posixpath.normpath(t.replace("*", star, 1)) for t in self.targets]


@dataclass(frozen=True)
class TsConfig:
    """The resolution-relevant part of one tsconfig/jsconfig, `extends` applied."""

    directory: str
    path: str
    base_url: str | None
    mappings: tuple[PathMapping, ...]

    @classmethod
    def load(cls, root: Path, rel: str) -> TsConfig | None:
        options = _compiler_options(root, rel, depth=0)
        if options is None:
            return None
        base_url: str | None = None
        if isinstance(options.get("baseUrl"), str):
            base_url = join_relative(options["_baseUrlDir"], options["baseUrl"])
        mappings: list[PathMapping] = []
        paths = options.get("paths")
        if isinstance(paths, dict):
            anchor = base_url if base_url is not None else options["_pathsDir"]
            for key, targets in paths.items():
                if isinstance(key, str) and isinstance(targets, list):
                    joined = tuple(join_relative(anchor, t) for t in targets if isinstance(t, str))
                    mappings.append(PathMapping(key, joined, options["_pathsSource"]))
        # Longest prefix first, as TypeScript picks the most specific pattern.
        mappings.sort(key=lambda m: -len(m.prefix))
        return cls(directory=dir_of(rel), path=rel, base_url=base_url, mappings=tuple(mappings))


def _compiler_options(root: Path, rel: str, depth: int) -> dict[str, Any] | None:
    """compilerOptions with relative `extends` merged; `_…Dir` keys remember which file
    set `baseUrl`/`paths`, because each is relative to the config that defines it."""
    data = read_json_lenient(root, rel)
    if not isinstance(data, dict):
        return None
    merged: dict[str, Any] = {}
    extends = data.get("extends")
    parents = extends if isinstance(extends, list) else [extends]
    for parent in parents:
        if depth < 5 and isinstance(parent, str) and parent.startswith("."):
            parent_rel = join_relative(dir_of(rel), parent)
            if not parent_rel.endswith(".json"):
                parent_rel += ".json"
            inherited = _compiler_options(root, parent_rel, depth + 1)
            if inherited:
                merged.update(inherited)
    options = data.get("compilerOptions")
    if isinstance(options, dict):
        if "baseUrl" in options:
            merged["_baseUrlDir"] = dir_of(rel)
        if "paths" in options:
            merged["_pathsDir"] = dir_of(rel)
            merged["_pathsSource"] = rel
        merged.update(options)
    merged.setdefault("_baseUrlDir", dir_of(rel))
    merged.setdefault("_pathsDir", dir_of(rel))
    merged.setdefault("_pathsSource", rel)
    return merged
