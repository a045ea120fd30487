"""A file's outcome does not depend on how deep the engine is called from (the flaky case)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scanners.engine import EngineConfig, scan_directory
from scanners.model import ScanResult


def _at_depth(frames: int, call: Callable[[], ScanResult]) -> ScanResult:
    return call() if frames == 0 else _at_depth(frames - 1, call)


def _codes(result: ScanResult) -> set[tuple[str, str]]:
    return {(f.rule_id, f.path) for f in result.findings} | {(w.code, w.path) for w in result.warnings}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_nested_near_the_recursion_limit_gets_the_same_result_from_any_stack_depth(
    tmp_path: Path, workers: int
) -> None:
    # ~300 terms: bandit's and radon's visitors need close to Python's 1,000 frames. From
    # a shallow stack (the CLI) they finished; 150 frames deeper (a Celery task, or a pool
    # process forked inside it) they ran out, and the file lost its results.
    (tmp_path / "sum.py").write_text("TOTAL = " + " + ".join(["1"] * 300) + "\n")
    (tmp_path / "ok.py").write_text("import subprocess\nsubprocess.call('ls', shell=True)\n")
    config = EngineConfig(workers=workers)

    shallow = scan_directory(tmp_path, config)
    deep = _at_depth(150, lambda: scan_directory(tmp_path, config))

    assert _codes(shallow) == _codes(deep)
    assert ("E002", "sum.py") not in _codes(deep)
    assert [m.path for m in deep.files] == ["ok.py", "sum.py"]
