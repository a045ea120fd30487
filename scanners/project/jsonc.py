"""Reading the JSON manifests of a JavaScript repository, as lenient as their tools are.

tsconfig/jsconfig allow comments and trailing commas; package.json files read the same
way cost nothing. Oversized or unreadable files read as None.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scanners.paths import read_text_inside

MAX_MANIFEST_BYTES = 2_000_000


def read_json_lenient(root: Path, rel: str) -> Any:
    """The checkout's JSON file `rel`, with comments and trailing commas (tsconfig allows
    both); None when unreadable, too large or outside the checkout."""
    text = read_text_inside(root, rel, MAX_MANIFEST_BYTES, encoding="utf-8-sig", errors="strict")
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return json.loads(_strip_json_comments(text))
    except ValueError:
        return None


def _strip_json_comments(text: str) -> str:
    """Drop `//`/`/* */` comments and trailing commas outside strings, in one pass."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif char == ",":
            j = i + 1
            while j < n and (text[j] in " \t\r\n" or text.startswith(("//", "/*"), j)):
                if text.startswith("//", j):
                    k = text.find("\n", j)
                    j = n if k < 0 else k
                elif text.startswith("/*", j):
                    k = text.find("*/", j + 2)
                    j = n if k < 0 else k + 2
                else:
                    j += 1
            if not (j < n and text[j] in "}]"):
                out.append(char)  # a trailing comma is simply dropped
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)
