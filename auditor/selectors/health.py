"""Is the database reachable, is the broker reachable."""

from __future__ import annotations

from typing import Any

from django.db import connection

from auditor.celery import app


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not reachable" here
        return False, type(exc).__name__
    return True, connection.vendor


def _broker_ok() -> tuple[bool, str]:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # kombu raises many kinds; all mean "not reachable"
        return False, type(exc).__name__
    return True, str(transport)


def health_report() -> dict[str, Any]:
    """{"ok": bool, "database": {...}, "broker": {...}} — never raises."""
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    return {
        "ok": db_ok and broker_ok,
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
    }
