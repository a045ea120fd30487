"""Untrusted input reaching a dangerous sink in JS/TS (AI611-AI618), one rule per family.

All eight read the same per-file analysis (scanners/taint/javascript.py, run once per
file); each reports the flows of its family, with the steps from source to sink.
"""

from __future__ import annotations

from scanners.model import RuleMeta, Severity
from scanners.rules.javascript.syntax import JS_LANGUAGES
from scanners.rules.taint_base import TaintRule, taint_meta
from scanners.taint.flow import Family
from scanners.taint.javascript import js_flows

_WHY = (
    "Assistants wire `req.body`, route parameters and MCP tool arguments straight into the "
    "call that needs them; the validation a hostile value needs is never written. The rule "
    "follows values through assignments, destructuring, template literals, containers, "
    "callbacks and the file's own helpers."
)


def _meta(
    rule_id: str, name: str, title: str, what: str, example: str, use_instead: str, severity: Severity
) -> RuleMeta:
    return taint_meta((rule_id, name), title, (what, _WHY), (example, use_instead), severity, JS_LANGUAGES)


COMMAND_INJECTION_JS = TaintRule(
    _meta(
        "AI611",
        "command-injection-js",
        "Untrusted input reaches a shell command",
        "Flags request data or MCP tool arguments reaching `child_process.exec`/`execSync`, or "
        "`spawn`/`execFile` with `{ shell: true }`.",
        """import { exec, execFile } from "child_process";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

const server = new McpServer({ name: "git", version: "1.0.0" });

function git(args: string) {
  return exec(`git ${args}`);  // expect: AI611
}

server.tool("log", { branch: z.string() }, async ({ branch }) => {
  git("log " + branch);
  return { content: [] };
});

app.post("/convert", (req, res) => {
  execFile("convert", [req.body.file], { shell: true });  // expect: AI611
});
""",
        """import { execFile } from "child_process";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

const server = new McpServer({ name: "git", version: "1.0.0" });
const BRANCHES = ["main", "develop"];

server.tool("log", { branch: z.string() }, async ({ branch }) => {
  if (!BRANCHES.includes(branch)) throw new Error("unknown branch");
  execFile("git", ["log", branch]);
  return { content: [] };
});
""",
        Severity.CRITICAL,
    ),
    Family.COMMAND,
    js_flows,
    "src/example.ts",
)

CODE_INJECTION_JS = TaintRule(
    _meta(
        "AI612",
        "code-injection-js",
        "Untrusted input is evaluated as code",
        "Flags untrusted input reaching `eval`, `new Function`, `vm.run*`, `setTimeout` with a string.",
        """import vm from "vm";

app.post("/calc", (req, res) => {
  const formula = req.body.formula;
  res.json({ value: eval(formula) });  // expect: AI612
});

app.post("/rule", (req, res) => {
  const check = new Function("x", "return " + req.body.rule);  // expect: AI612
  res.json({ ok: vm.runInNewContext(req.query.expr, {}) });  // expect: AI612
});
""",
        """app.post("/calc", (req, res) => {
  const value = Number(req.body.formula);
  res.json({ value: eval(String(value * 2)) });
  setTimeout(() => res.end(), 10);
});
""",
        Severity.CRITICAL,
    ),
    Family.CODE,
    js_flows,
    "src/example.ts",
)

SQL_INJECTION_JS = TaintRule(
    _meta(
        "AI613",
        "sql-injection-js",
        "SQL built from untrusted input",
        "Flags untrusted input formatted into SQL passed to `pg`/`mysql` `query`, "
        "`sequelize.query`, knex `raw`, Prisma `$queryRawUnsafe`.",
        """app.get("/users", async (req, res) => {
  const { name } = req.query;
  const rows = await pool.query(`SELECT * FROM users WHERE name = '${name}'`);  // expect: AI613
  const more = await sequelize.query("SELECT * FROM orders WHERE id = " + req.params.id);  // expect: AI613
  res.json({ rows, more });
});
""",
        """app.get("/users", async (req, res) => {
  const { name } = req.query;
  const rows = await pool.query("SELECT * FROM users WHERE name = $1", [name]);
  const id = parseInt(req.params.id, 10);
  const more = await sequelize.query(`SELECT * FROM orders WHERE id = ${id}`);
  res.json({ rows, more });
});
""",
        Severity.CRITICAL,
    ),
    Family.SQL,
    js_flows,
    "src/example.ts",
)

NOSQL_INJECTION_JS = TaintRule(
    _meta(
        "AI614",
        "nosql-injection-js",
        "Mongo query filter taken from input",
        "Flags a `$where` clause built from input, and request values used directly as filter "
        'values (`{ email: req.body.email }` accepts `{ \\"$ne\\": null }`).',
        """app.post("/login", async (req, res) => {
  const user = await User.findOne({ email: req.body.email, password: req.body.password });  // expect: AI614
  const allocations = await db.collection("allocations").find({  // expect: AI614
    $where: `this.userId == ${req.query.userId}`,
  });
  res.json({ user, allocations });
});
""",
        """app.post("/login", async (req, res) => {
  const user = await User.findOne({ email: String(req.body.email) });
  const userId = parseInt(req.query.userId, 10);
  const allocations = await db.collection("allocations").find({ userId });
  res.json({ user, allocations });
});
""",
        Severity.HIGH,
    ),
    Family.NOSQL,
    js_flows,
    "src/example.ts",
)

