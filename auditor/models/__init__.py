from auditor.models.audit import AppendOnlyError, AuditEvent
from auditor.models.findings import Category, Confidence, FileMetric, Finding, Severity
from auditor.models.repositories import Repository
from auditor.models.scans import (
    ACTIVE_STATUSES,
    FINISHED_STATUSES,
    RUNNING_STATUSES,
    Scan,
    ScanStatus,
    ScanTrigger,
)
from auditor.models.teams import ROLE_RANK, Membership, Role, Team

__all__ = [
    "ACTIVE_STATUSES",
    "FINISHED_STATUSES",
    "ROLE_RANK",
    "RUNNING_STATUSES",
    "AppendOnlyError",
    "AuditEvent",
    "Category",
    "Confidence",
    "FileMetric",
    "Finding",
    "Membership",
    "Repository",
    "Role",
    "Scan",
    "ScanStatus",
    "ScanTrigger",
    "Severity",
    "Team",
]
