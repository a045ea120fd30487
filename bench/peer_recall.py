"""Our detection rate on the peer linters' own published rule tests (issue 13's figures).

The peers' repositories are fetched outside the project (e.g. `/work/outside` mirrors; never
committed). For each suite, every *invalid* case inside our rule's documented scope is
written into a throw-away repository and our rule is run on it: a case counts as detected
when the rule reports at least one finding (ESLint suites; case-level) or the same line
(ruff snapshots; line-level). Every *valid* case that our rule flags counts as a false alarm.

    .venv/bin/python bench/peer_recall.py --mirrors /work/outside/mirrors [--show SUITE]

`--mirrors` holds one bare git directory per peer, named `owner+name/repo` as the fetch tool
lays them out (`eslint-community+eslint-plugin-n`, `eslint+eslint`,
`jsx-eslint+eslint-plugin-react`, `astral-sh+ruff`). JS cases are dumped by
`bench/peer_cases.js` (needs `node`).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanners.project.context import build_repo_context  # noqa: E402
from scanners.rules.registry import FILE_RULES, REPO_RULES  # noqa: E402
from scanners.source import LANGUAGE_BY_SUFFIX, SourceFile  # noqa: E402

RULES = {rule.meta.id: rule for rule in (*FILE_RULES, *REPO_RULES)}


@dataclass(frozen=True)
class EslintSuite:
    name: str
    repo: str
    path: str
    rule_id: str
    filename: str
    package_json: str = '{"name": "case"}'

    def in_scope(self, case: dict[str, Any]) -> bool:
        if self.name == "require-atomic-updates":
            return "await" in case["code"]  # generators (`yield`) are outside our async-only scope
        options = case.get("options") or [{}]
        if self.name == "promise/catch-or-return":
            return not case.get("options")  # allowThen/terminationMethod: ESLint configuration
        # Per-rule ignore lists are ESLint configuration, not something a repository declares.
        return not (isinstance(options[0], dict) and any(k.startswith("ignore") for k in options[0]))

    def manifest(self, case: dict[str, Any]) -> str:
        """The package.json a case runs under: the peer's configured Node version becomes
        `engines.node`, the way a repository declares it."""
        options = case.get("options") or [{}]
        version = options[0].get("version") if isinstance(options[0], dict) else None
        if self.rule_id == "AI212" and isinstance(version, str):
            return json.dumps({"name": "case", "engines": {"node": version}})
        react = ((case.get("settings") or {}).get("react") or {}).get("version")
        if self.rule_id == "AI211" and isinstance(react, str) and react[:1].isdigit():
            return json.dumps({"name": "case", "dependencies": {"react": react, "react-dom": react}})
        return self.package_json


@dataclass(frozen=True)
class RuffSuite:
    name: str
    fixture: str
    snapshot: str
    rule_id: str
    candidates: str = r"^\s*except\b"  # lines a rule of this kind could flag: the negatives


ESLINT_SUITES = (
    EslintSuite(
        "no-deprecated-api",
        "eslint-community+eslint-plugin-n",
        "tests/lib/rules/no-deprecated-api.js",
        "AI212",
        "src/case.js",
    ),
    EslintSuite(
        "require-atomic-updates",
        "eslint+eslint",
        "tests/lib/rules/require-atomic-updates.js",
        "AI412,AI413",
        "src/case.js",
    ),
    EslintSuite(
        "promise/catch-or-return",
        "eslint-community+eslint-plugin-promise",
        "__tests__/catch-or-return.js",
        "AI313",
        "src/case.js",
    ),
    EslintSuite(
        "react/no-deprecated",
        "jsx-eslint+eslint-plugin-react",
        "tests/lib/rules/no-deprecated.js",
        "AI211",
        "src/case.jsx",
        '{"name": "case", "dependencies": {"react": "^19.0.0", "react-dom": "^19.0.0"}}',
    ),
)
_FIX = "crates/ruff_linter/resources/test/fixtures"
_SNAP = "crates/ruff_linter/src/rules"
RUFF_SUITES = (
    RuffSuite(
        "ruff DTZ003",
        f"{_FIX}/flake8_datetimez/DTZ003.py",
        f"{_SNAP}/flake8_datetimez/snapshots/ruff_linter__rules__flake8_datetimez__tests__DTZ003_DTZ003.py.snap",
        "AI201",
        r"utcnow\(",
    ),
    RuffSuite(
        "ruff BLE001",
        f"{_FIX}/flake8_blind_except/BLE.py",
        f"{_SNAP}/flake8_blind_except/snapshots/ruff_linter__rules__flake8_blind_except__tests__BLE001_BLE.py.snap",
        "AI302",
    ),
    RuffSuite(
        "ruff S110",
        f"{_FIX}/flake8_bandit/S110.py",
        f"{_SNAP}/flake8_bandit/snapshots/ruff_linter__rules__flake8_bandit__tests__S110_S110.py.snap",
        "AI301,AI302",
    ),
    RuffSuite(
        "ruff DTZ004",
        f"{_FIX}/flake8_datetimez/DTZ004.py",
        f"{_SNAP}/flake8_datetimez/snapshots/ruff_linter__rules__flake8_datetimez__tests__DTZ004_DTZ004.py.snap",
        "AI201",
        r"utcfromtimestamp\(",
    ),
)


@dataclass
class Outcome:
    suite: str
    positives: int = 0
    detected: int = 0
    negatives: int = 0
    false_alarms: int = 0
    missed: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)

    def line(self) -> str:
        rate = 100 * self.detected / self.positives if self.positives else 0.0
        fa = 100 * self.false_alarms / self.negatives if self.negatives else 0.0
        return (
            f"{self.suite:28} detected {self.detected:3}/{self.positives:<3} ({rate:5.1f}%)   "
            f"false alarms {self.false_alarms:2}/{self.negatives:<3} ({fa:4.1f}%)"
        )


def _git_show(mirrors: Path, repo: str, path: str) -> str:
    return subprocess.run(
        ["git", "-C", str(mirrors / repo / "repo"), "show", f"HEAD:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def run_on(rule_ids: str, code: str, filename: str, extra: dict[str, str]) -> list[int]:
    """Lines the rules `rule_ids` ("AI412,AI413") report on `code` written as `filename`."""
    return sorted(
        line for rule_id in rule_ids.split(",") for line in _run_one(rule_id, code, filename, extra)
    )


def _run_one(rule_id: str, code: str, filename: str, extra: dict[str, str]) -> list[int]:
    if rule_id not in RULES:
        return []  # a checkout from before the rule existed (a "before" run) finds nothing
    rule = RULES[rule_id]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = {filename: code, **extra}
        for rel, body in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(body, encoding="utf-8")
        context = build_repo_context(root, files.keys())
        source = SourceFile(path=filename, text=code, language=LANGUAGE_BY_SUFFIX[Path(filename).suffix])
        if hasattr(rule, "check"):
            return sorted(hit.line for hit in rule.check(source, context))
        facts = {filename: rule.collect(source, context)}
        return sorted(hit.line for path, hit in rule.conclude(facts, context) if path == filename)


def eslint_outcome(suite: EslintSuite, mirrors: Path) -> Outcome:
    with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as handle:
        handle.write(_git_show(mirrors, suite.repo, suite.path))
    dumped = subprocess.run(
        ["node", str(ROOT / "bench" / "peer_cases.js"), handle.name],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    Path(handle.name).unlink()
    outcome = Outcome(suite.name)
    for run in json.loads(dumped):
        for case in run["invalid"]:
            if not suite.in_scope(case):
                continue
            extra = {"package.json": suite.manifest(case)}
            outcome.positives += 1
            if run_on(suite.rule_id, case["code"], suite.filename, extra):
                outcome.detected += 1
            else:
                outcome.missed.append(case["code"])
        for case in run["valid"]:
            if not suite.in_scope(case):
                continue
            extra = {"package.json": suite.manifest(case)}
            outcome.negatives += 1
            if run_on(suite.rule_id, case["code"], suite.filename, extra):
                outcome.false_alarms += 1
                outcome.alarms.append(case["code"])
    return outcome


def ruff_outcome(suite: RuffSuite, mirrors: Path) -> Outcome:
    code = _git_show(mirrors, "astral-sh+ruff", suite.fixture)
    snapshot = _git_show(mirrors, "astral-sh+ruff", suite.snapshot)
    name = Path(suite.fixture).name
    expected = sorted({int(m) for m in re.findall(rf"--> {re.escape(name)}:(\d+):\d+", snapshot)})
    found = set(run_on(suite.rule_id, code, "app/case.py", {}))
    lines = code.splitlines()
    outcome = Outcome(suite.name, positives=len(expected))
    for line in expected:
        if line in found:
            outcome.detected += 1
        else:
            outcome.missed.append(f"{line}: {lines[line - 1]}")
    for line in sorted(found - set(expected)):
        outcome.false_alarms += 1
        outcome.alarms.append(f"{line}: {lines[line - 1]}")
    # Ruff fixtures mark only positives: every other line a rule of this kind could flag
    # (an `except` clause, a `utcnow` call) is a negative.
    outcome.negatives = sum(
        1 for n, text in enumerate(lines, 1) if re.search(suite.candidates, text) and n not in expected
    )
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mirrors", type=Path, required=True)
    parser.add_argument("--show", nargs="*", default=[], help="suites whose misses and alarms to print")
    args = parser.parse_args()
    outcomes = [eslint_outcome(s, args.mirrors) for s in ESLINT_SUITES]
    outcomes += [ruff_outcome(s, args.mirrors) for s in RUFF_SUITES]
    for outcome in outcomes:
        print(outcome.line())
        if outcome.suite in args.show or "all" in args.show:
            for code in outcome.missed:
                print("    MISSED:", code.replace("\n", "\\n")[:160])
            for code in outcome.alarms:
                print("    ALARM: ", code.replace("\n", "\\n")[:160])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
