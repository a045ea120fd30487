"""What the JS/TS taint walker knows by name: sources, sanitisers, sinks."""

from __future__ import annotations

import re

from scanners.taint.flow import ALL_FAMILIES, Family

# `req.query.x`, `request.body`, Koa's `ctx.request.body`, Next's `request.nextUrl.searchParams`.
REQUEST_ROOTS = frozenset({"req", "request"})
REQUEST_ATTRS = frozenset(
    {
        "query",
        "body",
        "params",
        "headers",
        "cookies",
        "signedCookies",
        "files",
        "file",
        "originalUrl",
        "nextUrl",
        "searchParams",
        "fields",
    }
)
KOA_ATTRS = frozenset({"query", "params", "querystring", "headers"})
REQUEST_METHODS = frozenset({"json", "formData", "text", "param", "get", "header", "arrayBuffer"})
# Browser-side sources (DOM XSS, client-side redirects).
DOM_SOURCES = frozenset(
    {
        "location.hash",
        "location.search",
        "location.href",
        "location.pathname",
        "window.location.hash",
        "window.location.search",
        "window.location.href",
        "document.location.hash",
        "document.location.search",
        "document.location.href",
        "document.URL",
        "document.documentURI",
        "document.referrer",
        "window.name",
    }
)
ROUTE_PARAM_ATTRS = frozenset({"queryParams", "queryParamMap", "paramMap"})  # Angular ActivatedRoute
NEXT_HANDLERS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
TOOL_METHODS = frozenset({"tool", "registerTool"})
NETWORK_CALLS = frozenset({"fetch", "axios", "axios.get", "axios.post", "got", "got.get", "axios.request"})

CLEAN_CALLS = frozenset(
    {
        "parseInt",
        "parseFloat",
        "Number",
        "Boolean",
        "Math.floor",
        "Math.round",
        "isNaN",
        "Number.parseInt",
        "Number.isInteger",
        "encodeURIComponent",
        "encodeURI",
        "uuid",
        "uuidv4",
        "crypto.randomUUID",
        "validator.escape",
        "validator.isInt",
        "Array.isArray",
        "Object.keys",
        "isFinite",
    }
)
CLEAN_METHODS = frozenset(
    {
        "length",
        "includes",
        "startsWith",
        "endsWith",
        "indexOf",
        "test",
        "has",
        "isValid",
        "parse",
        "safeParse",
        "validate",
        "validateSync",
        "validateAsync",
        "parseAsync",
        "hash",
        "compare",
        "toFixed",
        "getTime",
        "hasOwnProperty",
        "digest",
        "some",
        "every",
    }
)
SANITISERS: dict[str, frozenset[Family]] = {
    "DOMPurify.sanitize": frozenset({Family.HTML}),
    "sanitize": frozenset({Family.HTML}),
    "sanitizeHtml": frozenset({Family.HTML}),
    "escape": frozenset({Family.HTML}),
    "escapeHtml": frozenset({Family.HTML}),
    "he.encode": frozenset({Family.HTML}),
    "he.escape": frozenset({Family.HTML}),
    "xss": frozenset({Family.HTML}),
    "_.escape": frozenset({Family.HTML}),
    "validator.escape": frozenset({Family.HTML}),
    "path.basename": frozenset({Family.PATH}),
    "sanitizeFilename": frozenset({Family.PATH}),
    "shellEscape": frozenset({Family.COMMAND}),
    "shellQuote.quote": frozenset({Family.COMMAND}),
    "quote": frozenset({Family.COMMAND}),
    "mysql.escape": frozenset({Family.SQL}),
    "connection.escape": frozenset({Family.SQL}),
    "pool.escape": frozenset({Family.SQL}),
    "db.escape": frozenset({Family.SQL}),
    "SqlString.escape": frozenset({Family.SQL}),
    "pgFormat": frozenset({Family.SQL}),
    "String": frozenset({Family.NOSQL}),
    "JSON.stringify": frozenset({Family.NOSQL, Family.COMMAND, Family.PATH}),
}
CANONICAL = frozenset(
    {"path.resolve", "path.normalize", "fs.realpathSync", "realpathSync", "path.join", "resolve"}
)
GUARD_METHODS = frozenset({"includes", "has", "startsWith", "test", "indexOf", "match"})
GUARD_CALL = re.compile(r"^(is[A-Z]\w*|validate\w*|isValid\w*|isSafe\w*|isAllowed\w*)$")

