"""What a deny-list looks like, for the Python (AI631) and JS/TS (AI632) rules: literals
that name a bad value an attacker simply spells differently (`..%2f`, `<ScRiPt`, `$IFS`)."""

from __future__ import annotations

import re

# A literal that names a traversal, script or shell sequence (tested with `"../" in x`).
BAD_LITERAL = re.compile(
    r"^(\.\.|\.\./|\.\.\\|/\.\.|/etc/?|/etc/passwd|<script|javascript:|&&|\$\(|`|rm -rf|file://|"
    r"169\.254\.169\.254|union select|drop table)$",
    re.IGNORECASE,
)
# Values a list of forbidden commands or hosts names (`if cmd in ["rm", "shutdown"]: abort()`).
BAD_VALUE = re.compile(
    r"^(rm|rm -rf|sudo|shutdown|reboot|halt|mkfs|dd|curl|wget|nc|netcat|chmod|chown|kill|bash|sh|eval|exec|"
    r"localhost|127\.0\.0\.1|0\.0\.0\.0|169\.254\.169\.254|metadata\.google\.internal|<script>|\.\./|\.\.)$",
    re.IGNORECASE,
)
# A regular expression that hunts for a bad pattern instead of matching the good ones.
BAD_PATTERN = re.compile(
    r"<\\?s?script|\\\.\\\.|\.\./|javascript:|union\\s|\bon\\w|\\bselect\\b|drop\s+table", re.I
)
MESSAGE = (
    "deny-list validation: blocks the listed bad value `{value}`, which an attacker spells "
    "differently; check against an allow-list or canonicalise (realpath/resolve + prefix) instead"
)


def is_bad_literal(value: object) -> bool:
    return isinstance(value, str) and bool(BAD_LITERAL.match(value.strip()))


def is_bad_value(value: object) -> bool:
    return isinstance(value, str) and bool(BAD_VALUE.match(value.strip()))


def is_bad_pattern(value: object) -> bool:
    return isinstance(value, str) and value.strip() != "" and bool(BAD_PATTERN.search(value))
