"""Push webhooks: signatures, branches, malformed payloads; nothing recorded unless verified."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.test import Client

from auditor.models import AuditEvent, Repository, Scan, ScanTrigger
from auditor.services.scan_pipeline import scan_execute
from auditor.services.scans import scan_cancel
from tests.conftest import git

SHA = "0123456789abcdef0123456789abcdef01234567"


def _push(ref: str = "refs/heads/main", after: str = SHA) -> bytes:
    return json.dumps({"ref": ref, "after": after, "repository": {"full_name": "acme/billing"}}).encode()


def _github(
    repository: Repository,
    body: bytes,
    signature: str | None = "auto",
    event: str = "push",
    delivery: str | None = None,
) -> object:
    headers = {"HTTP_X_GITHUB_EVENT": event}
    if delivery is not None:
        headers["HTTP_X_GITHUB_DELIVERY"] = delivery
    if signature == "auto":
        digest = hmac.new(repository.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        headers["HTTP_X_HUB_SIGNATURE_256"] = "sha256=" + digest
    elif signature is not None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    return Client().post(
        f"/webhooks/github/{repository.pk}/", body, content_type="application/json", **headers
    )


def _nothing_recorded() -> bool:
    return not Scan.objects.exists() and not AuditEvent.objects.exists()


def test_a_signed_push_to_the_tracked_branch_queues_a_scan_of_that_commit(repository: Repository) -> None:
    response = _github(repository, _push())
    assert response.status_code == 202  # type: ignore[attr-defined]
    scan = Scan.objects.get()
    assert scan.trigger == ScanTrigger.WEBHOOK
    assert scan.branch == "main"
    assert scan.requested_commit == SHA
    assert AuditEvent.objects.filter(action="webhook.push").exists()


def test_a_missing_signature_is_401_and_records_nothing(repository: Repository) -> None:
    assert _github(repository, _push(), signature=None).status_code == 401  # type: ignore[attr-defined]
    assert _nothing_recorded()


@pytest.mark.parametrize("signature", ["sha256=" + "0" * 64, "sha1=abc", "garbage", "sha256=é"])
def test_a_bad_signature_is_403_and_records_nothing(repository: Repository, signature: str) -> None:
    assert _github(repository, _push(), signature=signature).status_code == 403  # type: ignore[attr-defined]
    assert _nothing_recorded()


def test_a_signature_made_with_another_secret_is_403(repository: Repository) -> None:
    body = _push()
    digest = hmac.new(b"not-the-secret", body, hashlib.sha256).hexdigest()
    assert _github(repository, body, signature="sha256=" + digest).status_code == 403  # type: ignore[attr-defined]
    assert _nothing_recorded()


def test_a_push_to_another_branch_is_ignored(repository: Repository) -> None:
    response = _github(repository, _push(ref="refs/heads/feature/x"))
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "not tracked" in response.json()["detail"]  # type: ignore[attr-defined]
    assert not Scan.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"after": "abc"}', b'{"ref": "refs/heads/main", "after": 5}', b'{"ref": 1}'],
)
def test_a_malformed_payload_is_400(repository: Repository, body: bytes) -> None:
    assert _github(repository, body).status_code == 400  # type: ignore[attr-defined]
    assert not Scan.objects.exists()


def test_ping_and_other_events_are_acknowledged_without_a_scan(repository: Repository) -> None:
    assert _github(repository, b"{}", event="ping").status_code == 200  # type: ignore[attr-defined]
    assert _github(repository, b"{}", event="issues").status_code == 200  # type: ignore[attr-defined]
    assert not Scan.objects.exists()


def test_an_unknown_repository_is_404(repository: Repository) -> None:
    assert (
        Client().post("/webhooks/github/999999/", b"{}", content_type="application/json").status_code == 404
    )


def _gitlab(repository: Repository, body: bytes, token: str | None) -> object:
    headers = {"HTTP_X_GITLAB_EVENT": "Push Hook"}
    if token is not None:
        headers["HTTP_X_GITLAB_TOKEN"] = token
    return Client().post(
        f"/webhooks/gitlab/{repository.pk}/", body, content_type="application/json", **headers
    )


def test_gitlab_push_with_the_right_token_queues_a_scan(repository: Repository) -> None:
    body = json.dumps({"ref": "refs/heads/main", "checkout_sha": SHA, "after": SHA}).encode()
    assert _gitlab(repository, body, repository.webhook_secret).status_code == 202  # type: ignore[attr-defined]
    assert Scan.objects.get().requested_commit == SHA


def test_gitlab_missing_or_wrong_token_records_nothing(repository: Repository) -> None:
    body = json.dumps({"ref": "refs/heads/main", "checkout_sha": SHA}).encode()
    assert _gitlab(repository, body, None).status_code == 401  # type: ignore[attr-defined]
    assert _gitlab(repository, body, "wrong").status_code == 403  # type: ignore[attr-defined]
    assert _nothing_recorded()


def test_the_pipeline_clones_the_requested_commit(
    repository: Repository, git_repo_factory: object, settings: object
) -> None:

    path = git_repo_factory("pushed", {"app.py": "x = 1\n"})  # type: ignore[operator]
    first = git(path, "rev-parse", "HEAD")
    (path / "app.py").write_text("x = 2\n")
    git(path, "commit", "-qam", "second")
    repository.clone_url = str(path)
    repository.save()

    scan = Scan.objects.create(repository=repository, branch="main", requested_commit=first)
    scan_execute(scan.pk)
    scan.refresh_from_db()
    assert scan.status == "succeeded", scan.error_text
    assert scan.commit_sha == first


def test_a_redelivered_push_does_not_queue_the_same_commit_twice(repository: Repository) -> None:
    first = _github(repository, _push())
    again = _github(repository, _push())
    other = _github(repository, _push(after="b" * 40))
    assert first.status_code == 202  # type: ignore[attr-defined]
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert other.status_code == 202  # type: ignore[attr-defined]
    assert sorted(Scan.objects.values_list("requested_commit", flat=True)) == sorted([SHA, "b" * 40])


def test_a_replayed_delivery_after_its_scan_finished_queues_nothing(
    repository: Repository, git_repo_factory: object
) -> None:
    path = git_repo_factory("pushed", {"app.py": "x = 1\n"})  # type: ignore[operator]
    head = git(path, "rev-parse", "HEAD")
    repository.clone_url = str(path)
    repository.save()
    first = _github(repository, _push(after=head), delivery="72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert first.status_code == 202  # type: ignore[attr-defined]
    scan_execute(Scan.objects.get().pk)
    assert Scan.objects.get().status == "succeeded"

    replayed = _github(repository, _push(after=head), delivery="72d3162e-cc78-11e3-81ab-4c9367dc0958")
    resent = _github(repository, _push(after=head), delivery="0b989ba4-242f-11e5-81e1-c7b3a2d2e3a5")

    queued = first.json()["scan"]  # type: ignore[attr-defined]
    assert replayed.status_code == 200  # type: ignore[attr-defined]
    assert (
        replayed.json()["detail"]
        == (  # type: ignore[attr-defined]
            f"delivery 72d3162e-cc78-11e3-81ab-4c9367dc0958 was already handled (scan #{queued} "
            f"queued for {head[:12]})"
        )
    )
    assert resent.status_code == 200  # type: ignore[attr-defined]
    assert resent.json()["detail"].startswith(f"{head[:12]} was already scanned on main")  # type: ignore[attr-defined]
    assert Scan.objects.count() == 1
    assert AuditEvent.objects.filter(action="webhook.push").count() == 1


def test_gitlab_retries_with_the_same_idempotency_key_queue_one_scan(repository: Repository) -> None:
    body = json.dumps({"ref": "refs/heads/main", "checkout_sha": SHA, "after": SHA}).encode()
    headers = {"HTTP_X_GITLAB_EVENT": "Push Hook", "HTTP_X_GITLAB_TOKEN": repository.webhook_secret}
    url = f"/webhooks/gitlab/{repository.pk}/"
    key = {"HTTP_IDEMPOTENCY_KEY": "f5bb4fbd-7c5e-4a6b-9c1b-0d1e2f3a4b5c"}
    first = Client().post(url, body, content_type="application/json", **headers, **key)
    scan_cancel(scan=Scan.objects.get(), actor=None)  # a retry after that scan is over is still a retry
    retry = Client().post(url, body, content_type="application/json", **headers, **key)

    assert (first.status_code, retry.status_code) == (202, 200)
    assert retry.json()["detail"].startswith(
        "delivery f5bb4fbd-7c5e-4a6b-9c1b-0d1e2f3a4b5c was already handled"
    )
    assert Scan.objects.count() == 1
