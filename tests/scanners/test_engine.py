"""scan_directory end to end on real files: rules, syntax errors, suppression, pool, cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanners.engine import EngineConfig, scan_directory
from scanners.model import Severity
from tests.scanners.engine_support import CrashingRule, PrintRule, TodoCountRule, make_repo, write_tree

RULES = (PrintRule(), CrashingRule())
REPO_RULES = (TodoCountRule(),)

FILES = {
    "app/__init__.py": "",
    "app/main.py": (
        "import subprocess\n"
        "\n"
        "\n"
        "def run(cmd):\n"
        "    print(cmd)  # TODO: logging\n"
        "    subprocess.call(cmd, shell=True)\n"
    ),
    "app/util.py": "def helper():\n    print('x')  # TODO one\n    return 1  # TODO two\n",
    "app/broken.py": "def f(:\n    pass\n",
    "web/index.js": "const a = 1;\n\n// comment\nconsole.log(a);\n",
}


def _keys(result) -> set[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    return {(f.rule_id, f.path, f.line) for f in result.findings}


def test_it_runs_injected_file_and_repo_rules_and_every_scanner(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, FILES)
    result = scan_directory(repo, EngineConfig(workers=1), rules=RULES, repo_rules=REPO_RULES)
    assert _keys(result) == {
        ("B404", "app/main.py", 1),
        ("B602", "app/main.py", 6),
        ("AI901", "app/main.py", 5),
        ("AI901", "app/util.py", 2),
        ("AI901", "web/index.js", 4),
        ("AI903", "app/util.py", 2),
        ("E001", "app/broken.py", 1),
    }
    by_key = {(f.rule_id, f.path, f.line): f for f in result.findings}
    assert by_key[("AI901", "app/main.py", 5)].column == 5  # Hit columns are 0-based, findings 1-based
    assert by_key[("AI901", "app/main.py", 5)].snippet == "print(cmd)  # TODO: logging"
    assert by_key[("AI903", "app/util.py", 2)].snippet == "print('x')  # TODO one"
    assert by_key[("AI903", "app/util.py", 2)].message == "2 TODOs in 5 files"
    assert {m.id for m in result.rules} >= {"AI901", "AI902", "AI903", "B602", "RAD001", "RAD002", "E001"}


def test_it_records_a_crashing_rule_as_a_warning_and_goes_on(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, FILES)
    result = scan_directory(repo, EngineConfig(workers=1), rules=RULES)
    crashes = {(w.code, w.path) for w in result.warnings if w.code == "rule:crashed"}
    assert crashes == {
        ("rule:crashed", "app/main.py"),
        ("rule:crashed", "app/util.py"),
        ("rule:crashed", "app/__init__.py"),
    }
    assert all("AI902: RuntimeError: boom" in w.message for w in result.warnings if w.code == "rule:crashed")
    assert ("AI901", "app/main.py", 5) in _keys(result)


def test_a_syntax_error_is_a_finding_and_the_scan_succeeds(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, {"ok.py": "x = 1\n", "bad.py": "x = 1\n\nif True\n    y = 2\n"})
    result = scan_directory(repo, EngineConfig(workers=1), rules=())
    [finding] = [f for f in result.findings if f.rule_id == "E001"]
    assert (finding.path, finding.line, finding.severity, finding.category.value) == (
        "bad.py",
        3,
        Severity.HIGH,
        "temporal",
    )
    assert finding.snippet == "if True"
    metrics = {m.path: m for m in result.files}
    assert metrics["bad.py"].parse_ok is False
    assert metrics["bad.py"].lines == 4
    assert metrics["ok.py"].parse_ok is True


def test_inline_comments_suppress_the_named_rules_and_are_counted(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    code = (
        "import subprocess  # audit: ignore[B404]\n"
        "print(1)  # audit: ignore[B602, AI901]\n"
        "subprocess.call('x', shell=True)  # audit: ignore[AI901]\n"
        "subprocess.call('y', shell=True); print(2)  # audit: ignore\n"
        "s = '# audit: ignore'; print(3)\n"
    )
    write_tree(repo, {"a.py": code, "b.js": "console.log(1); // audit: ignore[AI901]\nconsole.log(2);\n"})
    result = scan_directory(repo, EngineConfig(workers=1), rules=(PrintRule(),))
    assert _keys(result) == {
        ("B602", "a.py", 3),
        ("B607", "a.py", 3),
        ("AI901", "a.py", 5),
        ("AI901", "b.js", 2),
    }
    # B404 on 1, AI901 on 2, B602+B607+AI901 on 4, AI901 in b.js on 1; line 3 names another rule.
    assert result.suppressed == 6


def test_two_workers_give_the_same_result_as_one(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    files = dict(FILES)
    for n in range(30):
        files[f"pkg/mod_{n}.py"] = (
            f"import pickle\n\ndef f{n}(x):\n    print(x)\n    return pickle.loads(x)\n"
        )
    write_tree(repo, files)
    one = scan_directory(repo, EngineConfig(workers=1), rules=RULES, repo_rules=REPO_RULES)
    two = scan_directory(repo, EngineConfig(workers=2), rules=RULES, repo_rules=REPO_RULES)
    assert one.findings == two.findings
    assert one.files == two.files
    assert one.warnings == two.warnings
    assert len(one.findings) > 60


def test_it_reports_js_line_counts_without_complexity(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, {"web/index.js": FILES["web/index.js"], "web/t.ts": "/* a\n b */\nlet x: number = 1;\n"})
    result = scan_directory(repo, EngineConfig(workers=1), rules=())
    metrics = {m.path: m for m in result.files}
    js = metrics["web/index.js"]
    assert (js.language, js.lines, js.sloc, js.comments, js.blank, js.complexity_max) == (
        "javascript",
        4,
        2,
        1,
        1,
        0,
    )
    ts = metrics["web/t.ts"]
    assert (ts.language, ts.lines, ts.sloc, ts.comments, ts.parse_ok) == ("typescript", 3, 1, 2, True)


def test_it_flags_complex_functions_and_unmaintainable_files_by_threshold(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    branches = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(6))
    write_tree(repo, {"c.py": f"def big(x):\n{branches}    return -1\n"})
    loose = scan_directory(repo, EngineConfig(workers=1, scanners=frozenset({"radon"})))
    assert _keys(loose) == set()
    strict = scan_directory(
        repo, EngineConfig(workers=1, scanners=frozenset({"radon"}), complexity_threshold=5, mi_threshold=101)
    )
    assert _keys(strict) == {("RAD001", "c.py", 1), ("RAD002", "c.py", 1)}
    [metrics] = strict.files
    assert (metrics.complexity_max, metrics.functions[0].name, metrics.functions[0].rank) == (7, "big", "B")


def test_unknown_scanner_ids_fail_fast() -> None:
    with pytest.raises(ValueError, match="unknown scanner id"):
        EngineConfig(scanners=frozenset({"bandit", "banditt"}))
    with pytest.raises(ValueError, match="workers must be"):
        EngineConfig(workers=0)


def test_it_records_scanner_versions(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    result = scan_directory(repo, EngineConfig(workers=1))
    assert set(result.scanner_versions) == {"engine", "bandit", "radon", "tree-sitter"}
    assert result.scanner_versions["bandit"] == "1.9.4"
    assert result.scanner_versions["radon"] == "6.0.1"


def test_the_cache_reuses_unchanged_files_and_reanalyses_changed_ones(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, FILES)
    config = EngineConfig(workers=1, cache_dir=tmp_path / "cache")
    cold = scan_directory(repo, config, rules=RULES, repo_rules=REPO_RULES)
    warm = scan_directory(repo, config, rules=RULES, repo_rules=REPO_RULES)
    assert warm.findings == cold.findings
    assert warm.files == cold.files
    write_tree(repo, {"app/util.py": "def helper():\n    return 1\n"})
    changed = scan_directory(repo, config, rules=RULES, repo_rules=REPO_RULES)
    assert ("AI901", "app/util.py", 2) not in _keys(changed)
    assert ("AI903", "app/main.py", 5) in _keys(changed)  # repo rule re-concluded over cached facts
    assert ("B602", "app/main.py", 6) in _keys(changed)


def test_a_file_that_crashes_the_analysis_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, {"deep.py": "x = 1\n", "ok.js": "let a = 1;\n"})

    def explode(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("scanners.analysis._analyse_python", explode)
    result = scan_directory(repo, EngineConfig(workers=1), rules=())
    assert [(w.code, w.path) for w in result.warnings] == [("engine:crashed", "deep.py")]
    assert [m.path for m in result.files] == ["ok.js"]


def test_a_duplicate_rule_id_fails_before_any_work(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    with pytest.raises(RuntimeError, match="duplicate rule ids"):
        scan_directory(repo, EngineConfig(workers=1), rules=(PrintRule(), PrintRule()))


def test_inside_a_daemon_process_it_analyses_serially(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, FILES)

    class Daemon:
        daemon = True

    monkeypatch.setattr("scanners.engine.multiprocessing.current_process", Daemon)
    monkeypatch.setattr("scanners.engine.SERIAL_MAX_FILES", 0)  # a pool even for these few files
    result = scan_directory(repo, EngineConfig(workers=2), rules=RULES)
    assert ("engine:no-pool", "") in {(w.code, w.path) for w in result.warnings}
    assert ("AI901", "app/main.py", 5) in _keys(result)


def test_the_cache_hits_for_the_same_content_in_another_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write_tree(tmp_path / "clone-1", FILES)
    config = EngineConfig(workers=1, cache_dir=tmp_path / "cache")
    cold = scan_directory(first, config, rules=RULES, repo_rules=REPO_RULES)
    second = write_tree(tmp_path / "clone-2", FILES)

    def not_cached(*args: object) -> None:
        raise AssertionError(f"re-analysed {args[1]}")

    monkeypatch.setattr("scanners.engine.analyse_file", not_cached)
    warm = scan_directory(second, config, rules=RULES, repo_rules=REPO_RULES)
    assert warm.findings == cold.findings
    assert warm.files == cold.files


def test_a_crashing_repo_context_skips_custom_rules_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = write_tree(make_repo(tmp_path), FILES)

    def explode(*args: object) -> None:
        raise OSError("unreadable manifest")

    monkeypatch.setattr("scanners.engine.build_repo_context", explode)
    result = scan_directory(repo, EngineConfig(workers=1), rules=RULES, repo_rules=REPO_RULES)
    assert [(w.code, w.message) for w in result.warnings] == [
        ("rule:context-crashed", "custom rules skipped: OSError: unreadable manifest")
    ]
    assert {f.scanner for f in result.findings} == {"bandit", "engine"}
