"""CI ingest: an engine result uploaded for a commit becomes an `api` scan in the history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from auditor.models import (
    AuditEvent,
    Finding,
    FindingChange,
    GateResult,
    Repository,
    Scan,
    ScanRollup,
    ScanStatus,
    ScanTrigger,
    TrackedFinding,
)
from auditor.services.api_tokens import api_token_create
from auditor.services.ci_ingest import ResultRejected, result_from_payload
from scanners import upload
from scanners.engine import EngineConfig, scan_directory
from tests.auditor.conftest import Personas
from tests.conftest import git

SHA = "abcdef0123456789abcdef0123456789abcdef01"


@pytest.fixture
def engine_result(tmp_path: Path) -> dict[str, object]:
    src = tmp_path / "src"
    src.mkdir()
    (src / "app.py").write_text("import subprocess\nsubprocess.call('ls', shell=True)\n")
    return scan_directory(src, EngineConfig(workers=1)).to_dict()


def _api(user: object) -> Client:
    return Client(HTTP_AUTHORIZATION="Bearer " + api_token_create(user=user, name="ci").clear)  # type: ignore[arg-type]


def test_an_uploaded_result_becomes_a_succeeded_api_scan(
    personas: Personas, repository: Repository, engine_result: dict[str, object]
) -> None:
    response = _api(personas.reviewer).post(
        f"/api/v1/repositories/{repository.pk}/results/",
        {"commit": SHA, "branch": "main", "result": engine_result},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    scan = Scan.objects.get()
    assert (scan.status, scan.trigger, scan.commit_sha) == (ScanStatus.SUCCEEDED, ScanTrigger.API, SHA)
    assert scan.findings_total == Finding.objects.filter(scan=scan).count() > 0
    assert response.json()["findings_total"] == scan.findings_total
    assert AuditEvent.objects.filter(action="scan.uploaded").exists()


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"findings": "nope"},
        {"findings": [{"rule_id": "X"}]},
        {
            "findings": [
                {
                    "rule_id": "X",
                    "scanner": "s",
                    "category": "nonsense",
                    "severity": "high",
                    "confidence": "high",
                    "path": "a",
                    "line": 1,
                    "end_line": 1,
                    "column": 0,
                    "message": "m",
                    "fingerprint": "f",
                }
            ]
        },
    ],
)
def test_a_malformed_result_is_rejected_with_a_reason(payload: object) -> None:
    with pytest.raises(ResultRejected):
        result_from_payload(payload)


def test_a_malformed_upload_is_400_and_stores_nothing(personas: Personas, repository: Repository) -> None:
    client = _api(personas.reviewer)
    url = f"/api/v1/repositories/{repository.pk}/results/"
    bad_commit = client.post(url, {"commit": "main; rm -rf", "result": {}}, content_type="application/json")
    assert bad_commit.status_code == 400
    bad_result = client.post(url, {"commit": SHA, "result": {"findings": 3}}, content_type="application/json")
    assert bad_result.status_code == 400
    assert "findings" in bad_result.json()["detail"]
    assert not Scan.objects.exists()


def test_viewers_and_outsiders_cannot_upload(personas: Personas, repository: Repository) -> None:
    url = f"/api/v1/repositories/{repository.pk}/results/"
    body = {"commit": SHA, "result": {"findings": []}}
    assert _api(personas.viewer).post(url, body, content_type="application/json").status_code == 403
    assert _api(personas.outsider).post(url, body, content_type="application/json").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_upload_command_sends_a_result_to_a_live_server(
    live_server: object,
    personas: Personas,
    repository: Repository,
    engine_result: dict[str, object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result_file = tmp_path / "result.json"
    result_file.write_text(json.dumps(engine_result))
    monkeypatch.setenv("AUDITOR_TOKEN", api_token_create(user=personas.reviewer, name="ci").clear)  # type: ignore[arg-type]
    argv = [str(result_file), "--url", live_server.url, "--repository", str(repository.pk), "--commit", SHA]  # type: ignore[attr-defined]
    assert upload.main(argv) == 0
    assert "uploaded as scan #" in capsys.readouterr().out
    assert Scan.objects.get().commit_sha == SHA
    monkeypatch.setenv("AUDITOR_TOKEN", "aud_wrong")
    assert upload.main(argv) == 1
    monkeypatch.delenv("AUDITOR_TOKEN")
    assert upload.main(argv) == 2


def test_a_result_above_djangos_body_cap_but_within_the_documented_limit_is_stored(
    personas: Personas, repository: Repository, engine_result: dict[str, object]
) -> None:
    finding = dict(engine_result["findings"][0])  # type: ignore[index]
    many = []
    for i in range(3000):
        many.append({**finding, "fingerprint": f"{i:064x}", "line": i + 1, "message": "m" * 1000})
    body = json.dumps({"commit": SHA, "branch": "main", "result": {**engine_result, "findings": many}})
    assert len(body) > 3 * 2**20  # above Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB)

    response = _api(personas.reviewer).post(
        f"/api/v1/repositories/{repository.pk}/results/", body, content_type="application/json"
    )

    assert response.status_code == 201, response.content[:300]
    assert Finding.objects.filter(scan=Scan.objects.get()).count() == 3000


def test_an_oversized_or_broken_body_gets_a_json_error(
    personas: Personas,
    repository: Repository,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.CI_UPLOAD_MAX_BYTES = 1024
    url = f"/api/v1/repositories/{repository.pk}/results/"
    client = _api(personas.reviewer)
    too_big = client.post(
        url, {"commit": SHA, "result": {"pad": "x" * 2048}}, content_type="application/json"
    )
    broken = client.post(url, "{not json", content_type="application/json")

    assert (too_big.status_code, too_big["Content-Type"]) == (413, "application/json")
    assert too_big.json()["detail"].startswith("The result is larger than")
    assert broken.status_code == 400
    assert broken.json()["detail"].startswith("the body is not valid JSON")
    assert not Scan.objects.exists()


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("app/x.py", "app/x.py"),
        ("./app//./x.py", "app/x.py"),
        ("../../etc/passwd", None),
        ("app/../../etc/passwd", None),
        ("app/../x.py", None),
        ("/etc/passwd", None),
        ("C:\\\\Windows\\\\win.ini", None),
        ("c:/repo/x.py", None),
        ("a\x00b.py", None),
        ("", None),
        ("d/" * 600 + "x.py", "d/" * 600 + "x.py"),  # past the old varchar(1000), within PATH_MAX
        ("d/" * 8200 + "x.py", None),  # longer than any path the engine can report
    ],
)
def test_uploaded_paths_are_relative_paths_inside_the_repository(raw: str, stored: str | None) -> None:
    finding = {
        "rule_id": "B602",
        "scanner": "bandit",
        "category": "security",
        "severity": "high",
        "confidence": "high",
        "path": raw,
        "line": 3,
        "end_line": 3,
        "column": 0,
        "message": "m",
        "fingerprint": "f" * 64,
    }
    file = {"path": raw, "language": "python", "lines": 3}
    result = result_from_payload({"findings": [finding], "files": [file]})

    assert [f.path for f in result.findings] == ([stored] if stored else [])
    assert [f.path for f in result.files] == ([stored] if stored else [])
    refused = [w for w in result.warnings if w.code == "upload:path-refused"]
    assert len(refused) == (0 if stored else 2)
    assert all(w.message.startswith("Not stored: ") for w in refused)


def test_an_upload_for_a_commit_the_repository_does_not_have_stays_out_of_the_history(
    personas: Personas,
    git_repo_factory: object,
    engine_result: dict[str, object],
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.CI_UPLOAD_VERIFY_WITH_REMOTE = True  # a local repository: ls-remote stays on this machine
    source = git_repo_factory("svc", {"app.py": "import subprocess\nsubprocess.call('ls', shell=True)\n"})  # type: ignore[operator]
    repository = Repository.objects.create(team=personas.team, name="svc", slug="svc", clone_url=str(source))
    head = git(source, "rev-parse", "HEAD")
    url = f"/api/v1/repositories/{repository.pk}/results/"
    client = _api(personas.reviewer)

    real = client.post(
        url, {"commit": head, "branch": "main", "result": engine_result}, content_type="application/json"
    )
    made_up = client.post(
        url,
        {"commit": "f" * 40, "branch": "main", "result": {**engine_result, "findings": []}},
        content_type="application/json",
    )

    assert (real.status_code, real.json()["commit_verified"]) == (201, True)
    assert (made_up.status_code, made_up.json()["commit_verified"]) == (201, False)
    # The empty upload of a made-up commit fixed nothing and left no gate or rollup.
    assert (
        TrackedFinding.objects.filter(repository=repository, is_open=True).count()
        == real.json()["findings_total"]
    )
    fake = Scan.objects.get(pk=made_up.json()["id"])
    assert not FindingChange.objects.filter(scan=fake).exists()
    assert not GateResult.objects.filter(scan=fake).exists()
    assert not ScanRollup.objects.filter(scan=fake).exists()
    page = Client()
    page.force_login(personas.viewer)
    assert "Unverified commit" in page.get(f"/scans/{fake.pk}/").content.decode()
    # The next verified scan is compared with the last verified one, not with the fake.
    again = client.post(
        url, {"commit": head[:12], "branch": "main", "result": engine_result}, content_type="application/json"
    )
    assert again.json()["commit_verified"] is True
    assert FindingChange.objects.filter(scan_id=again.json()["id"]).count() == 0  # unchanged
