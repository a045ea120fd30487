"""The PDF reports read as a person reads them: pages rendered to PNG (pdftoppm, kept in
test-artifacts/reports/ to look at), and the text layout asserted with `pdftotext -layout`:
summary rows that read `Critical … N`, nothing past the right margin of an A4 page, the
gate with its reasons, sign-offs with justification and approval, and on every page the
team, the commit and "Page i of n"."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

from auditor.models import ContractItem, Scan
from auditor.services.contracts import contract_ensure
from auditor.services.exports_report import report_pdf_for_scan, report_pdf_for_team
from auditor.services.gate import gate_refresh
from auditor.services.reviews import ItemDecision, review_sign
from tests.auditor.conftest import Personas
from tests.auditor.counts_fixture import CountsWorld

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils not installed",
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
A4 = (595.0, 842.0)  # points, rounded
RIGHT_MARGIN_PT = 14 / 25.4 * 72  # the print CSS's 14 mm


def _layout(pdf: bytes, name: str) -> tuple[list[str], list[dict[str, float]], list[list[float]]]:
    """(pages' text as laid out, page sizes, each page's words' right edges), and the
    pages as PNGs under test-artifacts/reports/NAME-N.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(path), str(ARTIFACTS / name)], check=True)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    pages = text.stdout.split("\f")[:-1]
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
    sizes, edges = [], []
    for page in re.findall(r"<page (.*?)>(.*?)</page>", bbox.stdout, re.S):
        attrs = dict(re.findall(r'(\w+)="([\d.]+)"', page[0]))
        sizes.append({"width": float(attrs["width"]), "height": float(attrs["height"])})
        edges.append([float(x) for x in re.findall(r'xMax="([\d.]+)"', page[1])])
    return pages, sizes, edges


def _fits_a4(sizes: list[dict[str, float]], edges: list[list[float]]) -> None:
    for size, right in zip(sizes, edges, strict=True):
        assert (round(size["width"]), round(size["height"])) == (595, 842)
        assert max(right) <= size["width"] - RIGHT_MARGIN_PT + 1, "text runs into the right margin"


@pytest.fixture
def reviewed(personas: Personas, counts_world: CountsWorld) -> Scan:
    scan = counts_world.latest
    gate_refresh(scan, record_flip=False)
    items = {i.key: i for i in ContractItem.objects.filter(section__contract=contract_ensure(personas.team))}
    first, second = list(items.values())[:2]
    review_sign(
        scan=scan,
        reviewer=personas.reviewer,
        decisions=[
            ItemDecision(first.pk, "pass", "Looked at every import", "The flagged import is a vendored shim"),
            ItemDecision(second.pk, "fail", "Retries missing on the payment call"),
        ],
    )
    return scan


def test_the_scan_report_reads_right_on_a4(reviewed: Scan) -> None:
    pages, sizes, edges = _layout(report_pdf_for_scan(reviewed), "scan-report")
    _fits_a4(sizes, edges)
    text = "\n".join(pages)
    # Severity, open, triaged, in scan: A F critical; B D G high (B G triaged); C H medium (C triaged).
    assert re.search(r"^\s*Critical\s+2\s+0\s+2\s*$", text, re.M), text
    assert re.search(r"^\s*High\s+1\s+2\s+3\s*$", text, re.M)
    assert re.search(r"^\s*Medium\s+1\s+1\s+2\s*$", text, re.M)
    assert re.search(r"^\s*Total\s+4\s+3\s+7\s*$", text, re.M)
    # Category names stand alone in their rows (never carrying a count of another table).
    assert re.search(r"^\s*Security\s+7\s*$", text, re.M)
    # The gate with each condition's reason, and the review's state.
    assert re.search(r"No new findings of high severity or above\s+fail\s+1 new finding", text)
    assert re.search(r"No open context findings in new code\s+pass\s+None", text)
    assert "Review not approved." in text
    assert "Justification: The flagged import is a" in text
    assert "Retries missing on the payment call" in text
    # Triaged findings are listed apart with their reason, never among the open ones.
    before, triaged_part = text.split("Triaged findings")
    assert "False positive" in triaged_part
    assert "app/b.py" in triaged_part
    assert "app/b.py" not in before.split("Most severe open findings")[1]
    commit = reviewed.commit_sha[:12]
    for number, page in enumerate(pages, start=1):
        assert f"Payments · billing · scan #{reviewed.pk} · main @ {commit}" in page
        assert f"Page {number} of {len(pages)}" in page


def test_the_team_report_reads_right_on_a4(
    personas: Personas, reviewed: Scan, counts_world: CountsWorld
) -> None:
    pages, sizes, edges = _layout(report_pdf_for_team(personas.team, "30"), "team-report")
    _fits_a4(sizes, edges)
    text = "\n".join(pages)
    assert re.search(r"^\s*Critical\s+2\s+0\s*$", text, re.M), text
    assert re.search(r"^\s*High\s+2\s+2\s*$", text, re.M)
    assert re.search(r"^\s*Total\s+6\s+3\s*$", text, re.M)
    assert re.search(r"^\s*billing\s+#\d+ · a{10} · .*?\s2\s+1\s+4\s+3\s+fail\s*$", text, re.M)
    assert re.search(r"^\s*ledger\s+#\d+ · a{10} · .*?\s0\s+1\s+2\s+0\s+none\s*$", text, re.M)
    assert "billing fails its gate: No new findings of high severity or above" in unescape(text)
    flat = " ".join(text.split())  # cells wrap inside their column
    assert "Justification:" in flat
    assert "vendored shim" in flat
    assert "not approved" in flat
    for number, page in enumerate(pages, start=1):
        assert "Payments · team audit report" in page
        assert f"Page {number} of {len(pages)}" in page
