"""The engine's own JSON: `ScanResult.to_dict()`, stable key order."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from scanners.model import ScanResult


class _Converted(list):  # type: ignore[type-arg]
    """A list to the JSON encoder that converts each item only when it is written.

    The indenting encoder (pure Python) takes lists by `len` and iteration, so the output
    is byte for byte that of the converted list, without ever holding it."""

    def __init__(self, items: Sequence[Any], convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self._items = items
        self._convert = convert

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        return (self._convert(item) for item in self._items)


def _document(result: ScanResult) -> dict[str, Any]:
    return {
        "root": result.root,
        "engine_version": result.engine_version,
        "scanner_versions": dict(result.scanner_versions),
        "duration_seconds": result.duration_seconds,
        "suppressed": result.suppressed,
        "files": _Converted(result.files, lambda f: f.to_dict()),
        "findings": _Converted(result.findings, lambda f: f.to_dict()),
        "warnings": _Converted(result.warnings, lambda w: w.to_dict()),
        "rules": _Converted(result.rules, lambda r: r.to_dict()),
        "provenance": result.provenance.to_dict() if result.provenance is not None else None,
    }


def write_json(result: ScanResult, out: IO[str]) -> None:
    """The JSON of `render_json`, written as it is encoded (a 100,000-file result is never
    one dict and one string in memory)."""
    for chunk in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(_document(result)):
        out.write(chunk)
    out.write("\n")


def render_json(result: ScanResult) -> str:
    """Pretty-printed JSON of the whole result (the Django side ingests the same shape)."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
