"""AI621 / AI622: a state-changing route with no authentication or permission check, in a
repository whose other routes have one (the repository's own convention is the reference,
as for naming drift: a repo with no auth anywhere is not flagged route by route).

`collect` lists each file's route handlers (line, state-changing, guarded); `conclude`
flags the unguarded state-changing ones when at least MIN_ROUTES routes exist and at
least GUARDED_SHARE of them are guarded.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.syntax import JS_LANGUAGES, arguments, descendants, string_value, text
from scanners.rules.python.astutil import dotted_name, node_index
from scanners.source import PYTHON, SourceFile

MIN_ROUTES = 4
GUARDED_SHARE = 0.6
_AUTH = re.compile(
    r"login_required|permission_required|user_passes_test|staff_member_required|auth|jwt|token|"
    r"current_user|require_?(user|login|admin|role|perm)|is_?admin|protected|verify|session_required|"
    r"IsAuthenticated|has_perm|ensure_?logged|logged_?in|passport",
    re.IGNORECASE,
)
_WRITES = ("POST", "PUT", "PATCH", "DELETE")
_ROUTE_ATTRS = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route"})
_JS_METHODS = frozenset({"get", "post", "put", "patch", "delete", "all"})
_MESSAGE = (
    "state-changing route `{name}` has no authentication or permission check, while {guarded} of "
    "the repository's {total} routes have one"
)


@dataclass(frozen=True, slots=True)
class RouteFact:
    line: int
    name: str
    writes: bool
    guarded: bool
    snippet: str


def python_routes(source: SourceFile) -> list[RouteFact]:
    """Route handlers of a Python file: Flask/FastAPI decorators, Django views and CBVs."""
    index = node_index(source)  # the walk the behaviour rules share
    if index is None:
        return []
    routes: list[RouteFact] = []
    for node in index.of(ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef):
        if isinstance(node, ast.ClassDef):
            guarded_class: bool | None = None  # read only for a class that has handler methods
            for method in node.body:
                if (
                    isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef)
                    and method.name in ("get", "post", "put", "patch", "delete")
                    and [a.arg for a in method.args.args][:2] == ["self", "request"]
                ):
                    if guarded_class is None:
                        guarded_class = _class_guarded(node)
                    writes = method.name != "get"
                    guarded = guarded_class or _body_checks(method)
                    routes.append(_fact(source, method, f"{node.name}.{method.name}", writes, guarded))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            fact = _python_function(source, node)
            if fact is not None:
                routes.append(fact)
    return routes


def _class_guarded(node: ast.ClassDef) -> bool:
    return any(_AUTH.search(ast.unparse(b)) for b in node.bases) or bool(
        _AUTH.search(" ".join(ast.unparse(d) for d in node.decorator_list))
    )


def _python_function(source: SourceFile, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> RouteFact | None:
    route = None
    for decorator in fn.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in _ROUTE_ATTRS:
            route = decorator
    view = (
        route is None
        and [a.arg for a in fn.args.args][:1] == ["request"]
        and source.path.rsplit("/", 1)[-1] in ("views.py", "api.py")
    )
    if route is None and not view:
        # Most functions are not handlers: they are never unparsed (the costly part).
        return None
    decorators = " ".join(ast.unparse(d) for d in fn.decorator_list)
    guarded = bool(_AUTH.search(decorators)) or _body_checks(fn) or _auth_dependency(fn)
    if route is not None:
        target = route.func if isinstance(route, ast.Call) else route
        verb = target.attr.upper() if isinstance(target, ast.Attribute) else "GET"
        methods = ast.unparse(route).upper() if isinstance(route, ast.Call) else ""
        writes = verb in _WRITES or any(f"'{m}'" in methods or f'"{m}"' in methods for m in _WRITES)
        return _fact(source, fn, fn.name, writes, guarded)
    body = ast.unparse(fn)
    writes = bool(re.search(r"\.(save|delete|create|update|bulk_create)\(|method ==", body))
    return _fact(source, fn, fn.name, writes, guarded)


def _body_checks(fn: ast.AST) -> bool:
    body = ast.unparse(fn)
    return bool(
        re.search(r"is_authenticated|has_perm|is_staff|is_superuser|current_user|check_permission", body)
    )


def _auth_dependency(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    defaults = [*fn.args.defaults, *(d for d in fn.args.kw_defaults if d is not None)]
    return any(
        isinstance(d, ast.Call)
        and dotted_name(d.func) in ("Depends", "Security")
        and _AUTH.search(ast.unparse(d))
        for d in defaults
    )


def _fact(
    source: SourceFile, fn: ast.FunctionDef | ast.AsyncFunctionDef, name: str, writes: bool, guarded: bool
) -> RouteFact:
    return RouteFact(fn.lineno, name, writes, guarded, source.line_text(fn.lineno).strip()[:200])


def js_routes(source: SourceFile) -> list[RouteFact]:
    """Express/Koa-router style `app.post(path, ...middleware, handler)` routes."""
    tree = source.ts_tree
    if tree is None:
        return []
    global_guard = bool(re.search(r"\.use\(\s*[\w.]*(" + _AUTH.pattern + r")", source.text, re.IGNORECASE))
    routes: list[RouteFact] = []
    for call in descendants(tree.root_node, frozenset({"call_expression"})):
        callee = call.child_by_field_name("function")
        if callee is None or callee.type != "member_expression":
            continue
        method = text(callee.child_by_field_name("property"))
        args = arguments(call)
        if method not in _JS_METHODS or len(args) < 2 or string_value(args[0]) is None:
            continue
        path = string_value(args[0]) or ""
        if not path.startswith("/"):
            continue
        middleware = " ".join(text(a) for a in args[1:-1])
        handler = text(args[-1])
        guarded = (
            global_guard
            or bool(_AUTH.search(middleware))
            or bool(re.search(r"req\.(user|session\.user)|isAuthenticated\(\)", handler))
        )
        line = call.start_point[0] + 1
        routes.append(
            RouteFact(
                line,
                f"{method.upper()} {path}",
                method != "get",
                guarded,
                source.line_text(line).strip()[:200],
            )
        )
    return routes


def _conclude(facts: Mapping[str, Any]) -> Iterator[tuple[str, Hit]]:
    routes = [(path, r) for path, fs in facts.items() if fs for r in fs if isinstance(r, RouteFact)]
    total = len(routes)
    guarded = sum(1 for _, r in routes if r.guarded)
    if total < MIN_ROUTES or guarded < GUARDED_SHARE * total:
        return
    for path, route in routes:
        if route.writes and not route.guarded:
            message = _MESSAGE.format(name=route.name, guarded=guarded, total=total)
            yield path, Hit(line=route.line, message=message, snippet=route.snippet)


_WHY = (
    "An assistant adding one more endpoint copies the handler, not the decorator or middleware "
    "two lines above it; the new route works in the demo and lets anyone change data. The "
    "repository's own convention is the reference: only a route that breaks it is flagged."
)


class MissingAuthorisation:
    meta = RuleMeta(
        id="AI621",
        name="missing-authorisation",
        title="State-changing route without the repository's auth check",
        category=Category.SECURITY,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags POST/PUT/PATCH/DELETE routes (Flask, FastAPI, Django views that write) with no "
            "auth decorator, dependency or check, in a repository where most routes have one."
        ),
        why=_WHY,
        example="""from flask import Flask
