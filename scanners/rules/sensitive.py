"""Which identifiers name a sensitive value (language-neutral, shared by Python and JS rules).

A name is split into word parts (snake_case, camelCase, kebab-case, dotted and fused
forms: `api_key`, `apiKey`, `X-Api-Key`, `apikey`), and judged by its *head*: the last
significant word, as in English compound nouns. So `password` and `reset_password_token`
are sensitive, while `password_reset_url` (a URL), `token_count`, `max_tokens` and
`tokenizer` are not. Precision first: bare `session` (almost always an ORM or HTTP
session object), `key` alone and plural `tokens`/`secrets` (lexer tokens, the `secrets`
module) are deliberately not sensitive.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A word is an upper-case run (acronym), a capitalised or lower-case word, or digits.
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

# Heads that are sensitive on their own.
_PASSWORD_WORDS = frozenset({"password", "passwords", "passwd", "pwd", "passphrase", "passcode", "pw"})
_SECRET_HEADS = _PASSWORD_WORDS | frozenset(
    {
        "secret",
        "token",
        "authorization",
        "credential",
        "credentials",
        "creds",
        "cookie",
        "cookies",
        "apikey",
        "privkey",
        "sessionid",
    }
)

# `key`, `id` and `header(s)` heads are sensitive only behind one of these words
# (`api_key`, `private_key`, `session_id`, `auth_header`); `primary_key`, `cache_key`,
# `user_id` and `content_header` are not.
_KEY_QUALIFIERS = frozenset(
    {
        "api",
        "secret",
        "private",
        "priv",
        "signing",
        "encryption",
        "access",
        "master",
        "auth",
        "client",
        "session",
    }
)
# `pass` alone is a compiler pass (`first_pass`, `render_pass`) unless an account precedes it.
_PASS_QUALIFIERS = frozenset(
    {
        "user",
        "db",
        "database",
        "smtp",
        "mail",
        "email",
        "admin",
        "root",
        "proxy",
        "ftp",
        "ldap",
        "login",
        "account",
    }
)
_ID_QUALIFIERS = frozenset({"session", "sess"})
_HEADER_QUALIFIERS = frozenset({"auth", "authorization", "cookie", "token", "bearer"})
_QUALIFIED_HEADS: dict[str, frozenset[str]] = {
    "key": _KEY_QUALIFIERS,
    "id": _ID_QUALIFIERS,
    "header": _HEADER_QUALIFIERS,
    "headers": _HEADER_QUALIFIERS,
    "pass": _PASS_QUALIFIERS,
}

# Tokens that are not credentials: pagination cursors, lexer tokens, a tokenizer's
# special tokens (`eos_token`, `pad_token`), cancellation tokens.
_HARMLESS_TOKEN_QUALIFIERS = frozenset(
    {
        "page",
        "next",
        "prev",
        "previous",
        "continuation",
        "cursor",
        "sync",
        "lexer",
        "parser",
        "cancellation",
        "cancel",
        "stop",
        "eos",
        "bos",
        "pad",
        "unk",
        "sep",
        "mask",
        "cls",
        "special",
        "start",
        "end",
        "first",
        "last",
        "word",
    }
)

# Fused lower-case names that the word splitter cannot take apart.
_FUSED = frozenset(
    {
        "apikey",
        "apitoken",
        "authtoken",
        "accesstoken",
        "refreshtoken",
        "secretkey",
        "privatekey",
        "clientsecret",
        "sessionid",
        "sessionkey",
        "passwd",
        "authheader",
    }
)

# Trailing words that describe the representation, not the meaning: `token_str`,
# `password_bytes`, `password2`, `new_password_confirm` keep the meaning of the word before.
_NEUTRAL_TAILS = frozenset(
    {
        "str",
        "string",
        "value",
        "val",
        "bytes",
        "raw",
        "plain",
        "plaintext",
        "clear",
        "cleartext",
        "text",
        "data",
        "b",
        "base",
        "hex",
        "encoded",
        "confirm",
        "confirmation",
        "again",
        "repeat",
        "new",
        "old",
        "current",
    }
)

# A leading word that turns the name into a flag or a count: `has_password`, `num_tokens`.
_NON_VALUE_PREFIXES = frozenset(
    {
        "is",
        "has",
        "should",
        "use",
        "uses",
        "require",
        "requires",
        "needs",
        "allow",
        "num",
        "n",
        "count",
        "max",
        "min",
        "len",
    }
)


def split_words(name: str) -> list[str]:
    """Lower-case word parts of an identifier, header or key (`X-Api-Key` → x, api, key)."""
    return [w.lower() for w in _WORD.findall(name)]


def _significant(name: str) -> list[str]:
    words = split_words(name)
    while words and (words[-1] in _NEUTRAL_TAILS or words[-1].isdigit()):
        words.pop()
    return words


@lru_cache(maxsize=4096)
def is_sensitive_name(name: str) -> bool:
    """True when `name` most likely holds a password, token, secret, key, cookie or similar.

    >>> [is_sensitive_name(n) for n in ("apiKey", "reset_token", "max_tokens", "tokenizer")]
    [True, True, False, False]
    """
    words = _significant(name)
    if not words or words[0] in _NON_VALUE_PREFIXES:
        return False
    head = words[-1]
    if head == "token" and len(words) >= 2 and words[-2] in _HARMLESS_TOKEN_QUALIFIERS:
        return False
    if head in _SECRET_HEADS or head in _FUSED:
        return True
    qualifiers = _QUALIFIED_HEADS.get(head)
    return bool(qualifiers and len(words) >= 2 and words[-2] in qualifiers)


@lru_cache(maxsize=4096)
def is_password_name(name: str) -> bool:
    """True when `name` holds a password or passphrase (not a token or an API key).

    Used by the weak-password-hash rules: hashing a token with SHA-256 is fine,
    hashing a password with it is not.
    """
    words = _significant(name)
    if not words or words[0] in _NON_VALUE_PREFIXES:
        return False
    head = words[-1]
    if head == "pass":
        return len(words) >= 2 and words[-2] in _PASS_QUALIFIERS
    return head in _PASSWORD_WORDS


# Personal data that regulations (GDPR, PCI DSS, HIPAA) keep out of logs: judged by the
# head like secrets (`customer_ssn`, `cardNumber`), never by a bare `number` or `date`.
_PERSONAL_HEADS = frozenset({"ssn", "cvv", "cvc", "cvv2", "iban", "dob", "birthdate", "birthday", "pan"})
_PERSONAL_PAIRS = frozenset(
    {
        ("card", "number"),
        ("credit", "card"),
        ("card", "num"),
        ("cc", "number"),
        ("social", "security"),
        ("security", "number"),
        ("passport", "number"),
        ("of", "birth"),
        ("birth", "date"),
        ("tax", "id"),
        ("national", "id"),
        ("medical", "record"),
        ("bank", "account"),
        ("account", "number"),
        ("routing", "number"),
    }
)


@lru_cache(maxsize=4096)
def is_personal_name(name: str) -> bool:
    """True when `name` holds regulated personal data (card number, SSN, IBAN, birth date…).

    >>> [is_personal_name(n) for n in ("cardNumber", "customer_ssn", "page_number", "card_type")]
    [True, True, False, False]
    """
    words = _significant(name)
    if not words or words[0] in _NON_VALUE_PREFIXES:
        return False
    if words[-1] in _PERSONAL_HEADS:
        return True
    return len(words) >= 2 and (words[-2], words[-1]) in _PERSONAL_PAIRS


# Objects that carry credentials as a whole: every request header (Authorization,
# Cookie), the environment (every secret the process was given), a request body (the
# login form's password). The last part of a dotted path is judged, behind one of
# `_WHOLE_OWNERS` when it is a generic word.
_WHOLE_ALWAYS = frozenset({"headers", "cookies", "environ", "meta", "cookie_jar"})
_WHOLE_OWNED = frozenset({"body", "form", "post", "json", "data", "env", "files", "values"})
_WHOLE_OWNERS = frozenset({"request", "req", "process", "os", "ctx", "context", "event"})


def whole_object(path: str) -> bool:
    """`request.headers`, `req.body`, `process.env`, `os.environ`, `headers`: a dump of one
    of these writes credentials, whatever the log message says."""
    parts = path.split(".")
    last = parts[-1].lower()
    if last in _WHOLE_ALWAYS:
        return True
    owner = parts[-2].lower().lstrip("_") if len(parts) >= 2 else ""
    return last in _WHOLE_OWNED and owner in _WHOLE_OWNERS
