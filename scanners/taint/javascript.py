"""Taint tracking over a JS/TS file's tree-sitter tree (the tree the engine built once).

The same model as the Python walker (scanners/taint/python.py): statements in order,
a `Value` per variable, branches join, helpers are summarised once. Closures see the
variables of the function they are written in (a callback walked in place inherits its
parent's environment), which is how `const q = req.query.q; db.query(sql, (e, rows) =>
res.send(...))` is followed into the callback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import tree_sitter

from scanners.source import SourceFile
from scanners.taint import js_tables as T
from scanners.taint.flow import (
    CLEAN,
    Family,
    Flow,
    Recorder,
    Summary,
    Value,
    branches,
    clear,
    memoised,
    merge,
    param_value,
    source_value,
)

Node = tree_sitter.Node
Env = dict[str, Value]
FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "function",
        "generator_function",
        "generator_function_declaration",
    }
)
WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "await_expression",
        "as_expression",
        "non_null_expression",
        "satisfies_expression",
        "type_assertion",
        "spread_element",
        "sequence_expression",
    }
)
LEAVING = frozenset({"return_statement", "throw_statement", "continue_statement", "break_statement"})


@dataclass
class _Frame:
    summary: Summary
    methods: dict[str, Node] = field(default_factory=dict)
    depth: int = 0


def js_flows(source: SourceFile) -> tuple[Flow, ...]:
    """Every flow of untrusted input into a sink in the file (memoised per file)."""
    return memoised("javascript", source, lambda: _flows(source))


def _flows(source: SourceFile) -> tuple[Flow, ...]:
    tree = source.ts_tree
    if tree is None or not T.MAY_HAVE_SOURCE.search(source.text):
        return ()
    walker = _Walker(tree.root_node, source.text)
    walker.program()
    return walker.sorted_flows()


def _text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def _at(node: Node) -> tuple[int, int]:
    return node.start_point[0] + 1, node.start_point[1]


def _chain(node: Node) -> list[str] | None:
    """`a.b["c"].d` → ["a", "b", "c", "d"]; None when the base is not a name."""
    parts: list[str] = []
    current: Node | None = node
    while current is not None:
        if current.type == "member_expression":
            parts.append(_text(current.child_by_field_name("property")))
            current = current.child_by_field_name("object")
        elif current.type == "subscript_expression":
            index = current.child_by_field_name("index")
            parts.append(_text(index).strip("'\"`") if index is not None and index.type == "string" else "[]")
            current = current.child_by_field_name("object")
        elif current.type in ("identifier", "this"):
            parts.append(_text(current))
            return list(reversed(parts))
        elif current.type in WRAPPERS and current.named_child_count:
            current = current.named_children[0]
        else:
            return None
    return None


def _is_source(chain: list[str]) -> str | None:
    """Why a member chain is untrusted input, or None."""
    if len(chain) >= 2 and chain[0] in T.REQUEST_ROOTS and chain[1] in T.REQUEST_ATTRS:
        return "request data"
    if len(chain) >= 2 and chain[0] == "ctx" and chain[1] in T.KOA_ATTRS:
        return "request data"
    if len(chain) >= 3 and chain[0] == "ctx" and chain[1] == "request" and chain[2] in T.REQUEST_ATTRS:
        return "request data"
    joined = ".".join(chain[:3])
    if any(joined == s or joined.startswith(s + ".") or ".".join(chain[:2]) == s for s in T.DOM_SOURCES):
        return "browser location"
    if any(part in T.ROUTE_PARAM_ATTRS for part in chain):
        return "route parameters"
    return None


class _Walker(Recorder):
    def __init__(self, root: Node, text: str) -> None:
        super().__init__()
        self.root = root
        self.use_server = text.lstrip().startswith(("'use server'", '"use server"'))
        self.functions: dict[str, Node] = {}
        self.summaries: dict[int, Summary] = {}
        self._index(root)

    def _index(self, root: Node) -> None:
        """Named functions of the file: declarations and `const f = (…) => …`."""
        stack = [root]
        while stack:
            node = stack.pop()
            kind = node.type
            if kind in ("function_declaration", "generator_function_declaration"):
                name = node.child_by_field_name("name")
                self.functions.setdefault(_text(name), node)
            elif kind == "variable_declarator":
                value = node.child_by_field_name("value")
                name = node.child_by_field_name("name")
                if (
                    value is not None
                    and value.type in FUNCTIONS
                    and name is not None
                    and name.type == "identifier"
                ):
                    self.functions.setdefault(_text(name), value)
            if kind in (
                "program",
                "export_statement",
                "lexical_declaration",
                "variable_declaration",
                "statement_block",
            ):
                stack.extend(node.named_children)

    def program(self) -> None:
        self.block(self.root.named_children, {}, _Frame(Summary()))

    # --- functions -------------------------------------------------------------------------
    def function(self, fn: Node, outer: Env, kind: str | None, methods: dict[str, Node]) -> Summary:
        known = self.summaries.get(fn.id)
        if known is not None:
            return known
        summary = Summary()
        self.summaries[fn.id] = summary
        env = dict(outer)
        env.update(self.parameters(fn, kind or self.own_kind(fn)))
        frame = _Frame(summary, methods)
        body = fn.child_by_field_name("body")
        if body is None:
            return summary
        if body.type == "statement_block":
            self.block(body.named_children, env, frame)
        else:  # an arrow function's expression body is its return value
            value = self.expr(body, env, frame)
            summary.returns = merge([summary.returns, value])
        return summary

    def own_kind(self, fn: Node) -> str | None:
        """A handler recognisable from the function itself (Next.js, server actions)."""
        body = fn.child_by_field_name("body")
        if body is not None and body.type == "statement_block" and body.named_child_count:
            first = body.named_children[0]
            if first.type == "expression_statement" and _text(first).strip(";").strip("'\"") == "use server":
                return "action"
        name = _text(fn.child_by_field_name("name"))
        exported = fn.parent is not None and fn.parent.type == "export_statement"
        if exported and name in T.NEXT_HANDLERS:
            return "next"
        if exported and self.use_server:
            return "action"
        return None

    def parameters(self, fn: Node, kind: str | None) -> Env:
        params = fn.child_by_field_name("parameters")
        single = fn.child_by_field_name("parameter")
        nodes = (
            [single] if single is not None else (list(params.named_children) if params is not None else [])
        )
        env: Env = {}
        for index, param in enumerate(nodes):
            tainted = kind in ("tool", "action") or (kind == "next" and index >= 1)
            for name_node in _pattern_names(param):
                name = _text(name_node)
                line, col = _at(name_node)
                if tainted:
                    label = {"tool": "tool argument", "action": "server action argument"}.get(
                        kind or "", "route parameter"
                    )
                    env[name] = source_value(line, col, f"`{name}` ({label})")
                elif name not in env:
                    env[name] = param_value(index, line, col, name)
        return env

    # --- statements ------------------------------------------------------------------------
    def block(self, nodes: Iterable[Node], env: Env, frame: _Frame) -> None:
        for node in nodes:
            self.statement(node, env, frame)

    def statement(self, node: Node, env: Env, frame: _Frame) -> None:
        kind = node.type
        if kind in ("lexical_declaration", "variable_declaration"):
            for declarator in node.named_children:
                if declarator.type == "variable_declarator":
                    value_node = declarator.child_by_field_name("value")
                    value = self.expr(value_node, env, frame) if value_node is not None else CLEAN
                    self.bind(declarator.child_by_field_name("name"), value, env, frame)
        elif kind == "expression_statement":
            for child in node.named_children:
                self.expr(child, env, frame)
        elif kind == "return_statement":
            for child in node.named_children:
                value = self.expr(child, env, frame)
                frame.summary.returns = merge([frame.summary.returns, value])
        elif kind == "if_statement":
            self.conditional(node, env, frame)
        elif kind in ("for_in_statement", "for_of_statement"):
            self.bind(
                node.child_by_field_name("left"),
                self.expr(node.child_by_field_name("right"), env, frame),
                env,
                frame,
            )
            self.nested(node.child_by_field_name("body"), env, frame)
        elif kind in ("for_statement", "while_statement", "do_statement"):
            for field_name in ("initializer", "condition", "increment"):
                part = node.child_by_field_name(field_name)
                if part is None:
                    continue
                if part.type.endswith("declaration"):
                    self.statement(part, env, frame)
                else:
                    self.expr(part, env, frame)
            self.nested(node.child_by_field_name("body"), env, frame)
        elif kind == "statement_block":
            self.block(node.named_children, env, frame)
        elif kind in (
            "try_statement",
            "switch_statement",
            "switch_body",
            "switch_case",
            "switch_default",
            "catch_clause",
            "finally_clause",
            "else_clause",
            "labeled_statement",
        ):
            for child in node.named_children:
                if (
                    child.type
                    in (
                        "statement_block",
                        "switch_body",
                        "switch_case",
                        "switch_default",
                        "catch_clause",
                        "finally_clause",
                    )
                    or child.type.endswith("statement")
                    or child.type.endswith("declaration")
                ):
                    self.nested(child, env, frame)
                else:
                    self.expr(child, env, frame)
        elif kind == "export_statement":
            for child in node.named_children:
                self.statement(child, env, frame)
        elif kind in ("function_declaration", "generator_function_declaration"):
            self.function(node, env, None, {})
        elif kind in ("class_declaration", "class"):
            self.klass(node, env)
        elif kind == "throw_statement":
            for child in node.named_children:
                self.expr(child, env, frame)

    def klass(self, node: Node, env: Env) -> None:
        body = node.child_by_field_name("body")
        if body is None:
            return
        methods = {
            _text(m.child_by_field_name("name")): m
            for m in body.named_children
            if m.type == "method_definition"
        }
        for method in methods.values():
            self.function(method, env, None, methods)

    def nested(self, node: Node | None, env: Env, frame: _Frame) -> None:
        if node is None:
            return
        frame.depth += 1
        try:
            self.statement(node, env, frame)
        finally:
            frame.depth -= 1

    def conditional(self, node: Node, env: Env, frame: _Frame) -> None:
        test = node.child_by_field_name("condition")
        self.expr(test, env, frame)
        positive, negative = _guards(test) if test is not None else (set(), set())
        body = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        branches(
            env,
            (positive, negative),
            lambda inside: self.nested(body, inside, frame),
            lambda otherwise: self.nested(alternative, otherwise, frame),
        )
        if body is not None and _leaves(body):
            clear(env, negative)
        elif alternative is not None and _leaves(alternative):
            clear(env, positive)

    def bind(self, target: Node | None, value: Value, env: Env, frame: _Frame) -> None:
        if target is None:
            return
        for name_node in _pattern_names(target):
            name = _text(name_node)
            line, col = _at(name_node)
            stepped = replace(value.step(line, col, f"assigned to `{name}`"), direct=value.direct)
            if frame.depth and name in env:
                stepped = merge([env[name], stepped])
            env[name] = stepped
        if target.type in ("member_expression", "subscript_expression"):
            chain = _chain(target)
            if chain:
                env[".".join(chain)] = value
                if value.tainted and chain[0] not in ("this", "module", "exports"):
                    env[chain[0]] = merge([env.get(chain[0], CLEAN), value])

    def sink(self, value: Value, family: Family, node: Node, what: str, frame: _Frame) -> None:
        line, column = _at(node)
        self.record(value, family, line, column, what, frame.summary)

    # --- expressions -----------------------------------------------------------------------
    def expr(self, node: Node | None, env: Env, frame: _Frame) -> Value:
        if node is None:
            return CLEAN
        kind = node.type
        if kind == "identifier":
            return env.get(_text(node), CLEAN)
        if kind in ("string", "template_string") and kind == "string":
            return Value(html=bool(T.HTML_LITERAL.search(_text(node))))
        if kind in ("number", "true", "false", "null", "undefined", "regex", "this"):
            return CLEAN
        if kind in ("member_expression", "subscript_expression"):
            chain = _chain(node)
            if chain is not None:
                joined = ".".join(chain)
                if joined in env:
                    return env[joined]
                why = _is_source(chain)
                if why:
                    line, col = _at(node)
                    return source_value(line, col, f"`{_text(node)[:60]}` ({why})")
            if kind == "subscript_expression":
                self.expr(node.child_by_field_name("index"), env, frame)
            return self.expr(node.child_by_field_name("object"), env, frame)
        if kind == "template_string":
            parts = [c for c in node.named_children if c.type == "template_substitution"]
            values = [self.expr(c.named_children[0] if c.named_children else None, env, frame) for c in parts]
            literal = _text(node)
            value = merge(values)
            return replace(
                value,
                html=value.html or bool(T.HTML_LITERAL.search(literal)),
                fixed_host=bool(T.FIXED_HOST.match(literal)),
            )
        if kind == "binary_expression":
            operator = _text(node.child_by_field_name("operator"))
            left = node.child_by_field_name("left")
            values = [self.expr(left, env, frame), self.expr(node.child_by_field_name("right"), env, frame)]
            if operator == "+":
                value = merge(values)
                fixed = values[0].fixed_host or (
                    left is not None and left.type == "string" and bool(T.FIXED_HOST.match(_text(left)))
                )
                return replace(value, fixed_host=fixed)
            if operator in ("||", "??", "&&"):
                return merge(values)
            return CLEAN
        if kind == "ternary_expression":
            self.expr(node.child_by_field_name("condition"), env, frame)
            return merge(
                [self.expr(node.child_by_field_name(f), env, frame) for f in ("consequence", "alternative")]
            )
        if kind in WRAPPERS:
            return merge([self.expr(c, env, frame) for c in node.named_children])
        if kind in ("call_expression", "new_expression"):
            return self.call(node, env, frame)
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            return self.assignment(node, env, frame)
        if kind == "object":
            return merge([self.expr(c, env, frame) for c in node.named_children])
        if kind == "pair":
            return self.expr(node.child_by_field_name("value"), env, frame)
        if kind == "shorthand_property_identifier":
            return env.get(_text(node), CLEAN)
        if kind == "array":
            return merge([self.expr(c, env, frame) for c in node.named_children])
        if kind in FUNCTIONS:
            self.function(node, env, None, frame.methods)
            return CLEAN
        if kind in ("unary_expression", "update_expression"):
            for child in node.named_children:
                self.expr(child, env, frame)
            return CLEAN
        if kind in ("jsx_element", "jsx_self_closing_element", "jsx_opening_element", "jsx_fragment"):
            self.jsx(node, env, frame)
            return CLEAN
        if kind in ("jsx_expression",):
            return merge([self.expr(c, env, frame) for c in node.named_children])
        return CLEAN

    def jsx(self, node: Node, env: Env, frame: _Frame) -> None:
        for child in node.named_children:
            if child.type == "jsx_attribute":
                named = child.named_children
                name = _text(named[0]) if named else ""
                value = self.expr(named[-1], env, frame) if len(named) > 1 else CLEAN
                if name == "dangerouslySetInnerHTML":
                    self.sink(
                        value,
                        Family.HTML,
                        child,
                        "`dangerouslySetInnerHTML` renders its value as HTML",
                        frame,
                    )
                elif name == "href" and value.tainted:
                    pass  # `javascript:` URLs: React itself warns; not followed here
            elif child.type in (
                "jsx_element",
                "jsx_self_closing_element",
                "jsx_opening_element",
                "jsx_expression",
                "jsx_fragment",
            ):
                self.expr(child, env, frame)

    def assignment(self, node: Node, env: Env, frame: _Frame) -> Value:
        left = node.child_by_field_name("left")
        value = self.expr(node.child_by_field_name("right"), env, frame)
        if node.type == "augmented_assignment_expression":
            value = merge([self.expr(left, env, frame), value])
        if left is not None and left.type == "member_expression":
            prop = _text(left.child_by_field_name("property"))
            chain = _chain(left)
            target = ".".join(chain) if chain else ""
            if prop in T.HTML_PROPERTIES:
                self.sink(value, Family.HTML, node, f"assigning `{prop}` renders HTML", frame)
            elif target in T.LOCATION_TARGETS:
                self.sink(
                    value,
                    Family.REDIRECT,
                    node,
                    f"assigning `{target}` navigates to a location taken from input",
                    frame,
                )
        elif left is not None and left.type == "identifier" and _text(left) == "location":
            self.sink(
                value,
                Family.REDIRECT,
                node,
                "assigning `location` navigates to a location taken from input",
                frame,
            )
        self.bind(left, value, env, frame)
        return value

    def call(self, node: Node, env: Env, frame: _Frame) -> Value:
        callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        arg_nodes = _arguments(node)
        receiver_node = (
            callee.child_by_field_name("object")
            if callee is not None and callee.type == "member_expression"
            else None
        )
        method = (
            _text(callee.child_by_field_name("property"))
            if receiver_node is not None and callee is not None
            else ""
        )
        chain = _chain(callee) if callee is not None else None
        name = (
            ".".join(chain)
            if chain
            else (_text(callee) if callee is not None and callee.type == "identifier" else "")
        )
        receiver_text = ".".join(chain[:-1]) if chain and len(chain) > 1 else _text(receiver_node)
        kind = self.callback_kind(method, name, arg_nodes)
        args: list[Value] = []
        for index, arg in enumerate(arg_nodes):
            if arg.type in FUNCTIONS:
                handler = kind if (kind and index == len(arg_nodes) - 1) else None
                self.function(arg, env, handler, frame.methods)
                args.append(CLEAN)
            else:
                args.append(self.expr(arg, env, frame))
        receiver = self.expr(receiver_node, env, frame) if receiver_node is not None else CLEAN
        line, col = _at(node)

        # sources
        if method in T.REQUEST_METHODS and chain and chain[0] in T.REQUEST_ROOTS and len(chain) == 2:
            return source_value(line, col, f"`{_text(callee)}()` (request data)")
        self.sinks_of_call(node, name, method, receiver_text, arg_nodes, args, env, frame)
        if name in T.NETWORK_CALLS:
            return source_value(line, col, f"`{name}()` (network response)").clear(
                frozenset({Family.SSRF, Family.REDIRECT})
            )

        if name in T.CLEAN_CALLS or method in T.CLEAN_METHODS:
            return CLEAN
        for candidate in (name, method):
            if candidate and candidate in T.SANITISERS and (candidate == name or "." not in candidate):
                if candidate == method and candidate not in ("sanitize", "escape"):
                    continue
                return merge(args).clear(T.SANITISERS[candidate])
        helper = self.helper(name, chain, frame)
        if helper is not None:
            return self.through_helper(helper, name.rpartition(".")[2], node, args, frame)
        result = merge([receiver, *args])
        if (
            method in ("join", "concat", "replace", "format")
            and receiver_node is not None
            and receiver_node.type in ("string", "template_string")
        ):
            result = replace(result, html=result.html or bool(T.HTML_LITERAL.search(_text(receiver_node))))
        return replace(result, direct=False)

    def callback_kind(self, method: str, name: str, arg_nodes: list[Node]) -> str | None:
        if method in T.TOOL_METHODS:
            return "tool"
        if method == "setRequestHandler" and arg_nodes and "CallTool" in _text(arg_nodes[0]):
            return "tool"
        return None

    def helper(self, name: str, chain: list[str] | None, frame: _Frame) -> Node | None:
        if name in self.functions:
            return self.functions[name]
        if chain and len(chain) == 2 and chain[0] == "this" and chain[1] in frame.methods:
            return frame.methods[chain[1]]
        return None

    def through_helper(self, fn: Node, name: str, node: Node, args: list[Value], frame: _Frame) -> Value:
        summary = self.function(fn, {}, None, frame.methods)
        line, col = _at(node)
        return self.through(summary, name, dict(enumerate(args)), (line, col, ""), frame.summary)

    def sinks_of_call(
        self,
        node: Node,
        name: str,
        method: str,
        receiver: str,
        arg_nodes: list[Node],
        args: list[Value],
        env: Env,
        frame: _Frame,
    ) -> None:
        first = args[0] if args else CLEAN
        shown = name or method or "call"
        if (method in T.EXEC_METHODS and T.EXEC_RECEIVER.match(receiver)) or (
            not receiver and name in T.EXEC_METHODS
        ):
            self.sink(first, Family.COMMAND, node, f"`{shown}()` runs a shell command", frame)
        elif method in T.SPAWN_METHODS or (not receiver and name in T.SPAWN_METHODS):
            if any("shell" in _text(a) and "true" in _text(a) for a in arg_nodes[1:] if a.type == "object"):
                self.sink(
                    merge(args),
                    Family.COMMAND,
                    node,
                    f"`{shown}(..., {{ shell: true }})` runs a shell command",
                    frame,
                )
        elif (
            name in T.CODE_CALLS
            or method in ("runInNewContext", "runInThisContext", "runInContext")
            or (node.type == "new_expression" and name in ("Function", "vm.Script", "Script"))
        ):
            if name in ("setTimeout", "setInterval") and arg_nodes and arg_nodes[0].type in FUNCTIONS:
                return
            code = merge(args) if name == "Function" else first  # every argument of Function is code
            self.sink(code, Family.CODE, node, f"`{shown}()` evaluates code", frame)
        elif method in T.SQL_METHODS or (method == "execute" and T.SQL_EXECUTE_RECEIVER.search(receiver)):
            self.sink(first, Family.SQL, node, f"`{shown}()` runs SQL built from its argument", frame)
        elif method in T.MONGO_METHODS and arg_nodes:
            self.mongo(node, arg_nodes[0], args[0], shown, env, frame)
        elif name in T.HTML_CALLS:
            self.sink(merge(args), Family.HTML, node, f"`{shown}()` writes HTML", frame)
        elif method in T.HTML_METHODS:
            self.sink(first, Family.HTML, node, f"`{shown}()` turns off Angular's sanitising", frame)
        elif method == "insertAdjacentHTML" and len(args) > 1:
            self.sink(args[1], Family.HTML, node, "`insertAdjacentHTML()` renders HTML", frame)
        elif method == "html" and receiver.startswith("$"):
            self.sink(first, Family.HTML, node, "`.html()` renders HTML", frame)
        elif method in T.RESPONSE_METHODS and T.RESPONSE_RECEIVER.match(receiver) and first.html:
            self.sink(first, Family.HTML, node, f"`{shown}()` sends HTML built from input", frame)
        elif method in T.FS_METHODS and T.FS_RECEIVER.match(receiver):
            self.sink(first, Family.PATH, node, f"`{shown}()` uses a path built from input", frame)
        elif method in T.SEND_FILE_METHODS and T.RESPONSE_RECEIVER.match(receiver):
            if len(arg_nodes) > 1 and arg_nodes[1].type == "object" and "root" in _text(arg_nodes[1]):
                return  # `res.sendFile(name, { root })` refuses paths outside root
            self.sink(first, Family.PATH, node, f"`{shown}()` sends a file at a path built from input", frame)
        elif name in T.SSRF_CALLS and not first.fixed_host:
            self.sink(first, Family.SSRF, node, f"`{shown}()` requests a URL taken from input", frame)
        elif (
            method in T.REDIRECT_METHODS and receiver in ("res", "response", "ctx", "reply")
        ) or name in T.REDIRECT_CALLS:
            target = args[-1] if args else CLEAN
            if not target.fixed_host:
                self.sink(
                    target,
                    Family.REDIRECT,
                    node,
                    f"`{shown}()` redirects to a location taken from input",
                    frame,
                )

    def mongo(self, node: Node, filter_node: Node, value: Value, shown: str, env: Env, frame: _Frame) -> None:
        what = f"`{shown}()` takes a query filter from input"
        if value.direct:
            self.sink(
                value, Family.NOSQL, node, what + " (an object can carry operators such as `$ne`)", frame
            )
            return
        if filter_node.type != "object":
            return
        for pair in filter_node.named_children:
            if pair.type != "pair":
                continue
            key = _text(pair.child_by_field_name("key")).strip("'\"")
            if key in T.ORM_OPTION_KEYS:
                continue
            inner = self.expr(pair.child_by_field_name("value"), env, frame)
            if key == "$where" and inner.tainted:
                self.sink(
                    inner,
                    Family.NOSQL,
                    node,
                    f"`{shown}()` runs a `$where` JavaScript clause built from input",
                    frame,
                )
                return
            if inner.direct:
                self.sink(
                    inner,
                    Family.NOSQL,
                    node,
                    what + f" (`{key}` can be an operator object such as {{$ne: null}})",
                    frame,
                )
                return


def _arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return []
    return [a for a in args.named_children if a.type != "comment"]


def _pattern_names(node: Node) -> list[Node]:
    """The identifiers a binding pattern introduces (`x`, `{ a, b: c }`, `[d, ...e]`, `f = 1`)."""
    kind = node.type
    if kind in ("identifier", "shorthand_property_identifier_pattern"):
        return [node]
    if kind in ("required_parameter", "optional_parameter"):
        pattern = node.child_by_field_name("pattern")
        return _pattern_names(pattern) if pattern is not None else []
    if kind in ("assignment_pattern", "object_assignment_pattern"):
        left = node.child_by_field_name("left")
        return _pattern_names(left) if left is not None else []
    if kind == "pair_pattern":
        value = node.child_by_field_name("value")
        return _pattern_names(value) if value is not None else []
    if kind in ("object_pattern", "array_pattern", "rest_pattern"):
        names: list[Node] = []
        for child in node.named_children:
            names.extend(_pattern_names(child))
        return names
    return []


def _leaves(node: Node) -> bool:
    if node.type in LEAVING:
        return True
    if node.type == "statement_block" and node.named_child_count:
        return _leaves(node.named_children[-1])
    if node.type == "expression_statement":
        return "res.status(4" in _text(node) or _text(node).startswith(("next(", "res.sendStatus(4"))
    return False


def _names(node: Node | None) -> set[str]:
    if node is None:
        return set()
    found: set[str] = set()
    chain = _chain(node)
    if chain:
        found.add(".".join(chain))
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            found.add(_text(current))
        elif current.type in ("member_expression", "subscript_expression"):
            inner = _chain(current)
            if inner:
                found.add(".".join(inner))
        stack.extend(current.named_children)
    return found


def _guards(test: Node) -> tuple[set[str], set[str]]:
    """(names valid when `test` is true, names valid when it is false)."""
    kind = test.type
    if kind == "parenthesized_expression" and test.named_child_count:
        return _guards(test.named_children[0])
    if kind == "unary_expression" and _text(test.child_by_field_name("operator")) == "!":
        positive, negative = _guards(test.child_by_field_name("argument") or test)
        return negative, positive
    if kind == "binary_expression":
        operator = _text(test.child_by_field_name("operator"))
        left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
        if operator == "&&" and left is not None and right is not None:
            return _guards(left)[0] | _guards(right)[0], set()
        if operator == "||" and left is not None and right is not None:
            return set(), _guards(left)[1] | _guards(right)[1]
        if left is None or right is None:
            return set(), set()
        if left.type == "call_expression" and "indexOf" in _text(left.child_by_field_name("function")):
            found = _guards(left)[0]  # `ALLOWED.indexOf(x) !== -1`
            return (found, set()) if operator in ("!==", "!=", ">", ">=") else (set(), found)
        if left.type == "unary_expression" or right.type in ("null", "undefined", "number", "true", "false"):
            return set(), set()  # `typeof x === "string"`, `x === null`: not a validation
        if operator in ("===", "=="):
            return _names(left), set()
        if operator in ("!==", "!="):
            return set(), _names(left)
        return set(), set()
    if kind == "call_expression":
        callee = test.child_by_field_name("function")
        args = _arguments(test)
        if callee is not None and callee.type == "member_expression":
            method = _text(callee.child_by_field_name("property"))
            receiver = callee.child_by_field_name("object")
            if method in ("includes", "has", "indexOf") and args:
                if args[0].type in ("string", "template_string"):
                    return set(), set()  # `x.includes("..")`: listing a bad value
                return _names(args[0]), set()
            if method == "startsWith":
                return _names(receiver), set()
            if method in ("test",) and receiver is not None and receiver.type == "regex" and args:
                return _names(args[0]), set()
            if T.GUARD_CALL.match(method) and args:
                return _names(args[0]), set()
        elif (
            callee is not None and callee.type == "identifier" and T.GUARD_CALL.match(_text(callee)) and args
        ):
            return _names(args[0]), set()
    return set(), set()
