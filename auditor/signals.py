"""Receivers of other apps' signals; each hands over to one service."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from auditor.services.sign_in import sign_in_failure_record


def _address(request: HttpRequest | None) -> str | None:
    return getattr(request, "axes_ip_address", None) or (request.META.get("REMOTE_ADDR") if request else None)


@receiver(user_login_failed, dispatch_uid="auditor-login-failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    sign_in_failure_record(
        username=str(credentials.get("username", "")), ip_address=_address(request), locked_out=False
    )


@receiver(user_locked_out, dispatch_uid="auditor-locked-out")
def _locked_out(sender: Any, request: HttpRequest, username: str, ip_address: str, **_: Any) -> None:
    sign_in_failure_record(username=username, ip_address=ip_address, locked_out=True)
