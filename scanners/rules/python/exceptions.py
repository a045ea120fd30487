"""AI301 bare-except and AI302 swallowed-exception: failures that vanish without a trace."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import SCOPE_NODES, dotted_name, handler_names, node_index
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


def _reports(handler: ast.ExceptHandler) -> bool:
    """True when the handler re-raises, logs/reports, or hands the exception on."""
    bound = handler.name
    for node in _body_nodes(handler):
        if isinstance(node, ast.Raise):
            return True
        if bound and isinstance(node, ast.Name) and node.id == bound:
            return True  # passed to a call, returned, stored: the exception is carried on
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _REPORT_METHODS:
                return True
            if isinstance(func, ast.Name) and func.id in _REPORT_FUNCTIONS:
                return True
            if dotted_name(func) in _REPORT_QUALIFIED:
                return True
    return False


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
            "`return None`, `return default` or an assignment swallow it. Reporting means a "
            "logging call (`logger.exception`, `log.warning`, …), `print`, `traceback.print_exc`, "
            "`warnings.warn`, `sentry_sdk.capture_exception`, `sys.exit`, or any use of the bound "
            "exception (`errors.append(e)`, `return str(e)`). Narrow handlers (`except ImportError: "
            "pass`) and `__del__`/`__repr__`, where nothing may escape, are not flagged."
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
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        handlers = _handlers(source)
        tolerant = _tolerant_handlers(source) if handlers else set()
        for handler in handlers:
            if id(handler) in tolerant or not _is_broad(handler) or _reports(handler):
                continue
            caught = ", ".join(n for n in handler_names(handler) if n in _BROAD)
            yield Hit(
                line=handler.lineno,
                column=handler.col_offset,
                message=(
                    f"`except {caught}` swallows every error without re-raising or logging it; "
                    "catch the specific exceptions you expect, and log (`logger.exception(...)`) "
                    "or re-raise the rest"
                ),
            )
