"""What the Python taint walker knows by name: sources, sanitisers, sinks.

Names are matched on the dotted text of the call (`subprocess.run`, `os.path.join`) or
on its last part for methods (`cursor.execute`), never on resolved imports: scanned code
is read as written, and an alias (`import subprocess as sp`) is resolved by the walker's
import table before lookup.
"""

from __future__ import annotations

import re

from scanners.taint.flow import ALL_FAMILIES, Family

# Objects whose attributes are request data in Flask, Django, DRF, FastAPI/Starlette, aiohttp.
REQUEST_NAMES = frozenset({"request", "req", "self.request"})
REQUEST_ATTRS = frozenset(
    {
        "args",
        "form",
        "values",
        "json",
        "data",
        "files",
        "cookies",
        "headers",
        "GET",
        "POST",
        "body",
        "FILES",
        "COOKIES",
        "META",
        "query_params",
        "path_params",
        "query_string",
        "match_info",
        "query",
        "rel_url",
        "view_args",
        "stream",
    }
)
# Methods of the request object that return request data (some awaited).
REQUEST_METHODS = frozenset(
    {
        "get_json",
        "get_data",
        "json",
        "form",
        "body",
        "post",
        "text",
        "read",
        "get_argument",
        "get_arguments",
        "get_query_argument",
        "get_body_argument",
    }
)
# Decorator attributes that make a function a route handler (its parameters are input).
ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route", "websocket"})
# Decorator attributes of MCP servers (FastMCP `@mcp.tool()`, low-level `@server.call_tool()`).
TOOL_DECORATORS = frozenset({"tool", "call_tool"})
# Class-based view methods whose parameters after `request` are URL captures.
VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete"})
# Parameter annotations that cannot carry an injection (converted by the framework).
SAFE_ANNOTATIONS = frozenset(
    {
        "int",
        "float",
        "bool",
        "UUID",
        "uuid.UUID",
        "date",
        "datetime",
        "datetime.date",
        "datetime.datetime",
        "Decimal",
        "decimal.Decimal",
    }
)
# Annotations that are the untrusted object itself, not a validated model.
UNTRUSTED_ANNOTATIONS = frozenset(
    {"str", "Any", "dict", "list", "Request", "WebSocket", "UploadFile", "Dict", "List", "bytes", "Json"}
)

# Calls whose result carries no taint at all (numbers, booleans, framework-built URLs).
CLEAN_CALLS = frozenset(
    {
        "int",
        "float",
        "bool",
        "len",
        "abs",
        "round",
        "hash",
        "ord",
        "id",
        "isinstance",
        "callable",
        "uuid.UUID",
        "UUID",
        "url_for",
        "reverse",
        "reverse_lazy",
        "hashlib.sha256",
        "hashlib.md5",
        "hashlib.sha1",
        "get_object_or_404",
        "secrets.token_hex",
        "datetime.fromisoformat",
        "date.fromisoformat",
    }
)
# Methods whose result carries no taint (predicates, counts, validated models).
CLEAN_METHODS = frozenset(
    {
        "startswith",
        "endswith",
        "isdigit",
        "isalnum",
        "isalpha",
        "isnumeric",
        "count",
        "index",
        "find",
        "exists",
        "is_valid",
        "model_validate",
        "model_validate_json",
        "parse_obj",
        "parse_raw",
        "hexdigest",
        "digest",
        "is_relative_to",
        "is_absolute",
        "__len__",
    }
)
# Sanitisers: call → the families its result is safe for.
SANITISERS: dict[str, frozenset[Family]] = {
    "shlex.quote": frozenset({Family.COMMAND}),
    "pipes.quote": frozenset({Family.COMMAND}),
    "shlex.join": frozenset({Family.COMMAND}),
    "html.escape": frozenset({Family.HTML}),
    "escape": frozenset({Family.HTML}),
    "markupsafe.escape": frozenset({Family.HTML}),
    "conditional_escape": frozenset({Family.HTML}),
    "format_html": frozenset({Family.HTML}),
    "bleach.clean": frozenset({Family.HTML}),
    "escape_uri_path": frozenset({Family.HTML, Family.REDIRECT}),
    "os.path.basename": frozenset({Family.PATH}),
    "secure_filename": frozenset({Family.PATH}),
    "safe_join": frozenset({Family.PATH}),
    "urllib.parse.quote": frozenset({Family.SSRF, Family.REDIRECT, Family.PATH, Family.COMMAND, Family.HTML}),
    "quote": frozenset({Family.SSRF, Family.REDIRECT}),
    "urllib.parse.quote_plus": frozenset(
        {Family.SSRF, Family.REDIRECT, Family.PATH, Family.COMMAND, Family.HTML}
    ),
    "quote_plus": frozenset({Family.SSRF, Family.REDIRECT}),
    "urlencode": frozenset({Family.SSRF, Family.REDIRECT}),
    "urllib.parse.urlencode": frozenset({Family.SSRF, Family.REDIRECT}),
    "json.dumps": frozenset({Family.COMMAND, Family.PATH, Family.SSRF, Family.REDIRECT}),
}
# Calls in an `if` test that validate their first argument (allow-list, canonical prefix, host check).
GUARD_CALLS = frozenset(
    {
        "url_has_allowed_host_and_scheme",
        "is_safe_url",
        "validators.url",
        "is_valid_path",
        "os.path.commonpath",
        "commonpath",
    }
)
# Module-level regex checks take the pattern first and the checked string second.
REGEX_GUARD_CALLS = frozenset({"re.match", "re.fullmatch", "re.search"})
GUARD_METHODS = frozenset(
    {"startswith", "is_relative_to", "isdigit", "isalnum", "isidentifier", "fullmatch", "match"}
)

