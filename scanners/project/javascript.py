"""What the repository declares and defines on its JavaScript/TypeScript side.

Built once per scan from manifest files only (package.json, tsconfig/jsconfig, the
`declare module` lines of `.d.ts` files); no JS parsing happens here. The result is a
frozen, picklable value that every worker receives, so lookups that depend on a file's
location (which package.json governs it, which tsconfig `paths` apply) are methods.
"""

from __future__ import annotations

import os
import posixpath
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scanners import paths as scanner_paths
from scanners.paths import escape_name, note_input, path_bytes, read_text_inside
from scanners.project.jsonc import MAX_MANIFEST_BYTES, read_json_lenient
from scanners.project.relpath import dir_of, is_under
from scanners.project.tsconfig import PathMapping, TsConfig

JS_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"})
SKIPPED_DIRS = frozenset(
    {"node_modules", ".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache"}
)

_DEP_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
_MAX_WALKED_FILES = 300_000
_DECLARE_MODULE = re.compile(r"""declare\s+module\s+['"]([^'"]+)['"]""")
_MAJOR = re.compile(r"(?<![\w.])(\d+)(?:\.[\dx*]+){0,2}")


@dataclass(frozen=True)
class PackageManifest:
    """One package.json: the directory it governs and what it declares."""

    directory: str  # relative POSIX dir, "" for the root
    name: str
    packages: frozenset[str]
    react_spec: str | None  # the declared `react` version range, if any
    has_preact: bool = False
    node_spec: str | None = None  # `engines.node`, if declared


@dataclass(frozen=True)
class JsProject:
    """Picklable facts about the repo's JS/TS side (package.json, tsconfig paths, files)."""

    declared_packages: frozenset[str] = frozenset()  # union over every package.json
    manifests: tuple[PackageManifest, ...] = ()  # deepest directory first
    tsconfigs: tuple[TsConfig, ...] = ()  # deepest directory first
    files: frozenset[str] = frozenset()  # every file on disk (minus node_modules & co)
    directories: frozenset[str] = frozenset()
    ambient_modules: frozenset[str] = frozenset()  # `declare module 'x'` in .d.ts files
    local_packages: frozenset[str] = frozenset()  # `name` of every package.json

    @property
    def has_manifest(self) -> bool:
        return bool(self.manifests)

    def manifests_for(self, path: str) -> list[PackageManifest]:
        """package.json files whose directory contains `path`, nearest first."""
        return [m for m in self.manifests if is_under(path, m.directory)]

    def packages_for(self, path: str) -> frozenset[str]:
        """Packages a file may import: its governing package.json and every ancestor one
        (workspaces hoist the root's dependencies), plus the repo's own workspace packages."""
        names: set[str] = set(self.local_packages)
        for manifest in self.manifests_for(path):
            names |= manifest.packages
        return frozenset(names)

    def react_major(self, path: str) -> int | None:
        """Lowest React major the governing package.json allows (None when undeclared).

        The lowest one matters: a library declaring `^16.8 || ^17 || ^18` must keep
        working on 16, where `ReactDOM.render` is the only API."""
        for manifest in self.manifests_for(path):
            if manifest.react_spec is not None:
                return lowest_major(manifest.react_spec)
        return None

    def node_major(self, path: str) -> int | None:
        """Lowest Node major the governing package.json's `engines.node` allows (None when
        undeclared): an API deprecated after it may be the only one that Node has."""
        for manifest in self.manifests_for(path):
            if manifest.node_spec is not None:
                return lowest_major(manifest.node_spec)
        return None

    def react_version(self, path: str) -> tuple[int, int] | None:
        """Lowest (major, minor) of React the governing package.json allows."""
        for manifest in self.manifests_for(path):
            if manifest.react_spec is not None:
                return lowest_version(manifest.react_spec)
        return None

    def uses_preact_only(self, path: str) -> bool:
        manifests = self.manifests_for(path)
        return any(m.has_preact for m in manifests) and all(m.react_spec is None for m in manifests)

    def path_mappings_for(self, path: str) -> list[PathMapping]:
        """tsconfig/jsconfig `paths` (and `baseUrl`) that apply to `path`, nearest first."""
        mappings: list[PathMapping] = []
        for config in self.tsconfigs:
            if is_under(path, config.directory):
                mappings.extend(config.mappings)
        return mappings

    def base_urls_for(self, path: str) -> list[str]:
        return [c.base_url for c in self.tsconfigs if c.base_url is not None and is_under(path, c.directory)]


_VERSION = re.compile(r"(?<![\w.])(\d+)(?:\.(\d+))?")


def lowest_version(spec: str) -> tuple[int, int] | None:
    """`^0.14.2` → (0, 14), `>=16.3 <19` → (16, 3), `^17 || ^18` → (17, 0); tags → None."""
    found = [(int(m.group(1)), int(m.group(2) or 0)) for m in _VERSION.finditer(spec.split("@")[-1])]
    return min(found) if found else None


def lowest_major(spec: str) -> int | None:
    """`^18.2.0` → 18, `>=16.8 <19` → 16, `^17 || ^18` → 17; tags and URLs → None."""
    majors = [int(m.group(1)) for m in _MAJOR.finditer(spec.split("@")[-1])]
    return min(majors) if majors else None


