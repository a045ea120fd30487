"""Untrusted input reaching a dangerous sink in Python (AI601-AI607), one rule per family.

All seven read the same per-file analysis (scanners/taint/python.py, run once per file);
each reports the flows of its family, with the steps from source to sink.
"""

from __future__ import annotations

from scanners.model import RuleMeta, Severity
from scanners.rules.taint_base import TaintRule, taint_meta
from scanners.taint.flow import Family
from scanners.taint.python import python_flows

_WHY = (
    "Assistants wire request data straight into the call that needs it: the happy path works "
    "in the demo, and the check that a hostile value needs is never written. The defect is "
    "not one call but a value travelling from the request to the sink without a check, so "
    "the rule follows values through assignments, string building, containers and the "
    "file's own helpers."
)


def _meta(
    rule_id: str, name: str, title: str, what: str, example: str, use_instead: str, severity: Severity
) -> RuleMeta:
    return taint_meta((rule_id, name), title, (what, _WHY), (example, use_instead), severity, ("python",))


COMMAND_INJECTION = TaintRule(
    _meta(
        "AI601",
        "command-injection",
        "Untrusted input reaches a shell command",
        "Flags request data, tool arguments or `input()` that reach `os.system`, `os.popen`, or "
        "`subprocess` with `shell=True` (or `sh -c`) without `shlex.quote` or an allow-list.",
        """import os
import subprocess
from flask import Flask, request

app = Flask(__name__)


def run(command):
    return subprocess.run(command, shell=True)  # expect: AI601


@app.route("/ping")
def ping():
    host = request.args.get("host", "")
    os.system("ping -c 1 " + host)  # expect: AI601
    return run(f"nslookup {host}")
""",
        """import shlex
import subprocess
from flask import Flask, abort, request

app = Flask(__name__)
TOOLS = {"ping", "nslookup"}


@app.route("/ping")
def ping():
    host = request.args.get("host", "")
    subprocess.run(["ping", "-c", "1", host])  # no shell: the value is one argument
    subprocess.run("ping -c 1 " + shlex.quote(host), shell=True)
    tool = request.args.get("tool", "")
    if tool not in TOOLS:
        abort(400)
    return subprocess.run(tool, shell=True)
""",
        Severity.CRITICAL,
    ),
    Family.COMMAND,
    python_flows,
)

CODE_INJECTION = TaintRule(
    _meta(
        "AI602",
        "code-injection",
        "Untrusted input is evaluated as code",
        "Flags untrusted input reaching `eval`, `exec`, `render_template_string`, jinja2 "
        "`from_string`, or unsafe deserialisers (`pickle.loads`, `yaml.load` without a safe loader).",
        """import pickle
from flask import Flask, render_template_string, request
from mcp.server.fastmcp import FastMCP

app = Flask(__name__)
mcp = FastMCP("calc")


@mcp.tool()
def calculate(expression: str) -> str:
    return str(eval(expression))  # expect: AI602


@app.route("/hello")
def hello():
    name = request.args["name"]
    state = pickle.loads(request.data)  # expect: AI602
    return render_template_string("<p>Hello " + name + "</p>")  # expect: AI602
""",
        """import ast
import json
from flask import Flask, render_template, request
from mcp.server.fastmcp import FastMCP

app = Flask(__name__)
mcp = FastMCP("calc")


@mcp.tool()
def calculate(expression: str, precision: int) -> str:
    return str(ast.literal_eval(expression)) + str(eval(precision))


@app.route("/hello")
def hello():
    state = json.loads(request.data)
    return render_template("hello.html", name=request.args["name"], state=state)
""",
        Severity.CRITICAL,
    ),
    Family.CODE,
    python_flows,
)

SQL_INJECTION = TaintRule(
    _meta(
        "AI603",
        "sql-injection",
        "SQL built from untrusted input",
        "Flags untrusted input formatted into SQL passed to DB-API `execute`, SQLAlchemy `text`, "
        "Django `raw`/`extra`/`RawSQL`. Parameters passed separately are fine.",
        """from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import JsonResponse
from myapp.models import User


def search(request):
    name = request.GET.get("name", "")
    query = "SELECT id FROM users WHERE name = '%s'" % name
    with connection.cursor() as cursor:
        cursor.execute(query)  # expect: AI603
    users = User.objects.raw(f"SELECT * FROM users WHERE name = '{name}'")  # expect: AI603
    ranked = User.objects.annotate(rank=RawSQL("score * " + request.GET["w"], []))  # expect: AI603
    return JsonResponse({"n": len(list(users)), "r": ranked.count()})
""",
        """from django.db import connection
from django.http import JsonResponse
from myapp.models import User


def search(request):
    name = request.GET.get("name", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM users WHERE name = %s", [name])
    users = User.objects.raw("SELECT * FROM users WHERE name = %s", [name])
    limit = int(request.GET.get("limit", "10"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM users LIMIT {limit}")
    return JsonResponse({"n": len(list(users))})
""",
        Severity.CRITICAL,
    ),
    Family.SQL,
    python_flows,
)

