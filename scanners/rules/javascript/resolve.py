"""Module resolution the way bundlers and `tsc` do it, against the repository's files.

`classify_specifier` sorts an import specifier into relative / alias / package /
built-in / skipped and says whether it resolves; AI111 and AI112 share it so one
import is never judged twice with different logic.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from scanners.rules.javascript.builtins import NODE_BUILTINS

if TYPE_CHECKING:
    from scanners.rules.javascript.project import JsProject

JS_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"})
SKIPPED_DIRS = frozenset(
    {"node_modules", ".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache"}
)
MAX_MANIFEST_BYTES = 2_000_000
# Order follows TypeScript's then webpack's defaults; assets and framework files last.
RESOLVE_EXTENSIONS = (
    ".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json",
    ".vue", ".svelte", ".astro", ".css", ".scss", ".sass", ".less", ".node", ".wasm",
)  # fmt: skip
# With TypeScript's ESM style, `./a.js` names the file that `./a.ts` compiles to.
_TS_FOR_JS = {
    ".js": (".ts", ".tsx", ".d.ts"),
    ".jsx": (".tsx",),
    ".mjs": (".mts", ".d.mts"),
    ".cjs": (".cts", ".d.cts"),
}
# React Native / isomorphic builds pick `Button.ios.js` for `./Button`.
_PLATFORM_SUFFIXES = ("ios", "android", "native", "web", "windows", "macos", "browser", "node")
# Build output and generated code are usually absent from a checkout: imports of them
# (tests importing `../dist`, `./__generated__/graphql`) cannot be judged from the tree.
BUILD_OUTPUT_DIRS = frozenset(
    {"dist", "build", "out", ".next", ".nuxt", ".output", ".svelte-kit", "generated", "__generated__"}
)
# Bundler-only conventions with no file behind them (SvelteKit, unplugin-icons, …).
_VIRTUAL_PREFIXES = ("$app/", "$env/", "$service-worker", "~icons/", "virtual:", "@vite/", "/@")

Kind = Literal["relative", "alias", "package", "builtin", "local", "skip"]


def dir_of(path: str) -> str:
    return posixpath.dirname(path)


def is_under(path: str, directory: str) -> bool:
    return not directory or path.startswith(directory + "/")


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
            base_url = _join(options["_baseUrlDir"], options["baseUrl"])
        mappings: list[PathMapping] = []
        paths = options.get("paths")
        if isinstance(paths, dict):
            anchor = base_url if base_url is not None else options["_pathsDir"]
            for key, targets in paths.items():
                if isinstance(key, str) and isinstance(targets, list):
                    joined = tuple(_join(anchor, t) for t in targets if isinstance(t, str))
                    mappings.append(PathMapping(key, joined, options["_pathsSource"]))
        # Longest prefix first, as TypeScript picks the most specific pattern.
        mappings.sort(key=lambda m: -len(m.prefix))
        return cls(directory=dir_of(rel), path=rel, base_url=base_url, mappings=tuple(mappings))


def _join(directory: str, relative: str) -> str:
    joined = posixpath.normpath(posixpath.join(directory, relative))
    return "" if joined == "." else joined


def _compiler_options(root: Path, rel: str, depth: int) -> dict[str, Any] | None:
    """compilerOptions with relative `extends` merged; `_…Dir` keys remember which file
    set `baseUrl`/`paths`, because each is relative to the config that defines it."""
    data = read_json_lenient(root / rel)
    if not isinstance(data, dict):
        return None
    merged: dict[str, Any] = {}
    extends = data.get("extends")
    parents = extends if isinstance(extends, list) else [extends]
    for parent in parents:
        if depth < 5 and isinstance(parent, str) and parent.startswith("."):
            parent_rel = _join(dir_of(rel), parent)
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


def read_json_lenient(path: Path) -> Any:
    """JSON with comments and trailing commas (tsconfig allows both); None when unreadable."""
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return None
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return json.loads(_strip_json_comments(text))
    except ValueError:
        return None


def _strip_json_comments(text: str) -> str:
    """Drop `//`/`/* */` comments and trailing commas outside strings, in one pass."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif char == ",":
            j = i + 1
            while j < n and (text[j] in " \t\r\n" or text.startswith(("//", "/*"), j)):
                if text.startswith("//", j):
                    k = text.find("\n", j)
                    j = n if k < 0 else k
                elif text.startswith("/*", j):
                    k = text.find("*/", j + 2)
                    j = n if k < 0 else k + 2
                else:
                    j += 1
            if not (j < n and text[j] in "}]"):
                out.append(char)  # a trailing comma is simply dropped
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class Resolution:
    kind: Kind
    resolved: bool = True
    target: str = ""  # repo-relative path tried (relative/alias), or the package name
    via: str = ""  # how an alias was mapped, for messages
    conventional: bool = False  # alias guessed from a convention, not from tsconfig


def file_exists(target: str, project: JsProject) -> bool:
    """Bundler resolution of a repo-relative path: exact file, + extension, TS's `.js`→`.ts`,
    platform variants, `/index.*`, or a directory with its own package.json."""
    files = project.files
    if target and target in files:
        return True
    if any(target + ext in files for ext in RESOLVE_EXTENSIONS):
        return True
    stem, ext = posixpath.splitext(target)
    if any(stem + alt in files for alt in _TS_FOR_JS.get(ext, ())):
        return True
    if any(f"{target}.{p}{e}" in files for p in _PLATFORM_SUFFIXES for e in (".js", ".ts", ".tsx", ".jsx")):
        return True
    if target in project.directories:
        inside = f"{target}/" if target else ""
        if inside + "package.json" in files:
            return True
        return any(f"{inside}index{e}" in files for e in RESOLVE_EXTENSIONS)
    return False


