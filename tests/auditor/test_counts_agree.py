"""The open and critical+high counts are the same number on every surface that shows them:
overview cards and table, repositories table, findings list, repository page, team report
(HTML and PDF), API and the CSV export's rows. The fixture (counts_fixture.py) holds
triaged, expired, fixed, reopened and feature-branch findings, so a surface that counts a
triaged finding as open, or reads a feature branch or a stale scan, disagrees here."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from auditor.services.api_tokens import api_token_create
from tests.auditor.conftest import Personas
from tests.auditor.counts_fixture import CountsWorld, signed_in

_client = signed_in


def _html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _testid(html: str, testid: str) -> list[int]:
    """The numbers inside every element marked data-testid=`testid`, in page order."""
    found = re.findall(rf'data-testid="{re.escape(testid)}"[^>]*>\s*([\d,]+)\s*<', html)
    return [int(n.replace(",", "")) for n in found]


def _csv_rows(client: Client, query: str) -> int:
    response = client.get(f"/findings/export.csv?{query}")
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return len(list(csv.DictReader(io.StringIO(body))))


def _surfaces(personas: Personas, counts_world: CountsWorld, tmp_path: Path) -> dict[str, tuple[int, int]]:
    """(open, critical+high) of billing, or of the team, as each surface shows it."""
    client = _client(personas.viewer)
    billing = counts_world.billing.pk
    seen: dict[str, tuple[int, int]] = {}

    overview = _html(client, "/")
    seen["overview cards (team)"] = (_testid(overview, "kpi-open")[0], _testid(overview, "kpi-severe")[0])
    seen["overview table (billing)"] = (_testid(overview, "repo-open")[0], -1)

    listing = _html(client, "/repositories/")
    seen["repositories table (billing)"] = (
        _testid(listing, "repo-open")[0],
        _testid(listing, "repo-severe")[0],
    )

    findings = _html(client, f"/findings/?repository={billing}")
    severe = _testid(findings, "severity-critical")[0] + _testid(findings, "severity-high")[0]
    seen["findings list (billing)"] = (_testid(findings, "status-open")[0], severe)
    # The critical + high links open a list whose open count is that number.
    severe_list = _html(client, f"/findings/?repository={billing}&min_severity=high")
    seen["findings list, high and above (billing)"] = (
        _testid(findings, "status-open")[0],
        _testid(severe_list, "status-open")[0],
    )

    page = _html(client, f"/repositories/{billing}/")
    seen["repository page (billing)"] = (_testid(page, "repo-open")[0], _testid(page, "repo-severe")[0])

    report = _html(client, f"/reports/?team={personas.team.pk}")
    seen["team report HTML (team)"] = (_testid(report, "report-open")[0], _testid(report, "report-severe")[0])

    pdf = client.get(f"/reports/?team={personas.team.pk}&format=pdf")
    path = tmp_path / "team.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    summary = re.search(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+\d+\s*/\s*\d+\s*$", text, re.M)
    assert summary, text
    seen["team report PDF (team)"] = (int(summary.group(1)), int(summary.group(2)))
    row = re.search(r"^\s*billing\s+#\d+.*?\s(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(pass|fail|none)", text, re.M)
    assert row, text
    seen["team report PDF table (billing)"] = (int(row.group(3)), int(row.group(1)) + int(row.group(2)))

    issued = api_token_create(user=personas.viewer, name="ci")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {issued.clear}").get("/api/v1/repositories/").json()
    counts = {r["name"]: r["findings"] for r in api["results"]}
    seen["API (billing)"] = (counts["billing"]["open"], counts["billing"]["critical_high"])

    seen["CSV export (billing)"] = (
        _csv_rows(client, f"repository={billing}"),
        _csv_rows(client, f"repository={billing}&severity=critical")
        + _csv_rows(client, f"repository={billing}&severity=high"),
    )
    return seen


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_every_surface_shows_the_same_open_and_severe_counts(
    personas: Personas, counts_world: CountsWorld, tmp_path: Path
) -> None:
    seen = _surfaces(personas, counts_world, tmp_path)
    expected = {
        "billing": (counts_world.open_billing, counts_world.severe_billing),
        "team": (counts_world.open_team, counts_world.severe_team),
    }
    wrong = {}
    for surface, (open_, severe) in seen.items():
        want_open, want_severe = expected["team" if "(team)" in surface else "billing"]
        if open_ != want_open or severe not in (want_severe, -1):
            wrong[surface] = ((open_, severe), (want_open, want_severe))
    assert wrong == {}, f"surfaces that disagree (seen, expected): {wrong}"
    assert len(seen) == 11


def test_the_triaged_are_counted_apart(personas: Personas, counts_world: CountsWorld) -> None:
    client = _client(personas.viewer)
    findings = _html(client, f"/findings/?repository={counts_world.billing.pk}")
    assert _testid(findings, "status-triaged") == [counts_world.triaged_billing]
    assert (
        _csv_rows(client, f"repository={counts_world.billing.pk}&status=triaged")
        == counts_world.triaged_billing
    )
    assert _csv_rows(client, f"repository={counts_world.billing.pk}&status=fixed") == 1  # E