CROSS_SITE_SCRIPTING_JS = TaintRule(
    _meta(
        "AI615",
        "cross-site-scripting-js",
        "Untrusted input rendered as HTML without escaping",
        "Flags untrusted input (request data, the page's location, route parameters) reaching "
        "`innerHTML`, `outerHTML`, `insertAdjacentHTML`, `document.write`, "
        "`dangerouslySetInnerHTML`, Angular's `bypassSecurityTrust*`, or an HTML string sent by `res.send`.",
        """export function Banner() {
  const message = new URLSearchParams(window.location.search).get("m");
  return <div dangerouslySetInnerHTML={{ __html: message }} />;  // expect: AI615
}

app.get("/hello", (req, res) => {
  res.send("<h1>Hello " + req.query.name + "</h1>");  // expect: AI615
});

document.getElementById("out").innerHTML = location.hash.slice(1);  // expect: AI615
""",
        """import DOMPurify from "dompurify";

export function Banner() {
  const message = new URLSearchParams(window.location.search).get("m");
  return <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(message) }} />;
}

app.get("/hello", (req, res) => {
  res.send("<h1>Hello " + escapeHtml(req.query.name) + "</h1>");
});

document.getElementById("out").textContent = location.hash.slice(1);
""",
        Severity.HIGH,
    ),
    Family.HTML,
    js_flows,
    "src/example.tsx",  # JSX
)

PATH_TRAVERSAL_JS = TaintRule(
    _meta(
        "AI616",
        "path-traversal-js",
        "File path built from untrusted input",
        "Flags untrusted input reaching `fs.*` or `res.sendFile`/`res.download`, unless reduced "
        "with `path.basename`, or resolved and checked with `startsWith(base)`.",
        """import fs from "fs";
import path from "path";

app.get("/files/:name", (req, res) => {
  const file = path.join(__dirname, "uploads", req.params.name);
  if (file.includes("..")) return res.status(400).end();
  res.sendFile(file);  // expect: AI616
});

app.get("/raw", async (req, res) => {
  res.send(await fs.promises.readFile("data/" + req.query.f));  // expect: AI616
});
""",
        """import fs from "fs";
import path from "path";

const BASE = path.resolve(__dirname, "uploads");

app.get("/files/:name", (req, res) => {
  const file = path.resolve(BASE, req.params.name);
  if (!file.startsWith(BASE + path.sep)) return res.status(403).end();
  res.sendFile(file);
});

app.get("/raw", async (req, res) => {
  res.send(await fs.promises.readFile(path.join("data", path.basename(req.query.f))));
  res.sendFile(req.query.f, { root: BASE });
});
""",
        Severity.HIGH,
    ),
    Family.PATH,
    js_flows,
    "src/example.ts",
)

SSRF_JS = TaintRule(
    _meta(
        "AI617",
        "server-side-request-forgery-js",
        "Outbound request to a URL taken from input",
        "Flags untrusted input used as the URL of `fetch`, `axios`, `got`, `http.get`. A literal "
        "scheme and host before the input, or a host allow-list check, make it safe.",
        """import axios from "axios";

export async function POST(request: Request) {
  const { url } = await request.json();
  const page = await fetch(url);  // expect: AI617
  return Response.json({ size: (await page.text()).length });
}

app.get("/proxy", async (req, res) => {
  const upstream = await axios.get(req.query.target);  // expect: AI617
  res.json(upstream.data);
});
""",
        """import axios from "axios";

const ALLOWED_HOSTS = new Set(["api.example.com"]);

export async function POST(request: Request) {
  const { url } = await request.json();
  if (!ALLOWED_HOSTS.has(new URL(url).hostname)) return new Response("no", { status: 400 });
  const page = await fetch(url);
  return Response.json({ size: (await page.text()).length });
}

app.get("/proxy", async (req, res) => {
  const upstream = await axios.get(`https://api.example.com/items/${encodeURIComponent(req.query.id)}`);
  res.json(upstream.data);
});
""",
        Severity.HIGH,
    ),
    Family.SSRF,
    js_flows,
    "src/example.ts",
)

OPEN_REDIRECT_JS = TaintRule(
    _meta(
        "AI618",
        "open-redirect-js",
        "Redirect to a location taken from input",
        "Flags untrusted input passed to `res.redirect`, `ctx.redirect`, Next's `redirect`/"
        "`NextResponse.redirect`, or assigned to `window.location`.",
        """app.get("/login/done", (req, res) => {
  res.redirect(req.query.returnTo);  // expect: AI618
});

const next = new URLSearchParams(location.search).get("next");
window.location.href = next;  // expect: AI618
""",
        """const SAFE = ["/", "/account", "/orders"];

app.get("/login/done", (req, res) => {
  const target = req.query.returnTo;
  if (!SAFE.includes(target)) return res.redirect("/");
  res.redirect(target);
});
""",
        Severity.MEDIUM,
    ),
    Family.REDIRECT,
    js_flows,
    "src/example.ts",
)

JS_TAINT_RULES = (
    COMMAND_INJECTION_JS,
    CODE_INJECTION_JS,
    SQL_INJECTION_JS,
    NOSQL_INJECTION_JS,
    CROSS_SITE_SCRIPTING_JS,
    PATH_TRAVERSAL_JS,
    SSRF_JS,
    OPEN_REDIRECT_JS,
)
