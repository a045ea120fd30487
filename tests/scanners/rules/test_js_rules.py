"""Behaviour of the JS/TS temporal, happy-path, concurrency and security rules beyond
their documented examples: the idioms of well-kept code must stay quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scanners.model import Severity
from scanners.rules.base import Hit
from scanners.rules.javascript.deprecated import DeprecatedJsApi
from scanners.rules.javascript.fetch import UncheckedFetchResponse, UnguardedExternalData
from scanners.rules.javascript.password_hash import WeakPasswordHashJs
from scanners.rules.javascript.promises import PromiseWithoutCatch
from scanners.rules.javascript.races import CheckThenActAcrossAwaitJs
from scanners.rules.javascript.react import DeprecatedReactApi
from scanners.rules.javascript.security import (
    FORMAT_HINTS_BY_LABEL,
    HardcodedSecretJs,
    SensitiveDataInConsole,
)
from scanners.rules.secrets import KNOWN_FORMATS
from tests.scanners.rules.harness import assert_marked, hit_lines, run_rule


def _hits(rule: Any, code: str, tmp_path: Path, filename: str = "src/a.tsx", **files: str) -> list[Hit]:
    extra = {name.replace("__", "/").replace("_json", ".json"): text for name, text in files.items()}
    return run_rule(rule, code, tmp_path, filename=filename, extra_files=extra)


def _lines(rule: Any, code: str, tmp_path: Path, filename: str = "src/a.tsx", **files: str) -> list[int]:
    return hit_lines(_hits(rule, code, tmp_path, filename, **files))


REACT_17 = '{"dependencies": {"react": "^17.0.2", "react-dom": "^17.0.2"}}'
REACT_19 = '{"dependencies": {"react": "^19.0.0", "react-dom": "^19.0.0"}}'
LEGACY_ROOT = (
    "import ReactDOM from 'react-dom';\nReactDOM.render(<App />, root);\nReactDOM.hydrate(<App />, root);\n"
)


# AI211 deprecated-react-api
def test_react_apis_removed_from_where_code_reaches_them_are_flagged_in_every_form(tmp_path: Path) -> None:
    code = (
        "import { createClass, PropTypes as P } from 'react';  // expect: AI211\n"
        "const { printDOM } = require('react-addons-perf');  // expect: AI211\n"
        "import { renderToNodeStream } from 'react-dom/server';  // expect: AI211\n"
        "import { act, renderIntoDocument } from 'react-dom/test-utils';  // expect: AI211\n"
        "React.render(<App />, root);  // expect: AI211\n"
        "const div = React.DOM.div;  // expect: AI211\n"
        "React.addons.TestUtils.Simulate.click(node);  // expect: AI211\n"
        "printDOM(); renderToNodeStream(el); createClass({}); P.string;\n"
    )
    hits = _hits(DeprecatedReactApi(), code, tmp_path, filename="src/a.jsx", package_json=REACT_19)
    assert hit_lines(hits) == [1, 1, 2, 3, 4, 5, 6, 7]  # createClass and PropTypes on line 1
    assert next(h for h in hits if h.line == 5).message == (
        "`React.render` was removed in React 15 (this package declares React 19); "
        "use `createRoot(container).render(element)` from `react-dom/client`."
    )


def test_react_table_respects_the_declared_version_and_local_names(tmp_path: Path) -> None:
    old = '{"dependencies": {"react": "~0.13.3"}}'
    code = "React.render(<App />, root);\nconst React = makeReact();\n"
    assert _lines(DeprecatedReactApi(), "React.render(<App />, root);\n", tmp_path, package_json=old) == []
    assert _lines(DeprecatedReactApi(), code, tmp_path, package_json=REACT_19) == []


def test_react_17_legacy_root_render_is_correct_and_quiet(tmp_path: Path) -> None:
    assert _lines(DeprecatedReactApi(), LEGACY_ROOT, tmp_path, package_json=REACT_17) == []


def test_react_19_legacy_root_is_high_severity(tmp_path: Path) -> None:
    hits = _hits(DeprecatedReactApi(), LEGACY_ROOT, tmp_path, package_json=REACT_19)
    assert hit_lines(hits) == [2, 3]
    assert {h.severity for h in hits} == {Severity.HIGH}


def test_undeclared_react_version_flags_legacy_root_at_low_severity(tmp_path: Path) -> None:
    hits = _hits(DeprecatedReactApi(), LEGACY_ROOT, tmp_path)
    assert [h.severity for h in hits] == [Severity.LOW, Severity.LOW]


def test_named_render_from_react_dom_is_flagged_but_testing_library_render_is_not(tmp_path: Path) -> None:
    code = (
        "import { render } from 'react-dom';\nimport { render as r } from '@testing-library/react';\n"
        "render(<App />, el);\nr(<App />);\n"
    )
    assert _lines(DeprecatedReactApi(), code, tmp_path, package_json=REACT_19) == [3]


def test_lifecycle_names_outside_class_components_are_not_flagged(tmp_path: Path) -> None:
    code = "class Store {\n  componentWillMount() {}\n}\nconst o = { componentWillMount() {} };\n"
    assert _lines(DeprecatedReactApi(), code, tmp_path, package_json=REACT_19) == []


def test_preact_projects_keep_their_lifecycles(tmp_path: Path) -> None:
    code = "import { Component } from 'preact';\nclass A extends Component {\n  componentWillMount() {}\n}\n"
    assert (
        _lines(DeprecatedReactApi(), code, tmp_path, package_json='{"dependencies": {"preact": "10"}}') == []
    )


def test_find_dom_node_and_default_props_on_function_components_in_react_19(tmp_path: Path) -> None:
    code = (
        "import ReactDOM from 'react-dom';\nfunction Card() { return <div />; }\n"
        "Card.defaultProps = { size: 1 };\nclass Old extends React.Component {}\n"
        "Old.defaultProps = { size: 1 };\nReactDOM.findDOMNode(this);\nconst x = this.refs.input;\n"
    )
    hits = _hits(DeprecatedReactApi(), code, tmp_path, package_json=REACT_19)
    assert hit_lines(hits) == [3, 6, 7]
    assert {h.severity for h in hits} == {Severity.HIGH}


# AI212 deprecated-js-api
def test_local_or_member_escape_and_modern_buffer_apis_are_quiet(tmp_path: Path) -> None:
    code = (
        "function escape(s) { return s; }\nescape('x');\nhtml.escape('y');\nBuffer.from('z');\n"
        "Buffer.alloc(4);\ns.substring(1);\n"
    )
    assert _lines(DeprecatedJsApi(), code, tmp_path, filename="src/a.js") == []


def test_arguments_callee_and_legacy_accessors_are_flagged(tmp_path: Path) -> None:
    code = "function f() { return arguments.callee; }\nobj.__defineGetter__('a', g);\nunescape('%41');\n"
    assert _lines(DeprecatedJsApi(), code, tmp_path, filename="src/a.js") == [1, 2, 3]


# AI213 weak-password-hash-js
def test_slow_kdfs_and_fast_hashes_of_non_passwords_are_quiet(tmp_path: Path) -> None:
    code = (
        "import crypto from 'crypto';\n"
        "crypto.pbkdf2Sync(password, salt, 600000, 64, 'sha512');\n"
        "crypto.scrypt(password, salt, 64, cb);\n"
        "crypto.createHash('sha256').update(apiToken).digest('hex');\n"
        "md5(fileContents);\n"
    )
    assert _lines(WeakPasswordHashJs(), code, tmp_path, filename="src/a.js") == []


def test_web_crypto_digest_of_an_encoded_password_is_flagged(tmp_path: Path) -> None:
    code = "const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(password));\n"
    assert _lines(WeakPasswordHashJs(), code, tmp_path, filename="src/a.ts") == [1]


# AI311 unchecked-fetch-response
def test_fetch_responses_checked_or_handed_off_are_quiet(tmp_path: Path) -> None:
    code = (
        "async function a(u) {\n  const res = await fetch(u);\n"
        "  if (!res.ok) throw new Error(res.statusText);\n"
        "  return res.json();\n}\n"
        "async function b(u) {\n  const res = await fetch(u);\n"
        "  await assertOk(res);\n  return res.text();\n}\n"
        "async function c(u) {\n  const res = await fetch(u);\n  return res;\n}\n"
        "const d = (u) => fetch(u).then((r) => (r.ok ? r.json() : null));\n"
        "async function e(u) {\n  const res = await fetch(u);\n  return res.headers.get('etag');\n}\n"
    )
    assert _lines(UncheckedFetchResponse(), code, tmp_path, filename="src/a.js") == []


def test_function_expression_then_callback_is_checked_too(tmp_path: Path) -> None:
    code = "fetch(url).then(function (response) {\n  return response.json();\n});\n"
    assert _lines(UncheckedFetchResponse(), code, tmp_path, filename="src/a.js") == [2]


# AI312 unguarded-external-data
def test_guarded_or_non_async_code_is_quiet_and_test_code_is_scanned(tmp_path: Path) -> None:
    code = (
        "async function a(u) {\n  try {\n    const r = await fetch(u);\n"
        "    return JSON.parse(await r.text());\n"
        "  } catch (e) {\n    throw new Error('failed', { cause: e });\n  }\n}\n"
        "function b(u) {\n  return fetch(u);\n}\n"
        "async function c(u) {\n  return await fetch(u).catch(() => null);\n}\n"
        "async function d() {\n  return JSON.parse('{}');\n}\n"
    )
    assert _lines(UnguardedExternalData(), code, tmp_path, filename="src/a.js") == []
    awaited = "async function t(u) {\n  const r = await fetch(u);\n}\n"
    # Test code is scanned too (the engine caps the severity there, see test_testcode.py).
    assert _lines(UnguardedExternalData(), awaited, tmp_path, filename="src/__tests__/api.test.js") == [2]


def test_try_with_only_finally_does_not_guard(tmp_path: Path) -> None:
    code = "async function a(u) {\n  try {\n    await fetch(u);\n  } finally {\n    done();\n  }\n}\n"
    assert _lines(UnguardedExternalData(), code, tmp_path, filename="src/a.js") == [3]


def test_json_parse_of_a_variable_read_from_a_file_is_flagged(tmp_path: Path) -> None:
    code = (
        "async function load(p) {\n  const raw = await fs.readFile(p, 'utf8');\n"
        "  return JSON.parse(raw);\n}\n"
    )
    assert _lines(UnguardedExternalData(), code, tmp_path, filename="src/a.js") == [3]


# AI313 promise-without-catch
def test_handled_returned_awaited_or_assigned_chains_are_quiet(tmp_path: Path) -> None:
    code = (
        "async function f() {\n  load().then(a).catch(b);\n  load().then(null, b);\n"
        "  load().then(a).then(null, b);\n"
        "  await load().then(a);\n  const q = load().then(a);\n  ready.then(a);\n"
        "  sleep(5).then(a);\n  return load().then(a);\n}\n"
    )
    assert _lines(PromiseWithoutCatch(), code, tmp_path, filename="src/a.js") == []


def test_finally_alone_does_not_handle_rejection(tmp_path: Path) -> None:
    assert _lines(PromiseWithoutCatch(), "save().then(a).finally(b);\n", tmp_path, filename="src/a.js") == [1]


def test_a_rejection_handler_beside_the_callback_does_not_cover_the_callback(tmp_path: Path) -> None:
    # `.then(a, b)`: `b` handles `load()` failing, nothing handles `a` throwing.
    code = (
        "function f(promise, other) {\n  load().then(a, b);\n  promise.then(cb);\n"
        "  other.then(cb);\n  return other;\n}\nload().catch(b).finally(c);\n"
    )
    assert _lines(PromiseWithoutCatch(), code, tmp_path, filename="src/a.js") == [2, 3]


# AI412 check-then-act-across-await-js
def test_claiming_the_flag_before_awaiting_is_quiet(tmp_path: Path) -> None:
    code = (
        "let loading = false;\nlet data = null;\n"
        "async function load() {\n  if (!loading) {\n    loading = true;\n    data = await fetchData();\n"
        "    loading = false;\n  }\n}\n"
    )
    assert _lines(CheckThenActAcrossAwaitJs(), code, tmp_path, filename="src/a.js") == []


def test_locals_consts_and_sync_functions_are_not_shared_state(tmp_path: Path) -> None:
    code = (
        "let cache = null;\nconst config = {};\n"
        "async function a() {\n  let cache = null;\n  if (!cache) {\n    cache = await load();\n  }\n}\n"
        "function b() {\n  if (!cache) {\n    cache = load();\n  }\n}\n"
        "async function c() {\n  if (!config.x) {\n    config.x = await load();\n  }\n}\n"
    )
    assert _lines(CheckThenActAcrossAwaitJs(), code, tmp_path, filename="src/a.js") == []


def test_assignment_after_an_earlier_await_in_the_branch_is_flagged(tmp_path: Path) -> None:
    code = (
        "let token;\nexport const get = async () => {\n  if (!token) {\n    const r = await login();\n"
        "    token = r.token;\n  }\n  return token;\n};\n"
    )
    assert _lines(CheckThenActAcrossAwaitJs(), code, tmp_path, filename="src/a.js") == [5]


# AI511 sensitive-data-in-console
def test_messages_lengths_redactions_and_non_loggers_are_quiet(tmp_path: Path) -> None:
    code = (
        "console.log('password reset requested for', email);\nconsole.log(password.length);\n"
        "logger.info({ password: '[REDACTED]' });\nlogger.error(err);\nMath.log(token);\n"
        "console.warn(mask(apiKey));\nconsole.log({ hasPassword: true, tokenCount });\n"
    )
    assert _lines(SensitiveDataInConsole(), code, tmp_path, filename="src/a.js") == []


def test_instance_loggers_headers_and_stringified_objects_are_flagged(tmp_path: Path) -> None:
    code = (
        "this.logger.warn({ user, password: pw });\nlog.debug('auth', req.headers.authorization);\n"
        "console.error(JSON.stringify({ secret }));\nconsole.log(`cookie=${req.headers['cookie']}`);\n"
    )
    assert _lines(SensitiveDataInConsole(), code, tmp_path, filename="src/a.js") == [1, 2, 3, 4]


# AI512 hardcoded-secret-js
def test_the_secret_never_appears_in_message_or_snippet(tmp_path: Path) -> None:
    secret = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    hits = _hits(HardcodedSecretJs(), f"const t = ['{secret}'];\n", tmp_path, filename="src/a.js")
    assert hit_lines(hits) == [1]
    assert secret not in hits[0].message
    assert hits[0].snippet is not None
    assert secret not in hits[0].snippet
    assert "ghp_" in hits[0].snippet


def test_placeholders_env_lookups_and_unnamed_random_strings_are_quiet(tmp_path: Path) -> None:
    code = (
        "const apiKey = process.env.API_KEY;\nconst secret = 'your-secret-here';\n"
        "const password = '${DB_PASSWORD}';\nconst checksum = 'q8Zt3vR1xWm9Lp2Kd7Fh4Ns6Yb0Cj5Ue';\n"
        "const token = `Bearer ${apiKey}`;\n"
    )
    assert _lines(HardcodedSecretJs(), code, tmp_path, filename="src/a.js") == []


def test_class_fields_and_default_parameters_are_named_contexts(tmp_path: Path) -> None:
    code = (
        "class Client {\n  private apiKey = 'q8Zt3vR1xWm9Lp2Kd7Fh4Ns6Yb0Cj5Ue';\n}\n"
        "function connect(secretKey = 'Zq9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe') {}\n"
    )
    assert _lines(HardcodedSecretJs(), code, tmp_path, filename="src/a.ts") == [2, 4]


def test_every_known_secret_format_has_a_prefilter_hint() -> None:
    assert {label for label, _ in KNOWN_FORMATS} <= set(FORMAT_HINTS_BY_LABEL)


def test_a_front_end_session_object_printed_to_the_console_is_sensitive(tmp_path: Path) -> None:
    rule = SensitiveDataInConsole()
    code = (
        "const session = await login(user, password);\n"
        "console.log('session', session);\n"
        "console.log(db.session.id);\n"
        "console.log('sessions open', sessionCount);\n"
    )
    assert [h.line for h in run_rule(rule, code, tmp_path, filename="src/auth.ts")] == [2]


# AI413 lost-update-across-await-js
def test_lost_update_js_covers_logical_assignment_ternaries_closures_and_members(tmp_path: Path) -> None:
    code = (
        "let cache;\n"
        "const stats = { hits: 0 };\n"
        "export async function load(key, cond) {\n"
        "  cache ||= await fetchAll();  // expect: AI413\n"
        "  cache = cond ? cache : await fetchAll();\n"
        "  cache = cond ? cache + await more() : null;  // expect: AI413\n"
        "  stats.hits = stats.hits + await count(key);  // expect: AI413\n"
        "  stats.hits = (await count(key)) + stats.hits;\n"
        "  let local = 0;\n"
        "  local += await count(key);\n"
        "  let seen = 0;\n"
        "  onDone(() => seen);\n"
        "  seen += await count(key);  // expect: AI413\n"
        "}\n"
        "function sync() { cache += 1; }\n"
    )
    assert_marked("AI413", code, tmp_path, filename="src/a.js")


# AI511 sensitive-data-in-console: whole objects, personal data, debug loggers
def test_console_rule_covers_whole_objects_personal_data_and_debug_loggers(tmp_path: Path) -> None:
    code = (
        "import createDebug from 'debug';\n"
        "const trace = require('debug')('app:http');\n"
        "const dbg = createDebug('app:db');\n"
        "export function handle(req, user, order) {\n"
        "  trace('request %o', req.headers);  // expect: AI511\n"
        "  dbg('env', process.env);  // expect: AI511\n"
        "  console.log('charging', order.cardNumber);  // expect: AI511\n"
        "  logger.info(JSON.stringify(user));  // expect: AI511\n"
        "  pino.info({ body: req.body }, 'login');  // expect: AI511\n"
        "  console.log('path', req.path, 'user', user.id, order.total);\n"
        "  trace('header count', Object.keys(req.headers).length);\n"
        "  format('token');\n"
        "}\n"
    )
    assert_marked("AI511", code, tmp_path, filename="src/a.js")
