"""The result cache's change detection: stat data, content digests, the repository context."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import scanners.engine
from scanners.cache import FileDigests
from scanners.discovery import discover
from scanners.engine import EngineConfig, scan_directory
from scanners.model import (
    Category,
    Confidence,
    FileMetrics,
    Finding,
    FunctionMetric,
    ScanWarning,
    Severity,
)
from tests.scanners.engine_support import make_repo, write_tree

FILES = {
    "app/__init__.py": "",
    "app/main.py": "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n",
    "app/util.py": "def helper():\n    return 1\n",
    "requirements.txt": "requests==2.32.3\n",
}


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    # Files written by the test are seconds old at most: without this every stamp would be
    # "racy" (too recent to trust) and every file would be hashed again, as it should be.
    monkeypatch.setattr("scanners.paths.SETTLE_NS", 0)


def _keys(result: Any) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.path, f.line) for f in result.findings}


def _spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    calls: list[Any] = []
    original: Callable[..., Any] = getattr(scanners.engine, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr(f"scanners.engine.{name}", spy)
    return calls


def test_unchanged_stat_data_is_not_read_again(tmp_path: Path, settled: None) -> None:
    repo = write_tree(make_repo(tmp_path), FILES)
    cache = tmp_path / "cache"
    files, _ = discover(repo)
    first = FileDigests(cache, repo.resolve())
    digests = {f.path: first.of(f) for f in files}
    first.save()
    assert first.hashed == len(files)
    again = FileDigests(cache, repo.resolve())
    assert {f.path: again.of(f) for f in discover(repo)[0]} == digests
    assert again.hashed == 0


def test_same_size_and_forced_mtime_with_other_content_is_detected(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = write_tree(make_repo(tmp_path), FILES)
    config = EngineConfig(workers=1, cache_dir=tmp_path / "cache")
    target = repo / "app/main.py"
    before = os.stat(target)
    assert ("B602", "app/main.py", 5) in _keys(scan_directory(repo, config))
    # Same length, same mtime put back with os.utime: only the ctime (which no user can set) moved.
    target.write_text(FILES["app/main.py"].replace("shell=True", "shell=None"))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(target).st_size == before.st_size
    analysed = _spy(monkeypatch, "analyse_file")
    result = scan_directory(repo, config)
    assert [f.path for f in analysed] == ["app/main.py"]
    assert ("B602", "app/main.py", 5) not in _keys(result)


def test_a_recent_stamp_is_not_trusted(tmp_path: Path) -> None:
    repo = write_tree(make_repo(tmp_path), FILES)
    cache = tmp_path / "cache"
    first = FileDigests(cache, repo.resolve())
    for file in discover(repo)[0]:
        first.of(file)
    first.save()
    again = FileDigests(cache, repo.resolve())
    for file in discover(repo)[0]:
        again.of(file)
    # Written within the settle window of the first scan: hashed again, never assumed unchanged.
    assert again.hashed == len(FILES)


def test_the_context_is_rebuilt_only_when_its_inputs_change(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = write_tree(make_repo(tmp_path), FILES)
    config = EngineConfig(workers=1, cache_dir=tmp_path / "cache")
    built = _spy(monkeypatch, "build_repo_context")
    cold = scan_directory(repo, config)
    assert len(built) == 1
    write_tree(repo, {"app/util.py": "def helper():\n    return 2\n"})  # an ordinary source edit
    warm = scan_directory(repo, config)
    assert len(built) == 1
    assert warm.files != cold.files
    write_tree(repo, {"requirements.txt": "requests==2.32.3\nrich==13.7.1\n"})  # a manifest
    scan_directory(repo, config)
    assert len(built) == 2
    write_tree(repo, {"app/extra.py": "X = 1\n"})  # the path list
    scan_directory(repo, config)
    assert len(built) == 3
    (repo / "app/extra.py").unlink()
    scan_directory(repo, config)
    assert len(built) == 3  # the same paths and manifests as the second build: its entry is reused


def test_a_cached_context_gives_the_same_result_as_a_fresh_one(tmp_path: Path, settled: None) -> None:
    files = {
        **FILES,
        "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["requests"]\n',
        "app/orders.py": "import requests\nimport rich\nfrom app.util import helper, missing\n",
    }
    repo = write_tree(make_repo(tmp_path), files)
    config = EngineConfig(workers=1, cache_dir=tmp_path / "cache")
    cold = scan_directory(repo, config)
    warm = scan_directory(repo, config)
    fresh = scan_directory(repo, EngineConfig(workers=1))
    assert cold.findings == warm.findings == fresh.findings
    assert {f.rule_id for f in fresh.findings} >= {"AI101", "AI102"}


def test_a_file_the_js_walk_sees_outside_the_scanned_paths_rebuilds_the_context(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # vendor/ is not scanned, but JS imports may resolve into it: the context walks it.
    files = {
        "web/app.js": 'import { pad } from "../vendor/lib/pad.js";\npad(1);\n',
        "vendor/lib/README": "x\n",
    }
    repo = write_tree(make_repo(tmp_path), files)
    config = EngineConfig(workers=1, cache_dir=tmp_path / "cache")
    built = _spy(monkeypatch, "build_repo_context")
    assert ("AI111", "web/app.js", 1) in _keys(scan_directory(repo, config))
    assert ("AI111", "web/app.js", 1) in _keys(scan_directory(repo, config))
    assert len(built) == 1
    write_tree(repo, {"vendor/lib/pad.js": "export function pad(n) { return n; }\n"})
    assert ("AI111", "web/app.js", 1) not in _keys(scan_directory(repo, config))
    assert len(built) == 2


def test_a_change_to_the_engine_code_misses_every_cached_outcome(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = write_tree(make_repo(tmp_path), FILES)
    config = EngineConfig(workers=1, cache_dir=tmp_path / "cache")
    analysed = _spy(monkeypatch, "analyse_file")
    first = scan_directory(repo, config)
    assert len(analysed) == 3
    scan_directory(repo, config)
    assert len(analysed) == 3  # all three from the cache
    # Same version string, other rules' code (a patched checkout, an upgrade that kept it).
    monkeypatch.setattr("scanners.cache._engine_code_digest", lambda: "other code")
    again = scan_directory(repo, config)
    assert sorted(f.path for f in analysed[3:]) == ["app/__init__.py", "app/main.py", "app/util.py"]
    assert _keys(again) == _keys(first)


def test_a_few_files_to_analyse_start_no_pool(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = write_tree(make_repo(tmp_path), FILES)
    config = EngineConfig(workers=2, cache_dir=tmp_path / "cache")
    expected = _keys(scan_directory(repo, EngineConfig(workers=1)))

    def no_pool(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a pool was started for three files")

    monkeypatch.setattr("scanners.engine.ProcessPoolExecutor", no_pool)
    assert _keys(scan_directory(repo, config)) == expected


def test_cached_value_objects_load_equal_to_what_was_stored() -> None:
    finding = Finding(
        "AI601",
        "ai-rules",
        Category.SECURITY,
        Severity.HIGH,
        Confidence.MEDIUM,
        "a.py",
        3,
        4,
        1,
        "flow",
        "os.system(cmd)",
        "f" * 16,
        flow=((1, 5, "source"), (3, 1, "sink")),
        in_tests=True,
        ai_authored=None,
        ai_tool="claude",
    )
    metrics = FileMetrics(
        "a.py",
        "python",
        4,
        3,
        0,
        1,
        2,
        1.5,
        None,
        True,
        functions=(FunctionMetric("C.m", 2, 2, "A"),),
        sha256="ab",
        ai_spans=((1, 2, "claude"),),
    )
    warning = ScanWarning("file:binary", "b.bin", "binary")
    for value in (finding, metrics, warning, metrics.functions[0]):
        loaded = pickle.loads(pickle.dumps(value))  # noqa: S301 (our own bytes)
        assert loaded == value
        assert type(loaded) is type(value)
