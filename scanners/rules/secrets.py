"""Recognising and masking hard-coded secrets (language-neutral, shared by Python and JS rules).

Two kinds of evidence:
- a **known credential format** (AWS, GitHub, Slack, Stripe, Google, OpenAI, PEM private
  keys, …) anywhere in a string, whatever it is assigned to;
- a **high-entropy literal** (≥ 16 characters, Shannon entropy ≥ 3.5 bits per character,
  mixed character classes, no spaces) assigned to a secret-like name (see sensitive.py).

Placeholders (`changeme`, `<your-key>`, `${VAR}`, `xxxx`, `dummy`, …) never count as
high-entropy secrets. A known-format match that looks like a documented example (AWS's
`AKIAIOSFODNN7EXAMPLE`) is still reported, with `SecretMatch.placeholder` set so that the
rule can lower its confidence: such a value in real code is at best a leftover.

Regular expressions are the right tool here (unlike elsewhere in the rules): key formats
are lexical by definition.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from scanners.rules.sensitive import is_sensitive_name, split_words

MIN_SECRET_LENGTH = 16
MIN_ENTROPY = 3.5  # bits per character; random hex of 32 chars ≈ 3.8, random base64 ≈ 4.5+

_PEM = re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----")
# The rest of a line after a PEM header (a one-line literal with `\n` escapes holds the key).
_PEM_REST = re.compile(_PEM.pattern + r"(.*)")

# (label, pattern). Order matters only for which label wins on overlapping matches.
KNOWN_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private key (PEM)", _PEM),
    ("AWS access key ID", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![A-Z0-9])")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("GitHub fine-grained token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{50,}")),
    ("GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("Slack token", re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}")),
    (
        "Slack webhook URL",
        re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+"),
    ),
    ("Stripe live key", re.compile(r"\b(?:sk|rk)_live_[0-9A-Za-z]{16,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("Anthropic API key", re.compile(r"\bsk-ant-[a-z]+\d*-[A-Za-z0-9_-]{40,}")),
    (
        "OpenAI API key",
        re.compile(
            r"\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|\bsk-proj-[A-Za-z0-9_-]{40,}"
        ),
    ),
    ("SendGrid API key", re.compile(r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}")),
    ("npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("PyPI token", re.compile(r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}")),
    ("JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
    ("bearer token", re.compile(r"\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*")),
)

# 40 base64 characters: the shape of an AWS secret access key; only trusted next to an AWS name.
_AWS_SECRET_SHAPE = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")

_PLACEHOLDER_WORDS = (
    "changeme",
    "change_me",
    "change-me",
    "xxxx",
    "****",
    "your",
    "dummy",
    "example",
    "sample",
    "placeholder",
    "fake",
    "redacted",
    "replace",
    "insert",
    "todo",
    "notasecret",
    "not-a-secret",
    "secret-key-here",
    "...",
)
_TEMPLATE_MARKERS = ("${", "{{", "%(", "<", ">", "$(")


@dataclass(frozen=True)
class SecretMatch:
    label: str  # human description, e.g. "GitHub token"
    known_format: bool  # a vendor key format (high confidence) vs. entropy under a secret name
    placeholder: bool  # looks like a documented example / placeholder (lower confidence)
    secret: str  # the matched secret text, for masking


def shannon_entropy(value: str) -> float:
    """Bits per character of `value`'s character distribution."""
    if not value:
        return 0.0
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in Counter(value).values())


def looks_like_placeholder(value: str) -> bool:
    """`changeme`, `<your-key>`, `${API_KEY}`, `xxxxxxxx`, `test`, … — not a real secret."""
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS) or any(m in value for m in _TEMPLATE_MARKERS):
        return True
    stripped = lowered.strip()
    return stripped in {"", "test", "secret", "password", "token", "none", "null"} or len(set(stripped)) <= 2


def _looks_random(value: str) -> bool:
    if len(value) < MIN_SECRET_LENGTH or any(c.isspace() for c in value):
        return False
    if "://" in value or value.startswith(("/", "./", "~")):
        return False  # URLs and paths: entropy without secrecy
    classes = sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    if classes < 2:
        return False
    return shannon_entropy(value) >= MIN_ENTROPY


def _is_aws_name(name: str) -> bool:
    words = split_words(name)
    return "aws" in words or ("secret" in words and "access" in words)


def detect_secret(name: str | None, value: str) -> SecretMatch | None:
    """The strongest secret evidence in `value` (assigned to `name`, if known), or None."""
    if len(value) < 8:
        return None
    placeholder = looks_like_placeholder(value)
    for label, pattern in KNOWN_FORMATS:
        found = pattern.search(value)
        if found:
            # A PEM header is public; the key is what follows it.
            secret = value[found.end() :] if pattern is _PEM else found.group(0)
            return SecretMatch(label, True, placeholder, secret)
    if name is None or not is_sensitive_name(name):
        return None
    if _is_aws_name(name):
        found = _AWS_SECRET_SHAPE.search(value)
        if found:
            return SecretMatch("AWS secret access key", True, placeholder, found.group(0))
    if placeholder or not _looks_random(value):
        return None
    return SecretMatch(f"high-entropy string assigned to `{name}`", False, False, value)


def mask_secret(value: str) -> str:
    """Keep at most 4 leading characters: `AKIAIOSFODNN7EXAMPLE` → `AKIA****************`.

    Short values keep fewer (a quarter), so that no secret is ever more than 25% visible.
    """
    keep = min(4, len(value) // 4)
    return value[:keep] + "*" * (len(value) - keep)


def mask_in_text(text: str, secrets: list[str] | tuple[str, ...]) -> str:
    """`text` (e.g. the source line for a finding's snippet) with every given secret masked,
    plus any known-format key that appears in it."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, mask_secret(secret))
    text = _PEM_REST.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + "*" * len(m.group(1)), text)
    for _, pattern in KNOWN_FORMATS:
        if pattern is not _PEM:
            text = pattern.sub(lambda m: mask_secret(m.group(0)), text)
    return text
