"""AI301 bare-except and AI302 swallowed-exception: failures that vanish without a trace."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import (
    SCOPE_NODES,
    ImportTable,
    dotted_name,
    handler_names,
    node_index,
)
from scanners.source import SourceFile

_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
# Calls that report a failure: logging methods on any logger, plus the usual reporters.
_REPORT_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log", "msg"}
    | {"capture_exception", "capture_message", "captureException", "report_exc_info", "notify"}
    | {"print_exc", "print_exception", "format_exc", "format_exception", "write", "echo", "fail", "skipTest"}
    | {"exc_info"}  # `sys.exc_info()` hands the exception on (e.g. to a 500 page)
)
_REPORT_FUNCTIONS = frozenset({"print", "exit", "quit", "capture_exception", "capture_message"})
_REPORT_QUALIFIED = frozenset({"sys.exit", "os._exit", "pytest.fail", "pytest.skip", "pytest.xfail"})
# Swallowing is the idiom where an exception must never escape: finalizers and repr.
_TOLERANT_FUNCTIONS = frozenset({"__del__", "__repr__"})


def _body_nodes(handler: ast.ExceptHandler) -> Iterator[ast.AST]:
    stack: list[ast.AST] = list(handler.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, SCOPE_NODES):
            stack.extend(ast.iter_child_nodes(node))


_LOG_LEVELS = frozenset({"debug", "info", "warning", "warn", "error", "critical", "fatal", "log", "msg"})
# Names an error response is built with (`return JsonResponse(..., status=500)`, `abort(500)`).
_ERROR_RESPONSE_WORDS = ("response", "abort", "error", "fail", "httpexception", "jsonify", "problem")


def _carries_exception(call: ast.Call) -> bool:
    """A log call that keeps the traceback: `exc_info=True`/`exc_info=e`, `stack_info=True`."""
    for keyword in call.keywords:
        if keyword.arg in ("exc_info", "stack_info"):
            value = keyword.value
            return not (isinstance(value, ast.Constant) and value.value in (False, None))
    return False


def _is_error_status(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, int) and 400 <= node.value < 600


def _returns_error(node: ast.AST) -> bool:
    """`return Response(..., status=500)`, `return jsonify(...), 500`, `abort(503)`,
    `self.send_error(500)`: the failure is answered, not hidden."""
    if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
        return any(_is_error_status(e) for e in node.value.elts)
    if isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Attribute) and t.attr in ("status_code", "status") for t in node.targets
    ):
        return _is_error_status(node.value)
    if not isinstance(node, ast.Call):
        return False
    name = (dotted_name(node.func) or "").rpartition(".")[2].lower()
    statuses = [k.value for k in node.keywords if k.arg in ("status", "status_code")] + node.args[:1]
    if any(_is_error_status(s) for s in statuses) and name:
        return True
    return name in ("abort", "send_error") or (
        any(word in name for word in _ERROR_RESPONSE_WORDS) and "response" in name and bool(statuses)
    )


class _Reporting:
    """How a handler reports its exception: `full` (re-raises, hands it on, logs it with its
    traceback, answers with an error response), `message` (only logs a line without the
    exception), or not at all."""

    def __init__(self, handler: ast.ExceptHandler, imports: ImportTable) -> None:
        self.full = False
        self.message_only = False
        bound = handler.name
        for node in _body_nodes(handler):
            if isinstance(node, ast.Raise) or _returns_error(node):
                self.full = True
            elif bound and isinstance(node, ast.Name) and node.id == bound:
                self.full = True  # passed to a call, returned, stored: the exception is carried on
            elif isinstance(node, ast.Call):
                self._call(node, imports)
            if self.full:
                return

    def _call(self, call: ast.Call, imports: ImportTable) -> None:
        func = call.func
        method = func.attr if isinstance(func, ast.Attribute) else None
        qualified = imports.resolve(func) or ""
        if isinstance(func, ast.Name) and qualified.startswith("logging."):
            method = qualified.rpartition(".")[2]  # `from logging import error`
        if method == "exception" or (method in _LOG_LEVELS and _carries_exception(call)):
            self.full = True
        elif method in _LOG_LEVELS and not qualified.startswith("warnings."):
            self.message_only = True  # `warnings.warn` reports to the caller's filters
        else:
            self.full = self.full or _reports_call(func, method, qualified)


def _reports_call(func: ast.expr, method: str | None, qualified: str) -> bool:
    """`print`, `traceback.print_exc()`, `sentry_sdk.capture_exception()`, `sys.exit()`, …"""
    if method in _REPORT_METHODS or qualified.startswith("warnings."):
        return True
    if isinstance(func, ast.Name) and func.id in _REPORT_FUNCTIONS and not qualified:
        return True
    return dotted_name(func) in _REPORT_QUALIFIED or qualified in _REPORT_QUALIFIED


def _is_broad(handler: ast.ExceptHandler) -> bool:
    return any(name in _BROAD for name in handler_names(handler))


def _handlers(source: SourceFile) -> list[ast.ExceptHandler]:
    if "except" not in source.text:
        return []
    index = node_index(source)
    return index.of(ast.ExceptHandler) if index is not None else []


def _tolerant_handlers(source: SourceFile) -> set[int]:
    """Handlers inside `__del__`/`__repr__`, where swallowing is the idiom."""
    if "__del__" not in source.text and "__repr__" not in source.text:
        return set()
    index = node_index(source)
    if index is None:
        return set()
    found: set[int] = set()
    for function in index.of(ast.FunctionDef, ast.AsyncFunctionDef):
        if function.name in _TOLERANT_FUNCTIONS:
            found.update(id(n) for n in ast.walk(function) if isinstance(n, ast.ExceptHandler))
    return found


class BareExceptRule:
    meta = RuleMeta(
        id="AI301",
        name="bare-except",
        title="Bare `except:` clause",
        category=Category.HAPPY_PATH,
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags `except:` without an exception type. It also catches `KeyboardInterrupt` and "
            "`SystemExit`, so Ctrl-C and `sys.exit()` stop working inside it. A bare `except:` "
            "whose body ends by re-raising (`except: cleanup(); raise`) is the cleanup idiom and "
            "is not flagged."
        ),
        why=(
            "Generated code wraps the happy path in a catch-all to make the demo run "
            "(ai-code-failures.md, 'The Happy Path Bias'; its own checker flags bare excepts)."
        ),
        example=(
            "def load(path):\n"
            "    try:\n"
            "        return open(path).read()\n"
            "    except:  # expect: AI301\n"
            "        return None\n"
        ),
        use_instead=(
            "import logging\n"
            "\n"
            "logger = logging.getLogger(__name__)\n"
            "\n"
            "\n"
            "def load(path):\n"
            "    try:\n"
            "        return open(path).read()\n"
            "    except OSError:\n"
            '        logger.warning("cannot read %s", path)\n'
            "        return None\n"
            "\n"
            "\n"
            "def write(conn, row):\n"
            "    try:\n"
            "        conn.insert(row)\n"
            "    except:\n"
            "        conn.rollback()\n"
            "        raise\n"
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        for handler in _handlers(source):
            if handler.type is not None:
                continue
            if handler.body and isinstance(handler.body[-1], ast.Raise):
                continue
            yield Hit(
                line=handler.lineno,
                column=handler.col_offset,
                message=(
                    "bare `except:` catches everything, including KeyboardInterrupt and SystemExit; "
                    "catch the exceptions you expect (e.g. `except (OSError, ValueError):`) and log them"
                ),
            )


class SwallowedExceptionRule:
    meta = RuleMeta(
        id="AI302",
        name="swallowed-exception",
        title="Broad exception caught and swallowed",
        category=Category.HAPPY_PATH,
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags `except Exception` / `except BaseException` (also in a tuple, with or without "
            "`as e`) whose body neither re-raises nor reports the error: `pass`, `continue`, "
            "`return None`, `return default` or an assignment swallow it. Reporting means "
            "logging the exception with its traceback (`logger.exception`, `exc_info=True`/`=e`, "
            "also through `from logging import error`), `print`, `traceback.print_exc`, "
            "`warnings.warn`, `sentry_sdk.capture_exception`, `sys.exit`, answering with an error "
            "response (`return JsonResponse(..., status=500)`, `return jsonify(...), 500`, "
            "`abort(503)`), or any use of the bound exception (`errors.append(e)`, `return str(e)`). "
            "A handler that only logs a message without the exception (`logger.error('failed')`) "
            "is flagged at low severity: the log says that something failed, not what. Narrow "
            "handlers (`except ImportError: pass`) and `__del__`/`__repr__`, where nothing may "
            "escape, are not flagged."
        ),
        why=(
            "Models add a catch-all so that the example keeps running; in production the failure "
            "then disappears without a log line (ai-code-failures.md: 'Catching Exception "
            "without re-raising')."
        ),
        example=(
            "def sync(items, client):\n"
            "    for item in items:\n"
            "        try:\n"
            "            client.push(item)\n"
            "        except Exception:  # expect: AI302\n"
            "            continue\n"
            "\n"
            "\n"
            "def price(quote):\n"
            "    try:\n"
            '        return float(quote["price"])\n'
            "    except (KeyError, Exception) as e:  # expect: AI302\n"
            "        return 0.0\n"
            "\n"
            "\n"
            "def notify(client, log):\n"
            "    try:\n"
            "        client.send()\n"
            "    except Exception:  # expect: AI302\n"
            '        log.error("notify failed")\n'
        ),
        use_instead=(
            "import logging\n"
            "\n"
            "logger = logging.getLogger(__name__)\n"
            "\n"
            "try:\n"
            "    import ujson as json\n"
            "except ImportError:\n"
            "    import json\n"
            "\n"
            "\n"
            "def sync(items, client):\n"
            "    for item in items:\n"
            "        try:\n"
            "            client.push(item)\n"
            "        except Exception:\n"
            '            logger.exception("push failed for %s", item)\n'
            "\n"
            "\n"
            "def price(quote, errors):\n"
            "    try:\n"
            '        return float(quote["price"])\n'
            "    except Exception as e:\n"
            "        errors.append(e)\n"
            "        return 0.0\n"
            "\n"
            "\n"
            "def notify(client, log):\n"
            "    try:\n"
            "        client.send()\n"
            "    except Exception:\n"
            '        log.error("notify failed", exc_info=True)\n'
            "\n"
            "\n"
            "def view(request, JsonResponse):\n"
            "    try:\n"
            "        return JsonResponse(load(request))\n"
            "    except Exception:\n"
            '        return JsonResponse({"error": "unavailable"}, status=503)\n'
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        handlers = _handlers(source)
        index = node_index(source) if handlers else None
        if index is None:
            return
        tolerant = _tolerant_handlers(source)
        for handler in handlers:
            if id(handler) in tolerant or not _is_broad(handler):
                continue
            reporting = _Reporting(handler, index.imports)
            if reporting.full:
                continue
            caught = ", ".join(n for n in handler_names(handler) if n in _BROAD)
            if reporting.message_only:
                yield Hit(
                    line=handler.lineno,
                    column=handler.col_offset,
                    message=(
                        f"`except {caught}` logs a message but drops the exception itself: the log "
                        "says something failed, never what or where. Log it with the traceback "
                        "(`logger.exception(...)` or `exc_info=True`), or catch the exceptions you expect"
                    ),
                    severity=Severity.LOW,
                    confidence=Confidence.MEDIUM,
                )
                continue
            yield Hit(
                line=handler.lineno,
                column=handler.col_offset,
                message=(
                    f"`except {caught}` swallows every error without re-raising or logging it; "
                    "catch the specific exceptions you expect, and log (`logger.exception(...)`) "
                    "or re-raise the rest"
                ),
            )
