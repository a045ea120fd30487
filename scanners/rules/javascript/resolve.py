"""Module resolution the way bundlers and `tsc` do it, against the repository's files.

The repository's side (package.json, tsconfig `paths`, the files on disk) is read by
`scanners.project`; this module is the rules' logic over it.

`classify_specifier` sorts an import specifier into relative / alias / package /
built-in / skipped and says whether it resolves; AI111 and AI112 share it so one
import is never judged twice with different logic.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Literal

from scanners.project.javascript import JsProject
from scanners.project.relpath import dir_of, join_relative
from scanners.project.tsconfig import PathMapping
from scanners.rules.javascript.builtins import NODE_BUILTINS

RESOLVE_EXTENSIONS = (
    ".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json",
    ".vue", ".svelte", ".astro", ".css", ".scss", ".sass", ".less", ".node", ".wasm",
)  # fmt: skip
# With TypeScript's ESM style, `./a.js` names the file that `./a.ts` compiles to.
_TS_FOR_JS = {
    ".js": (".ts", ".tsx", ".d.ts", ".jsx"),
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
    return resolve_file(target, project) is not None


def resolve_file(target: str, project: JsProject) -> str | None:
    """The file `target` resolves to (as `file_exists` judges it), or None; a directory
    with its own package.json resolves to that package.json."""
    files = project.files
    if target and target in files:
        return target
    found = next((target + ext for ext in RESOLVE_EXTENSIONS if target + ext in files), None)
    if found:
        return found
    stem, ext = posixpath.splitext(target)
    found = next((stem + alt for alt in _TS_FOR_JS.get(ext, ()) if stem + alt in files), None)
    if found:
        return found
    platform = (f"{target}.{p}{e}" for p in _PLATFORM_SUFFIXES for e in (".js", ".ts", ".tsx", ".jsx"))
    found = next((f for f in platform if f in files), None)
    if found:
        return found
    if target in project.directories:
        inside = f"{target}/" if target else ""
        if inside + "package.json" in files:
            return inside + "package.json"
        return next((f"{inside}index{e}" for e in RESOLVE_EXTENSIONS if f"{inside}index{e}" in files), None)
    return None


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
        if file_exists(join_relative(base, spec), project):
            return Resolution("local", True, join_relative(base, spec))
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
        join_relative(join_relative(root, sub), rest) if rest else join_relative(root, sub)
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
            directory = join_relative(join_relative(root, sub), first)
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
