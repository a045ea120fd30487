"""Dashboard: team overview, findings, files, trends, triage."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
