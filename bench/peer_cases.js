// Dumps the valid/invalid cases of an ESLint rule's test file as JSON, without ESLint.
//
// Usage: node bench/peer_cases.js TEST_FILE > cases.json
// The test file is evaluated with its imports and requires replaced by stubs and a
// RuleTester whose `run` records the cases; nothing of the peer's code runs but the
// test file's own case tables. Used by bench/peer_recall.py.
"use strict";
const fs = require("fs");

function stub() {
  const fn = function () { return proxy; };
  const proxy = new Proxy(fn, {
    get(_t, prop) {
      if (prop === Symbol.toPrimitive) return () => "";
      if (prop === "then") return undefined;
      return proxy;
    },
    apply() { return proxy; },
    construct() { return proxy; },
  });
  return proxy;
}

const recorded = [];
class RuleTester {
  constructor() {}
  run(name, _rule, tests) {
    recorded.push({ name, valid: tests.valid || [], invalid: tests.invalid || [] });
  }
  static setDefaultConfig() {}
}
RuleTester.RuleTester = RuleTester;
const parsers = { all: (cases) => cases, babelParserOptions: () => ({}) };

function fakeRequire(spec) {
  if (/rule-?tester/i.test(spec) || spec === "#test-helpers") return RuleTester;
  if (/helpers\/parsers/.test(spec)) return parsers;
  return stub();
}

let source = fs.readFileSync(process.argv[2], "utf8");
// ESM → a function body: `import {A} from "x"` / `import A from "x"` become stub bindings.
source = source.replace(
  /^import\s+(?:(\w+)\s*,?\s*)?(?:\{([^}]*)\})?\s*from\s*["']([^"']+)["'];?/gm,
  (_m, def, named, spec) => {
    const lines = [];
    if (def) lines.push(`const ${def} = __require(${JSON.stringify(spec)});`);
    if (named) {
      for (const part of named.split(",").map((s) => s.trim()).filter(Boolean)) {
        const [orig, alias] = part.split(/\s+as\s+/);
        lines.push(`const ${alias || orig} = __require(${JSON.stringify(spec)})${orig === "RuleTester" ? "" : ""};`);
      }
    }
    return lines.join("\n");
  },
);
source = source.replace(/^export\s+default\s+/gm, "");
const body = new Function("require", "__require", "module", "exports", "__filename", "__dirname", source);
body(fakeRequire, fakeRequire, { exports: {} }, {}, process.argv[2], ".");

function normalise(item) {
  if (typeof item === "string") return { code: item, errors: [] };
  const errors = Array.isArray(item.errors)
    ? item.errors.map((e) => (typeof e === "string" ? { message: e } : { line: e.line, message: e.message, messageId: e.messageId }))
    : typeof item.errors === "number" ? Array(item.errors).fill({}) : [];
  return { code: String(item.code), errors, filename: item.filename || null, options: item.options || null, settings: item.settings || null };
}
process.stdout.write(JSON.stringify(recorded.map((r) => ({
  name: r.name,
  valid: r.valid.map(normalise),
  invalid: r.invalid.map(normalise),
}))));
