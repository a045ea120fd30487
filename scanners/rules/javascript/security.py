"""Secrets in JS/TS: logged (AI511) or written into the source (AI512)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.syntax import (
    JS_LANGUAGES,
    Node,
    arguments,
    call_name,
    identifier_name,
    line_of,
    matches,
    string_value,
    text,
)
from scanners.rules.secrets import detect_secret, mask_in_text, mask_secret
from scanners.rules.sensitive import is_personal_name, is_sensitive_name, split_words, whole_object
from scanners.source import SourceFile

_LOG_METHODS = ("log", "info", "warn", "error", "debug", "trace", "fatal", "verbose", "silly", "dir", "table")
_LOG_PATTERNS = (
    "((call_expression function: (member_expression object: (_) @logger property: (property_identifier)"
    " @_method)) @call (#any-of? @_method " + " ".join(f'"{m}"' for m in _LOG_METHODS) + "))",
)
_LOGGER_NAME = re.compile(r"^(console|log|logger|\w*Logger|winston|pino|bunyan|signale|consola)$")
# Calls whose output still shows their argument; any other call (`redact(token)`,
# `mask(password)`, `hash(…)`) is assumed to transform it.
_TRANSPARENT_CALLS = frozenset({"stringify", "String", "inspect", "format", "toString", "toJSON"})
_WRAPPERS = frozenset(
    {"parenthesized_expression", "await_expression", "as_expression", "non_null_expression",
     "satisfies_expression", "spread_element"}
)  # fmt: skip


# The `debug` package: `const debug = require('debug')('app')` / `import createDebug from
# 'debug'; const log = createDebug('app')` — the loggers are plain function calls.
_BARE_CALL_PATTERNS = ("((call_expression function: (identifier) @fn) @call)",)
_DEBUG_PATTERNS = (
    "(variable_declarator name: (identifier) @logger value: (call_expression function: (call_expression"
    ' function: (identifier) @_req arguments: (arguments (string) @source))) (#eq? @_req "require"))',
    "(import_statement (import_clause (identifier) @factory) source: (string) @source)",
    "(variable_declarator name: (identifier) @logger value: (call_expression function: (identifier) @made))",
)


def _debug_loggers(source: SourceFile) -> set[str]:
    """Local names of `debug` loggers in this file."""
    factories: set[str] = set()
    loggers: set[str] = set()
    made: list[tuple[str, str]] = []
    for match in matches(source, _DEBUG_PATTERNS):
        module = string_value(match["source"][0]) if "source" in match else None
        if "factory" in match and module == "debug":
            factories.add(text(match["factory"][0]))
        elif "made" in match:
            made.append((text(match["logger"][0]), text(match["made"][0])))
        elif "logger" in match and module == "debug":
            loggers.add(text(match["logger"][0]))
    loggers.update(name for name, factory in made if factory in factories)
    return loggers


def _is_session_object(name: str) -> bool:
    # In front-end code a variable called `session` is the signed-in user's session (its
    # token included), unlike Python's ORM/HTTP sessions, which sensitive.py leaves out.
    words = split_words(name)
    return bool(words) and words[-1] in {"session", "sess"}


def sensitive_value(node: Node, depth: int = 0) -> str | None:
    """The sensitive name an expression reveals when printed, or None.

    `password`, `user.password`, `headers['authorization']`, `` `${token}` ``,
    `{ token }`, `{ password: p }`, `JSON.stringify(creds)`; not `password.length`,
    `redact(token)` or `{ password: '***' }`."""
    if depth > 6:
        return None
    kind = node.type
    if kind in ("identifier", "member_expression", "subscript_expression"):
        name = identifier_name(node)
        if name and (
            is_sensitive_name(name)
            or is_personal_name(name)
            or (kind == "identifier" and _is_session_object(name))
        ):
            return text(node)
        if kind != "subscript_expression" and whole_object(text(node).replace("this.", "")):
            return text(node)  # `req.headers`, `process.env`, `headers`: credentials as a whole
        return None
    if kind in _WRAPPERS or kind in (
        "template_string",
        "template_substitution",
        "array",
        "binary_expression",
        "ternary_expression",
    ):
        children = node.named_children
        if kind == "ternary_expression":
            children = [
                c
                for c in (node.child_by_field_name("consequence"), node.child_by_field_name("alternative"))
                if c
            ]
        for child in children:
            found = sensitive_value(child, depth + 1)
            if found:
                return found
        return None
    if kind == "object":
        return _sensitive_in_object(node, depth)
    if kind == "call_expression" and call_name(node)[1] in _TRANSPARENT_CALLS:
        for argument in arguments(node):
            if call_name(node)[1] == "stringify" and _is_account_object(argument):
                return text(argument)  # `JSON.stringify(user)`: every field, hash and e-mail included
            found = sensitive_value(argument, depth + 1)
            if found:
                return found
    return None


def _is_account_object(node: Node) -> bool:
    words = (
        split_words(identifier_name(node) or "") if node.type in ("identifier", "member_expression") else []
    )
    return bool(words) and words[-1] in {"user", "account", "customer", "credentials", "profile"}


def _sensitive_in_object(node: Node, depth: int) -> str | None:
    for child in node.named_children:
        if child.type == "shorthand_property_identifier" and is_sensitive_name(text(child)):
            return text(child)
        if child.type == "pair":
            key = identifier_name(child.child_by_field_name("key"))
            value = child.child_by_field_name("value")
            if value is None or value.type in ("string", "number", "true", "false", "null", "undefined"):
                continue  # a literal value is a redaction marker or a flag, not the secret
            if key and is_sensitive_name(key):
                return key
            found = sensitive_value(value, depth + 1)
            if found:
                return found
    return None


class SensitiveDataInConsole:
    """AI511: passwords, tokens, secrets passed to `console.*` or a logger."""

    meta = RuleMeta(
        id="AI511",
        name="sensitive-data-in-console",
        title="Sensitive value written to console or a logger",
        category=Category.OBSERVABILITY,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        in_tests_note=(
            "Reported in test code at its default severity: test output ends up in CI logs, which are "
            "kept and widely readable."
        ),
        what=(
            "Flags `console.log/info/warn/error/debug/…` and logger calls (`logger.info`, "
            "`log.debug`, `this.logger.warn`, winston/pino-style) whose arguments print a "
            "sensitive-named value: an identifier or member (`password`, `user.apiKey`, "
            "`req.headers.authorization`), a template substitution, an object literal with "
            "such a key (`{ token }`, `{ password: p }`), or `JSON.stringify` of one. The "
            "word inside the message text, `password.length`, redaction calls and literal "
            "values (`{ password: '***' }`) are not flagged. Also regulated personal data "
            "(`cardNumber`, `ssn`, `iban`), whole objects that carry credentials (`req.headers`, "
            "`req.body`, `req.cookies`, `process.env`, a `headers` object), `JSON.stringify(user)`, "
            "and loggers of the `debug` package (`const debug = require('debug')('app')`)."
        ),
        why=(
            "Debug logging of whole objects is the model's default way to 'add "
            "observability'; the source text's review contract says sensitive data is not "
            "logged — logs are shipped, retained and read far more widely than databases."
        ),
        example=(
            "type User = { email: string; password: string };\n"
            "export async function login(user: User, token: string, req: Request) {\n"
            "  console.log('login attempt', user.email, user.password);  // expect: AI511\n"
            "  logger.info(`issued token ${token}`);  // expect: AI511\n"
            "  console.debug({ email: user.email, token });  // expect: AI511\n"
            "  logger.debug('incoming', req.headers);  // expect: AI511\n"
            "}\n"
        ),
        use_instead=(
            "export async function login(user: { email: string; password: string }, token: string) {\n"
            "  console.log('login attempt', user.email, 'password length', user.password.length);\n"
            "  logger.info('issued token', { token: '[REDACTED]', tokenCount: 1 });\n"
            "  console.debug('password was wrong for', user.email, redact(token));\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.ts"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        if source.ts_tree is None or not any(w in source.text for w in ("console", "log", "debug")):
            return
        loggers = _debug_loggers(source) if "debug" in source.text else set()
        for match in matches(source, _LOG_PATTERNS + _BARE_CALL_PATTERNS):
            call = match["call"][0]
            if "logger" in match:
                if not _LOGGER_NAME.match(identifier_name(match["logger"][0]) or ""):
                    continue
            elif text(match["fn"][0]) not in loggers:
                continue
            for argument in arguments(call):
                found = sensitive_value(argument)
                if found:
                    yield Hit(
                        line_of(argument),
                        f"`{found}` is written to the log by `{text(call.child_by_field_name('function'))}`; "
                        "logs are shipped and retained widely. Leave it out or log a redacted form.",
                        column=argument.start_point[1],
                    )
                    break


_SECRET_PATTERNS = (
    "(variable_declarator name: (identifier) @name value: [(string) (template_string)] @value)",
    "(pair key: [(property_identifier) (string)] @name value: [(string) (template_string)] @value)",
    "(assignment_expression left: (_) @name right: [(string) (template_string)] @value)",
    "(field_definition property: (_) @name value: [(string) (template_string)] @value)",
    "(public_field_definition name: (_) @name value: [(string) (template_string)] @value)",
    "(assignment_pattern left: (identifier) @name right: [(string) (template_string)] @value)",
    "(required_parameter pattern: (identifier) @name value: [(string) (template_string)] @value)",
    "(optional_parameter pattern: (identifier) @name value: [(string) (template_string)] @value)",
    "(jsx_attribute (property_identifier) @name [(string) (jsx_expression (string))] @value)",
)
_ANY_STRING = ("[(string) (template_string)] @value",)
# Literal fragments every known key format contains (secrets.KNOWN_FORMATS, by label):
# `in` over the file text is ~50x cheaper than the 16 regexes, which then run only on
# the string literals of files that contain one. A test keeps this map complete.
FORMAT_HINTS_BY_LABEL: dict[str, tuple[str, ...]] = {
    "private key (PEM)": ("-----BEGIN",),
    "AWS access key ID": ("AKIA", "ASIA", "ABIA", "ACCA"),
    "GitHub token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    "GitHub fine-grained token": ("github_pat_",),
    "GitLab token": ("glpat-",),
    "Slack token": ("xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"),
    "Slack webhook URL": ("hooks.slack.com",),
    "Stripe live key": ("_live_",),
    "Google API key": ("AIza",),
    "Anthropic API key": ("sk-ant-",),
    "OpenAI API key": ("sk-",),
    "SendGrid API key": ("SG.",),
    "npm token": ("npm_",),
    "PyPI token": ("pypi-",),
    "JSON Web Token": ("eyJ",),
    "bearer token": ("Bearer",),
}
FORMAT_HINTS = tuple(h for hints in FORMAT_HINTS_BY_LABEL.values() for h in hints)


class HardcodedSecretJs:
    """AI512: a credential in a string literal (known key format, or high entropy under a secret name)."""

    meta = RuleMeta(
        id="AI512",
        name="hardcoded-secret-js",
        title="Hard-coded secret in JS/TS source",
        category=Category.SECURITY,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        in_tests_note=(
            "Reported in test code with low confidence: tests hold fixture credentials far more often "
            "than real ones."
        ),
        what=(
            "Flags string literals that hold a known credential format (AWS, GitHub, Stripe, "
            "Slack, Google, OpenAI, JWTs, PEM private keys, bearer tokens, …) anywhere, and "
            "high-entropy literals assigned to a secret-like name (`const apiKey = '…'`, "
            "`{ secret: '…' }`, `headers: { Authorization: '…' }`, class fields, default "
            "parameters). Placeholders (`changeme`, `<your-key>`, `${KEY}`) are ignored; "
            "in test files the finding has low confidence (usually a fixture). "
            "The stored snippet and the message show the secret masked."
        ),
        why=(
            "Generated examples inline the key to 'make it work' and the author pastes the "
            "real one in; once committed it lives in every clone and in the history. The "
            "source text's review contract: no hard-coded credentials."
        ),
        example=(
            "const apiKey = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';  // expect: AI512\n"
            "\n"
            "export const client = createClient({\n"
            "  clientSecret: 'q8Zt3vR1xWm9Lp2Kd7Fh4Ns6Yb0Cj5Ue',  // expect: AI512\n"
            "  headers: { Authorization: 'Bearer abcdEFGH1234ijklMNOP5678qrst' },  // expect: AI512\n"
            "  apiKey,\n"
            "});\n"
        ),
        use_instead=(
            "const apiKey = process.env.STRIPE_API_KEY;\n"
            "\n"
            "export const client = createClient({\n"
            "  clientSecret: process.env.CLIENT_SECRET ?? '',\n"
            "  headers: { Authorization: `Bearer ${apiKey}` },\n"
            "  placeholder: 'sk_test_your-key-here',\n"
            "  token: 'changeme',\n"
            "  requestId: 'q8Zt3vR1xWm9Lp2Kd7Fh4Ns6Yb0Cj5Ue',\n"
            "});\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.ts"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        if source.ts_tree is None:
            return
        reported: set[int] = set()
        candidates: list[tuple[str | None, Node]] = [
            (identifier_name(m["name"][0]), m["value"][0])
            for m in matches(source, _SECRET_PATTERNS)
            if "name" in m
        ]
        if any(hint in source.text for hint in FORMAT_HINTS):
            candidates += [(None, m["value"][0]) for m in matches(source, _ANY_STRING)]
        for name, node in candidates:
            literal = (
                node.named_children[0] if node.type == "jsx_expression" and node.named_children else node
            )
            value = string_value(literal)
            line = line_of(node)
            if value is None or line in reported:
                continue
            found = detect_secret(name, value)
            if found is None:
                continue
            reported.add(line)
            where = f" in `{name}`" if name and f"`{name}`" not in found.label else ""
            if found.placeholder or context.in_tests(source.path):
                confidence: Confidence | None = Confidence.LOW  # fixtures and documented examples
            else:
                confidence = Confidence.HIGH if found.known_format else None
            yield Hit(
                line,
                f"Hard-coded {found.label}{where} (`{mask_secret(found.secret)}`): move it to an "
                "environment variable or a secret manager, and rotate it — it is in the history now.",
                column=node.start_point[1],
                confidence=confidence,
                snippet=mask_in_text(source.line_text(line), [found.secret, value]),
            )
