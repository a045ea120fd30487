"""AI501 sensitive-data-in-log: passwords, tokens, keys and cookies written to logs or stdout."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import node_index
from scanners.rules.sensitive import is_sensitive_name, split_words
from scanners.source import SourceFile

_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log", "msg"}
)
_LOGGER_WORDS = frozenset({"log", "logger", "logging", "structlog", "logs"})
_LOGGING_KEYWORDS = frozenset({"exc_info", "stack_info", "stacklevel", "extra"})
# Calls whose result no longer carries the value: lengths, booleans, masks, hashes.
_SAFE_CALLS = frozenset({"len", "bool", "type", "id", "isinstance", "hash", "callable", "hasattr"})
_SAFE_WORDS = (
    "mask",
    "redact",
    "sanitiz",
    "sanitis",
    "obfuscat",
    "scrub",
    "censor",
    "anonymi",
    "hash",
    "digest",
)
# Calls that hand the value through unchanged (`str(token)`, `token.strip()`).
_PASSTHROUGH_FUNCTIONS = frozenset({"str", "repr", "ascii", "format", "bytes"})
_PASSTHROUGH_METHODS = frozenset(
    {"strip", "lstrip", "rstrip", "lower", "upper", "decode", "encode", "format", "replace", "title", "hex"}
)


def _is_logging_call(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "print"
    if not isinstance(func, ast.Attribute) or func.attr not in _LOG_METHODS:
        return False
    receiver = func.value
    name = (
        receiver.attr
        if isinstance(receiver, ast.Attribute)
        else receiver.id
        if isinstance(receiver, ast.Name)
        else None
    )
    return name is not None and bool(_LOGGER_WORDS.intersection(split_words(name)))


def _is_safe_call(call: ast.Call) -> bool:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    lowered = name.lower()
    return (
        name in _SAFE_CALLS or lowered.startswith(("is_", "has_")) or any(w in lowered for w in _SAFE_WORDS)
    )


def _is_placeholder(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and (
        value.value is None
        or isinstance(value.value, (bool, int))
        or (
            isinstance(value.value, str)
            and (not value.value or set(value.value) <= {"*", "x", "X", "#", "-", "."})
        )
    )


def sensitive_values(expr: ast.AST) -> Iterator[str]:
    """Names of sensitive values the expression passes on: `token`, `user.password`,
    `headers["Authorization"]`, `f"{api_key}"`, `"%s" % pw`, `{"secret": s}`. String
    literals (the message text) never count, nor do `len(token)` or `mask(token)`."""
    if isinstance(expr, ast.Name):
        if is_sensitive_name(expr.id):
            yield expr.id
    elif isinstance(expr, ast.Attribute):
        if is_sensitive_name(expr.attr):
            yield expr.attr
    elif isinstance(expr, ast.Subscript):
        key = expr.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and is_sensitive_name(key.value):
            yield key.value
    elif isinstance(expr, ast.Call):
        yield from _call_values(expr)
    elif isinstance(expr, ast.JoinedStr):
        for part in expr.values:
            if isinstance(part, ast.FormattedValue):
                yield from sensitive_values(part.value)
    elif isinstance(expr, ast.BinOp):
        yield from sensitive_values(expr.left)
        yield from sensitive_values(expr.right)
    elif isinstance(expr, (ast.Tuple, ast.List)):
        for element in expr.elts:
            yield from sensitive_values(element)
    elif isinstance(expr, ast.Dict):
        yield from _dict_values(expr)
    elif isinstance(expr, ast.IfExp):
        yield from sensitive_values(expr.body)
        yield from sensitive_values(expr.orelse)


def _call_values(call: ast.Call) -> Iterator[str]:
    if _is_safe_call(call):
        return
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "get" and call.args:
        key = call.args[0]  # data.get("password")
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and is_sensitive_name(key.value):
            yield key.value
        return
    if isinstance(func, ast.Attribute) and func.attr in _PASSTHROUGH_METHODS:
        yield from sensitive_values(func.value)
        if func.attr == "format":  # "...{}".format(token, password=pw)
            for arg in call.args:
                yield from sensitive_values(arg)
            for keyword in call.keywords:
                yield from _keyword_values(keyword)
    elif isinstance(func, ast.Name) and func.id in _PASSTHROUGH_FUNCTIONS:
        for arg in call.args:
            yield from sensitive_values(arg)
    elif isinstance(func, ast.Name) and func.id == "dict":
        for keyword in call.keywords:
            yield from _keyword_values(keyword)


def _keyword_values(keyword: ast.keyword) -> Iterator[str]:
    if (
        keyword.arg
        and is_sensitive_name(keyword.arg)
        and not _is_placeholder(keyword.value)
        and not (isinstance(keyword.value, ast.Call) and _is_safe_call(keyword.value))
    ):
        yield keyword.arg
        return
    yield from sensitive_values(keyword.value)


def _dict_values(node: ast.Dict) -> Iterator[str]:
    for key, value in zip(node.keys, node.values, strict=True):
        if (
            isinstance(key, ast.Constant)
            and isinstance(key.value, str)
            and is_sensitive_name(key.value)
            and not _is_placeholder(value)
            and not (isinstance(value, ast.Call) and _is_safe_call(value))
        ):
            yield key.value
        else:
            yield from sensitive_values(value)


class SensitiveDataInLogRule:
    meta = RuleMeta(
        id="AI501",
        name="sensitive-data-in-log",
        title="Sensitive value written to a log or stdout",
        category=Category.OBSERVABILITY,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        in_tests_note=(
            "Reported in test code at its default severity: test logs end up in CI output, which is "
            "kept and widely readable, so a real secret logged there leaks just the same."
        ),
        what=(
            "Flags logging calls (`logger.info/debug/warning/error/exception/critical/log`, "
            '`logging.*`, structlog-style `log.info("event", token=tok)`) and `print` that pass a '
            "value whose name says it is a password, token, secret, API key, authorization header, "
            "cookie or session id: as an argument, inside an f-string, `%` or `.format()` "
            "arguments, `extra={...}` or any dict with such keys. The word only in the message "
            'text (`"password reset sent"`), redacted values (`mask(token)`, `"***"`) and '
            "lengths (`len(token)`) are not flagged, nor are test files."
        ),
        why=(
            "Debug logging added to make generated code observable dumps whole requests and "
            "credentials; logs are kept for months and read by many (ai-code-failures.md, "
            "'Observability-First Debugging' — log context, never secrets)."
        ),
        example=(
            "import logging\n"
            "\n"
            "logger = logging.getLogger(__name__)\n"
            "\n"
            "\n"
            "def login(username, password, request):\n"
            '    logger.info("login attempt %s / %s", username, password)  # expect: AI501\n'
            "    token = issue_token(username)\n"
            '    print(f"issued token {token}")  # expect: AI501\n'
            '    auth = request.headers["Authorization"]\n'
            '    logger.debug("headers", extra={"authorization": auth})  # expect: AI501\n'
            "    return token\n"
        ),
        use_instead=(
            "import logging\n"
            "\n"
            "logger = logging.getLogger(__name__)\n"
            "\n"
            "\n"
            "def login(username, password, token_count):\n"
            '    logger.info("login attempt for %s", username)\n'
            '    logger.info("password reset sent to %s", username)\n'
            "    token = issue_token(username)\n"
            '    logger.debug("issued token of length %d (%s)", len(token), mask(token))\n'
            '    logger.debug("tokens used: %d", token_count)\n'
            '    logger.info("login", extra={"user": username, "password": "***"})\n'
            "    return token\n"
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        index = node_index(source)
        if index is None:
            return
        for node in index.of(ast.Call):
            if not _is_logging_call(node):
                continue
            names: list[str] = []
            for arg in node.args:
                names.extend(sensitive_values(arg))
            for keyword in node.keywords:
                if keyword.arg == "extra" or keyword.arg not in _LOGGING_KEYWORDS:
                    names.extend(
                        _keyword_values(keyword)
                        if keyword.arg != "extra"
                        else sensitive_values(keyword.value)
                    )
            if names:
                unique = ", ".join(f"`{n}`" for n in dict.fromkeys(names))
                what = "print()" if isinstance(node.func, ast.Name) else f"{ast.unparse(node.func)}()"
                yield Hit(
                    line=node.lineno,
                    column=node.col_offset,
                    end_line=node.end_lineno,
                    message=(
                        f"`{what}` writes the sensitive value {unique} to the log; log an identifier "
                        "or a masked form instead (`mask(token)`, `len(token)`), never the secret itself"
                    ),
                )