# --- sinks --------------------------------------------------------------------------------
EXEC_RECEIVER = re.compile(
    r"^(child_?process|cp|childProcess|child|proc|shell|shelljs|require\(['\"]child_process['\"]\))$"
)
EXEC_METHODS = frozenset({"exec", "execSync"})
SPAWN_METHODS = frozenset({"spawn", "spawnSync", "execFile", "execFileSync"})
CODE_CALLS = frozenset(
    {
        "eval",
        "Function",
        "vm.runInNewContext",
        "vm.runInThisContext",
        "vm.runInContext",
        "vm.compileFunction",
        "vm.Script",
        "safeEval",
        "setTimeout",
        "setInterval",
        "execScript",
        "notevil",
        "serialize.unserialize",
        "unserialize",
        "mathjs.eval",
        "mathjs.evaluate",
        "math.eval",
        "math.evaluate",
    }
)
SQL_METHODS = frozenset(
    {"query", "raw", "$queryRawUnsafe", "$executeRawUnsafe", "unsafe", "whereRaw", "literal"}
)
SQL_EXECUTE_RECEIVER = re.compile(
    r"(db|conn|connection|pool|client|knex|sequelize|mysql|pg|sql|database|tx)$", re.I
)
MONGO_METHODS = frozenset(
    {
        "find",
        "findOne",
        "findOneAndUpdate",
        "findOneAndDelete",
        "findOneAndReplace",
        "update",
        "updateOne",
        "updateMany",
        "deleteOne",
        "deleteMany",
        "remove",
        "count",
        "countDocuments",
        "aggregate",
        "replaceOne",
    }
)
# Keys of an ORM's options object (Sequelize, Prisma, TypeORM), not a Mongo filter.
ORM_OPTION_KEYS = frozenset(
    {
        "where",
        "include",
        "attributes",
        "order",
        "limit",
        "offset",
        "raw",
        "transaction",
        "returning",
        "select",
        "data",
        "orderBy",
        "skip",
        "take",
        "relations",
    }
)
HTML_PROPERTIES = frozenset({"innerHTML", "outerHTML"})
HTML_CALLS = frozenset({"document.write", "document.writeln"})
HTML_METHODS = frozenset(
    {
        "bypassSecurityTrustHtml",
        "bypassSecurityTrustScript",
        "bypassSecurityTrustUrl",
        "bypassSecurityTrustResourceUrl",
        "bypassSecurityTrustStyle",
    }
)
RESPONSE_METHODS = frozenset({"send", "write", "end"})
RESPONSE_RECEIVER = re.compile(r"^(res|response|reply|ctx\.res)$")
FS_RECEIVER = re.compile(r"^(fs|fsp|fse|fs\.promises|promises|fsPromises|fsExtra)$")
FS_METHODS = frozenset(
    {
        "readFile",
        "readFileSync",
        "writeFile",
        "writeFileSync",
        "createReadStream",
        "createWriteStream",
        "unlink",
        "unlinkSync",
        "readdir",
        "readdirSync",
        "appendFile",
        "appendFileSync",
        "rm",
        "rmSync",
        "open",
        "openSync",
        "mkdir",
        "mkdirSync",
        "rename",
        "renameSync",
        "copyFile",
        "copyFileSync",
        "access",
        "stat",
        "statSync",
        "rmdir",
        "rmdirSync",
        "existsSync",
        "lstat",
        "remove",
        "outputFile",
        "readJson",
        "readJSON",
    }
)
SEND_FILE_METHODS = frozenset({"sendFile", "download", "sendfile"})
SSRF_CALLS = frozenset(
    {
        "fetch",
        "axios",
        "axios.get",
        "axios.post",
        "axios.put",
        "axios.patch",
        "axios.delete",
        "axios.head",
        "axios.request",
        "got",
        "got.get",
        "got.post",
        "http.get",
        "http.request",
        "https.get",
        "https.request",
        "request",
        "request.get",
        "request.post",
        "needle.get",
        "needle",
        "superagent.get",
        "undici.request",
        "nodeFetch",
    }
)
REDIRECT_METHODS = frozenset({"redirect"})
REDIRECT_CALLS = frozenset(
    {
        "redirect",
        "permanentRedirect",
        "NextResponse.redirect",
        "Response.redirect",
        "window.open",
        "location.assign",
        "location.replace",
        "window.location.assign",
        "window.location.replace",
    }
)
LOCATION_TARGETS = frozenset(
    {
        "location",
        "location.href",
        "window.location",
        "window.location.href",
        "document.location",
        "document.location.href",
    }
)

HTML_LITERAL = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*[\s>/]")
FIXED_HOST = re.compile(r"^[`'\"]?(https?:)?//[^/?#{}$`'\"]+[/?#]", re.IGNORECASE)
# A file that might hold a source at all: the walker is skipped for every other file.
MAY_HAVE_SOURCE = re.compile(
    r"\breq\b|\brequest\b|\bctx\b|location|document\.|use server|\.tool\(|registerTool|setRequestHandler|"
    r"queryParam|paramMap|fetch\(|axios|window\.name"
)

EVERYTHING = ALL_FAMILIES
