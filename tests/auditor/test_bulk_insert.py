"""rows_insert: COPY on PostgreSQL, batched INSERTs elsewhere; the same rows either way."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auditor.models import AuditEvent, FileMetric, Repository, Scan
from auditor.services.bulk import rows_insert
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db


def test_it_stores_every_field_as_save_would(repository: Repository) -> None:
    scan = Scan.objects.create(repository=repository, branch="main")
    functions = [{"name": "f", "line": 1, "complexity": 3, "rank": "A"}]

    def rows():  # type: ignore[no-untyped-def]
        for i in range(4500):  # more than two batches
            yield FileMetric(
                scan=scan,
                path=f"p/{i}.py",
                language="python",
                lines=i,
                maintainability=None if i % 2 else 71.5,
                functions=functions if i == 7 else [],
                churn=None,
                risk_score=1.5,
            )

    with CaptureQueriesContext(connection) as queries:
        assert rows_insert(FileMetric, rows()) == 4500
    if connection.vendor == "postgresql":
        # One COPY, not Django's compiled INSERTs (which cost more than storing the rows).
        assert not [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    stored = FileMetric.objects.filter(scan=scan)
    assert stored.count() == 4500
    seventh = stored.get(path="p/7.py")
    assert (seventh.functions, seventh.maintainability, seventh.churn, seventh.risk_score) == (
        functions,
        None,
        None,
        1.5,
    )
    assert stored.get(path="p/8.py").maintainability == 71.5


def test_auto_now_fields_are_filled(personas: Personas) -> None:
    event = AuditEvent(team=personas.team, actor_name="system", action="x", object_type="t", object_id="1")

    rows_insert(AuditEvent, [event])

    assert AuditEvent.objects.get().created_at is not None
