"""Per-function cyclomatic complexity: our engine (scanners/tools/js_metrics.py) against
ESLint's own `complexity` rule (classic variant, threshold 0 so it reports every function).

    .venv/bin/python bench/eslint_complexity_parity.py                     # axios + lodash-es
    .venv/bin/python bench/eslint_complexity_parity.py --package axios@1.7.9
    .venv/bin/python bench/eslint_complexity_parity.py --write-golden tests/fixtures/js_complexity/golden.json

Outside code goes to /work/outside/ (never committed): ESLint is installed there with npm
(`--outside DIR`), each package is fetched with `npm pack` and unpacked there. ESLint runs
once over all files through its Node API with the built-in rule wrapped so that each
report also carries where ESLint's node starts (line, UTF-16 column), the key both sides
are matched on. Prints matches/total per package and every difference.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanners.source import LANGUAGE_BY_SUFFIX, SourceFile
from scanners.tools.js_metrics import js_metrics
from scanners.tools.raw import js_line_counts

ESLINT_VERSION = "9.39.5"
DEFAULT_PACKAGES = ("axios@1.7.9", "lodash-es@4.17.21")

# Runs ESLint's built-in `complexity` rule at threshold 0 on every file named on stdin.
_COLLECT = r"""
const fs = require("fs");
const { Linter } = require("eslint");
const { builtinRules } = require("eslint/use-at-your-own-risk");
const complexity = builtinRules.get("complexity");
const wrapped = {
  meta: complexity.meta,
  create(context) {
    const proxy = Object.create(context, {
      options: { value: [0] },
      report: { value: (d) => found.push({ line: d.node.loc.start.line, column: d.node.loc.start.column,
                                           complexity: d.data.complexity, name: d.data.name }) },
    });
    return complexity.create(proxy);
  },
};
let found = [];
const linter = new Linter({ configType: "flat" });
const out = {};
for (const path of JSON.parse(fs.readFileSync(0, "utf8"))) {
  found = [];
  const messages = linter.verify(fs.readFileSync(path, "utf8"), [{
    languageOptions: { ecmaVersion: "latest", sourceType: path.endsWith(".cjs") ? "commonjs" : "module" },
    plugins: { parity: { rules: { complexity: wrapped } } },
    rules: { "parity/complexity": ["error", 0] },
  }]);
  const fatal = messages.filter((m) => m.fatal).map((m) => m.message);
  out[path] = { functions: found, fatal };
}
process.stdout.write(JSON.stringify(out));
"""


def ensure_eslint(outside: Path) -> Path:
    """ESLint installed with npm under `outside` (not in the repository)."""
    home = outside / "eslint"
    if not (home / "node_modules" / "eslint" / "package.json").exists():
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "init", "-y"], cwd=home, check=True, capture_output=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", f"eslint@{ESLINT_VERSION}"], cwd=home, check=True
        )
    (home / "collect.cjs").write_text(_COLLECT, encoding="utf-8")
    return home


def fetch_package(spec: str, outside: Path) -> Path:
    """`npm pack` the package into outside/packages and unpack it; returns its directory."""
    target = outside / "packages" / spec.replace("/", "+")
    if (target / "package").is_dir():
        return target / "package"
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=target, check=True, capture_output=True, text=True
    )
    archive = target / done.stdout.strip().splitlines()[-1]
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def eslint_figures(home: Path, files: list[Path]) -> dict[str, dict[str, object]]:
    done = subprocess.run(
        ["node", str(home / "collect.cjs")],
        cwd=home,
        input=json.dumps([str(f) for f in files]),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, dict[str, object]] = json.loads(done.stdout)
    return result


def _utf16_column(line_bytes: bytes, byte_column: int) -> int:
    prefix = line_bytes[:byte_column].decode("utf-8", "replace")
    return len(prefix.encode("utf-16-le")) // 2


def key_of(line: int, column: int, initializer: bool) -> str:
    """Where a code path starts, as both sides name it; a class field's initializer and
    the arrow function it holds start at the same place, so the kind is part of the key."""
    return f"{line}:{column}" + (":initializer" if initializer else "")


def _eslint_key(found: dict[str, object]) -> str:
    return key_of(found["line"], found["column"], str(found["name"]).startswith("Class field"))  # type: ignore[arg-type]


def our_figures(path: Path) -> dict[str, tuple[int, str]]:
    """key_of(line, UTF-16 column, kind) → (complexity, name) for every code path of the file."""
    text = path.read_text(encoding="utf-8")
    language = LANGUAGE_BY_SUFFIX[path.suffix]
    raw = js_line_counts(text)
    metrics = js_metrics(SourceFile(path.name, text, language), raw.sloc, raw.comments)
    lines = text.encode("utf-8").split(b"\n")
    figures = {}
    for f in metrics.functions if metrics else ():
        column = _utf16_column(lines[f.line - 1], f.column) if f.line <= len(lines) else f.column
        figures[key_of(f.line, column, f.kind == "field")] = (f.complexity, f.name)
    return figures


def compare(root: Path, files: list[Path], eslint: dict[str, dict[str, object]]) -> dict[str, object]:
    matches = total = 0
    differences: list[str] = []
    skipped: list[str] = []
    for path in files:
        reported = eslint[str(path)]
        if reported["fatal"]:
            skipped.append(f"{path.relative_to(root)}: ESLint could not parse it: {reported['fatal']}")
            continue
        ours = our_figures(path)
        theirs = {_eslint_key(f): f for f in reported["functions"]}  # type: ignore[attr-defined]
        for key in sorted(set(ours) | set(theirs)):
            total += 1
            mine, other = ours.get(key), theirs.get(key)
            where = f"{path.relative_to(root)}:{key}"
            if mine is None:
                differences.append(
                    f"{where}: ESLint {other['complexity']} ({other['name']}); not found by us"
                )  # type: ignore[index]
            elif other is None:
                differences.append(f"{where}: ours {mine[0]} ({mine[1]}); ESLint reported no function here")
            elif mine[0] != other["complexity"]:
                differences.append(f"{where}: ours {mine[0]}, ESLint {other['complexity']} ({other['name']})")
            else:
                matches += 1
    return {"matches": matches, "total": total, "differences": differences, "skipped": skipped}


def js_files(root: Path) -> list[Path]:
    wanted = (".js", ".mjs", ".cjs")
    return sorted(p for p in root.rglob("*") if p.suffix in wanted and p.is_file() and ".min." not in p.name)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--package", action="append", help="npm spec (repeatable); default axios and lodash-es"
    )
    parser.add_argument("--outside", type=Path, default=Path("/work/outside"))
    parser.add_argument("--directory", type=Path, help="compare the JS files of this directory instead")
    parser.add_argument("--write-golden", type=Path, help="write ESLint's figures for --directory as JSON")
    args = parser.parse_args()
    home = ensure_eslint(args.outside)
    targets = [("directory", args.directory.resolve())] if args.directory else []
    if not targets:
        for spec in args.package or DEFAULT_PACKAGES:
            root = fetch_package(spec, args.outside)
            # Only the shipped sources: bundles under dist/ are generated from them.
            source = root / "lib" if (root / "lib").is_dir() else root
            targets.append((spec, source))
    failed = False
    for label, root in targets:
        files = js_files(root)
        eslint = eslint_figures(home, files)
        if args.write_golden:
            golden: dict[str, object] = {
                "_comment": f"ESLint {ESLINT_VERSION} `complexity` (classic, threshold 0) per "
                "function, keyed line:column of ESLint's node; written by "
                "bench/eslint_complexity_parity.py --directory DIR --write-golden FILE, never edited by hand",
            }
            golden |= {
                str(p.relative_to(root)): {
                    _eslint_key(f): f["complexity"]
                    for f in eslint[str(p)]["functions"]  # type: ignore[attr-defined]
                }
                for p in files
            }
            args.write_golden.write_text(
                json.dumps(golden, indent=1, sort_keys=True) + "\n", encoding="utf-8"
            )
        outcome = compare(root, files, eslint)
        print(f"{label}: {len(files)} files, {outcome['matches']}/{outcome['total']} functions identical")
        for line in outcome["differences"]:  # type: ignore[attr-defined]
            print("  differs:", line)
        for line in outcome["skipped"]:  # type: ignore[attr-defined]
            print("  skipped:", line)
        failed = failed or outcome["matches"] != outcome["total"]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
