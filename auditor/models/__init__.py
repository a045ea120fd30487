from auditor.models.audit import AppendOnlyError, AuditEvent
from auditor.models.contracts import ContractItem, ContractSection, EvidenceKind, ReviewContract
from auditor.models.findings import (
    Category,
    Confidence,
    Finding,
    FindingChange,
    FindingTally,
    Lifecycle,
    Severity,
    TrackedFinding,
    Triage,
    TriageStatus,
)
from auditor.models.gate import GateResult
from auditor.models.integrations import ApiToken, RepositorySchedule, ScheduleKind, WebhookDelivery
from auditor.models.provenance import CommitSample
from auditor.models.repositories import Repository
from auditor.models.reviews import Decision, Review, SignOff
from auditor.models.scans import (
    ACTIVE_STATUSES,
    FINISHED_STATUSES,
    RUNNING_STATUSES,
    FileBlob,
    FileBlobOwner,
    FileMetric,
    Scan,
    ScanRollup,
    ScanStatus,
    ScanTrigger,
)
from auditor.models.team_settings import TeamSettings
from auditor.models.teams import ROLE_RANK, Membership, Role, Team
from auditor.models.trust import FileTrust, TrustLevel

__all__ = [
    "ACTIVE_STATUSES",
    "FINISHED_STATUSES",
    "ROLE_RANK",
    "RUNNING_STATUSES",
    "ApiToken",
    "AppendOnlyError",
    "AuditEvent",
    "Category",
    "CommitSample",
    "Confidence",
    "ContractItem",
    "ContractSection",
    "Decision",
    "EvidenceKind",
    "FileBlob",
    "FileBlobOwner",
    "FileMetric",
    "FileTrust",
    "Finding",
    "FindingChange",
    "FindingTally",
    "GateResult",
    "Lifecycle",
    "Membership",
    "Repository",
    "RepositorySchedule",
    "Review",
    "ReviewContract",
    "Role",
    "Scan",
    "ScanRollup",
    "ScanStatus",
    "ScanTrigger",
    "ScheduleKind",
    "Severity",
    "SignOff",
    "Team",
    "TeamSettings",
    "TrackedFinding",
    "Triage",
    "TriageStatus",
    "TrustLevel",
    "WebhookDelivery",
]
