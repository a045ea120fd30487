"""Triage travels with exports: SARIF results carry `suppressions` (valid against the
official 2.1.0 schema), CSV and JSON carry the triage columns, for a triage in force only
(an expired one is open again, as on every page)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
from django.test import Client
from django.utils import timezone

from auditor.services.exports import CSV_COLUMNS
from tests.auditor.conftest import Personas
from tests.auditor.counts_fixture import CountsWorld, signed_in

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text()
)
TRIAGE_COLUMNS = ["triage_status", "triage_reason", "triaged_by", "triage_expires"]


def _body(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]


def _by_path(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["path"]: row for row in rows}


def test_csv_and_json_carry_the_triage_columns(personas: Personas, counts_world: CountsWorld) -> None:
    client = signed_in(personas.viewer)
    scan = counts_world.latest.pk
    text = _body(client, f"/scans/{scan}/export.csv")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == [header for header, _ in CSV_COLUMNS]
    start = reader.fieldnames.index(TRIAGE_COLUMNS[0])
    assert reader.fieldnames[start : start + 4] == TRIAGE_COLUMNS
    rows = _by_path(list(reader))
    assert len(rows) == 7  # the scan has all its findings, triaged ones included
    assert rows["app/b.py"]["triage_status"] == "false_positive"
    assert rows["app/b.py"]["triage_reason"] == "Reviewed fp-B: not a risk here"
    assert rows["app/b.py"]["triaged_by"] == "rita"
    assert rows["app/b.py"]["triage_expires"] == ""
    assert rows["app/c.py"]["triage_status"] == "accepted_risk"
    assert rows["app/c.py"]["triage_expires"] == (timezone.localdate() + timedelta(days=30)).isoformat()
    assert rows["app/g.py"]["triage_status"] == "wont_fix"
    # Expired yesterday: open again, so no triage travels with it.
    assert [rows["app/d.py"][c] for c in TRIAGE_COLUMNS] == ["", "", "", ""]
    assert [rows["app/a.py"][c] for c in TRIAGE_COLUMNS] == ["", "", "", ""]

    data = json.loads(_body(client, f"/scans/{scan}/export.json"))
    items = _by_path(data["findings"])
    assert set(TRIAGE_COLUMNS) <= set(items["app/c.py"])
    assert items["app/c.py"]["triage_status"] == "accepted_risk"
    assert items["app/c.py"]["triage_expires"] == rows["app/c.py"]["triage_expires"]
    assert items["app/a.py"]["triage_status"] == ""


def test_sarif_results_carry_suppressions_valid_against_the_schema(
    personas: Personas, counts_world: CountsWorld
) -> None:
    client = signed_in(personas.viewer)
    log = json.loads(_body(client, f"/scans/{counts_world.latest.pk}/export.sarif"))
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft7Validator)
    results = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in log["runs"][0]["results"]
    }
    suppressed = {uri for uri, r in results.items() if "suppressions" in r}
    assert suppressed == {"app/b.py", "app/c.py", "app/g.py"}
    (fp,) = results["app/b.py"]["suppressions"]
    assert fp["kind"] == "external"
    assert fp["status"] == "accepted"
    assert fp["justification"] == "Reviewed fp-B: not a risk here"
    assert fp["properties"]["triageStatus"] == "false_positive"
    assert fp["properties"]["triagedBy"] == "rita"
    assert fp["properties"]["triagedAt"].startswith("20")
    assert "expires" not in fp["properties"]
    (risk,) = results["app/c.py"]["suppressions"]
    assert risk["properties"]["expires"] == (timezone.localdate() + timedelta(days=30)).isoformat()


def test_the_findings_list_exports_what_it_lists(personas: Personas, counts_world: CountsWorld) -> None:
    client = signed_in(personas.viewer)
    billing = counts_world.billing.pk
    triaged = json.loads(_body(client, f"/findings/export.json?repository={billing}&status=triaged"))
    assert sorted(f["path"] for f in triaged["findings"]) == ["app/b.py", "app/c.py", "app/g.py"]
    assert all(f["triage_status"] for f in triaged["findings"])
    open_ = json.loads(_body(client, f"/findings/export.sarif?repository={billing}"))
    jsonschema.validate(open_, SCHEMA, cls=jsonschema.Draft7Validator)
    assert len(open_["runs"][0]["results"]) == counts_world.open_billing
    assert not any("suppressions" in r for r in open_["runs"][0]["results"])
