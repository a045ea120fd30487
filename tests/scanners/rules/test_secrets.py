"""Secret recognition and masking (shared by the Python and JS hard-coded secret rules)."""

from __future__ import annotations

import pytest

from scanners.rules.secrets import (
    detect_secret,
    looks_like_placeholder,
    mask_in_text,
    mask_secret,
    shannon_entropy,
)


def classify_secret(name: str | None, value: str) -> str | None:
    """The label `detect_secret` gives `value` (e.g. "GitHub token"), or None."""
    match = detect_secret(name, value)
    return match.label if match else None


# Built by concatenation so that secret scanners do not flag this test file itself.
GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
SLACK = "xoxb-" + "1234567890-0987654321-AbCdEfGhIjKlMnOp"
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
GOOGLE = "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"
AWS_ID = "AKIA" + "Z7Q3XK2M9V4B8N1P"


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (AWS_ID, "AWS access key ID"),
        (GITHUB, "GitHub token"),
        (SLACK, "Slack token"),
        (STRIPE, "Stripe live key"),
        (GOOGLE, "Google API key"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA", "private key (PEM)"),
        ("Bearer " + "dGhpcyBpcyBhIHZlcnkgbG9uZyB0b2tlbg", "bearer token"),
    ],
)
def test_it_recognises_known_formats_whatever_the_name(value: str, label: str) -> None:
    assert classify_secret(None, value) == label
    assert classify_secret("description", value) == label


def test_it_recognises_an_aws_secret_only_next_to_an_aws_name() -> None:
    value = "q8Hk2Lm9Pz4Rt7Wx1Vb3Nc5Jd6Fg0Ys2Ua8Ie4Oo"
    assert classify_secret("aws_secret_access_key", value) == "AWS secret access key"
    assert classify_secret("digest", value) is None


def test_the_aws_documented_example_keys_still_match_but_as_placeholders() -> None:
    match = detect_secret("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert match is not None
    assert match.known_format
    assert match.placeholder


def test_high_entropy_values_count_only_under_secret_names() -> None:
    value = "9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"
    assert classify_secret("api_key", value) == "high-entropy string assigned to `api_key`"
    assert classify_secret("checksum", value) is None
    assert classify_secret(None, value) is None


@pytest.mark.parametrize(
    "value",
    [
        "changeme-changeme",
        "<your-api-key-here>",
        "${STRIPE_API_KEY}",
        "xxxxxxxxxxxxxxxxxxxx",
        "dummy-key-for-tests-1234",
        "correct horse battery staple",
        "https://example.org/api/v1/token",
        "aaaaaaaaaaaaaaaaaaaaaaaa",
        "short",
    ],
)
def test_placeholders_and_low_entropy_values_are_not_secrets(value: str) -> None:
    assert classify_secret("api_key", value) is None


def test_placeholder_detection() -> None:
    assert looks_like_placeholder("<your-key>")
    assert looks_like_placeholder("{{ api_key }}")
    assert not looks_like_placeholder("9f8a7b6c5d4e3f2a1b0c")


def test_entropy_of_uniform_and_random_strings() -> None:
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == 2.0
    assert shannon_entropy("") == 0.0


def test_mask_keeps_at_most_four_leading_characters() -> None:
    assert mask_secret("AKIAIOSFODNN7EXAMPLE") == "AKIA" + "*" * 16
    assert mask_secret("abcdefgh") == "ab******"
    assert mask_secret("abc") == "***"


def test_mask_in_text_hides_given_secrets_and_known_formats() -> None:
    line = f'cfg = {{"token": "{GITHUB}", "id": "{AWS_ID}"}}'
    masked = mask_in_text(line, [])
    assert GITHUB not in masked
    assert AWS_ID not in masked
    assert "ghp_" in masked


def test_mask_in_text_hides_the_body_after_a_pem_header() -> None:
    line = 'KEY = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAx4\\n"'
    masked = mask_in_text(line, [])
    assert "MIIEow" not in masked
    assert "BEGIN RSA PRIVATE KEY" in masked


def test_mask_in_text_hides_an_entropy_secret_passed_explicitly() -> None:
    value = "9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"
    assert value not in mask_in_text(f'api_key = "{value}"', [value])
