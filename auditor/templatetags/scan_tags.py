"""The scan status block's failure reason and Retry button (no query: the role is the
one the view's permission check remembered)."""

from __future__ import annotations

from typing import Any

from django import template

from auditor.models import Role, Scan, ScanStatus
from auditor.permissions import can
from auditor.selectors.scan_failure import ScanFailure, scan_failure

register = template.Library()


@register.simple_tag(takes_context=True)
def failure_for_viewer(context: dict[str, Any], scan: Scan) -> ScanFailure:
    request = context.get("request")
    admin = request is not None and can(request.user, scan.repository.team_id, Role.ADMIN)
    return scan_failure(scan, for_admin=admin)


@register.simple_tag(takes_context=True)
def can_retry(context: dict[str, Any], scan: Scan) -> bool:
    """Reviewers and admins may queue a failed or cancelled scan again (active repository)."""
    request = context.get("request")
    return (
        request is not None
        and scan.status in (ScanStatus.FAILED, ScanStatus.CANCELLED)
        and scan.repository.active
        and can(request.user, scan.repository.team_id, Role.REVIEWER)
    )
