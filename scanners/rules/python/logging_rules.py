"""AI501 sensitive-data-in-log: passwords, tokens, keys and cookies written to logs or stdout."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import node_index
from scanners.rules.sensitive import is_personal_name, is_sensitive_name, split_words, whole_object
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
# Calls that dump their argument whole.
_DUMPS = frozenset({"vars", "asdict", "model_to_dict", "list"})
# Objects whose every field is dumped by `vars(x)` / `x.__dict__`: accounts and their credentials.
_DUMPED_OBJECTS = frozenset(
    {"user", "account", "customer", "profile", "member", "request", "req", "config", "settings",
     "credentials", "conf", "cfg", "env", "identity", "principal"}
)  # fmt: skip


def _dumps_person(expr: ast.expr) -> bool:
    name = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""
    words = split_words(name)
    return bool(words) and words[-1] in _DUMPED_OBJECTS


# Calls that hand the value through unchanged (`str(token)`, `token.strip()`).
_PASSTHROUGH_FUNCTIONS = frozenset({"str", "repr", "ascii", "format", "bytes"})
_PASSTHROUGH_METHODS = frozenset(
    {"strip", "lstrip", "rstrip", "lower", "upper", "decode", "encode", "format", "replace", "title", "hex"}
)


_LOGGER_FACTORIES = ("getlogger", "get_logger", "getchild", "bind", "opt", "new", "with_")
_PRINT_FUNCTIONS = frozenset({"print", "pprint", "pp"})


def _logger_receiver(receiver: ast.expr) -> bool:
    """`logger`, `self.log`, `logging`, `structlog.get_logger()`, `logger.bind(user=u)`."""
    if isinstance(receiver, ast.Call):
        func = receiver.func
        called = (
            func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        )
        return called.lower().startswith(_LOGGER_FACTORIES) and (
            called.lower() != "bind" or (isinstance(func, ast.Attribute) and _logger_receiver(func.value))
        )
    name = (
        receiver.attr
        if isinstance(receiver, ast.Attribute)
        else receiver.id
        if isinstance(receiver, ast.Name)
        else None
    )
    return name is not None and bool(_LOGGER_WORDS.intersection(split_words(name)))


def _is_logging_call(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in _PRINT_FUNCTIONS
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr == "write" and ast.unparse(func.value) in ("sys.stdout", "sys.stderr"):
        return True
    if func.attr == "bind":  # structlog / loguru: the bound values go into every later line
        return _logger_receiver(func.value)
    return func.attr in _LOG_METHODS and _logger_receiver(func.value)


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
        if is_sensitive_name(expr.id) or is_personal_name(expr.id) or whole_object(expr.id):
            yield expr.id
    elif isinstance(expr, ast.Attribute):
        if is_sensitive_name(expr.attr) or is_personal_name(expr.attr):
            yield expr.attr
        elif whole_object(shown := ast.unparse(expr)) or (
            expr.attr == "__dict__" and _dumps_person(expr.value)
        ):
            yield shown
    elif isinstance(expr, ast.Subscript):
        key = expr.slice
        if (
            isinstance(key, ast.Constant)
            and isinstance(key.value, str)
            and (is_sensitive_name(key.value) or is_personal_name(key.value))
        ):
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
        for arg in call.args:  # `dict(request.headers)`
            yield from sensitive_values(arg)
    elif isinstance(func, ast.Name) and func.id == "locals" and not call.args:
        yield "locals()"  # every local variable, the password parameter included
    elif isinstance(func, ast.Name) and func.id in _DUMPS and call.args:
        # `vars(request)`, `asdict(user)`, `json.dumps(request.headers)`: what is dumped counts
        inner = call.args[0]
        if _dumps_person(inner):
            yield f"{func.id}({ast.unparse(inner)})"
        else:
            yield from sensitive_values(inner)
    elif isinstance(func, ast.Attribute) and func.attr in ("dumps", "pformat") and call.args:
        yield from sensitive_values(call.args[0])
    elif isinstance(func, ast.Attribute) and func.attr in ("items", "dict", "model_dump", "to_dict"):
        yield from (v for v in sensitive_values(func.value) if whole_object(v))


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
            "arguments, `extra={...}` or any dict with such keys; regulated personal data "
            "(`card_number`, `ssn`, `iban`, `date_of_birth`); whole objects that carry "
            "credentials (`request.headers`, `request.META`, `request.body`/`POST`/`json`, "
            "`os.environ`, a `headers` dict, `vars(user)`, `config.__dict__`, `locals()`, "
            "`json.dumps(...)` of one). Loggers include `logging.getLogger(...).info`, "
            "structlog and loguru (`log.bind(token=t)`, `structlog.get_logger().info(...)`), "
            "`print`/`pprint` and `sys.stdout.write`. The word only in the message "
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
            '    logger.debug("request headers: %s", request.headers)  # expect: AI501\n'
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
