"""Happy-path rules around `fetch` and `JSON.parse`: AI311 and AI312.

The two look at different failures and so can both fire on one call: AI311 is about
the HTTP *status* (a 404/500 response body read as if it were the data), AI312 about
*exceptions* (network errors, invalid JSON) that nothing in the function catches.
AI311 reports the line that reads the body (`response.json()`), AI312 the line of the
`fetch(…)`/`JSON.parse(…)` call itself.
"""

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
    descendants,
    enclosing_function,
    in_try_block,
    is_async,
    line_of,
    matches,
    text,
)
from scanners.source import SourceFile

_FETCH = r'"^((window|globalThis|self)\\.)?fetch$"'
_BODY_READERS = frozenset({"json", "text", "blob", "arrayBuffer", "formData", "body", "bytes"})
_STATUS_CHECKS = frozenset({"ok", "status"})
# Reading these says nothing about the status but does not consume the body either.
_NEUTRAL = frozenset({"headers", "url", "redirected", "type", "statusText", "bodyUsed"})

_RESPONSE_PATTERNS = (
    "((variable_declarator name: (identifier) @response value: [(await_expression (call_expression"
    " function: (_) @fn)) (_ (await_expression (call_expression function: (_) @fn)))])"
    f" (#match? @fn {_FETCH}))",
    "((assignment_expression left: (identifier) @response right: (await_expression (call_expression"
    f" function: (_) @fn))) (#match? @fn {_FETCH}))",
    "((member_expression object: (parenthesized_expression (await_expression (call_expression function:"
    f" (_) @fn))) property: (property_identifier) @inline) (#match? @fn {_FETCH}))",
    "((call_expression function: (member_expression object: (call_expression function: (_) @fn)"
    " property: (property_identifier) @_then) arguments: (arguments . [(arrow_function)"
    f' (function_expression)] @callback)) (#eq? @_then "then") (#match? @fn {_FETCH}))',
)


