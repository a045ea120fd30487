"""Review contracts, sign-offs, trust, quality gate, roles and the audit trail."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
