"""The Python taint walker beyond the rules' documented examples: exact (rule, line)
pairs, the steps of a flow, sanitisers and guards that must keep it quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanners.source import SourceFile
from scanners.taint.python import python_flows
from tests.scanners.rules.harness import lines_of


def _flows(code: str) -> list[tuple[str, int]]:
    return [(f.family.value, f.line) for f in python_flows(SourceFile("app/views.py", code, "python"))]


def test_a_flow_through_two_helpers_is_reported_at_the_sink_with_every_step() -> None:
    code = (
        "import subprocess\n"
        "from flask import request\n"
        "def run(command):\n"
        "    return subprocess.run(command, shell=True)\n"
        "def build(name):\n"
        "    return 'ls ' + name\n"
        "@app.route('/x')\n"
        "def view():\n"
        "    name = request.args['n']\n"
        "    run(build(name))\n"
    )
    (flow,) = python_flows(SourceFile("a.py", code, "python"))
    assert (flow.family.value, flow.line) == ("command", 4)
    assert [(line, message) for line, _, message in flow.steps] == [
        (9, "`request.args` (request data)"),
        (9, "assigned to `name`"),
        (10, "returned by `build()`"),
        (10, "passed to `run()`"),
        (4, "`subprocess.run(..., shell=True)` runs a shell command"),
    ]


def test_parameterised_queries_and_int_conversion_are_quiet() -> None:
    code = (
        "def view(request):\n"
        "    q = request.GET['q']\n"
        "    cursor.execute('SELECT 1 WHERE a = %s', [q])\n"
        "    n = int(q)\n"
        "    cursor.execute(f'SELECT 1 LIMIT {n}')\n"
        "    cursor.execute(f'SELECT 1 WHERE a = {q}')\n"
    )
    assert _flows(code) == [("sql", 6)]


def test_a_deny_list_check_does_not_clear_but_an_allow_list_does() -> None:
    code = (
        "import os\n"
        "def view(request):\n"
        "    cmd = request.POST['cmd']\n"
        "    if ';' in cmd:\n"
        "        return None\n"
        "    os.system(cmd)\n"
        "    if cmd not in ALLOWED:\n"
        "        raise ValueError(cmd)\n"
        "    os.system(cmd)\n"
    )
    assert _flows(code) == [("command", 6)]


def test_a_guard_clears_only_inside_the_branch_it_guards() -> None:
    code = (
        "import os\n"
        "def view(request):\n"
        "    name = request.GET['f']\n"
        "    if name in ALLOWED:\n"
        "        open(name)\n"
        "    open(name)\n"
    )
    assert _flows(code) == [("path", 6)]


def test_assignment_in_one_branch_keeps_the_taint_of_the_other() -> None:
    code = (
        "import os\n"
        "def view(request):\n"
        "    cmd = request.GET['c']\n"
        "    if flag:\n"
        "        cmd = 'ls'\n"
        "    os.system(cmd)\n"
        "    cmd = 'pwd'\n"
        "    os.system(cmd)\n"
    )
    assert _flows(code) == [("command", 6)]


def test_containers_format_and_join_carry_taint() -> None:
    code = (
        "import os\n"
        "def view(request):\n"
        "    parts = ['echo', request.GET['x']]\n"
        "    os.system(' '.join(parts))\n"
        "    opts = {'arg': request.GET['y']}\n"
        "    os.system('run {}'.format(opts['arg']))\n"
    )
    assert _flows(code) == [("command", 4), ("command", 6)]


def test_fastapi_typed_parameters_and_dependencies_are_not_sources() -> None:
    code = (
        "from fastapi import Depends\n"
        "@app.get('/items/{item_id}')\n"
        "def item(item_id: int, q: str, body: ItemModel, db=Depends(get_db)):\n"
        "    eval(item_id)\n"
        "    eval(body)\n"
        "    eval(db)\n"
        "    eval(q)\n"
    )
    assert _flows(code) == [("code", 7)]


def test_mcp_call_tool_handler_arguments_are_sources() -> None:
    code = (
        "import subprocess\n"
        "@server.call_tool()\n"
        "async def call_tool(name, arguments):\n"
        "    subprocess.run(arguments['cmd'], shell=True)\n"
        "    subprocess.run(['ls', arguments['cmd']])\n"
    )
    assert _flows(code) == [("command", 4)]


def test_input_and_network_responses_are_sources() -> None:
    code = (
        "import requests\n"
        "value = input('expr? ')\n"
        "eval(value)\n"
        "config = requests.get('https://example.com/c', timeout=3).json()\n"
        "exec(config['code'])\n"
    )
    assert _flows(code) == [("code", 3), ("code", 5)]


def test_a_plain_function_with_no_source_is_quiet() -> None:
    code = "import os\ndef clean(path):\n    os.system('rm ' + path)\n    open(path)\n"
    assert _flows(code) == []


def test_class_based_view_helpers_through_self(tmp_path: Path) -> None:
    code = (
        "import os\n"
        "class V(View):\n"
        "    def get(self, request, name):\n"
        "        return self.show(name)\n"
        "    def show(self, value):\n"
        "        return open(value)\n"
    )
    assert lines_of("AI605", code, tmp_path) == [6]


def test_django_view_url_captures_and_redirect_guards(tmp_path: Path) -> None:
    code = (
        "from django.shortcuts import redirect\n"
        "from django.utils.http import url_has_allowed_host_and_scheme\n"
        "def go(request):\n"
        "    nxt = request.GET.get('next')\n"
        "    if url_has_allowed_host_and_scheme(nxt, None):\n"
        "        return redirect(nxt)\n"
        "    return redirect(nxt)\n"
    )
    assert lines_of("AI607", code, tmp_path) == [7]


def test_a_recursive_helper_with_a_sink_terminates_and_reports_once() -> None:
    code = (
        "import os\n"
        "def walk(path, depth):\n"
        "    os.system('ls ' + path)\n"
        "    for child in path.split('/'):\n"
        "        walk(child, depth + 1)\n"
        "        walk(path + child, depth + 1)\n"
        "def view(request):\n"
        "    walk(request.GET['p'], 0)\n"
    )
    assert _flows(code) == [("command", 3)]


def test_a_long_concatenation_is_walked_in_linear_time() -> None:
    code = "def view(request):\n    q = request.GET['q']\n    cursor.execute('a' " + "+ q " * 60 + ")\n"
    assert _flows(code) == [("sql", 3)]


def test_building_a_request_object_is_not_a_network_response() -> None:
    code = (
        "import httpx, pickle\n"
        "request = httpx.Request('GET', 'https://example.com')\n"
        "copy = pickle.loads(pickle.dumps(request))\n"
        "data = httpx.get('https://example.com').json()\n"
        "eval(data['x'])\n"
    )
    assert _flows(code) == [("code", 5)]


def test_a_regex_guard_clears_the_string_it_matches_not_the_pattern() -> None:
    code = (
        "import os, re\n"
        "NAME = re.compile(r'[a-z]+')\n"
        "PATTERN = r'[a-z]+'\n"
        "def view(request):\n"
        "    name = request.GET['n']\n"
        "    if re.fullmatch(PATTERN, name):\n"
        "        os.system('ls ' + name)\n"
        "    if re.match(string=name, pattern=PATTERN):\n"
        "        os.system('ls ' + name)\n"
        "    if NAME.fullmatch(name):\n"
        "        os.system('ls ' + name)\n"
        "    if re.fullmatch(name, 'abc'):\n"
        "        os.system('ls ' + name)\n"
    )
    assert _flows(code) == [("command", 13)]


SOURCES_OF_EVERY_KIND = {
    "request attribute": "def view(request):\n    os.system(request.GET['c'])\n",
    "req attribute": "def view(req):\n    os.system(req.args['c'])\n",
    "self.request": "class V(View):\n    def post(self):\n        os.system(self.request.POST['c'])\n",
    "input()": "os.system(input())\n",
    "aliased input()": "from builtins import input as ask\nos.system(ask())\n",
    "network response": "import requests\neval(requests.get(URL).text)\n",
    "urlopen response": "from urllib.request import urlopen\neval(urlopen(URL).read())\n",
    "route parameter": "@app.route('/<c>')\ndef view(c):\n    os.system(c)\n",
    "tool argument": "@mcp.tool()\ndef run(c: str):\n    os.system(c)\n",
    "view method parameter": "class V(View):\n    def get(self, request, c):\n        os.system(c)\n",
}


@pytest.mark.parametrize("kind", sorted(SOURCES_OF_EVERY_KIND))
def test_the_cheap_source_test_lets_every_kind_of_source_through(kind: str) -> None:
    # Files the pre-test rejects are never walked: a source it forgot would lose its flows.
    flows = _flows("import os\n" + SOURCES_OF_EVERY_KIND[kind])
    assert len(flows) == 1
    assert flows[0][0] in ("command", "code")


def test_a_file_with_no_possible_source_is_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    import scanners.taint.python as walker

    def fail(*args: object) -> None:
        raise AssertionError("walked a file with no source")

    monkeypatch.setattr(walker._Walker, "module", fail)
    code = "import os, subprocess\ndef run(command):\n    os.system(command)\n    return run(command + 'x')\n"
    assert python_flows(SourceFile("lib/run.py", code, "python")) == ()
    with pytest.raises(AssertionError, match="walked"):
        python_flows(SourceFile("lib/run.py", code + "run(input())\n", "python"))


def test_a_fallback_after_and_not_valid_clears_the_redirect_target() -> None:
    # Django's set_language: when the test is false, `next` is empty or passed the check.
    code = (
        "from django.http import HttpResponseRedirect\n"
        "from django.utils.http import url_has_allowed_host_and_scheme\n"
        "def view(request):\n"
        "    nxt = request.GET.get('next')\n"
        "    if (nxt or request.accepts('text/html')) and not url_has_allowed_host_and_scheme(url=nxt):\n"
        "        nxt = '/'\n"
        "    return HttpResponseRedirect(nxt)\n"
    )
    assert _flows(code) == []
    # Staff only: for everyone else `next` was never checked.
    unchecked = code.replace("(nxt or request.accepts('text/html'))", "request.user.is_staff")
    assert _flows(unchecked) == [("redirect", 7)]
