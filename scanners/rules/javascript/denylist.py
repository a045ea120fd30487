"""AI632: validation by listing bad values in JS/TS (`if (p.includes(".."))`,
`/<script/i.test(s)`, `s.replace("../", "")`, `if (["rm", "shutdown"].includes(cmd))`)."""

from __future__ import annotations

from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.denylist_common import MESSAGE, is_bad_literal, is_bad_pattern, is_bad_value
from scanners.rules.javascript.syntax import JS_LANGUAGES, Node, arguments, descendants, string_value, text
from scanners.source import SourceFile

_STRIPPED = frozenset({"../", "..\\", "..", "<script>", "<script", "</script>", ";", "&&", "|", "`"})


class DenyListValidationJs:
    meta = RuleMeta(
        id="AI632",
        name="deny-list-validation-js",
        title="Input validated by listing bad values",
        category=Category.SECURITY,
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags conditions that reject input by looking for known-bad values (`includes('..')`, "
            "a regex for `<script`, a list of forbidden commands) and `replace` calls that strip `../`."
        ),
        why=(
            "Asked to 'sanitise the path' or 'block XSS', assistants test for the first bad values "
            "that come to mind; `..%2f`, `....//` and `<ScRiPt>` walk past. Only an allow-list, or "
            "canonicalising (`path.resolve` + `startsWith(base)`) closes the class."
        ),
        example="""app.get("/file", (req, res) => {
  const name = req.query.name;
  if (name.includes("..")) return res.status(400).end();  // expect: AI632
  res.sendFile(name.replace("../", ""), { root: "files" });  // expect: AI632
});

function clean(html) {
  if (/<script/i.test(html)) return "";  // expect: AI632
  return html;
}
""",
        use_instead="""import path from "path";

const BASE = path.resolve("files");

app.get("/file", (req, res) => {
  const full = path.resolve(BASE, req.query.name);
  if (!full.startsWith(BASE + path.sep)) return res.status(400).end();
  res.sendFile(full);
});

function clean(html) {
  return DOMPurify.sanitize(html);
}
""",
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.js"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        del context
        tree = source.ts_tree
        if tree is None:
            return
        for node in descendants(tree.root_node, frozenset({"if_statement", "call_expression"})):
            if node.type == "if_statement":
                condition = node.child_by_field_name("condition")
                found = _deny_condition(condition) if condition is not None else None
                if found is not None:
                    yield _hit(condition, found)  # type: ignore[arg-type]
            else:
                found = _stripping(node)
                if found is not None:
                    yield _hit(node, found)


def _hit(node: Node, value: str) -> Hit:
    return Hit(line=node.start_point[0] + 1, column=node.start_point[1], message=MESSAGE.format(value=value))


def _deny_condition(condition: Node) -> str | None:
    for call in descendants(condition, frozenset({"call_expression"})):
        callee = call.child_by_field_name("function")
        if callee is None or callee.type != "member_expression":
            continue
        method = text(callee.child_by_field_name("property"))
        receiver = callee.child_by_field_name("object")
        args = arguments(call)
        if method in ("includes", "indexOf", "startsWith", "endsWith") and args:
            literal = string_value(args[0])
            if literal is not None and is_bad_literal(literal):
                return literal
            if receiver is not None and receiver.type == "array" and method == "includes":
                values = [string_value(e) for e in receiver.named_children]
                bad = [v for v in values if v is not None and is_bad_value(v)]
                if bad and len(bad) * 2 >= len(values):
                    return bad[0]
        if method in ("test", "match", "search") and receiver is not None:
            pattern = receiver if receiver.type == "regex" else (args[0] if args else None)
            if pattern is not None and pattern.type == "regex" and is_bad_pattern(text(pattern)):
                return text(pattern)
    return None


def _stripping(call: Node) -> str | None:
    callee = call.child_by_field_name("function")
    if callee is None or callee.type != "member_expression":
        return None
    if text(callee.child_by_field_name("property")) not in ("replace", "replaceAll"):
        return None
    args = arguments(call)
    if len(args) < 2 or string_value(args[1]) != "":
        return None
    old = string_value(args[0])
    if old is not None and old.strip() in _STRIPPED:
        return old
    if args[0].type == "regex" and is_bad_pattern(text(args[0])):
        return text(args[0])
    return None
