"""Exports: CSV columns and formula neutralisation, JSON, SARIF against the official schema,
the management command, permissions and streaming."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.test import Client

from auditor.models import Finding, Repository
from auditor.services import exports
from auditor.services.exports import CSV_COLUMNS, neutralise_cell
from auditor.services.lifecycle import scan_lifecycle_compute
from tests.auditor.conftest import Personas
from tests.auditor.integration_factories import make_scan

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text()
)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _body(response: object) -> str:
    return b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]


def _rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # BOM: spreadsheet programs read it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_it_neutralises_formula_cells(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


def test_it_leaves_numbers_and_plain_text() -> None:
    assert neutralise_cell(-3) == -3
    assert neutralise_cell("app/x.py") == "app/x.py"


def test_csv_has_the_documented_columns_one_row_per_finding(
    personas: Personas, repository: Repository
) -> None:
    scan = make_scan(repository, findings=5)
    Finding.objects.filter(scan=scan, line=1).update(message="=cmd|'/c calc'!A1", snippet="@import x")
    response = _client(personas.viewer).get(f"/scans/{scan.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(_body(response))
    assert list(rows[0].keys()) == [h for h, _ in CSV_COLUMNS]
    assert len(rows) == 5
    first = next(r for r in rows if r["line"] == "1")
    assert first["message"] == "'=cmd|'/c calc'!A1"
    assert first["snippet"] == "'@import x"
    assert first["severity"] == "high"
    assert first["repository"] == "billing"


def test_csv_export_keeps_the_scan_page_filters(personas: Personas, repository: Repository) -> None:
    scan = make_scan(repository, findings=9)
    rows = _rows(_body(_client(personas.viewer).get(f"/scans/{scan.pk}/export.csv?severity=critical")))
    assert len(rows) == 3
    assert {r["severity"] for r in rows} == {"critical"}


def test_json_export_is_valid_and_complete(personas: Personas, repository: Repository) -> None:
    scan = make_scan(repository, findings=4)
    data = json.loads(_body(_client(personas.viewer).get(f"/scans/{scan.pk}/export.json")))
    assert data["count"] == 4
    assert len(data["findings"]) == 4
    assert data["scan"]["id"] == scan.pk


def test_sarif_export_validates_against_the_official_schema(
    personas: Personas, repository: Repository
) -> None:
    scan = make_scan(repository, findings=6)
    Finding.objects.filter(scan=scan, line=2).update(rule_id="ZZ999")  # not in the catalogue
    log = json.loads(_body(_client(personas.viewer).get(f"/scans/{scan.pk}/export.sarif")))
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft7Validator)
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert {"B602", "AI101", "ZZ999"} <= set(rules)
    assert all(r["help"]["text"] for r in rules.values())
    for result in run["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:"))
        assert result["partialFingerprints"]
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_splits_runs_over_the_per_run_cap(
    personas: Personas, repository: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports.engine_sarif, "MAX_RESULTS_PER_RUN", 4)
    scan = make_scan(repository, findings=10)
    log = json.loads(_body(_client(personas.viewer).get(f"/scans/{scan.pk}/export.sarif")))
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft7Validator)
    assert [len(r["results"]) for r in log["runs"]] == [4, 4, 2]
    note = log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    assert "split across 3 runs" in note["message"]["text"]


def test_exports_are_team_scoped(personas: Personas, repository: Repository) -> None:
    scan = make_scan(repository)
    assert _client(personas.outsider).get(f"/scans/{scan.pk}/export.csv").status_code == 404
    assert _client(personas.viewer).get(f"/scans/{scan.pk}/export.exe").status_code == 404
    rows = _rows(_body(_client(personas.outsider).get("/findings/export.csv")))
    assert rows == []


def test_findings_list_export_follows_the_list_pages_query_string(
    personas: Personas, repository: Repository
) -> None:

    first = make_scan(repository, findings=2)
    scan_lifecycle_compute(first)
    latest = make_scan(repository, findings=5)
    scan_lifecycle_compute(latest)
    client = _client(personas.viewer)
    rows = _rows(_body(client.get(f"/findings/export.csv?repository={repository.pk}&severity=high")))
    assert {r["scan_id"] for r in rows} == {str(latest.pk)}
    assert len(rows) == 2  # the open high findings of the list, each at its latest occurrence
    everything = _rows(_body(client.get("/findings/export.csv")))
    assert len(everything) == 5
    by_scan = _rows(_body(client.get(f"/findings/export.csv?scan={first.pk}")))
    assert {r["scan_id"] for r in by_scan} == {str(first.pk)}
    assert len(by_scan) == 2


def test_the_export_query_count_does_not_grow_with_findings(
    personas: Personas, repository: Repository, django_assert_max_num_queries: object
) -> None:
    scan = make_scan(repository, findings=300)
    client = _client(personas.viewer)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        _body(client.get(f"/scans/{scan.pk}/export.sarif"))


@pytest.mark.parametrize("fmt", ["csv", "json", "sarif"])
def test_the_export_command_writes_a_file(repository: Repository, tmp_path: Path, fmt: str) -> None:
    scan = make_scan(repository, findings=3)
    out = tmp_path / f"out.{fmt}"
    call_command("export", str(scan.pk), "--format", fmt, "--output", str(out))
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        assert len(_rows(text)) == 3
    else:
        data = json.loads(text)
        if fmt == "sarif":
            jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft7Validator)


FLOW = [
    {"line": 9, "column": 12, "message": "`request.args` (request data)"},
    {"line": 10, "column": 5, "message": "passed to `run()`"},
    {"line": 4, "column": 12, "message": "`subprocess.run(..., shell=True)` runs a shell command"},
]


def test_a_taint_findings_flow_reaches_csv_json_sarif_and_the_api(
    personas: Personas, repository: Repository
) -> None:
    from auditor.services.api_tokens import api_token_create

    scan = make_scan(repository, findings=3)
    Finding.objects.filter(scan=scan, line=1).update(rule_id="AI501", flow=FLOW)
    client = _client(personas.viewer)

    csv_rows = {r["line"]: r["flow"] for r in _rows(_body(client.get(f"/scans/{scan.pk}/export.csv")))}
    assert csv_rows["1"] == (
        "9:12 `request.args` (request data) -> 10:5 passed to `run()` -> "
        "4:12 `subprocess.run(..., shell=True)` runs a shell command"
    )
    assert {csv_rows["2"], csv_rows["3"]} == {""}

    data = json.loads(_body(client.get(f"/scans/{scan.pk}/export.json")))
    assert {f["line"]: f["flow"] for f in data["findings"]} == {1: FLOW, 2: [], 3: []}

    log = json.loads(_body(client.get(f"/scans/{scan.pk}/export.sarif")))
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft7Validator)
    results = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]: r for r in log["runs"][0]["results"]
    }
    (thread,) = results[1]["codeFlows"][0]["threadFlows"]
    assert [
        (step["location"]["physicalLocation"]["region"]["startLine"], step["location"]["message"]["text"])
        for step in thread["locations"]
    ] == [(s["line"], s["message"]) for s in FLOW]
    assert "codeFlows" not in results[2]

    token = api_token_create(user=personas.viewer, name="ci").clear  # type: ignore[arg-type]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    page = api.get(f"/api/v1/scans/{scan.pk}/findings/").json()
    assert {f["line"]: f["flow"] for f in page["results"]} == {1: FLOW, 2: [], 3: []}
