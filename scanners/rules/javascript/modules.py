"""What a JS/TS expression stands for, in terms of built-in modules and globals.

`const cp = require('child_process')`, `import * as u from 'node:util'`,
`const { exists } = require('fs')`, `import { parse as p } from 'url'` and
`process.getBuiltinModule('fs')` all bind a local name to a module path; `resolve` follows
member chains from there (`u.isArray` → `util.isArray`, `require('fs').exists` →
`fs.exists`). File-wide and scope-insensitive like `local_bindings`: a name rebound to
something else anywhere in the file is no longer taken for the global.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from scanners.rules.javascript.syntax import Node, arguments, captures, string_value, text
from scanners.source import SourceFile

# Queries run in C; Python then looks only at the nodes that can bind or name a module.
_BINDER_PATTERNS = ("(import_statement) @b", "(variable_declarator) @b", "(assignment_expression) @b")
_START_PATTERNS = ("(identifier) @id", "(call_expression function: (_) @fn) @call")
_CHAIN = frozenset({"member_expression", "subscript_expression"})


def module_name(specifier: str | None) -> str | None:
    """`node:fs` → `fs`; `fs/promises` stays; None for non-strings."""
    if specifier is None:
        return None
    return specifier.removeprefix("node:")


@dataclass
class ModulePaths:
    """Local names → module paths, and the binding sites themselves (where a destructured
    or imported member is read)."""

    declared: set[str]
    globals_: frozenset[str]
    bindings: dict[str, str] = field(default_factory=dict)
    sites: list[tuple[Node, str]] = field(default_factory=list)  # (pattern/specifier node, path)
    import_sites: list[tuple[Node, str]] = field(default_factory=list)  # (statement, module)

    def resolve(self, node: Node | None) -> str | None:
        """The module path `node` evaluates to, or None."""
        if node is None:
            return None
        kind = node.type
        if kind == "parenthesized_expression" and node.named_child_count == 1:
            return self.resolve(node.named_children[0])
        if kind == "identifier":
            name = text(node)
            if name in self.bindings:
                return self.bindings[name]
            if name in self.declared or name not in self.globals_:
                return None
            return name
        if kind == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is None or prop.type != "property_identifier":
                return None
            base = self.resolve(node.child_by_field_name("object"))
            if base and text(prop) == "default" and "." not in base:
                return base  # `import * as b from 'buffer'; b.default.Buffer`
            return f"{base}.{text(prop)}" if base else None
        if kind == "subscript_expression":
            key = string_value(node.child_by_field_name("index"))
            base = self.resolve(node.child_by_field_name("object")) if key else None
            return f"{base}.{key}" if base else None
        if kind == "call_expression":
            return self._required(node)
        return None

    def _required(self, call: Node) -> str | None:
        function = call.child_by_field_name("function")
        args = arguments(call)
        if function is None or len(args) != 1 or args[0].type != "string":
            return None
        if function.type == "identifier" and text(function) == "require" and "require" not in self.declared:
            return module_name(string_value(args[0]))
        if function.type == "member_expression" and self.resolve(function) == "process.getBuiltinModule":
            return module_name(string_value(args[0]))
        return None

    def bind(self, node: Node) -> None:
        if node.type == "import_statement":
            self._bind_import(node)
            return
        if node.type == "variable_declarator":
            target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        else:
            target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
        path = self.resolve(value)
        if target is None or path is None:
            return
        self._bind_pattern(target, path)

    def _bind_pattern(self, target: Node, path: str) -> None:
        """`x`, `{ a, b: c, d = 1, 'e': f, ['g']: h, i: { j } }` bound from `path`."""
        if target.type == "assignment_pattern":
            left = target.child_by_field_name("left")
            if left is not None:
                self._bind_pattern(left, path)
        elif target.type == "identifier":
            self.bindings[text(target)] = path
        elif target.type == "object_pattern":
            for prop in target.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    self._bind_member(prop, text(prop), f"{path}.{text(prop)}")
                elif prop.type == "object_assignment_pattern":
                    left = prop.child_by_field_name("left")
                    if left is not None:
                        self._bind_member(left, text(left), f"{path}.{text(left)}")
                elif prop.type == "pair_pattern":
                    key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    name = _key_name(key)
                    if name is None or value is None:
                        continue
                    member = f"{path}.{name}"
                    if value.type == "assignment_pattern":
                        value = value.child_by_field_name("left") or value
                    if value.type == "identifier":
                        self._bind_member(key or value, text(value), member)
                    else:
                        self.sites.append((key or value, member))
                        self._bind_pattern(value, member)

    def _bind_member(self, site: Node, local: str, path: str) -> None:
        self.bindings[local] = path
        self.sites.append((site, path))

    def _bind_import(self, statement: Node) -> None:
        module = module_name(string_value(statement.child_by_field_name("source")))
        if module is None:
            return
        self.import_sites.append((statement, module))
        for clause in statement.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.bindings[text(part)] = module  # CommonJS default interop
                elif part.type == "namespace_import" and part.named_child_count:
                    self.bindings[text(part.named_children[-1])] = module
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                        if spec.type == "import_specifier" and name is not None:
                            self._bind_member(spec, text(alias or name), f"{module}.{text(name)}")


def _key_name(key: Node | None) -> str | None:
    """`a`, `'a'` and `['a']` as a destructuring key → "a"."""
    if key is None:
        return None
    if key.type == "property_identifier":
        return text(key)
    if key.type == "string":
        return string_value(key)
    if key.type == "computed_property_name" and key.named_child_count == 1:
        return string_value(key.named_children[0])
    return None


def module_paths(source: SourceFile, declared: set[str], globals_: frozenset[str]) -> ModulePaths:
    """Bindings of the whole file, in document order (later declarations see earlier ones)."""
    paths = ModulePaths(declared=declared, globals_=globals_)
    binders = captures(source, _BINDER_PATTERNS).get("b", [])
    for node in sorted(binders, key=lambda n: n.start_byte):
        paths.bind(node)
    # Names bound to a module are not "declared" in the shadowing sense.
    paths.declared = declared - paths.bindings.keys()
    return paths


def references(source: SourceFile, paths: ModulePaths) -> Iterator[Node]:
    """Expressions that stand for a module path: a bound or global name, a `require(…)`
    / `getBuiltinModule(…)` call, and the member chains built on them (`u.types.isDate`)."""
    found = captures(source, _START_PATTERNS)
    names = paths.bindings.keys() | (paths.globals_ - paths.declared)
    starts = [n for n in found.get("id", []) if text(n) in names]
    for call in found.get("call", []):
        fn = call.child_by_field_name("function")
        if fn is not None and (text(fn) == "require" or text(fn).endswith("getBuiltinModule")):
            starts.append(call)
    for start in sorted(starts, key=lambda n: n.start_byte):
        node: Node | None = start
        while node is not None:
            yield node
            parent = node.parent
            while parent is not None and parent.type == "parenthesized_expression":
                parent = parent.parent
            if parent is None or parent.type not in _CHAIN or parent.child_by_field_name("object") is None:
                break
            obj = parent.child_by_field_name("object")
            if obj is None or obj.start_byte != node.start_byte or obj.end_byte < node.end_byte:
                break  # `node` is the index or property, not the object of the chain
            node = parent