def package_name(spec: str) -> str:
    parts = spec.split("/")
    if spec.startswith("@") and len(parts) > 1:
        return "/".join(parts[:2])
    return parts[0]


def _clean(spec: str) -> str:
    for mark in ("?", "#"):
        if mark in spec[1:]:
            spec = spec[: spec.index(mark, 1)]
    return spec


def classify_specifier(spec: str, importer: str, project: JsProject) -> Resolution:
    """Sort `spec` (as imported from the repo file `importer`) and resolve it."""
    if not spec or "!" in spec or spec.startswith(("#", "/")) or spec.startswith(_VIRTUAL_PREFIXES):
        return Resolution("skip")
    if spec.startswith("node:") or spec in NODE_BUILTINS:
        return Resolution("builtin")
    if ":" in spec:  # bun:, astro:, virtual:, https:, npm:, jsr:, data: …
        return Resolution("skip")
    spec = _clean(spec)
    if spec in (".", "..") or spec.startswith(("./", "../")):
        target = posixpath.normpath(posixpath.join(dir_of(importer), spec))
        if target.startswith(".."):
            return Resolution("skip")  # outside the scanned tree: cannot be judged
        if target == ".":
            target = ""
        if file_exists(target, project):
            return Resolution("relative", True, target)
        if BUILD_OUTPUT_DIRS.intersection(target.split("/")):
            return Resolution("skip")
        return Resolution("relative", False, target)

    declared = is_declared(spec, importer, project)
    for mapping in project.path_mappings_for(importer):
        star = mapping.match(spec)
        if star is None:
            continue
        candidates = mapping.substitute(star)
        if any(file_exists(c, project) for c in candidates):
            return Resolution("alias", True, candidates[0])
        if mapping.pattern == "*" or declared:
            continue  # TypeScript falls back to node_modules when a mapping finds nothing
        if BUILD_OUTPUT_DIRS.intersection(candidates[0].split("/")):
            return Resolution("skip")
        return Resolution("alias", False, candidates[0] if candidates else "", via=_via(mapping))

    if spec.startswith(("@/", "~/", "~~/", "@@/")) or spec in ("@", "~"):
        return _conventional_alias(spec, importer, project)
    if spec.startswith("$lib"):
        return Resolution("skip")  # SvelteKit's src/lib alias; configured by the framework

    for base in project.base_urls_for(importer):
        if file_exists(_join(base, spec), project):
            return Resolution("local", True, _join(base, spec))
    name = package_name(spec)
    if name in NODE_BUILTINS:
        return Resolution("builtin")
    if declared:
        return Resolution("package", True, name)
    if _looks_like_bundler_alias(spec, importer, project):
        return Resolution("skip")
    return Resolution("package", False, name)


def _via(mapping: PathMapping) -> str:
    return f"{mapping.source} `paths` entry `{mapping.pattern}` → {', '.join(mapping.targets)}"


def _conventional_alias(spec: str, importer: str, project: JsProject) -> Resolution:
    """`@/x`, `~/x` with no tsconfig `paths`: Vue CLI/Vite map them to `src/`, Nuxt and
    Remix to the app root or `app/`; resolved when any of those holds the file."""
    rest = spec.split("/", 1)[1] if "/" in spec else ""
    roots = [m.directory for m in project.manifests_for(importer)] or [""]
    candidates = [
        _join(_join(root, sub), rest) if rest else _join(root, sub)
        for root in roots
        for sub in ("src", "", "app")
    ]
    if any(file_exists(c, project) for c in candidates if c):
        return Resolution("alias", True, candidates[0])
    return Resolution("alias", False, candidates[0], conventional=True)


def _looks_like_bundler_alias(spec: str, importer: str, project: JsProject) -> bool:
    """An import that names a folder of the repo (`components/Button`, `@components/x`)
    is resolved by a bundler alias or `resolve.modules` setting we cannot read: not a
    package. npm names never contain capitals, so `@Shared/x` is an alias too."""
    name = package_name(spec)
    if name != name.lower():
        return True
    first = name.lstrip("@").split("/")[0]
    roots = {m.directory for m in project.manifests_for(importer)} | {""}
    for root in roots:
        for sub in ("", "src", "app", "lib"):
            directory = _join(_join(root, sub), first)
            if directory in project.directories or file_exists(directory, project):
                return True
    return False


def is_declared(spec: str, importer: str, project: JsProject) -> bool:
    """Declared in a governing package.json (or via `@types/`), a workspace package,
    or an ambient `declare module` of the repository."""
    name = package_name(spec)
    packages = project.packages_for(importer)
    if name in packages:
        return True
    types_name = "@types/" + (name[1:].replace("/", "__") if name.startswith("@") else name)
    if types_name in packages:
        return True
    for module in project.ambient_modules:
        if module in (spec, name):
            return True
        if "*" in module:
            head, tail = module.split("*", 1)
            if spec.startswith(head) and spec.endswith(tail):
                return True
    return False
