"""AI303 network-call-without-timeout and AI304 unhandled-network-failure.

Both rules share one analysis of a file (`_analyse`): which calls are network calls
(requests, a `requests.Session`, httpx, urllib, aiohttp, http.client, socket), whether
each has a timeout, and whether its failure is handled in the enclosing function.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from scanners.rules.python.astutil import ImportTable, dotted_name, handler_names
from scanners.source import SourceFile

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_MARKERS = (
    "requests",
    "httpx",
    "urlopen",
    "aiohttp",
    "HTTPConnection",
    "HTTPSConnection",
    "create_connection",
)

# Module functions and where their timeout may be passed positionally (None: keyword only).
_FUNCTIONS: dict[str, int | None] = {
    **{f"requests.{m}": None for m in HTTP_METHODS},
    **{f"requests.api.{m}": None for m in HTTP_METHODS},
    "urllib.request.urlopen": 2,
    "http.client.HTTPConnection": 2,
    "http.client.HTTPSConnection": 2,
    "socket.create_connection": 1,
}
# httpx has a 5 s default timeout: only an explicit `timeout=None` disables it.
_HTTPX_FUNCTIONS = frozenset({f"httpx.{m}" for m in HTTP_METHODS} | {"httpx.stream"})
_SESSION_FACTORIES = {
    "requests.Session": "requests",
    "requests.session": "requests",
    "requests.sessions.Session": "requests",
    "aiohttp.ClientSession": "aiohttp",
    "httpx.Client": "httpx",
    "httpx.AsyncClient": "httpx",
}
_NETWORK_ERRORS = frozenset(
    {
        "Exception",
        "BaseException",
        "OSError",
        "IOError",
        "EnvironmentError",
        "ConnectionError",
        "TimeoutError",
    }
    | {"RequestException", "RequestError", "HTTPError", "URLError", "ClientError", "TransportError"}
    | {"TimeoutException", "ConnectTimeout", "ReadTimeout", "Timeout", "SSLError", "ProxyError"}
    | {"ClientConnectionError", "ClientConnectorError", "ClientResponseError", "HTTPException"}
    | {"ServerTimeoutError", "NetworkError", "HTTPStatusError", "ConnectionRefusedError", "error"}
)
_NETWORK_MODULES = ("requests", "httpx", "aiohttp", "urllib", "urllib3", "socket", "http")
_STATUS_ATTRIBUTES = frozenset({"ok", "status_code", "status", "raise_for_status", "getcode", "code"})
_RETRY_DECORATORS = ("retry", "on_exception", "backoff", "retrying")


@dataclass
class NetworkCall:
    call: ast.Call
    label: str  # e.g. "requests.get()", "session.post()"
    library: str  # requests / httpx / aiohttp / urllib / http.client / socket
    timeout_problem: str | None  # None when a timeout is set (or unknowable)
    function: ast.FunctionDef | ast.AsyncFunctionDef | None
    protected: bool  # inside a try whose handlers catch network errors


@dataclass
class _Session:
    library: str
    timed: bool  # constructed with a timeout, wrapped with one, or fitted with an adapter


def _keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword
    return None


def _timeout_state(call: ast.Call, position: int | None) -> str:
    """ "set", "none" (explicit None), "missing" or "unknown" (`**kwargs` passed through)."""
    keyword = _keyword(call, "timeout")
    if keyword is not None:
        value = keyword.value
        return "none" if isinstance(value, ast.Constant) and value.value is None else "set"
    if position is not None and len(call.args) > position:
        value = call.args[position]
        return "none" if isinstance(value, ast.Constant) and value.value is None else "set"
    if any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        return "unknown"
    return "missing"


class _Visitor(ast.NodeVisitor):
    """One traversal: imports, session bindings and every call with its context."""

    def __init__(self) -> None:
        self.imports = ImportTable()
        self.calls: list[
            tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef | None, str | None, bool]
        ] = []
        self.bindings: list[tuple[str, ast.expr, ast.AST | None]] = []  # (scope key, target, value)
        self._function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
        self._class: str | None = None
        self._protected = False

    def visit_Import(self, node: ast.Import) -> None:
        self.imports.add(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.imports.add(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer, self._class = self._class, node.name
        self.generic_visit(node)
        self._class = outer

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer, protected = self._function, self._protected
        self._function, self._protected = node, False
        self.generic_visit(node)
        self._function, self._protected = outer, protected

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Try(self, node: ast.Try | ast.TryStar) -> None:
        catches = any(self._catches_network(h) for h in node.handlers)
        outer = self._protected
        self._protected = outer or catches
        for stmt in node.body:
            self.visit(stmt)
        self._protected = outer
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            self.visit(part)

    visit_TryStar = visit_Try

    def _catches_network(self, handler: ast.ExceptHandler) -> bool:
        if handler.type is None:
            return True
        for name in handler_names(handler):
            if name.rpartition(".")[2] in _NETWORK_ERRORS:
                return True
            qualified = self.imports.aliases.get(name.partition(".")[0], "")
            if qualified.startswith(_NETWORK_MODULES):
                return True
        return False

    def scope_key(self, target: ast.expr) -> str | None:
        name = dotted_name(target)
        if name is None:
            return None
        if name.startswith("self.") and self._class:
            return f"{self._class}:{name}"
        if isinstance(target, ast.Name) or (
            isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
        ):
            # `session` and `session.request` (the latter only to spot a wrapped request).
            owner = f"{self._function.name}@{self._function.lineno}" if self._function else ""
            return f"{owner}:{name}"
        return None

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            key = self.scope_key(target)
            if key:
                self.bindings.append((key, target, node.value))
        self.generic_visit(node)

    def visit_withitem(self, node: ast.withitem) -> None:
        if node.optional_vars is not None:
            key = self.scope_key(node.optional_vars)
            if key:
                self.bindings.append((key, node.optional_vars, node.context_expr))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        key = self.scope_key(node.func.value) if isinstance(node.func, ast.Attribute) else None
        self.calls.append((node, self._function, key, self._protected))
        self.generic_visit(node)


def _session_of(value: ast.AST | None, imports: ImportTable) -> _Session | None:
    if not isinstance(value, ast.Call):
        return None
    library = _SESSION_FACTORIES.get(imports.resolve(value.func) or "")
    if library is None:
        return None
    state = _timeout_state(value, None)
    return _Session(library, timed=state in ("set", "unknown"))


def analyse(source: SourceFile) -> list[NetworkCall]:
    """Every network call of the file with its timeout and error-handling state."""
    tree = source.python_tree
    if tree is None or not any(marker in source.text for marker in _MARKERS):
        return []
    visitor = _Visitor()
    visitor.visit(tree)
    imports = visitor.imports
    sessions: dict[str, _Session] = {}
    for bound_key, _target, value in visitor.bindings:
        session = _session_of(value, imports)
        if session:
            sessions[bound_key] = session
    _mark_timed_sessions(visitor, sessions)
    bound = {bound_key for bound_key, _target, _value in visitor.bindings}
    found: list[NetworkCall] = []
    for call, function, receiver, protected in visitor.calls:
        key = receiver
        if key is not None and key not in bound and not key.startswith(":") and "." not in key:
            key = ":" + key.partition(":")[2]  # a module-level session used inside a function
        item = _classify(call, key, sessions, imports)
        if item is not None:
            label, library, problem = item
            found.append(NetworkCall(call, label, library, problem, function, protected))
    return found


def _mark_timed_sessions(visitor: _Visitor, sessions: dict[str, _Session]) -> None:
    """`s.request = partial(s.request, timeout=5)` or `s.mount(p, TimeoutAdapter(...))`."""
    for key, target, value in visitor.bindings:
        if (
            isinstance(target, ast.Attribute)
            and target.attr == "request"
            and isinstance(value, ast.Call)
            and _keyword(value, "timeout") is not None
        ):
            owner = key.rpartition(".")[0]
            if owner in sessions:
                sessions[owner].timed = True
    for call, _function, receiver, _protected in visitor.calls:
        if receiver in sessions and isinstance(call.func, ast.Attribute) and call.func.attr == "mount":
            adapter = call.args[1] if len(call.args) > 1 else None
            adapter_name = dotted_name(adapter.func) if isinstance(adapter, ast.Call) else None
            # requests' own HTTPAdapter has no timeout; a project adapter is trusted to set one.
            if adapter_name and adapter_name.rpartition(".")[2] != "HTTPAdapter":
                sessions[receiver].timed = True


def _classify(
    call: ast.Call, key: str | None, sessions: dict[str, _Session], imports: ImportTable
) -> tuple[str, str, str | None] | None:
    """(label, library, timeout problem or None) for a network call, None for other calls."""
    qualified = imports.resolve(call.func)
    if qualified in _FUNCTIONS:
        library = qualified.split(".")[0] if not qualified.startswith("http.") else "http.client"
        if qualified == "urllib.request.urlopen":
            library = "urllib"
        state = _timeout_state(call, _FUNCTIONS[qualified])
        return f"{qualified}()", library, _problem(state)
    if qualified in _HTTPX_FUNCTIONS:
        state = _timeout_state(call, None)
        return f"{qualified}()", "httpx", "none" if state == "none" else None
    if qualified in _SESSION_FACTORIES and _SESSION_FACTORIES[qualified] == "httpx":
        return None if _timeout_state(call, None) != "none" else (f"{qualified}()", "httpx", "none")
    if key is None or key not in sessions or not isinstance(call.func, ast.Attribute):
        return None
    if call.func.attr not in HTTP_METHODS:
        return None
    session = sessions[key]
    label = f"{dotted_name(call.func)}()"
    state = _timeout_state(call, None)
    if session.library == "httpx" or session.timed:
        return label, session.library, "none" if state == "none" else None
    return label, session.library, _problem(state)


def _problem(state: str) -> str | None:
    return state if state in ("missing", "none") else None


def failure_is_handled(item: NetworkCall) -> bool:
    """Inside a network-catching try, or the function checks the response or retries."""
    if item.protected:
        return True
    function = item.function
    if function is None:
        return True  # module-level scripts: a traceback is the right report there
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = (dotted_name(target) or "").lower()
        if any(word in name for word in _RETRY_DECORATORS):
            return True
    return any(
        isinstance(node, ast.Attribute) and node.attr in _STATUS_ATTRIBUTES for node in ast.walk(function)
    )
