"""Which names count as sensitive (shared by the Python and JS logging/secret rules)."""

from __future__ import annotations

import pytest

from scanners.rules.sensitive import (
    is_password_name,
    is_personal_name,
    is_sensitive_name,
    split_words,
    whole_object,
)


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "passwd",
        "pwd",
        "user_password",
        "newPassword",
        "password2",
        "password_confirm",
        "token",
        "access_token",
        "accessToken",
        "reset_password_token",
        "secret",
        "client_secret",
        "SECRET_KEY",
        "api_key",
        "apiKey",
        "APIKey",
        "apikey",
        "X-Api-Key",
        "authorization",
        "Authorization",
        "auth_header",
        "auth_headers",
        "cookie",
        "Set-Cookie",
        "session_id",
        "sessionId",
        "sessionid",
        "session_token",
        "private_key",
        "credentials",
        "creds",
        "db_pass",
        "token_str",
        "X-Auth-Token",
    ],
)
def test_it_treats_secret_holding_names_as_sensitive(name: str) -> None:
    assert is_sensitive_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "token_count",
        "max_tokens",
        "num_tokens",
        "tokens",
        "tokenizer",
        "password_reset_url",
        "passwordResetUrl",
        "authorization_url",
        "credentials_file",
        "cookie_name",
        "session",  # an ORM/HTTP session object far more often than a secret
        "secrets",  # the stdlib module
        "primary_key",
        "cache_key",
        "key",
        "user_id",
        "headers",
        "has_password",
        "first_pass",
        "eos_token",
        "next_page_token",
        "bypass",
        "",
    ],
)
def test_it_leaves_look_alike_names_alone(name: str) -> None:
    assert not is_sensitive_name(name)


@pytest.mark.parametrize("name", ["password", "passwd", "pwd", "raw_password", "passphrase", "pw", "db_pass"])
def test_password_names_are_recognised(name: str) -> None:
    assert is_password_name(name)


@pytest.mark.parametrize("name", ["token", "api_key", "secret", "password_reset_url", "first_pass"])
def test_tokens_and_keys_are_not_passwords(name: str) -> None:
    assert not is_password_name(name)


def test_it_splits_snake_camel_kebab_and_acronyms() -> None:
    assert split_words("X-Api-Key") == ["x", "api", "key"]
    assert split_words("APIKeyValue") == ["api", "key", "value"]
    assert split_words("aws_secret_access_key") == ["aws", "secret", "access", "key"]


def test_personal_data_is_judged_by_the_head_like_secrets() -> None:
    personal = ["cardNumber", "customer_ssn", "iban", "date_of_birth", "creditCard", "cvv", "tax_id"]
    other = ["page_number", "card_type", "birth_place", "user_id", "has_ssn", "number", "account_name"]
    assert [n for n in personal if not is_personal_name(n)] == []
    assert [n for n in other if is_personal_name(n)] == []


def test_whole_objects_are_the_ones_that_carry_credentials() -> None:
    whole = [
        "request.headers",
        "headers",
        "req.body",
        "process.env",
        "os.environ",
        "request.META",
        "req.cookies",
    ]
    parts = ["request.path", "response.body", "self.data", "env", "request.GET", "event.name"]
    assert [p for p in whole if not whole_object(p)] == []
    assert [p for p in parts if whole_object(p)] == []