CROSS_SITE_SCRIPTING = TaintRule(
    _meta(
        "AI604",
        "cross-site-scripting",
        "Untrusted input rendered as HTML without escaping",
        "Flags untrusted input passed to `mark_safe`/`Markup`, or concatenated into an HTML "
        "string that a route returns or wraps in a response.",
        """from django.http import HttpResponse
from django.utils.safestring import mark_safe
from flask import Flask, request

app = Flask(__name__)


@app.route("/greet")
def greet():
    name = request.args.get("name", "")
    return f"<h1>Hello {name}</h1>"  # expect: AI604


def profile(request):
    bio = request.POST["bio"]
    banner = mark_safe(bio)  # expect: AI604
    return HttpResponse("<div>" + bio + "</div>" + banner)  # expect: AI604
""",
        """import html
from django.http import HttpResponse
from django.utils.html import format_html
from flask import Flask, request

app = Flask(__name__)


@app.route("/greet")
def greet():
    name = request.args.get("name", "")
    return f"<h1>Hello {html.escape(name)}</h1>"


def profile(request):
    bio = request.POST["bio"]
    return HttpResponse(format_html("<div>{}</div>", bio))
""",
        Severity.HIGH,
    ),
    Family.HTML,
    python_flows,
)

PATH_TRAVERSAL = TaintRule(
    _meta(
        "AI605",
        "path-traversal",
        "File path built from untrusted input",
        "Flags untrusted input reaching `open`, `Path`, `send_file`, `os.remove` and friends, "
        "unless reduced to a base name (`os.path.basename`, `secure_filename`) or canonicalised "
        "and checked against the base directory.",
        """import os
from flask import Flask, request, send_file

app = Flask(__name__)
BASE = "/srv/files"


@app.route("/download")
def download():
    name = request.args["name"]
    if ".." in name:
        return "no", 400
    return send_file(os.path.join(BASE, name))  # expect: AI605


@app.route("/read/<path:name>")
def read(name):
    with open(BASE + "/" + name) as handle:  # expect: AI605
        return handle.read()
""",
        """import os
from flask import Flask, abort, request, send_file
from werkzeug.utils import secure_filename

app = Flask(__name__)
BASE = "/srv/files"


@app.route("/download")
def download():
    name = secure_filename(request.args["name"])
    return send_file(os.path.join(BASE, name))


@app.route("/read/<path:name>")
def read(name):
    full = os.path.realpath(os.path.join(BASE, name))
    if not full.startswith(BASE + os.sep):
        abort(404)
    with open(full) as handle:
        return handle.read()
""",
        Severity.HIGH,
    ),
    Family.PATH,
    python_flows,
)

SSRF = TaintRule(
    _meta(
        "AI606",
        "server-side-request-forgery",
        "Outbound request to a URL taken from input",
        "Flags untrusted input used as the URL of `requests`, `httpx`, `urllib` or an HTTP "
        "client session. A literal scheme and host before the input, or a host allow-list "
        "check, make it safe.",
        """import httpx
import requests
from fastapi import FastAPI

app = FastAPI()


@app.get("/preview")
def preview(url: str):
    page = requests.get(url, timeout=5)  # expect: AI606
    return {"length": len(page.text)}


@app.post("/hook")
async def hook(target: str):
    async with httpx.AsyncClient() as client:
        await client.post(target, json={})  # expect: AI606
""",
        """from urllib.parse import urlparse

import requests
from fastapi import FastAPI, HTTPException

app = FastAPI()
ALLOWED_HOSTS = {"example.com", "cdn.example.com"}


@app.get("/preview")
def preview(url: str):
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        raise HTTPException(400)
    page = requests.get(url, timeout=5)
    return {"length": len(page.text)}


@app.get("/item")
def item(item_id: str):
    return requests.get(f"https://api.example.com/items/{item_id}", timeout=5).json()
""",
        Severity.HIGH,
    ),
    Family.SSRF,
    python_flows,
)

OPEN_REDIRECT = TaintRule(
    _meta(
        "AI607",
        "open-redirect",
        "Redirect to a location taken from input",
        "Flags untrusted input passed to `redirect`, `HttpResponseRedirect` or `RedirectResponse` "
        "without a check that the target stays on the site (`url_has_allowed_host_and_scheme`).",
        """from django.http import HttpResponseRedirect
from flask import Flask, redirect, request

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    return redirect(request.args.get("next", "/"))  # expect: AI607


def logout(request):
    return HttpResponseRedirect(request.GET["next"])  # expect: AI607
""",
        """from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    return redirect(url_for("home", tab=request.args.get("tab")))


def logout(request):
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)
""",
        Severity.MEDIUM,
    ),
    Family.REDIRECT,
    python_flows,
)

PYTHON_TAINT_RULES = (
    COMMAND_INJECTION,
    CODE_INJECTION,
    SQL_INJECTION,
    CROSS_SITE_SCRIPTING,
    PATH_TRAVERSAL,
    SSRF,
    OPEN_REDIRECT,
)
