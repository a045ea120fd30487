"""AI211: React APIs that were deprecated or removed, keyed to the declared React version."""

from __future__ import annotations

from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.modules import module_paths, references
from scanners.rules.javascript.react_apis import BY_PATH, GLOBALS, ReactApi
from scanners.rules.javascript.syntax import (
    JS_LANGUAGES,
    Node,
    call_name,
    captures,
    line_of,
    local_bindings,
    matches,
    module_bindings,
    text,
)
from scanners.source import SourceFile

_LIFECYCLES = {
    "componentWillMount": "move the work to `componentDidMount` (or `useEffect` in a function component)",
    "componentWillReceiveProps": (
        "derive state in `getDerivedStateFromProps` or react in `componentDidUpdate`"
    ),
    "componentWillUpdate": "use `componentDidUpdate` with `getSnapshotBeforeUpdate`",
}
_LEGACY_CONTEXT = {"contextTypes", "childContextTypes", "getChildContext"}
_LEGACY_ROOT = {
    "render": "`createRoot(container).render(element)` from `react-dom/client`",
    "hydrate": "`hydrateRoot(container, element)` from `react-dom/client`",
    "unmountComponentAtNode": "`root.unmount()` on the root `createRoot` returned",
}
_MEMBER_NAMES = ("findDOMNode", "render", "hydrate", "unmountComponentAtNode", "PropTypes", "createClass",
                 "createFactory", "defaultProps", "propTypes", "refs")  # fmt: skip

_Bindings = tuple[set[str], dict[str, str]]
_DEFINED = " ".join(
    f'"{n}"' for n in [*_LIFECYCLES, *(f"UNSAFE_{n}" for n in _LIFECYCLES), *_LEGACY_CONTEXT, "propTypes"]
)
_PATTERNS = (
    f"((method_definition name: (property_identifier) @member_def) (#any-of? @member_def {_DEFINED}))",
    f"((field_definition property: (property_identifier) @member_def) (#any-of? @member_def {_DEFINED}))",
    f"((public_field_definition name: (property_identifier) @member_def) (#any-of? @member_def {_DEFINED}))",
    f"((pair key: (property_identifier) @member_def) (#any-of? @member_def {_DEFINED}))",
    '((call_expression function: (identifier) @call) (#any-of? @call "findDOMNode" "render" "hydrate"'
    ' "unmountComponentAtNode"))',
    "((member_expression property: (property_identifier) @member) (#any-of? @member "
    + " ".join(f'"{n}"' for n in _MEMBER_NAMES)
    + "))",
    '((jsx_attribute (property_identifier) @_ref (string) @string_ref) (#eq? @_ref "ref"))',
)