def _root(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


def _first_parameter(function: Node) -> str | None:
    single = function.child_by_field_name("parameter")
    if single is not None:
        return text(single)
    params = function.child_by_field_name("parameters")
    first = params.named_children[0] if params is not None and params.named_children else None
    if first is not None and first.type in ("required_parameter", "optional_parameter"):
        first = first.child_by_field_name("pattern")
    return text(first) if first is not None and first.type == "identifier" else None


def _first_unchecked_read(name: str, scope: Node, declaration: Node | None) -> Node | None:
    """The first body read of response `name` in `scope`, unless the status is checked
    anywhere there (before or after: reading an error body, then testing `ok`, is fine)
    or the response escapes to code we cannot see (passed, returned, destructured)."""
    first: Node | None = None
    for node in descendants(scope, frozenset({"identifier"})):
        if node == declaration or text(node) != name:
            continue
        parent = node.parent
        if parent is None:
            continue
        if parent.type == "member_expression" and parent.child_by_field_name("object") == node:
            prop = text(parent.child_by_field_name("property"))
            if prop in _STATUS_CHECKS:
                return None
            if prop in _BODY_READERS and (first is None or node.start_byte < first.start_byte):
                first = node
            elif prop not in _BODY_READERS and prop not in _NEUTRAL:
                return None
            continue
        if parent.type == "assignment_expression" and parent.child_by_field_name("left") == node:
            continue  # `response = await fetch(…)` (re)binds, it does not use
        if parent.type == "variable_declarator" and parent.child_by_field_name("name") == node:
            continue  # `let response;`
        return None  # passed to a checker, returned, destructured, tested for truthiness
    return first


class UncheckedFetchResponse:
    """AI311: a fetch response body is read without looking at `ok`/`status`."""

    meta = RuleMeta(
        id="AI311",
        name="unchecked-fetch-response",
        title="fetch() response used without checking response.ok / status",
        category=Category.HAPPY_PATH,
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        tests_severity=Severity.INFO,
        in_tests_note=(
            "Reported in test code as info: a test reading an error response fails on its next assertion."
        ),
        what=(
            "Flags the line that reads a `fetch` response's body (`.json()`, `.text()`, "
            "`.blob()`, `.body`, …) — for `const r = await fetch(…)`, for "
            "`(await fetch(u)).json()` and for `fetch(u).then(r => r.json())` — when the "
            "function never looks at `r.ok` or `r.status` and never hands `r` to other code "
            "(a `checkStatus(r)` helper, a `return r`). `fetch` does not reject on HTTP "
            "errors. Test files are skipped: their assertions on the body fail on an error "
            "response anyway. AI312 covers the exceptions of the same call; both may fire on one line."
        ),
        why=(
            "Tutorial code shows the 200 response only (the source text's first "
            "`fetchAndProcessData`): a 404 page or a 500 error body is then parsed as data, "
            "failing later and far from the cause, or silently returning the error payload."
        ),
        example=(
            "async function fetchAndProcessData(url: string) {\n"
            "  const response = await fetch(url);\n"
            "  const data = await response.json();  // expect: AI311\n"
            "  return data.items.map((item) => item.name.toUpperCase());\n"
            "}\n"
            "\n"
            "export const loadUser = (id: string) =>\n"
            "  fetch(`/api/users/${id}`).then((res) => res.json());  // expect: AI311\n"
            "\n"
            "export async function loadConfig() {\n"
            "  return (await fetch('/config.json')).json();  // expect: AI311\n"
            "}\n"
        ),
        use_instead=(
            "async function fetchAndProcessData(url: string) {\n"
            "  let response;\n"
            "  try {\n"
            "    response = await fetch(url, { signal: AbortSignal.timeout(5000) });\n"
            "  } catch (error) {\n"
            "    throw new DataFetchError('Network error', { url, cause: error });\n"
            "  }\n"
            "\n"
            "  if (!response.ok) {\n"
            "    throw new DataFetchError(`HTTP ${response.status}`, { url, status: response.status });\n"
            "  }\n"
            "\n"
            "  let data;\n"
            "  try {\n"
            "    data = await response.json();\n"
            "  } catch (error) {\n"
            "    throw new DataFetchError('Invalid JSON response', { url, cause: error });\n"
            "  }\n"
            "  return data.items.filter((item) => item?.name != null);\n"
            "}\n"
            "\n"
            "export async function loadUser(id: string) {\n"
            "  const res = await fetch(`/api/users/${id}`);\n"
            "  const body = await res.json();\n"
            "  if (res.status !== 200) throw new Error(body.message);\n"
            "  return fetch('/x').then(checkStatus).then((r) => r.json());\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.ts"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        if source.ts_tree is None or "fetch" not in source.text:
            return
        reported: set[int] = set()
        for match in matches(source, _RESPONSE_PATTERNS):
            read: Node | None = None
            if "inline" in match:
                inline = match["inline"][0]
                read = inline if text(inline) in _BODY_READERS else None
            elif "callback" in match:
                callback = match["callback"][0]
                name = _first_parameter(callback)
                body = callback.child_by_field_name("body")
                if name and body is not None:
                    read = _first_unchecked_read(name, body, None)
            else:
                declared = match["response"][0]
                scope = enclosing_function(declared) or _root(declared)
                read = _first_unchecked_read(text(declared), scope, declared)
            if read is None or line_of(read) in reported:
                continue
            reported.add(line_of(read))
            yield Hit(
                line_of(read),
                "The `fetch` response body is read without checking `response.ok` or "
                "`response.status`; fetch resolves on 404/500 too, so an error page would be "
                "parsed as data. Check `if (!response.ok) throw …` before reading it.",
                column=read.start_point[1],
            )


_EXTERNAL_PATTERNS = (
    f"((call_expression function: (_) @fn) @fetch (#match? @fn {_FETCH}))",
    "((call_expression function: (member_expression object: (identifier) @_json property:"
    " (property_identifier) @_parse) arguments: (arguments . (_) @input)) @parse"
    ' (#eq? @_json "JSON") (#eq? @_parse "parse"))',
)
_EXTERNAL_SOURCE = re.compile(
    r"\bawait\b|localStorage|sessionStorage|getItem|readFile|process\.env|\.body\b|\.data\b|\.text\(\)"
)


def _external_input(node: Node, function: Node) -> bool:
    """`JSON.parse` input that comes from outside: awaited, storage, files, request bodies,
    or a local variable initialised from one of those in the same function."""
    source = text(node)
    if _EXTERNAL_SOURCE.search(source):
        return True
    if node.type != "identifier":
        return False
    for declarator in descendants(function, frozenset({"variable_declarator"})):
        if text(declarator.child_by_field_name("name")) == source:
            value = declarator.child_by_field_name("value")
            return value is not None and bool(_EXTERNAL_SOURCE.search(text(value)))
    return False


def _chain_handles_rejection(call: Node) -> tuple[bool, Node]:
    """Walk `fetch(…).then(…).catch(…)` upwards: (a link handles rejection, the chain's top)."""
    node = call
    while True:
        member = node.parent
        if (
            member is None
            or member.type != "member_expression"
            or member.child_by_field_name("object") != node
        ):
            return False, node
        outer = member.parent
        if outer is None or outer.type != "call_expression":
            return False, node
        method = text(member.child_by_field_name("property"))
        if method == "catch" or (method == "then" and len(arguments(outer)) >= 2):
            return True, outer
        node = outer


class UnguardedExternalData:
    """AI312: an awaited fetch or a JSON.parse of outside data with nothing catching its errors."""

    meta = RuleMeta(
        id="AI312",
        name="unguarded-external-data",
        title="fetch / JSON.parse of external data without try/catch in an async function",
        category=Category.HAPPY_PATH,
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        tests_severity=Severity.INFO,
        in_tests_note=(
            "Reported in test code as info: a malformed fixture or response fails the test, which is "
            "the handling a test needs."
        ),
        what=(
            "In an async function, flags an awaited `fetch(…)` (or awaited `fetch` chain with "
            "no `.catch`) and a `JSON.parse(…)` of outside data (awaited text, storage, files, "
            "request bodies) that no enclosing `try … catch` of that function guards. "
            "Function-local by design; test files are skipped, as a thrown error fails the "
            "test as it should. AI311 reports the unchecked status of the same response."
        ),
        why=(
            "The model writes the happy path: the network never fails and the payload is "
            "always valid JSON. In production a timeout, a DNS failure or an HTML error page "
            "becomes an unhandled rejection with no context (the source text's "
            "`fetchAndProcessData`)."
        ),
        example=(
            "async function fetchAndProcessData(url: string) {\n"
            "  const response = await fetch(url);  // expect: AI312\n"
            "  if (!response.ok) throw new Error(`HTTP ${response.status}`);\n"
            "  const cached = JSON.parse(localStorage.getItem('items') ?? '[]');  // expect: AI312\n"
            "  return [...cached, ...(await response.json()).items];\n"
            "}\n"
        ),
        use_instead=(
            "async function fetchAndProcessData(url: string) {\n"
            "  let response;\n"
            "  try {\n"
            "    response = await fetch(url, { signal: AbortSignal.timeout(5000) });\n"
            "  } catch (error) {\n"
            "    throw new DataFetchError('Network error', { url, cause: error });\n"
            "  }\n"
            "  if (!response.ok) throw new DataFetchError(`HTTP ${response.status}`, { url });\n"
            "  const settings = JSON.parse('{\"a\": 1}');\n"
            "  const items = await fetch(url).then((r) => r.json()).catch(() => []);\n"
            "  return { settings, items, pending: fetch(url) };\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.ts"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        if source.ts_tree is None or "async" not in source.text:
            return
        if "fetch" not in source.text and "JSON.parse" not in source.text:
            return
        for match in matches(source, _EXTERNAL_PATTERNS):
            calls = match.get("fetch") or match.get("parse")
            if not calls:
                continue
            call = calls[0]
            function = enclosing_function(call)
            if function is None or not is_async(function) or in_try_block(call, function):
                continue
            if "fetch" in match:
                handled, top = _chain_handles_rejection(call)
                if handled or top.parent is None or top.parent.type != "await_expression":
                    continue
                message = (
                    "This awaited `fetch` has no try/catch in the function: a network error or "
                    "timeout rejects with a bare TypeError and no context. Wrap it in "
                    "`try … catch` and rethrow with the URL (or add `.catch`)."
                )
            else:
                if not _external_input(match["input"][0], function):
                    continue
                message = (
                    "`JSON.parse` of external data with no try/catch in the function: malformed "
                    "input throws a SyntaxError that escapes as an unhandled rejection. Wrap it "
                    "and report what failed to parse."
                )
            yield Hit(line_of(call), message, column=call.start_point[1])
