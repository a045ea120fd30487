"""API views: thin; the permission helper first, one service per write."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from auditor.api.bodies import BodyNotJson, BodyTooLarge, json_body
from auditor.api.serializers import (
    FindingSerializer,
    RepositoryCreateSerializer,
    RepositorySerializer,
    ResultUploadSerializer,
    ScanSerializer,
    ScanTriggerSerializer,
)
from auditor.models import Finding, Repository, Role, ScanTrigger
from auditor.permissions import repository_for_user, scan_for_user, team_by_slug_for_user
from auditor.selectors.counts import finding_counts
from auditor.selectors.exports import finding_export_queryset, finding_filter
from auditor.selectors.finding_filters import FindingFilters
from auditor.selectors.repositories import repository_list_for_api
from auditor.services.ci_ingest import ResultRejected, scan_ingest_uploaded
from auditor.services.exports import ExportMeta
from auditor.services.repositories import repository_create
from auditor.services.scans import scan_cancel, scan_request
from auditor.views.exports import streaming_export

FILTER_PARAMETERS = [
    OpenApiParameter("severity", str, description="info, low, medium, high or critical"),
    OpenApiParameter("min_severity", str, description="this severity or above"),
    OpenApiParameter("category", str),
    OpenApiParameter("rule", str, description="rule id, e.g. AI101"),
    OpenApiParameter("path", str, description="path prefix"),
    OpenApiParameter("q", str, description="text in the message, path or rule id"),
    OpenApiParameter("ai", str, description="ai, human or unknown: the provenance of the finding's line"),
]


def _filters(request: Request) -> FindingFilters:
    """The request's findings filter; 400 naming each parameter whose value it cannot use
    (`severity=urgent`): a CI job must not export everything because of a typo."""
    filters = FindingFilters.from_query(request.query_params.dict())
    if filters.ignored:
        raise ValidationError(
            {name: [f"{value!r} is not valid: {why}."] for name, value, why in filters.ignored}
        )
    return filters


class RepositoryList(generics.ListAPIView[Repository]):
    """Repositories of the teams the caller belongs to; POST registers one (team admins)."""

    serializer_class = RepositorySerializer

    def get_queryset(self) -> QuerySet[Repository]:
        return repository_list_for_api(self.request.user)

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        context = {**self.get_serializer_context(), "counts": finding_counts(r.pk for r in page)}
        data = RepositorySerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    @extend_schema(request=RepositoryCreateSerializer, responses={201: RepositorySerializer})
    def post(self, request: Request) -> Response:
        """Register a repository (the same checks as the app: URL policy, default branch
        read from the remote when not given); 400 with the reason when refused."""
        body = RepositoryCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        team = team_by_slug_for_user(request.user, data["team"], Role.ADMIN)
        try:
            repository = repository_create(
                team=team,
                name=data["name"],
                clone_url=data["clone_url"],
                default_branch=data.get("default_branch") or None,
                actor=request.user,
            )
        except DjangoValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            RepositorySerializer(
                repository, context={"request": request, "counts": finding_counts([repository.pk])}
            ).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(request=ScanTriggerSerializer, responses={202: ScanSerializer, 409: OpenApiTypes.OBJECT})
@api_view(["POST"])
def scan_trigger(request: Request, repository_id: int) -> Response:
    """Queue a scan of the repository (reviewer or admin); with `base`, a pull-request scan."""
    repository = repository_for_user(request.user, repository_id, Role.REVIEWER)
    if not repository.active:
        return Response({"detail": "The repository is deactivated."}, status=status.HTTP_409_CONFLICT)
    body = ScanTriggerSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    scan = scan_request(
        repository=repository,
        trigger=ScanTrigger.API,
        requested_by=request.user,
        branch=body.validated_data.get("branch") or None,
        base_branch=body.validated_data.get("base") or None,
    )
    return Response(ScanSerializer(scan, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(responses={200: ScanSerializer})
@api_view(["GET"])
def scan_detail(request: Request, scan_id: int) -> Response:
    """A scan's status, counts and gate."""
    scan = scan_for_user(request.user, scan_id)
    return Response(ScanSerializer(scan, context={"request": request}).data)


