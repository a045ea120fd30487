"""Renderers of a `ScanResult`: human text, the engine's JSON, and SARIF 2.1.0."""

from __future__ import annotations

from collections.abc import Callable

from scanners.model import ScanResult
from scanners.output.json_format import render_json
from scanners.output.sarif import render_sarif
from scanners.output.text import render_text

RENDERERS: dict[str, Callable[[ScanResult], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
}


def render(result: ScanResult, fmt: str) -> str:
    """`result` in format `fmt` (one of RENDERERS); KeyError for an unknown format."""
    return RENDERERS[fmt](result)
