"""Push webhooks from GitHub and GitLab: verify, parse defensively, queue a scan.

Nothing is recorded until the signature is verified: a forged or unsigned request
leaves no scan and no audit event. Comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from django.db import transaction
from django.db.models import Q

from auditor.models import ACTIVE_STATUSES, Repository, Scan, ScanStatus, ScanTrigger, WebhookDelivery
from auditor.services.audit import audit_record
from auditor.services.scans import scan_request

MAX_BODY_BYTES = 5 * 1024 * 1024
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")  # SHA-1 or SHA-256 object names
_ZERO_SHA = re.compile(r"^0+$")  # a deleted branch
# What GitHub (a GUID) and GitLab (a UUID) send; anything else is not used as an id.
_DELIVERY_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


class Verdict(IntEnum):
    """The HTTP status the sender gets; the view only translates."""

    QUEUED = 202
    IGNORED = 200
    MALFORMED = 400
    UNSIGNED = 401
    FORGED = 403


@dataclass(frozen=True)
class WebhookOutcome:
    verdict: Verdict
    message: str
    scan: Scan | None = None


def github_signature_valid(secret: str, body: bytes, header: str) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`."""
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), header.strip().encode("utf-8", "replace"))


def _gitlab_token_valid(secret: str, header: str) -> bool:
    return hmac.compare_digest(secret.encode("utf-8"), header.encode("utf-8", "replace"))


def _parse_push(body: bytes, sha_keys: tuple[str, ...]) -> tuple[str, str] | str:
    """(branch, commit) from a push payload, or the reason it is malformed."""
    if len(body) > MAX_BODY_BYTES:
        return "payload too large"
    try:
        payload: Any = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return "payload is not JSON"
    if not isinstance(payload, dict):
        return "payload is not a JSON object"
    ref = payload.get("ref")
    if not isinstance(ref, str) or not ref.startswith("refs/"):
        return "payload has no 'ref'"
    commit = next((payload[k] for k in sha_keys if isinstance(payload.get(k), str) and payload[k]), None)
    if commit is None or not _SHA.match(commit.lower()):
        return f"payload has no commit SHA in {' / '.join(sha_keys)}"
    return ref, commit.lower()


def delivery_id(headers: dict[str, str], *names: str) -> str:
    """The sender's id of this delivery from the first of `names` present, or "" (no id)."""
    for name in names:
        value = headers.get(name, "").strip()
        if value:
            return value if _DELIVERY_ID.match(value) else ""
    return ""


def _already_handled(repository: Repository, branch: str, commit: str, provider: str, delivery: str) -> str:
    """Why this push needs no scan (a replay, or a scan of the commit that is active or
    has succeeded on the branch), or "". Called under the repository's row lock."""
    if delivery:
        seen = WebhookDelivery.objects.filter(repository=repository, provider=provider, delivery_id=delivery)
        outcome = seen.values_list("outcome", flat=True).first()
        if outcome is not None:
            return f"delivery {delivery} was already handled ({outcome})"
    same_commit = Scan.objects.filter(repository=repository, branch=branch).filter(
        Q(requested_commit=commit) | Q(commit_sha=commit)
    )
    pending = same_commit.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True).first()
    if pending is not None:
        return f"scan #{pending} of {commit[:12]} is already queued or running"
    done = same_commit.filter(status=ScanStatus.SUCCEEDED).values_list("pk", flat=True).first()
    if done is not None:
        return f"{commit[:12]} was already scanned on {branch} (scan #{done})"
    return ""


def _queue_push(
    repository: Repository, ref: str, commit: str, provider: str, delivery: str = ""
) -> WebhookOutcome:
    if not repository.active:
        return WebhookOutcome(Verdict.IGNORED, "repository is inactive")
    if not ref.startswith("refs/heads/"):
        return WebhookOutcome(Verdict.IGNORED, f"{ref} is not a branch")
    branch = ref.removeprefix("refs/heads/")
    if branch != repository.default_branch:
        return WebhookOutcome(
            Verdict.IGNORED, f"branch {branch} is not tracked ({repository.default_branch} is)"
        )
    if _ZERO_SHA.match(commit):
        return WebhookOutcome(Verdict.IGNORED, "branch deleted")
    with transaction.atomic():
        # A redelivered or replayed push must not queue the same commit twice: the
        # repository row lock makes check-and-queue one step for concurrent deliveries.
        Repository.objects.select_for_update().filter(pk=repository.pk).first()
        reason = _already_handled(repository, branch, commit, provider, delivery)
        if reason:
            return WebhookOutcome(Verdict.IGNORED, reason)
        # The task is enqueued on commit of this outer transaction, so it sees the SHA.
        scan = scan_request(repository=repository, trigger=ScanTrigger.WEBHOOK, branch=branch)
        Scan.objects.filter(pk=scan.pk).update(requested_commit=commit)
        scan.requested_commit = commit
        audit_record(
            team=repository.team,
            actor=None,
            action="webhook.push",
            obj=scan,
            details={"provider": provider, "branch": branch, "commit": commit, "delivery": delivery},
        )
        outcome = WebhookOutcome(Verdict.QUEUED, f"scan #{scan.pk} queued for {commit[:12]}", scan)
        if delivery:
            WebhookDelivery.objects.create(
                repository=repository, provider=provider, delivery_id=delivery, outcome=outcome.message
            )
    return outcome


def webhook_github(repository: Repository, body: bytes, headers: dict[str, str]) -> WebhookOutcome:
    """Handle one GitHub delivery (push → scan of the pushed commit; ping → ok)."""
    signature = headers.get("X-Hub-Signature-256", "")
    if not signature:
        return WebhookOutcome(Verdict.UNSIGNED, "missing X-Hub-Signature-256")
    if not github_signature_valid(repository.webhook_secret, body, signature):
        return WebhookOutcome(Verdict.FORGED, "signature does not match")
    event = headers.get("X-GitHub-Event", "")
    if event == "ping":
        return WebhookOutcome(Verdict.IGNORED, "pong")
    if event != "push":
        return WebhookOutcome(Verdict.IGNORED, f"event {event or '(none)'} ignored")
    parsed = _parse_push(body, ("after",))
    if isinstance(parsed, str):
        return WebhookOutcome(Verdict.MALFORMED, parsed)
    return _queue_push(
        repository, *parsed, provider="github", delivery=delivery_id(headers, "X-GitHub-Delivery")
    )


def webhook_gitlab(repository: Repository, body: bytes, headers: dict[str, str]) -> WebhookOutcome:
    """Handle one GitLab delivery (`X-Gitlab-Token` is the repository's secret)."""
    token = headers.get("X-Gitlab-Token", "")
    if not token:
        return WebhookOutcome(Verdict.UNSIGNED, "missing X-Gitlab-Token")
    if not _gitlab_token_valid(repository.webhook_secret, token):
        return WebhookOutcome(Verdict.FORGED, "token does not match")
    event = headers.get("X-Gitlab-Event", "")
    if event != "Push Hook":
        return WebhookOutcome(Verdict.IGNORED, f"event {event or '(none)'} ignored")
    parsed = _parse_push(body, ("checkout_sha", "after"))
    if isinstance(parsed, str):
        return WebhookOutcome(Verdict.MALFORMED, parsed)
    delivery = delivery_id(headers, "Idempotency-Key", "X-Gitlab-Event-UUID")
    return _queue_push(repository, *parsed, provider="gitlab", delivery=delivery)