@extend_schema(request=None, responses={200: ScanSerializer, 409: OpenApiTypes.OBJECT})
@api_view(["POST"])
def scan_cancel_view(request: Request, scan_id: int) -> Response:
    """Cancel a queued or running scan (reviewer or admin); 409 when it already finished."""
    scan = scan_for_user(request.user, scan_id, Role.REVIEWER)
    if not scan_cancel(scan=scan, actor=request.user):
        return Response({"detail": f"Scan is already {scan.status}."}, status=status.HTTP_409_CONFLICT)
    return Response(ScanSerializer(scan, context={"request": request}).data)


class FindingList(generics.ListAPIView[Finding]):
    """A scan's findings, most severe first, filtered and paginated."""

    serializer_class = FindingSerializer

    @extend_schema(
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter(
                "changed", bool, description="a pull-request scan's findings on changed lines only"
            ),
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Finding]:
        scan = scan_for_user(self.request.user, self.kwargs["scan_id"])
        filters = _filters(self.request)
        findings = finding_filter(Finding.objects.filter(scan=scan), filters)
        if self.request.query_params.get("changed") in ("1", "true"):
            findings = findings.filter(on_changed_line=True)
        return findings.order_by("-severity", "path", "line", "id")


@extend_schema(
    parameters=FILTER_PARAMETERS, responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}
)
@api_view(["GET"])
def scan_export(request: Request, scan_id: int, fmt: str) -> StreamingHttpResponse:
    """A scan's findings as csv, json or sarif, streamed."""
    scan = scan_for_user(request.user, scan_id)
    filters = _filters(request)
    findings = finding_filter(Finding.objects.filter(scan=scan), filters)
    return streaming_export(
        fmt, findings, ExportMeta(title=f"Scan #{scan.pk} of {scan.repository.name}", scan=scan)
    )


@extend_schema(
    parameters=[
        OpenApiParameter("scan", int, description="one scan's findings (then the filters above apply)"),
        OpenApiParameter("repository", int),
        OpenApiParameter("status", str, description="open (default), triaged, fixed or all"),
    ],
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
)
@api_view(["GET"])
def findings_export(request: Request, fmt: str) -> StreamingHttpResponse:
    """The findings list (same query string as the dashboard's list page) as csv, json or sarif."""
    findings = finding_export_queryset(request.user, _filters(request))
    return streaming_export(fmt, findings, ExportMeta(title="Findings"))


@extend_schema(request=ResultUploadSerializer, responses={201: ScanSerializer, 400: OpenApiTypes.OBJECT})
@api_view(["POST"])
def result_upload(request: Request, repository_id: int) -> Response:
    """Store an engine result computed elsewhere (CI) as a scan of `commit` (reviewer or admin)."""
    repository = repository_for_user(request.user, repository_id, Role.REVIEWER)
    # Read here, not through request.data: Django's 2.5 MiB request-body cap would refuse
    # results well under the documented CI_UPLOAD_MAX_BYTES.
    try:
        document = json_body(request._request, settings.CI_UPLOAD_MAX_BYTES)
    except BodyTooLarge:
        return Response(
            {"detail": f"The result is larger than {settings.CI_UPLOAD_MAX_BYTES // 2**20} MiB."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    except BodyNotJson as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    body = ResultUploadSerializer(data=document)
    body.is_valid(raise_exception=True)
    try:
        scan = scan_ingest_uploaded(
            repository=repository,
            actor=request.user,
            commit=body.validated_data["commit"],
            branch=body.validated_data.get("branch") or repository.default_branch,
            payload=body.validated_data["result"],
        )
    except ResultRejected as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return Response(ScanSerializer(scan, context={"request": request}).data, status=status.HTTP_201_CREATED)
