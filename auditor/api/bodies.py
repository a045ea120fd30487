"""Request bodies the API reads itself, with its own documented limits.

Django refuses any body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB) the moment a view
touches `request.body` or DRF's `request.data`, with an HTML 400. An endpoint whose
documented limit is larger reads the stream here instead: in chunks, never past its
own limit, and answers the API's JSON errors.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest

CHUNK_BYTES = 1024 * 1024


class BodyTooLarge(Exception):
    """The body is larger than the endpoint's limit (413)."""


class BodyNotJson(ValueError):
    """The body is not a JSON document (400); the message says why."""


def json_body(request: HttpRequest, limit: int) -> Any:
    """The JSON document in `request`'s body, read without holding more than `limit` bytes."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit():
        raise BodyNotJson("the Content-Length header is not a number")
    if int(declared) > limit:
        raise BodyTooLarge
    buffer = bytearray()
    while chunk := request.read(CHUNK_BYTES):
        buffer += chunk
        if len(buffer) > limit:
            raise BodyTooLarge
    try:
        return json.loads(buffer)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BodyNotJson(f"the body is not valid JSON ({exc})") from None
