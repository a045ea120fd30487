"""The engine's own JSON: `ScanResult.to_dict()`, stable key order."""

from __future__ import annotations

import json

from scanners.model import ScanResult


def render_json(result: ScanResult) -> str:
    """Pretty-printed JSON of the whole result (the Django side ingests the same shape)."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