# --- sinks --------------------------------------------------------------------------------
COMMAND_CALLS = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "commands.getoutput",
        "asyncio.create_subprocess_shell",
        "os.popen2",
        "os.popen3",
        "popen2.popen2",
    }
)
SHELL_CALLS = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
    }
)
SHELLS = frozenset({"sh", "bash", "/bin/sh", "/bin/bash", "zsh", "cmd", "cmd.exe", "powershell"})
CODE_CALLS = frozenset(
    {
        "eval",
        "exec",
        "builtins.eval",
        "builtins.exec",
        "render_template_string",
        "flask.render_template_string",
        "jinja2.Template",
        "pickle.loads",
        "yaml.load",
        "yaml.unsafe_load",
        "marshal.loads",
        "dill.loads",
    }
)
SQL_METHODS = frozenset({"execute", "executemany", "executescript", "raw", "mogrify", "exec_driver_sql"})
SQL_CALLS = frozenset(
    {
        "RawSQL",
        "text",
        "sqlalchemy.text",
        "sa.text",
        "pd.read_sql",
        "pandas.read_sql",
        "pd.read_sql_query",
        "read_sql",
        "read_sql_query",
    }
)
HTML_CALLS = frozenset(
    {
        "mark_safe",
        "Markup",
        "markupsafe.Markup",
        "SafeString",
        "SafeText",
        "django.utils.safestring.mark_safe",
    }
)
# Responses whose body is HTML when it was built with an HTML literal.
RESPONSE_CALLS = frozenset(
    {"HttpResponse", "make_response", "Response", "HTMLResponse", "web.Response", "flask.Response"}
)
PATH_CALLS = frozenset(
    {
        "open",
        "io.open",
        "codecs.open",
        "os.open",
        "Path",
        "pathlib.Path",
        "send_file",
        "flask.send_file",
        "FileResponse",
        "os.remove",
        "os.unlink",
        "os.rmdir",
        "os.removedirs",
        "os.makedirs",
        "os.mkdir",
        "os.listdir",
        "os.scandir",
        "os.rename",
        "shutil.rmtree",
        "shutil.copy",
        "shutil.copyfile",
        "shutil.move",
        "aiofiles.open",
        "web.FileResponse",
        "tarfile.open",
        "zipfile.ZipFile",
        "os.chmod",
    }
)
SSRF_CALLS = frozenset(
    {
        "requests.get",
        "requests.post",
        "requests.put",
        "requests.patch",
        "requests.delete",
        "requests.head",
        "requests.options",
        "requests.request",
        "httpx.get",
        "httpx.post",
        "httpx.put",
        "httpx.patch",
        "httpx.delete",
        "httpx.head",
        "httpx.request",
        "httpx.stream",
        "urllib.request.urlopen",
        "urlopen",
        "urllib.request.Request",
        "urllib2.urlopen",
        "aiohttp.request",
    }
)
SSRF_CLIENT_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "request", "stream"})
SSRF_CLIENT = re.compile(r"(^|_|\.)(session|client|http|sess)$", re.IGNORECASE)
REDIRECT_CALLS = frozenset(
    {
        "redirect",
        "flask.redirect",
        "HttpResponseRedirect",
        "HttpResponsePermanentRedirect",
        "RedirectResponse",
        "web.HTTPFound",
        "HTTPFound",
        "web.HTTPSeeOther",
    }
)

# An HTML tag in a literal part of a built string.
HTML_LITERAL = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*[\s>/]")
# A literal URL prefix that fixes the scheme and the host ("https://api.example.com/…").
FIXED_HOST = re.compile(r"^(https?:)?//[^/?#{}%]+[/?#]", re.IGNORECASE)

EVERYTHING = ALL_FAMILIES
