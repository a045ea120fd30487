"""The demo repository `make run` scans shows every planted defect, in every category.

The answer key is auditor/demo/EXPECTED.md: each row's category must be reported
by the engine on a line of the row's location.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.demo.sample_repo import build_sample_repository
from scanners.engine import EngineConfig, scan_directory
from scanners.model import Category, ScanResult

EXPECTED = Path(__file__).resolve().parents[2] / "auditor" / "demo" / "EXPECTED.md"
ROW = re.compile(r"^\| (D\d+) \| ([a-z-]+) \| `([^`:]+):(\d+)(?:-(\d+))?` \|", re.MULTILINE)


@pytest.fixture(scope="module")
def demo_result(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    repo = build_sample_repository(tmp_path_factory.mktemp("demo") / "demo-service")
    return scan_directory(repo, EngineConfig(workers=1))


def _planted() -> list[tuple[str, str, str, int, int]]:
    rows = [
        (defect, category, path, int(first), int(last or first))
        for defect, category, path, first, last in ROW.findall(EXPECTED.read_text())
    ]
    assert len(rows) >= 30
    return rows


def test_the_demo_scan_has_findings_in_every_category(demo_result: ScanResult) -> None:
    assert {f.category for f in demo_result.findings} == set(Category)


@pytest.mark.parametrize(("defect", "category", "path", "first", "last"), _planted(), ids=lambda v: str(v))
def test_every_planted_defect_is_reported(
    demo_result: ScanResult, defect: str, category: str, path: str, first: int, last: int
) -> None:
    hits = [
        f
        for f in demo_result.findings
        if f.path == path and f.category.value == category and first <= f.line <= last
    ]
    assert hits, f"{defect}: no {category} finding in {path}:{first}-{last}"