def build_js_project(root: Path, paths: Iterable[str]) -> JsProject:
    """Read package.json and tsconfig/jsconfig files once; index the files on disk."""
    listed = frozenset(paths)
    if not any(posixpath.splitext(p)[1] in JS_SUFFIXES for p in listed):
        return JsProject()
    # `listed` first: a set union keeps the left operand's string for an equal path, so
    # the paths the context already holds are not held twice.
    files = listed | _walk_files(root)
    directories = {dir_of(f) for f in files}
    for directory in list(directories):
        while directory:
            directory = dir_of(directory)
            directories.add(directory)

    manifests: list[PackageManifest] = []
    tsconfigs: list[TsConfig] = []
    ambient: set[str] = set()
    for rel in sorted(files):
        base = posixpath.basename(rel)
        if base == "package.json":
            manifest = _read_manifest(root, rel)
            if manifest is not None:
                manifests.append(manifest)
        elif base.endswith(".json") and base.startswith(("tsconfig", "jsconfig")):
            config = TsConfig.load(root, rel)
            if config is not None:
                tsconfigs.append(config)
        elif base.endswith(".d.ts"):
            ambient |= _ambient_modules(root, rel)

    manifests.sort(key=lambda m: -m.directory.count("/") - (1 if m.directory else 0))
    tsconfigs.sort(key=lambda c: -c.directory.count("/") - (1 if c.directory else 0))
    return JsProject(
        declared_packages=frozenset(n for m in manifests for n in m.packages),
        manifests=tuple(manifests),
        tsconfigs=tuple(tsconfigs),
        files=frozenset(files),
        directories=frozenset(directories),
        ambient_modules=frozenset(ambient),
        local_packages=frozenset(m.name for m in manifests if m.name),
    )


def _walk_files(root: Path) -> frozenset[str]:
    """Every file under `root`: the scan's own list may leave out assets (.css, .svg)
    and JSON that imports resolve to, so existence is checked against the disk.

    Each directory's stamp is recorded (`DIR_INPUT`) before it is listed: any entry added,
    removed or renamed in it moves its mtime and ctime, so the context cache
    (scanners/cache.py) knows the walk would find the same files without walking again."""
    found: set[str] = set()
    settled_before = time.time_ns() - scanner_paths.SETTLE_NS
    stack = [("", str(root))]  # (text path, OS path) of the directories still to list
    while stack and len(found) <= _MAX_WALKED_FILES:
        rel_dir, current = stack.pop()
        try:
            note_input(DIR_INPUT + rel_dir, 0, dir_stamp(current, settled_before))
            entries = list(os.scandir(current))
        except OSError:
            continue  # as os.walk: an unreadable directory is left out
        prefix = rel_dir + "/" if rel_dir else ""
        subdirs = []
        for entry in entries:
            name = escape_name(entry.name)
            try:
                is_dir = entry.is_dir()  # as os.walk: a link to a directory is a directory…
            except OSError:
                is_dir = False
            if not is_dir:
                found.add(prefix + name)
            elif entry.name not in SKIPPED_DIRS and not entry.is_symlink():  # …never followed
                subdirs.append((prefix + name, entry.path))
        stack.extend(reversed(subdirs))  # os.walk's order, should the cap cut the walk short
    return frozenset(found)


DIR_INPUT = "\0dir:"  # the key prefix of a walked directory's stamp (no path has a NUL)


def dir_stamp(path: str, settled_before: int | None = None) -> str:
    """A directory's (mtime, ctime, inode); "" when it changed too recently to be trusted
    (a later change in the same clock tick would not show)."""
    st = os.lstat(path)
    if settled_before is not None and max(st.st_mtime_ns, st.st_ctime_ns) >= settled_before:
        return ""
    return f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def dir_input_digest(root: Path, key: str) -> str:
    """What `dir_stamp` gives now for the directory of a recorded `DIR_INPUT` key."""
    rel_dir = key[len(DIR_INPUT) :]
    try:
        return dir_stamp(os.path.join(str(root), os.fsdecode(path_bytes(rel_dir))) if rel_dir else str(root))
    except OSError:
        return ""


def _read_manifest(root: Path, rel: str) -> PackageManifest | None:
    data = read_json_lenient(root, rel)
    if not isinstance(data, dict):
        return None
    packages: set[str] = set()
    react_specs: list[str] = []
    for section in _DEP_SECTIONS:
        deps = data.get(section)
        if isinstance(deps, dict):
            packages.update(k for k in deps if isinstance(k, str))
            spec = deps.get("react")
            if isinstance(spec, str):
                react_specs.append(spec)
    # Bundled dependencies are declared by name only.
    for section in ("bundledDependencies", "bundleDependencies"):
        bundled = data.get(section)
        if isinstance(bundled, list):
            packages.update(b for b in bundled if isinstance(b, str))
    name = data.get("name")
    engines = data.get("engines")
    node_spec = engines.get("node") if isinstance(engines, dict) else None
    # The spec allowing the lowest version governs (`lowest_version` re-reads it).
    versions = [(v, spec) for spec in react_specs if (v := lowest_version(spec)) is not None]
    react_spec = "{}.{}".format(*min(versions)[0]) if versions else (react_specs[0] if react_specs else None)
    return PackageManifest(
        directory=dir_of(rel),
        name=name if isinstance(name, str) else "",
        packages=frozenset(packages),
        react_spec=react_spec,
        has_preact="preact" in packages,
        node_spec=node_spec if isinstance(node_spec, str) else None,
    )


def _ambient_modules(root: Path, rel: str) -> set[str]:
    text = read_text_inside(root, rel, MAX_MANIFEST_BYTES)
    if text is None:
        return set()
    return set(_DECLARE_MODULE.findall(text))
