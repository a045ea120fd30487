"""Webhook endpoints: authenticated by the repository's secret, not by a session."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from auditor.models import Repository
from auditor.services.webhooks import MAX_BODY_BYTES, WebhookOutcome, webhook_github, webhook_gitlab

_HEADERS = (
    "X-Hub-Signature-256",
    "X-GitHub-Event",
    "X-GitHub-Delivery",
    "X-Gitlab-Token",
    "X-Gitlab-Event",
    "Idempotency-Key",
    "X-Gitlab-Event-UUID",
)


def _repository(repository_id: int) -> Repository:
    # The permission helper of a webhook is the signature check in the service.
    repository = Repository.objects.select_related("team").filter(pk=repository_id).first()
    if repository is None:
        raise Http404("No such repository.")
    return repository


def _headers(request: HttpRequest) -> dict[str, str]:
    return {name: request.headers.get(name, "") for name in _HEADERS}


def _body(request: HttpRequest) -> bytes:
    # Read the stream ourselves: `request.body` stops at DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB),
    # below what GitHub sends for big pushes; the service enforces its own larger cap.
    return request.read(MAX_BODY_BYTES + 1)


def _respond(outcome: WebhookOutcome) -> JsonResponse:
    data: dict[str, object] = {"detail": outcome.message}
    if outcome.scan is not None:
        data["scan"] = outcome.scan.pk
    return JsonResponse(data, status=int(outcome.verdict))


@csrf_exempt
@require_POST
def github_push(request: HttpRequest, repository_id: int) -> JsonResponse:
    return _respond(webhook_github(_repository(repository_id), _body(request), _headers(request)))


@csrf_exempt
@require_POST
def gitlab_push(request: HttpRequest, repository_id: int) -> JsonResponse:
    return _respond(webhook_gitlab(_repository(repository_id), _body(request), _headers(request)))
