"""Taint tracking over a Python module's `ast` (the tree the engine parsed once).

One walk per function, statements in order. Each variable maps to a `Value`; an
assignment inside a branch or loop adds to what the variable held (either branch may
have run), one at the function's top level replaces it. A same-file helper is walked
once with its parameters as labelled origins; its `Summary` says which parameters reach
its return value and which reach a sink inside it, so a call site substitutes its
arguments (a flow through `run(cmd)` → `os.system(cmd)` is reported at the sink, with
the call among its steps).

Guards: a test that validates a variable (`x in ALLOWED`, `x.startswith(base)`,
`re.fullmatch(...)`, `url_has_allowed_host_and_scheme(x)`) clears it inside the branch
it guards, and after the `if` when the branch that failed validation leaves
(`if x not in ALLOWED: abort(400)`). Listing bad values (`if ".." in x: abort()`)
clears nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from scanners.rules.python.astutil import ImportTable, NodeIndex, dotted_name, node_index
from scanners.source import SourceFile
from scanners.taint import python_tables as T
from scanners.taint.flow import (
    CLEAN,
    Family,
    Flow,
    Recorder,
    Step,
    Summary,
    Taint,
    Value,
    branches,
    clear,
    memoised,
    merge,
    param_value,
    source_value,
)

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
Env = dict[str, Value]


@dataclass
class _Frame:
    """The function being walked."""

    summary: Summary
    handler: bool  # a route / view / tool handler (HTML returned from it is a response)
    methods: dict[str, FunctionNode] = field(default_factory=dict)  # same class, for self.x()
    depth: int = 0  # > 0 inside a branch or loop


def python_flows(source: SourceFile) -> tuple[Flow, ...]:
    """Every flow of untrusted input into a sink in the file (memoised per file)."""
    return memoised("python", source, lambda: _flows(source))


def _flows(source: SourceFile) -> tuple[Flow, ...]:
    index = node_index(source)
    if index is None or not _may_have_sources(index):
        return ()
    walker = _Walker(index.tree, index.imports)
    walker.module()
    return walker.sorted_flows()


_SOURCE_NAMES = frozenset({"request", "req", "input", "urlopen"})
# Modules whose calls return a network response (a source): T.SSRF_CALLS' own modules.
_NETWORK_MODULES = frozenset({"requests", "httpx", "urllib", "urllib.request", "urllib2", "aiohttp"})


def _may_have_sources(index: NodeIndex) -> bool:
    """A cheap superset test on the shared node index: can any source occur in the file?

    Without one no flow can be reported (parameters of plain functions only feed helper
    summaries), and most files of a library have none: on Django's source the walk is
    skipped for most files. Every source `_Walker` knows must keep a clause here.
    """
    imports = index.imports
    if any(m.partition(".")[0] in _NETWORK_MODULES or m in _NETWORK_MODULES for m in imports.modules):
        return True
    if "builtins.input" in imports.aliases.values():
        return True
    if any(n.id in _SOURCE_NAMES for n in index.of(ast.Name)):
        return True  # `request.GET`, `req.args`, `input()`, `urlopen(...)`
    if any(a.arg in _SOURCE_NAMES for a in index.of(ast.arg)):
        return True  # a class-based view's `def get(self, request, slug)`
    for fn in index.of(ast.FunctionDef, ast.AsyncFunctionDef):
        for decorator in fn.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(target, ast.Attribute) and (
                target.attr in T.ROUTE_DECORATORS or target.attr in T.TOOL_DECORATORS
            ):
                return True
    return any(a.attr == "request" for a in index.of(ast.Attribute))  # `self.request`


class _Walker(Recorder):
    def __init__(self, tree: ast.Module, imports: ImportTable) -> None:
        super().__init__()
        self.tree = tree
        # The file's shared node index has them: a walk of the whole tree of our own
        # was a third of the taint rules' time on Django.
        self.imports = imports
        self.functions: dict[str, FunctionNode] = {
            n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        self.summaries: dict[int, Summary] = {}

    # --- functions -------------------------------------------------------------------------
    def module(self) -> None:
        frame = _Frame(Summary(), handler=False)
        self.block(self.tree.body, {}, frame)

    def function(self, fn: FunctionNode, outer: Env, methods: dict[str, FunctionNode], top: bool) -> Summary:
        known = self.summaries.get(id(fn))
        if known is not None:
            return known
        summary = Summary()
        self.summaries[id(fn)] = summary  # recursion sees the (empty) summary in progress
        handler, env = self.parameters(fn, top, bool(methods))
        frame = _Frame(summary, handler=handler, methods=methods)
        merged = dict(outer)
        merged.update(env)
        self.block(fn.body, merged, frame)
        return summary

    def parameters(self, fn: FunctionNode, top: bool, is_method: bool) -> tuple[bool, Env]:
        args = [*fn.args.posonlyargs, *fn.args.args]
        kwonly = list(fn.args.kwonlyargs)
        everything = args + kwonly + [a for a in (fn.args.vararg, fn.args.kwarg) if a]
        kind = self.handler_kind(fn, args, top, is_method)
        env: Env = {}
        if kind is None:
            for index, arg in enumerate(everything):
                env[arg.arg] = param_value(index, arg.lineno, arg.col_offset, arg.arg)
            return False, env
        defaults = dict(zip(reversed(args), reversed(fn.args.defaults), strict=False))
        defaults.update({a: d for a, d in zip(kwonly, fn.args.kw_defaults, strict=True) if d is not None})
        for arg in everything:
            if arg.arg in ("self", "cls", "request", "req", "ctx", "context") or _safe_annotation(
                arg.annotation
            ):
                continue
            if kind == "view" and arg in (fn.args.vararg, fn.args.kwarg):
                continue  # `*args, **kwargs` of a view are passed on, not read
            default = defaults.get(arg)
            if kind == "view" and default is not None:
                continue  # a view's keyword defaults are configuration, not URL captures
            if isinstance(default, ast.Call) and dotted_name(default.func) in ("Depends", "fastapi.Depends"):
                continue
            label = "tool argument" if kind == "tool" else "route parameter"
            env[arg.arg] = source_value(arg.lineno, arg.col_offset, f"`{arg.arg}` ({label})")
        return True, env

    def handler_kind(self, fn: FunctionNode, args: list[ast.arg], top: bool, is_method: bool) -> str | None:
        for decorator in fn.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(target, ast.Attribute):
                if target.attr in T.TOOL_DECORATORS:
                    return "tool"
                if target.attr in T.ROUTE_DECORATORS:
                    return "route"
        names = [a.arg for a in args]
        # A module-level `def view(request, slug)` is not followed: its other parameters are
        # as often objects passed by another view (Django's own `render_flatpage(request, f)`).
        del top
        if is_method and fn.name in T.VIEW_METHODS and names[:2] == ["self", "request"]:
            return "view"
        return None

    # --- statements ------------------------------------------------------------------------
    def block(self, body: Iterable[ast.stmt], env: Env, frame: _Frame) -> None:
        for stmt in body:
            self.statement(stmt, env, frame)

    def statement(self, stmt: ast.stmt, env: Env, frame: _Frame) -> None:
        if isinstance(stmt, ast.Assign):
            value = self.expr(stmt.value, env, frame)
            for target in stmt.targets:
                self.bind(target, value, env, frame)
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self.bind(stmt.target, self.expr(stmt.value, env, frame), env, frame)
        elif isinstance(stmt, ast.AugAssign):
            value = merge([self.expr(stmt.target, env, frame), self.expr(stmt.value, env, frame)])
            self.bind(stmt.target, value, env, frame)
        elif isinstance(stmt, ast.Expr):
            self.expr(stmt.value, env, frame)
        elif isinstance(stmt, ast.Return) and stmt.value is not None:
            value = self.expr(stmt.value, env, frame)
            frame.summary.returns = merge([frame.summary.returns, value])
            if frame.handler and value.html:
                self.sink(value, Family.HTML, stmt, "HTML response built from input", frame)
        elif isinstance(stmt, ast.If):
            self.conditional(stmt.test, stmt.body, stmt.orelse, env, frame)
        elif isinstance(stmt, ast.Assert):
            self.expr(stmt.test, env, frame)
            positive, negative = _guards(stmt.test)
            clear(env, positive)  # after `assert ok(x)`, x passed
            del negative
        elif isinstance(stmt, ast.For | ast.AsyncFor):
            self.bind(stmt.target, self.expr(stmt.iter, env, frame), env, frame)
            self.nested(stmt.body + stmt.orelse, env, frame)
        elif isinstance(stmt, ast.While):
            self.expr(stmt.test, env, frame)
            self.nested(stmt.body + stmt.orelse, env, frame)
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            for item in stmt.items:
                value = self.expr(item.context_expr, env, frame)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, value, env, frame)
            self.block(stmt.body, env, frame)
        elif isinstance(stmt, ast.Try | ast.TryStar):
            self.block(stmt.body, env, frame)
            for handler in stmt.handlers:
                self.nested(handler.body, env, frame)
            self.nested(stmt.orelse, env, frame)
            self.block(stmt.finalbody, env, frame)
        elif isinstance(stmt, ast.Match):
            self.expr(stmt.subject, env, frame)
            for case in stmt.cases:
                self.nested(case.body, env, frame)
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            self.function(stmt, env if frame is not None else {}, {}, top=False)
        elif isinstance(stmt, ast.ClassDef):
            methods = {n.name: n for n in stmt.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
            for method in methods.values():
                self.function(method, {}, methods, top=False)

    def nested(self, body: list[ast.stmt], env: Env, frame: _Frame) -> None:
        frame.depth += 1
        try:
            self.block(body, env, frame)
        finally:
            frame.depth -= 1

    def conditional(
        self, test: ast.expr, body: list[ast.stmt], orelse: list[ast.stmt], env: Env, frame: _Frame
    ) -> None:
        self.expr(test, env, frame)
        positive, negative = _guards(test)
        branches(
            env,
            (positive, negative),
            lambda inside: self.nested(body, inside, frame),
            lambda otherwise: self.nested(orelse, otherwise, frame),
        )
        if body and _leaves(body[-1]):
            clear(env, negative)  # `if not ok(x): abort()` → x is valid from here on
        elif negative:
            # `if not ok(x): x = "/"`: valid, or replaced by the fallback.
            clear(env, negative & _assigned(body))
        elif orelse and _leaves(orelse[-1]):
            clear(env, positive)

    def bind(self, target: ast.expr, value: Value, env: Env, frame: _Frame) -> None:
        if isinstance(target, ast.Name):
            stepped = value.step(target.lineno, target.col_offset, f"assigned to `{target.id}`")
            if frame.depth and target.id in env:
                stepped = merge([env[target.id], stepped])
            env[target.id] = stepped
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self.bind(element.value if isinstance(element, ast.Starred) else element, value, env, frame)
        elif isinstance(target, ast.Attribute | ast.Subscript):
            # `self.x = v` / `d["k"] = v`: the container now holds the value.
            name = dotted_name(target) if isinstance(target, ast.Attribute) else None
            base = target.value
            if name is not None:
                env[name] = value.step(target.lineno, target.col_offset, f"assigned to `{name}`")
            while isinstance(base, ast.Attribute | ast.Subscript):
                base = base.value
            if isinstance(base, ast.Name) and value.tainted:
                env[base.id] = merge([env.get(base.id, CLEAN), value])

    def sink(self, value: Value, family: Family, node: ast.AST, what: str, frame: _Frame) -> None:
        line, column = getattr(node, "lineno", 1), getattr(node, "col_offset", 0)
        self.record(value, family, line, column, what, frame.summary)

    # --- expressions -----------------------------------------------------------------------
    def expr(self, node: ast.expr | None, env: Env, frame: _Frame) -> Value:
        if node is None:
            return CLEAN
        if isinstance(node, ast.Name):
            return env.get(node.id, CLEAN)
        if isinstance(node, ast.Constant):
            return Value(html=isinstance(node.value, str) and bool(T.HTML_LITERAL.search(node.value)))
        if isinstance(node, ast.Attribute):
            name = dotted_name(node)
            if name is not None and name in env:
                return env[name]
            if _is_request(node.value) and node.attr in T.REQUEST_ATTRS:
                return source_value(node.lineno, node.col_offset, f"`{_text(node)}` (request data)")
            return self.expr(node.value, env, frame)
        if isinstance(node, ast.Subscript):
            self.expr(node.slice, env, frame)
            return self.expr(node.value, env, frame)
        if isinstance(node, ast.Call):
            return self.call(node, env, frame)
        if isinstance(node, ast.JoinedStr):
            return self.built(node.values, env, frame)
        if isinstance(node, ast.FormattedValue):
            return self.expr(node.value, env, frame)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Add | ast.Mod):
                return self.built([node.left, node.right], env, frame)
            self.expr(node.left, env, frame)
            self.expr(node.right, env, frame)
            return CLEAN
        if isinstance(node, ast.BoolOp):
            return merge([self.expr(v, env, frame) for v in node.values])
        if isinstance(node, ast.IfExp):
            self.expr(node.test, env, frame)
            return merge([self.expr(node.body, env, frame), self.expr(node.orelse, env, frame)])
        if isinstance(node, ast.Compare | ast.UnaryOp):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child, env, frame)
            return CLEAN
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return merge([self.expr(e, env, frame) for e in node.elts])
        if isinstance(node, ast.Dict):
            return merge([self.expr(v, env, frame) for v in (*node.keys, *node.values) if v is not None])
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            inner = dict(env)
            parts = []
            for generator in node.generators:
                iterated = self.expr(generator.iter, inner, frame)
                self.bind(generator.target, iterated, inner, frame)
            if isinstance(node, ast.DictComp):
                parts = [self.expr(node.key, inner, frame), self.expr(node.value, inner, frame)]
            else:
                parts = [self.expr(node.elt, inner, frame)]
            return merge(parts)
        if isinstance(node, ast.Await | ast.Starred):
            return self.expr(node.value, env, frame)
        if isinstance(node, ast.NamedExpr):
            value = self.expr(node.value, env, frame)
            self.bind(node.target, value, env, frame)
            return value
        return CLEAN

    def built(self, parts: list[ast.expr], env: Env, frame: _Frame) -> Value:
        """A string built from parts: f-string, `+`, `%`."""
        values = [self.expr(p, env, frame) for p in parts]
        value = merge(values)
        first = parts[0] if parts else None
        if isinstance(first, ast.BinOp | ast.JoinedStr):
            fixed = values[0].fixed_host  # the left operand's own prefix (evaluated once)
        else:
            fixed = (
                isinstance(first, ast.Constant) and isinstance(first.value, str) and _fixed_start(first.value)
            )
        html = any(
            isinstance(p, ast.Constant) and isinstance(p.value, str) and T.HTML_LITERAL.search(p.value)
            for p in parts
        )
        return replace(value, html=value.html or html, fixed_host=fixed)

    def call(self, node: ast.Call, env: Env, frame: _Frame) -> Value:
        func = node.func
        raw = dotted_name(func)
        name = self.imports.resolve(func) or raw
        names = _candidates(raw, name)
        method = func.attr if isinstance(func, ast.Attribute) else None
        receiver = self.expr(func.value, env, frame) if isinstance(func, ast.Attribute) else CLEAN
        args = [self.expr(a, env, frame) for a in node.args]
        keywords = {k.arg: self.expr(k.value, env, frame) for k in node.keywords}
        everything = merge([*args, *keywords.values()])
        first = args[0] if args else keywords.get("url", CLEAN)
        line, col = node.lineno, node.col_offset

        # sources
        if names & {"input", "builtins.input"} and not isinstance(func, ast.Attribute):
            return source_value(line, col, "`input()` (user input)")
        if method in T.REQUEST_METHODS and isinstance(func, ast.Attribute) and _is_request(func.value):
            return source_value(line, col, f"`{_text(func)}()` (request data)")
        if names & T.SSRF_CALLS and "urllib.request.Request" not in names:
            # The response of a request the code makes (not a Request/URL/Client object it builds).
            self.sinks_of_call(node, names, method, args, keywords, first, frame, raw)
            network = source_value(line, col, f"`{raw}()` (network response)")
            return network.clear(frozenset({Family.SSRF, Family.REDIRECT}))

        self.sinks_of_call(node, names, method, args, keywords, first, frame, raw)

        # sanitisers and clean results
        if names & T.CLEAN_CALLS or method in T.CLEAN_METHODS:
            return CLEAN
        for candidate in names:
            if candidate in T.SANITISERS:
                return everything.clear(T.SANITISERS[candidate])
        if method == "resolve" or names & {"os.path.realpath", "os.path.abspath", "os.path.normpath"}:
            return merge([receiver, everything]).step(line, col, f"canonicalised by `{raw or method}()`")
        # same-file helpers
        helper = self.helper(func, frame)
        if helper is not None:
            fn, offset = helper
            return self.through_helper(fn, offset, node, args, keywords, frame)
        result = merge([receiver, everything])
        if (
            result.tainted
            and args
            and not args[0].tainted
            and not receiver.tainted
            and "urljoin" not in (raw or "")
        ):
            # `add_query(base_url, params)`: the input is not where the URL starts.
            result = replace(result, fixed_host=True)
        if method in ("format", "join", "replace", "format_map") and isinstance(func, ast.Attribute):
            literal = func.value
            if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                html = bool(T.HTML_LITERAL.search(literal.value))
                fixed = method == "format" and bool(T.FIXED_HOST.match(literal.value))
                result = replace(result, html=result.html or html, fixed_host=fixed)
        return result

    def helper(self, func: ast.expr, frame: _Frame) -> tuple[FunctionNode, int] | None:
        if isinstance(func, ast.Name) and func.id in self.functions:
            return self.functions[func.id], 0
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in ("self", "cls")
            and func.attr in frame.methods
        ):
            return frame.methods[func.attr], 1
        return None

    def through_helper(
        self,
        fn: FunctionNode,
        offset: int,
        node: ast.Call,
        args: list[Value],
        keywords: dict[str | None, Value],
        frame: _Frame,
    ) -> Value:
        summary = self.function(fn, {}, frame.methods if offset else {}, top=offset == 0)
        params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)]
        by_index: dict[int, Value] = {}
        for position, value in enumerate(args):
            by_index[position + offset] = value
        for key, value in keywords.items():
            if key in params:
                by_index[params.index(key)] = value
        return self.through(summary, fn.name, by_index, (node.lineno, node.col_offset, ""), frame.summary)

    def sinks_of_call(
        self,
        node: ast.Call,
        names: set[str],
        method: str | None,
        args: list[Value],
        keywords: dict[str | None, Value],
        first: Value,
        frame: _Frame,
        raw: str | None,
    ) -> None:
        shown = raw or method or "call"
        if names & T.COMMAND_CALLS:
            self.sink(first, Family.COMMAND, node, f"`{shown}()` runs a shell command", frame)
        elif names & T.SHELL_CALLS:
            shell = next((k.value for k in node.keywords if k.arg == "shell"), None)
            if isinstance(shell, ast.Constant) and shell.value is True:
                self.sink(
                    first, Family.COMMAND, node, f"`{shown}(..., shell=True)` runs a shell command", frame
                )
            elif node.args and isinstance(node.args[0], ast.List | ast.Tuple) and _shell_argv(node.args[0]):
                self.sink(
                    first, Family.COMMAND, node, f"`{shown}()` runs `sh -c` with a built command", frame
                )
        elif names & T.CODE_CALLS or method == "from_string":
            if "yaml.load" in names and any(
                k.arg == "Loader" and "Safe" in _text(k.value) for k in node.keywords
            ):
                return
            self.sink(first, Family.CODE, node, f"`{shown}()` evaluates code", frame)
        elif names & T.SQL_CALLS or method in T.SQL_METHODS:
            self.sink(first, Family.SQL, node, f"`{shown}()` runs SQL built from its argument", frame)
        elif method == "extra":
            self.sink(
                merge([*args, *keywords.values()]), Family.SQL, node, f"`{shown}()` adds raw SQL", frame
            )
        elif names & T.HTML_CALLS:
            self.sink(first, Family.HTML, node, f"`{shown}()` marks its argument as safe HTML", frame)
        elif names & T.RESPONSE_CALLS and first.html:
            self.sink(first, Family.HTML, node, f"`{shown}()` returns HTML built from input", frame)
        elif names & T.PATH_CALLS:
            self.sink(first, Family.PATH, node, f"`{shown}()` opens a path built from input", frame)
        elif names & T.SSRF_CALLS or (
            method in T.SSRF_CLIENT_METHODS
            and isinstance(node.func, ast.Attribute)
            and T.SSRF_CLIENT.search(_text(node.func.value))
        ):
            url = keywords.get("url") or (args[1] if method == "request" and len(args) > 1 else first)
            if not url.fixed_host:
                self.sink(url, Family.SSRF, node, f"`{shown}()` requests a URL taken from input", frame)
        elif names & T.REDIRECT_CALLS and not first.fixed_host:
            self.sink(
                first, Family.REDIRECT, node, f"`{shown}()` redirects to a location taken from input", frame
            )


def _candidates(raw: str | None, resolved: str | None) -> set[str]:
    """The names a call is looked up by: as written, as imported, and the imported
    name alone (`from django.utils.safestring import mark_safe` → `mark_safe`)."""
    names = {n for n in (raw, resolved) if n}
    if resolved and raw and "." not in raw:
        names.add(resolved.rpartition(".")[2])
    return names


def _fixed_start(literal: str) -> bool:
    """A literal that fixes where a URL points: a scheme and host, or a same-site path."""
    return bool(T.FIXED_HOST.match(literal)) or (
        literal.startswith("/") and not literal.startswith(("//", "/\\"))
    )


def _assigned(body: list[ast.stmt]) -> set[str]:
    return {
        n.id
        for stmt in body
        for n in ast.walk(stmt)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _leaves(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Return | ast.Raise | ast.Continue | ast.Break):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        name = dotted_name(stmt.value.func) or ""
        return name.rpartition(".")[2] in ("abort", "exit", "_exit", "fail", "deny", "HttpResponseForbidden")
    return False


def _guards(test: ast.expr) -> tuple[set[str], set[str]]:
    """(names valid when `test` is true, names valid when it is false)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        positive, negative = _guards(test.operand)
        return negative, positive
    if isinstance(test, ast.BoolOp):
        parts = [_guards(v) for v in test.values]
        if isinstance(test.op, ast.And):
            # False when any part is: valid only for names that every part's failing clears.
            falsy = [neg | _falsy(value) for value, (_, neg) in zip(test.values, parts, strict=True)]
            return set().union(*(p for p, _ in parts)), set.intersection(*falsy)
        return set(), set().union(*(n for _, n in parts))
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op, right = test.ops[0], test.comparators[0]
        if (
            isinstance(right, ast.Constant)
            and isinstance(right.value, str)
            and isinstance(op, ast.In | ast.NotIn)
        ):
            return set(), set()  # `x in "abc"`: a substring test
        if isinstance(test.left, ast.Constant):
            return set(), set()  # `".." in x`: listing a bad value (see the deny-list rule)
        names = _names(test.left)
        if isinstance(op, ast.In | ast.Eq | ast.Is):
            return names, set()
        if isinstance(op, ast.NotIn | ast.NotEq | ast.IsNot):
            return set(), names
        return set(), set()
    if isinstance(test, ast.Call):
        name = dotted_name(test.func) or ""
        if name in T.REGEX_GUARD_CALLS:
            # `re.match(pattern, string)`: the value checked is the second argument.
            checked = test.args[1] if len(test.args) > 1 else _keyword(test, "string")
            return (_names(checked) if checked is not None else set()), set()
        if name in T.GUARD_CALLS or name.rpartition(".")[2] in T.GUARD_CALLS:
            checked = test.args[0] if test.args else _keyword(test, "url")
            return (_names(checked) if checked is not None else set()), set()
        if isinstance(test.func, ast.Attribute) and test.func.attr in T.GUARD_METHODS:
            if test.func.attr in ("match", "fullmatch"):
                return (_names(test.args[0]) if test.args else set()), set()
            return _names(test.func.value), set()
    return set(), set()


