"""AI401 unsynchronised-shared-state and AI402 check-then-act-across-await."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import (
    FunctionNode,
    ImportTable,
    dotted_name,
    walk_function_body,
)
from scanners.rules.python.locks import LOCK_FACTORIES, LockOrigins
from scanners.source import SourceFile

THREAD_STARTERS = frozenset(
    {
        "threading.Thread",
        "threading.Timer",
        "concurrent.futures.ThreadPoolExecutor",
        "concurrent.futures.thread.ThreadPoolExecutor",
        "multiprocessing.pool.ThreadPool",
        "multiprocessing.dummy.Pool",
        "socketserver.ThreadingMixIn",
        "socketserver.ThreadingTCPServer",
        "socketserver.ThreadingUDPServer",
        "http.server.ThreadingHTTPServer",
        "asyncio.to_thread",
        "_thread.start_new_thread",
    }
)
_THREAD_MARKERS = (
    "Thread",
    "Timer",
    "Executor",
    "ThreadPool",
    "to_thread",
    "run_in_executor",
    "start_new_thread",
)
_INSERTS = frozenset({"add", "append", "insert", "setdefault", "update", "extend", "appendleft"})
# Not shared between threads yet (construction) or per thread by design.
_SKIPPED_METHODS = frozenset(
    {"__init__", "__new__", "__post_init__", "__init_subclass__", "setUp", "setUpClass"}
)


def _holds_lock(function: FunctionNode, nodes: list[ast.AST], locks: LockOrigins) -> bool:
    if any(word in function.name.lower() for word in ("locked", "nolock")):
        return True  # `_increment_locked`: by convention the caller holds the lock
    for decorator in function.decorator_list:
        name = (dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator) or "").lower()
        if "lock" in name or "synchron" in name:
            return True
    for node in nodes:
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
            locks.is_lock(i.context_expr) for i in node.items
        ):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "acquire"
            and locks.is_lock(node.func.value)
        ):
            return True
    return False


def _shared_name(
    target: ast.expr,
    globals_: set[str],
    module_names: set[str],
    local: set[str],
    classes: frozenset[str] = frozenset(),
) -> str | None:
    """The shared thing `target` writes: `self.x`, `self.x[k]` → self.x, a global, a module dict."""
    base = target.value if isinstance(target, ast.Subscript) else target
    name = dotted_name(base)
    if name is None:
        return None
    if name.startswith("self.") and name.count(".") == 1:
        return name
    head = name.partition(".")[0]
    if name.count(".") == 1 and (head == "cls" or head in classes):
        return name  # a class attribute: one value shared by every instance and thread
    if isinstance(base, ast.Name) and (
        name in globals_ or (isinstance(target, ast.Subscript) and name in module_names and name not in local)
    ):
        return name
    return None


def _reads(expr: ast.AST, name: str) -> bool:
    return any(
        isinstance(node, (ast.Name, ast.Attribute)) and dotted_name(node) == name for node in ast.walk(expr)
    )


def _rmw_statements(
    nodes: list[ast.AST],
    globals_: set[str],
    module_names: set[str],
    local: set[str],
    classes: frozenset[str] = frozenset(),
) -> Iterator[tuple[ast.stmt, str]]:
    """(statement, shared name) for every read-modify-write or check-then-set of shared state."""
    for node in nodes:
        if isinstance(node, ast.AugAssign):
            shared = _shared_name(node.target, globals_, module_names, local, classes)
            if shared:
                yield node, shared
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            shared = _shared_name(node.targets[0], globals_, module_names, local, classes)
            if shared and any(
                isinstance(sub, ast.BinOp) and _reads(sub, shared) for sub in ast.walk(node.value)
            ):
                yield node, shared  # self.n = self.n + 1; d[k] = d.get(k, 0) + 1
        elif isinstance(node, ast.If):
            for shared in _checked_then_set(node, globals_, module_names, local, classes):
                yield node, shared


def _checked_then_set(
    node: ast.If,
    globals_: set[str],
    module_names: set[str],
    local: set[str],
    classes: frozenset[str] = frozenset(),
) -> Iterator[str]:
    """`if k not in self.cache: self.cache[k] = …` / `if self._x is None: self._x = …`."""
    test = node.test
    tested: set[str] = set()
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        if isinstance(test.ops[0], ast.NotIn):
            tested.add(dotted_name(test.comparators[0]) or "")
        elif isinstance(test.ops[0], ast.Is) and isinstance(test.comparators[0], ast.Constant):
            tested.add(dotted_name(test.left) or "")
    elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        tested.add(dotted_name(test.operand) or "")
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            shared = _shared_name(stmt.targets[0], globals_, module_names, local, classes)
            if shared and shared in tested:
                yield shared
                return
        elif (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute)
            and stmt.value.func.attr in _INSERTS
        ):
            # `if x not in self.seen: self.seen.add(x)`: both threads pass the test.
            shared = _shared_name(stmt.value.func.value, globals_, module_names, local, classes)
            if shared and shared in tested and isinstance(test, ast.Compare):
                yield shared
                return


def _is_property(decorator: ast.expr) -> bool:
    name = dotted_name(decorator) or ""
    return name.endswith(("property", ".setter", ".deleter"))


def _written_attributes(stmts: list[ast.stmt]) -> set[str]:
    written: set[str] = set()
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, (ast.Assign, ast.AugAssign)):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    base = target.value if isinstance(target, ast.Subscript) else target
                    name = dotted_name(base)
                    if name and name.startswith("self.") and name.count(".") == 1:
                        written.add(name)
    return written


class _ThreadFacts:
    """Where the module starts threads, and which classes hold a threading lock."""

    def __init__(self, tree: ast.Module) -> None:
        self.imports = ImportTable()
        self.starter: tuple[str, int] | None = None
        self.lock_classes: set[str] = set()
        # Per class: attributes written under its lock somewhere (so they are lock-guarded
        # by the class's own design), and attributes that are properties, not plain state.
        self.guarded: dict[str, set[str]] = {}
        self.properties: dict[str, set[str]] = {}
        self.thread_local_classes: set[str] = set()
        self.functions: list[tuple[FunctionNode, ast.ClassDef | None]] = []
        self.module_names: set[str] = set()
        calls: list[ast.Call] = []
        classes: list[ast.ClassDef] = []
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.imports.add(node)
            elif isinstance(node, ast.Call):
                calls.append(node)
            elif isinstance(node, ast.ClassDef):
                classes.append(node)
        for stmt in tree.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                    if isinstance(target, ast.Name):
                        self.module_names.add(target.id)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.append((stmt, None))
        for call in calls:
            qualified = self.imports.resolve(call.func)
            if qualified in THREAD_STARTERS or (
                isinstance(call.func, ast.Attribute) and call.func.attr == "run_in_executor"
            ):
                self._starts(qualified or "run_in_executor", call.lineno)
        self.locks = LockOrigins(tree, self.imports)
        self.class_names = frozenset(c.name for c in classes)
        for cls in classes:
            self._class(cls)

    def _starts(self, what: str, line: int) -> None:
        if self.starter is None or line < self.starter[1]:
            self.starter = (what, line)

    def _class(self, cls: ast.ClassDef) -> None:
        for base in cls.bases:
            qualified = self.imports.resolve(base)
            if qualified in THREAD_STARTERS:
                self._starts(qualified, cls.lineno)
            if qualified in ("threading.local", "_threading_local.local"):
                self.thread_local_classes.add(cls.name)
        guarded = self.guarded.setdefault(cls.name, set())
        properties = self.properties.setdefault(cls.name, set())
        for stmt in cls.body:
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            self.functions.append((stmt, cls))
            if any(_is_property(d) for d in stmt.decorator_list):
                properties.add(f"self.{stmt.name}")
            for node in walk_function_body(stmt):
                if (
                    isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Call)
                    and self.imports.resolve(node.value.func) in LOCK_FACTORIES
                ):
                    self.lock_classes.add(cls.name)
                elif isinstance(node, (ast.With, ast.AsyncWith)) and any(
                    self.locks.is_lock(i.context_expr) for i in node.items
                ):
                    guarded.update(_written_attributes(node.body))


class UnsynchronisedSharedStateRule:
    meta = RuleMeta(
        id="AI401",
        name="unsynchronised-shared-state",
        title="Shared state modified without a lock in threaded code",
        category=Category.CONCURRENCY,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        tests_severity=Severity.LOW,
        in_tests_note=(
            "Reported in test code too, at most low: a race between a test's threads makes the test "
            "flaky rather than corrupting production data."
        ),
        what=(
            "Flags read-modify-write of shared state (`self.n += 1`, `self.counts[k] = "
            "self.counts.get(k, 0) + 1`, `global total; total += x`) and check-then-set "
            "(`if k not in self.cache: self.cache[k] = …`, `if self._conn is None: self._conn = …`) "
            "in a method or function that holds no lock (`with self._lock:`, `lock.acquire()`), "
            "when the module starts threads or executors (`threading.Thread`, `Timer`, "
            "`ThreadPoolExecutor`, `ThreadingMixIn`, `run_in_executor`, …) or the class itself "
            "owns a `threading.Lock`, writes that attribute under it elsewhere, and does not take it "
            "here. `__init__`, properties, `threading.local` subclasses, async functions, "
            "`*_locked` helpers are not checked. `list.append` and "
            "similar single calls are atomic under the GIL and not flagged."
        ),
        why=(
            "Examples models learn from are single-threaded; `self.count += 1` looks atomic but is "
            "a read, an add and a write, and two threads interleave between them "
            "(ai-code-failures.md, 'The Concurrency Blindspot')."
        ),
        example=(
            "import threading\n"
            "\n"
            "\n"
            "class Counter:\n"
            "    def __init__(self):\n"
            "        self.count = 0\n"
            "\n"
            "    def increment(self):\n"
            "        self.count += 1  # expect: AI401\n"
            "        return self.count\n"
            "\n"
            "\n"
            "def run(counter):\n"
            "    workers = [threading.Thread(target=counter.increment) for _ in range(8)]\n"
            "    for worker in workers:\n"
            "        worker.start()\n"
        ),
        use_instead=(
            "import threading\n"
            "\n"
            "\n"
            "class Counter:\n"
            "    def __init__(self):\n"
            "        self.count = 0\n"
            "        self._lock = threading.Lock()\n"
            "\n"
            "    def increment(self):\n"
            "        with self._lock:\n"
            "            self.count += 1\n"
            "            return self.count\n"
            "\n"
            "\n"
            "def run(counter):\n"
            "    workers = [threading.Thread(target=counter.increment) for _ in range(8)]\n"
            "    for worker in workers:\n"
            "        worker.start()\n"
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        tree = source.python_tree
        if tree is None or (
            "threading" not in source.text and not any(m in source.text for m in _THREAD_MARKERS)
        ):
            return
        facts = _ThreadFacts(tree)
        if facts.starter is None and not facts.lock_classes:
            return
        for function, cls in facts.functions:
            if isinstance(function, ast.AsyncFunctionDef) or function.name in _SKIPPED_METHODS:
                continue
            if cls is not None and cls.name in facts.thread_local_classes:
                continue
            if facts.starter is None and (cls is None or cls.name not in facts.lock_classes):
                continue
            yield from self._check_function(function, cls, facts)

    def _check_function(
        self, function: FunctionNode, cls: ast.ClassDef | None, facts: _ThreadFacts
    ) -> Iterator[Hit]:
        nodes = list(walk_function_body(function))
        globals_: set[str] = set()
        local: set[str] = {a.arg for a in (*function.args.args, *function.args.kwonlyargs)}
        for node in nodes:
            if isinstance(node, ast.Global):
                globals_.update(node.names)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                local.add(node.id)
        local -= globals_
        found = list(_rmw_statements(nodes, globals_, facts.module_names, local, facts.class_names))
        if cls is not None:
            skipped = facts.properties.get(cls.name, set())
            found = [(stmt, shared) for stmt, shared in found if shared not in skipped]
            if facts.starter is None:
                # Only the class's lock is the evidence: judge only what it guards elsewhere.
                guarded = facts.guarded.get(cls.name, set())
                found = [(stmt, shared) for stmt, shared in found if shared in guarded]
        if not found or _holds_lock(function, nodes, facts.locks):
            return
        if facts.starter is not None:
            what, line = facts.starter
            reason = f"this module starts threads (`{what}` at line {line})"
        else:
            reason = (
                "other methods write it under the class's `threading` lock, but this one does not take it"
            )
        for stmt, shared in found:
            shown = ast.unparse(stmt).splitlines()[0][:80]
            yield Hit(
                line=stmt.lineno,
                column=stmt.col_offset,
                message=(
                    f"`{shown}` reads and writes shared `{shared}` in `{function.name}()` without a lock; "
                    f"{reason}, so two threads can interleave between the read and the write. "
                    "Hold a lock around it (`with self._lock:`)"
                ),
            )