class DeprecatedReactApi:
    """AI211: deprecated React lifecycles, `findDOMNode`, string refs, legacy roots…"""

    meta = RuleMeta(
        id="AI211",
        name="deprecated-react-api",
        title="Deprecated or removed React API",
        category=Category.TEMPORAL,
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags, in class components: `componentWillMount`, `componentWillReceiveProps`, "
            "`componentWillUpdate` (deprecated in 16.3; their `UNSAFE_` forms at low severity, "
            "still legacy) and legacy context (`contextTypes`, `getChildContext`, removed in "
            '19); `findDOMNode` and string refs (`ref="name"`, `this.refs.x`), removed in 19; '
            "`ReactDOM.render`/`hydrate`/`unmountComponentAtNode` when the declared React is 18 "
            "or newer (never when it is older); `React.PropTypes`/`React.createClass` (removed in "
            "16); `defaultProps` on function components (deprecated in 18.3, removed in 19) and "
            "`propTypes` on 19 (no longer checked). Severity follows the React version the "
            "governing package.json declares (the lowest a range allows). Also a table of "
            "APIs removed from where code reaches them (`React.render`/`renderToString` moved "
            "to `react-dom` in 0.14, `React.DOM`/`React.addons`/`createClass`/`PropTypes` "
            "removed in 16 — also as `{ createClass }` from `react` — `renderToNodeStream`, "
            "`react-dom/test-utils` and `react-test-renderer/shallow` removed in 19), "
            "through imports, `require`, destructuring and the `React` global."
        ),
        why=(
            "Tutorials and answers from the class-component era dominate the training data, "
            "so the model writes `componentWillMount` and `ReactDOM.render` for a React 18/19 "
            "app (the source text's `UserProfile`). They warn, break concurrent rendering, or "
            "are gone."
        ),
        example=(
            "import React from 'react';\n"
            "import ReactDOM from 'react-dom';\n"
            "\n"
            "class UserProfile extends React.Component {\n"
            "  componentWillMount() {  // expect: AI211\n"
            "    this.fetchUserData();\n"
            "  }\n"
            "\n"
            "  componentWillReceiveProps(nextProps) {  // expect: AI211\n"
            "    if (nextProps.userId !== this.props.userId) {\n"
            "      this.fetchUserData(nextProps.userId);\n"
            "    }\n"
            "  }\n"
            "\n"
            "  UNSAFE_componentWillUpdate() {}  // expect: AI211\n"
            "\n"
            "  render() {\n"
            '    return <input ref="name" />;  // expect: AI211\n'
            "  }\n"
            "}\n"
            "\n"
            "ReactDOM.render(<UserProfile />, document.getElementById('root'));  // expect: AI211\n"
            "const { PropTypes } = React;  // expect: AI211\n"
        ),
        use_instead=(
            "import { useEffect, useRef } from 'react';\n"
            "import { createRoot } from 'react-dom/client';\n"
            "import { render } from '@testing-library/react';\n"
            "\n"
            "function UserProfile({ userId }) {\n"
            "  const input = useRef(null);\n"
            "  useEffect(() => {\n"
            "    fetchUserData(userId);\n"
            "  }, [userId]);\n"
            "  return <input ref={input} />;\n"
            "}\n"
            "\n"
            "createRoot(document.getElementById('root')).render(<UserProfile userId={1} />);\n"
            "render(<UserProfile userId={2} />);\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/UserProfile.jsx"
    example_files = {"package.json": '{"dependencies": {"react": "^18.3.1", "react-dom": "^18.3.1"}}\n'}

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        if source.ts_tree is None or not any(
            token in source.text
            for token in ("React", "react", "findDOMNode", "componentWill", "refs", "transferPropsTo")
        ):
            return
        if context.js.uses_preact_only(source.path):
            return  # Preact keeps these APIs
        major = context.js.react_major(source.path)
        version = context.js.react_version(source.path)
        found = captures(source, _PATTERNS)
        bindings = _react_dom_bindings(source) if found.get("call") or found.get("member") else (set(), {})
        for node in found.get("member_def", []):
            yield from self._member_definition(node, major)
        for node in found.get("call", []):
            yield from self._bare_call(node, bindings, major)
        for node in found.get("member", []):
            yield from self._member(node, source, bindings, major)
        if any(token in source.text for token in _TABLE_TOKENS):
            yield from _table_hits(source, major, version)
        for node in found.get("string_ref", []):
            yield _removed_in_19(
                node,
                major,
                'The string ref `ref="…"`',
                "pass a ref object from `useRef`/`createRef` or a callback ref",
            )

    def _member_definition(self, node: Node, major: int | None) -> Iterator[Hit]:
        name = text(node)
        bare = name.removeprefix("UNSAFE_")
        if (
            bare not in _LIFECYCLES
            and name not in _LEGACY_CONTEXT
            and name not in ("propTypes", "defaultProps")
        ):
            return
        if not _in_class_component(node):
            return
        if name in _LIFECYCLES:
            yield Hit(
                line_of(node),
                f"`{name}` is deprecated since React 16.3 and unsafe with concurrent rendering; "
                f"{_LIFECYCLES[name]}.",
                column=node.start_point[1],
            )
        elif bare in _LIFECYCLES:
            yield Hit(
                line_of(node),
                f"`{name}` is still a legacy lifecycle (renamed in 16.3, unsafe with concurrent "
                f"rendering); {_LIFECYCLES[bare]}.",
                column=node.start_point[1],
                severity=Severity.LOW,
            )
        elif name in _LEGACY_CONTEXT:
            yield _removed_in_19(
                node,
                major,
                f"Legacy context (`{name}`)",
                "use `React.createContext` with `static contextType` or `useContext`",
            )
        elif name == "propTypes" and major is not None and major >= 19:
            yield Hit(
                line_of(node),
                "React 19 no longer checks `propTypes`; use TypeScript types or validate props explicitly.",
                severity=Severity.LOW,
            )

    def _bare_call(self, node: Node, bindings: _Bindings, major: int | None) -> Iterator[Hit]:
        name = text(node)
        _, named = bindings
        imported = named.get(name)
        if name == "findDOMNode" or imported == "findDOMNode":
            yield _removed_in_19(node, major, "`findDOMNode`", "attach a ref to the DOM element instead")
        elif imported in _LEGACY_ROOT:
            hit = _legacy_root(node, major, imported)
            if hit is not None:
                yield hit

    def _member(
        self, node: Node, source: SourceFile, bindings: _Bindings, major: int | None
    ) -> Iterator[Hit]:
        name = text(node)
        member = node.parent
        obj = member.child_by_field_name("object") if member is not None else None
        if member is None or obj is None:
            return
        owner = text(obj)
        if name == "refs" and obj.type == "this":
            yield _removed_in_19(
                node,
                major,
                "Reading string refs through `this.refs`",
                "use `createRef()` and read `ref.current`",
            )
        elif name == "findDOMNode" and _is_callee(member):
            yield _removed_in_19(node, major, "`findDOMNode`", "attach a ref to the DOM element instead")
        elif name in _LEGACY_ROOT and (owner == "ReactDOM" or owner in bindings[0]):
            if _is_callee(member):
                hit = _legacy_root(node, major, name)
                if hit is not None:
                    yield hit
        elif name in ("PropTypes", "createClass") and owner == "React" and (major is None or major >= 16):
            fix = "the `prop-types` package" if name == "PropTypes" else "a class or function component"
            yield Hit(
                line_of(node), f"`React.{name}` was removed in React 16; use {fix}.", severity=Severity.HIGH
            )
        elif name == "createFactory" and owner == "React" and _is_callee(member):
            yield _removed_in_19(node, major, "`React.createFactory`", "use JSX or `React.createElement`")
        elif (
            name in ("defaultProps", "propTypes")
            and _is_assigned(member)
            and obj.type == "identifier"
            and _is_function_component(owner, source)
        ):
            yield from _function_component_static(node, name, owner, major)


def _function_component_static(node: Node, name: str, owner: str, major: int | None) -> Iterator[Hit]:
    if name == "defaultProps" and (major is None or major >= 18):
        severity = Severity.HIGH if major is not None and major >= 19 else Severity.LOW
        yield Hit(
            line_of(node),
            f"`{owner}.defaultProps` on a function component is deprecated (React 18.3) and "
            "ignored in React 19; use default values in the props destructuring.",
            severity=severity,
        )
    elif name == "propTypes" and major is not None and major >= 19:
        yield Hit(
            line_of(node),
            f"React 19 no longer checks `{owner}.propTypes`; use TypeScript types or validate "
            "props explicitly.",
            severity=Severity.LOW,
        )


def _removed_in_19(node: Node, major: int | None, what: str, fix: str) -> Hit:
    if major is not None and major >= 19:
        return Hit(
            line_of(node),
            f"{what} was removed in React 19 (declared: {major}); {fix}.",
            column=node.start_point[1],
            severity=Severity.HIGH,
        )
    return Hit(
        line_of(node), f"{what} is deprecated and removed in React 19; {fix}.", column=node.start_point[1]
    )


def _legacy_root(node: Node, major: int | None, name: str) -> Hit | None:
    """The legacy root API is right on React < 18 and deprecated from 18 on."""
    if major is not None and major < 18:
        return None
    fix = _LEGACY_ROOT[name]
    if major is None:
        return Hit(
            line_of(node),
            f"`ReactDOM.{name}` is the legacy root API, deprecated in React 18 and removed in 19; use {fix}.",
            column=node.start_point[1],
            severity=Severity.LOW,
            confidence=Confidence.MEDIUM,
        )
    severity = Severity.HIGH if major >= 19 else Severity.MEDIUM
    state = (
        "removed in React 19"
        if major >= 19
        else "deprecated in React 18 (runs in legacy mode) and removed in 19"
    )
    return Hit(
        line_of(node),
        f"`ReactDOM.{name}` is {state}; this package declares React {major}; use {fix}.",
        column=node.start_point[1],
        severity=severity,
    )


_REACT_DOM = frozenset({"react-dom"})


def _react_dom_bindings(source: SourceFile) -> _Bindings:
    """Local names of `react-dom`'s namespace/default export and of its named exports."""
    if "react-dom" not in source.text:
        return set(), {}
    return module_bindings(source, _REACT_DOM)


def _is_callee(member: Node) -> bool:
    parent = member.parent
    return (
        parent is not None
        and parent.type == "call_expression"
        and parent.child_by_field_name("function") == member
    )


def _is_assigned(member: Node) -> bool:
    parent = member.parent
    return (
        parent is not None
        and parent.type == "assignment_expression"
        and parent.child_by_field_name("left") == member
    )


def _in_class_component(node: Node) -> bool:
    """A member of a class extending `…Component`, or of an object given to `createReactClass`."""
    holder = node.parent
    body = holder.parent if holder is not None else None
    if body is None:
        return False
    if body.type == "class_body":
        cls = body.parent
        heritage = next((c for c in cls.children if c.type == "class_heritage"), None) if cls else None
        return heritage is not None and "Component" in text(heritage)
    if body.type == "object" and body.parent is not None and body.parent.type == "arguments":
        call = body.parent.parent
        return call is not None and call_name(call)[1] in ("createReactClass", "createClass")
    return False


def _is_function_component(name: str, source: SourceFile) -> bool:
    """`name` is declared in this file as a function (declaration or arrow/function value)."""
    if not name[:1].isupper():
        return False
    for match in matches(source, _COMPONENT_PATTERNS):
        names = match.get("name", [])
        if names and text(names[0]) == name:
            return True
    return False


_COMPONENT_PATTERNS = (
    "(function_declaration name: (identifier) @name)",
    "(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)])",
)


# `react.render` and the other table paths need one of these in the text.
_TABLE_TOKENS = ("React.", "react'", 'react"', "react-addons-perf", "react-dom/server", "test-utils",
                 "react-test-renderer/shallow", "transferPropsTo")  # fmt: skip
_TRANSFER_PATTERNS = (
    '((member_expression property: (property_identifier) @_p) @member (#eq? @_p "transferPropsTo"))',
)
# Already reported by shape above (`React.PropTypes`/`React.createClass` members).
_BY_SHAPE = frozenset({"react.PropTypes", "react.createClass"})


def _table_hits(source: SourceFile, major: int | None, version: tuple[int, int] | None) -> Iterator[Hit]:
    """Paths of the React table, however reached: `React.render`, `{ createClass }` from
    `react`, `const { printDOM } = ReactPerf`, an import of `react-dom/test-utils`."""
    tree = source.ts_tree
    if tree is None:
        return
    paths = module_paths(source, local_bindings(source), frozenset(GLOBALS))
    seen: set[tuple[int, str]] = set()

    def hit(node: Node, path: str | None, by_shape: bool = False) -> Iterator[Hit]:
        if path is None:
            return
        head, dot, rest = path.partition(".")
        api = BY_PATH.get(f"{GLOBALS.get(head, head)}{dot}{rest}")
        if api is None or (by_shape and api.path in _BY_SHAPE):
            return
        if version is not None and version < api.deprecated:
            return  # the repository still supports a React where this is current
        if (line_of(node), api.path) not in seen:
            seen.add((line_of(node), api.path))
            yield _table_hit(node, api, major)

    for statement, module in paths.import_sites:
        yield from hit(statement, module)
    bound_sites = {path for _, path in paths.sites}
    for site, path in paths.sites:
        yield from hit(site, path)
    for node in references(source, paths):
        if node.type == "identifier" and paths.bindings.get(text(node)) in bound_sites:
            continue
        yield from hit(node, paths.resolve(node), by_shape=node.type == "member_expression")
    if "transferPropsTo" not in source.text:
        return
    for node in captures(source, _TRANSFER_PATTERNS).get("member", []):
        if text(node) == "this.transferPropsTo":
            yield Hit(
                line_of(node),
                "`this.transferPropsTo()` was removed in React 0.13; spread the props "
                "(`<Child {...this.props} />`).",
                column=node.start_point[1],
                severity=Severity.HIGH,
            )


def _table_hit(node: Node, api: ReactApi, major: int | None) -> Hit:
    shown = api.path.replace("react.", "React.", 1) if api.path.startswith("react.") else api.path
    deprecated = ".".join(map(str, api.deprecated))
    if api.removed is not None and major is not None and (major, 99) >= api.removed:
        removed = ".".join(
            map(str, api.removed[:1] if api.removed[1] == 0 and api.removed[0] else api.removed)
        )
        return Hit(
            line_of(node),
            f"`{shown}` was removed in React {removed} (this package declares React {major}); "
            f"use {api.replacement}.",
            column=node.start_point[1],
            severity=Severity.HIGH,
        )
    removal = f", removed in {'.'.join(map(str, api.removed))}" if api.removed else ""
    return Hit(
        line_of(node),
        f"`{shown}` is deprecated since React {deprecated}{removal}; use {api.replacement}.",
        column=node.start_point[1],
    )