def _falsy(test: ast.expr) -> set[str]:
    """Names that are empty when `test` is false (`x`, `x or y`): nothing to exploit."""
    if isinstance(test, ast.Name):
        return {test.id}
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return set().union(*map(_falsy, test.values))
    return set()


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _names(node: ast.expr) -> set[str]:
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    dotted = dotted_name(node)
    if dotted:
        names.add(dotted)
    return names


def _is_request(node: ast.expr) -> bool:
    name = dotted_name(node)
    return name in T.REQUEST_NAMES


def _safe_annotation(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    name = dotted_name(annotation)
    if name is None:
        return False
    if name in T.SAFE_ANNOTATIONS:
        return True
    last = name.rpartition(".")[2]
    # A class of the application's own (a pydantic model) validated at the boundary.
    return last[:1].isupper() and last not in T.UNTRUSTED_ANNOTATIONS


def _shell_argv(argv: ast.List | ast.Tuple) -> bool:
    parts = argv.elts
    return (
        len(parts) >= 2
        and isinstance(parts[0], ast.Constant)
        and parts[0].value in T.SHELLS
        and isinstance(parts[1], ast.Constant)
        and parts[1].value in ("-c", "/c", "-Command")
    )


def _text(node: ast.AST) -> str:
    try:
        return ast.unparse(node)[:60]
    except Exception:  # pragma: no cover - unparse handles every parsed tree
        return "?"


__all__ = ["Step", "Taint", "python_flows"]
