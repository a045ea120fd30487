"""The JS/TS taint walker beyond the rules' documented examples: exact (family, line)
pairs, flow steps, sanitisers and guards."""

from __future__ import annotations

from scanners.source import SourceFile
from scanners.taint.javascript import js_flows


def _flows(code: str, language: str = "javascript") -> list[tuple[str, int]]:
    return [(f.family.value, f.line) for f in js_flows(SourceFile("src/a.js", code, language))]


def test_a_flow_into_a_helper_is_reported_at_the_sink_with_the_call_step() -> None:
    code = (
        "const { exec } = require('child_process');\n"
        "function run(cmd) {\n"
        "  exec(cmd);\n"
        "}\n"
        "app.get('/x', (req, res) => {\n"
        "  const { name } = req.query;\n"
        "  run('ls ' + name);\n"
        "});\n"
    )
    (flow,) = js_flows(SourceFile("a.js", code, "javascript"))
    assert (flow.family.value, flow.line) == ("command", 3)
    assert [(line, message) for line, _, message in flow.steps] == [
        (6, "`req.query` (request data)"),
        (6, "assigned to `name`"),
        (7, "passed to `run()`"),
        (3, "`exec()` runs a shell command"),
    ]


def test_closures_see_the_tainted_variables_of_their_parent() -> None:
    code = (
        "app.post('/x', (req, res) => {\n"
        "  const file = req.body.file;\n"
        "  db.get(1, (err, row) => {\n"
        "    fs.readFileSync(file);\n"
        "  });\n"
        "});\n"
    )
    assert _flows(code) == [("path", 4)]


def test_regex_exec_and_parameterised_queries_are_quiet() -> None:
    code = (
        "app.get('/x', async (req, res) => {\n"
        "  const m = /a(b)/.exec(req.query.s);\n"
        "  await pool.query('SELECT 1 WHERE a = $1', [req.query.s]);\n"
        "  await pool.query('SELECT 1 WHERE a = ' + Number(req.query.s));\n"
        "  await pool.query('SELECT 1 WHERE a = ' + req.query.s);\n"
        "});\n"
    )
    assert _flows(code) == [("sql", 5)]


def test_a_deny_list_includes_does_not_clear_but_an_allow_list_does() -> None:
    code = (
        "app.get('/x', (req, res) => {\n"
        "  const p = req.query.p;\n"
        "  if (p.includes('..')) return res.status(400).end();\n"
        "  fs.readFile(p, cb);\n"
        "  if (!ALLOWED.includes(p)) return res.status(400).end();\n"
        "  fs.readFile(p, cb);\n"
        "});\n"
    )
    assert _flows(code) == [("path", 4)]


def test_typeof_checks_are_not_validation() -> None:
    code = (
        "app.get('/x', (req, res) => {\n"
        "  const c = req.query.c;\n"
        "  if (typeof c !== 'string') return res.status(400).end();\n"
        "  eval(c);\n"
        "});\n"
    )
    assert _flows(code) == [("code", 4)]


def test_mcp_request_handler_and_register_tool_arguments_are_sources() -> None:
    code = (
        "server.setRequestHandler(CallToolRequestSchema, async (request) => {\n"
        "  const { path } = request.params.arguments;\n"
        "  return fs.readFileSync(path, 'utf8');\n"
        "});\n"
        "server.registerTool('run', { inputSchema: {} }, async ({ command }) => {\n"
        "  execSync(command);\n"
        "});\n"
    )
    assert _flows(code) == [("path", 3), ("command", 6)]


def test_next_route_handler_params_and_server_actions_are_sources() -> None:
    code = (
        "export async function GET(request, { params }) {\n"
        "  return fetch(params.url);\n"
        "}\n"
        "export async function save(formData) {\n"
        "  'use server';\n"
        "  await sql.unsafe(`DELETE FROM t WHERE id = ${formData.get('id')}`);\n"
        "}\n"
    )
    assert _flows(code, "typescript") == [("ssrf", 2), ("sql", 6)]


def test_files_without_any_source_marker_are_not_walked() -> None:
    code = "function f(a) { eval(a); }\n"
    assert _flows(code) == []


def test_network_responses_are_sources_but_not_for_ssrf() -> None:
    code = (
        "async function load() {\n"
        "  const data = await (await fetch('/api/banner')).json();\n"
        "  document.body.innerHTML = data.html;\n"
        "  await fetch(data.next);\n"
        "}\n"
    )
    assert _flows(code) == [("html", 3)]