from flask_login import login_required

app = Flask(__name__)


@app.route("/orders/<int:order_id>", methods=["DELETE"])
def delete_order(order_id):  # expect: AI621
    return ORDERS.pop(order_id)
""",
        use_instead="""from flask import Flask
from flask_login import login_required

app = Flask(__name__)


@app.route("/orders/<int:order_id>", methods=["DELETE"])
@login_required
def delete_order(order_id):
    return ORDERS.pop(order_id)
""",
    )
    example_files = {
        "app/routes.py": (
            "from flask_login import login_required\n"
            "@app.get('/a')\n@login_required\ndef a(): ...\n"
            "@app.post('/b')\n@login_required\ndef b(): ...\n"
            "@app.put('/c')\n@login_required\ndef c(): ...\n"
            "@app.get('/health')\ndef health(): ...\n"
        )
    }

    def collect(self, source: SourceFile, context: RepoContext) -> list[RouteFact]:
        del context
        return python_routes(source) if source.language == PYTHON else []

    def conclude(self, facts: Mapping[str, Any], context: RepoContext) -> Iterator[tuple[str, Hit]]:
        del context
        yield from _conclude(facts)


class MissingAuthorisationJs:
    meta = RuleMeta(
        id="AI622",
        name="missing-authorisation-js",
        title="State-changing route without the repository's auth middleware",
        category=Category.SECURITY,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags Express-style `post`/`put`/`patch`/`delete` routes with no auth middleware and no "
            "`req.user` check, in a repository where most routes have one."
        ),
        why=_WHY,
        example="""router.delete("/api/users/:id", async (req, res) => {  // expect: AI622
  await User.destroy({ where: { id: req.params.id } });
  res.sendStatus(204);
});
""",
        use_instead="""router.delete("/api/users/:id", requireAuth, async (req, res) => {
  await User.destroy({ where: { id: req.params.id } });
  res.sendStatus(204);
});
""",
        languages=JS_LANGUAGES,
    )
    example_filename = "src/routes/users.js"
    example_files = {
        "src/routes/orders.js": (
            "router.get('/api/orders', requireAuth, list);\n"
            "router.post('/api/orders', requireAuth, create);\n"
            "router.put('/api/orders/:id', requireAuth, update);\n"
            "router.get('/health', (req, res) => res.send('ok'));\n"
        )
    }

    def collect(self, source: SourceFile, context: RepoContext) -> list[RouteFact]:
        del context
        return js_routes(source) if source.language in JS_LANGUAGES else []

    def conclude(self, facts: Mapping[str, Any], context: RepoContext) -> Iterator[tuple[str, Hit]]:
        del context
        yield from _conclude(facts)
