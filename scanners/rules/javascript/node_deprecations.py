"""The data behind AI212: Node.js APIs on Node's deprecation list, and their replacements.

Sources (checked 2026-12-03): the Node.js deprecation list with its DEP codes,
https://nodejs.org/api/deprecations.html (`doc/api/deprecations.md` in nodejs/node), and the
"since" versions there; the few un-numbered removals of Node 0.x to 6 internals (`util.pump`,
`readline.codePointAt`, …) as eslint-plugin-n's `no-deprecated-api` lists them.

Each row is a path as code reaches it — a built-in module
(`fs`, `node:fs` and `process.getBuiltinModule('fs')` are the same), a member of one
(`fs.exists`), or a global (`Buffer`, `GLOBAL`, `process.binding`) — and how it must be
used to count: `read` (any reference), `call` (`f()`), `new` (`new F()`).

Maintenance: add a row when Node's list gains a code that source code can show by a name;
deprecations of option values or behaviours (DEP0013 callback-less `fs` calls, DEP0147
`rmdir` with `recursive`) cannot be seen by name and are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

READ, CALL, NEW = "read", "call", "new"


@dataclass(frozen=True)
class NodeDeprecation:
    path: str  # `fs.exists`; a bare module name (`domain`) means the whole module
    code: str | None  # Node's DEP code; None for the few the list never numbered
    since: int  # Node major that deprecated it (documentation or runtime)
    replacement: str | None
    uses: tuple[str, ...] = (READ,)
    end_of_life: bool = False  # removed (End-of-Life in Node's list)
    module: bool = True  # False: a global (`Buffer`, `GLOBAL`), never `require`d


def _g(
    path: str, code: str | None, since: int, replacement: str | None, *uses: str, eol: bool = False
) -> NodeDeprecation:
    return NodeDeprecation(path, code, since, replacement, uses or (READ,), eol, module=False)


def _m(
    path: str, code: str | None, since: int, replacement: str | None, *uses: str, eol: bool = False
) -> NodeDeprecation:
    return NodeDeprecation(path, code, since, replacement, uses or (READ,), eol)


_BUFFER_FIX = "`Buffer.from()`, `Buffer.alloc()` or `Buffer.allocUnsafe()`"
_UTIL_IS = {
    "isArray": ("DEP0044", "`Array.isArray()`"),
    "isBoolean": ("DEP0045", "`typeof value === 'boolean'`"),
    "isBuffer": ("DEP0046", "`Buffer.isBuffer()`"),
    "isDate": ("DEP0047", "`util.types.isDate()`"),
    "isError": ("DEP0048", "`Error.isError()` or `util.types.isNativeError()`"),
    "isFunction": ("DEP0049", "`typeof value === 'function'`"),
    "isNull": ("DEP0050", "`value === null`"),
    "isNullOrUndefined": ("DEP0051", "`value === undefined || value === null`"),
    "isNumber": ("DEP0052", "`typeof value === 'number'`"),
    "isObject": ("DEP0053", "`value !== null && typeof value === 'object'`"),
    "isPrimitive": ("DEP0054", "`Object(value) !== value`"),
    "isRegExp": ("DEP0055", "`util.types.isRegExp()`"),
    "isString": ("DEP0056", "`typeof value === 'string'`"),
    "isSymbol": ("DEP0057", "`typeof value === 'symbol'`"),
    "isUndefined": ("DEP0058", "`value === undefined`"),
}
_ZLIB_CLASSES = "BrotliCompress BrotliDecompress Deflate DeflateRaw Gunzip Gzip Inflate InflateRaw Unzip"

TABLE: tuple[NodeDeprecation, ...] = (
    # Whole modules.
    _m("_linklist", "DEP0002", 5, "a userland linked list", eol=True),
    _m("constants", "DEP0008", 6, "the `constants` property of each module (`require('fs').constants`)"),
    _m("sys", "DEP0025", 0, "the `util` module", eol=True),
    _m("domain", "DEP0032", 4, "`AsyncLocalStorage` and explicit error handling"),
    _m("punycode", "DEP0040", 7, "the userland `punycode` package or `url.domainToASCII()`"),
    _m("freelist", None, 4, None, eol=True),
    _m("_stream_wrap", "DEP0125", 12, None),
    _m("_stream_duplex", "DEP0193", 24, "`require('node:stream').Duplex`"),
    _m("_stream_passthrough", "DEP0193", 24, "`require('node:stream').PassThrough`"),
    _m("_stream_readable", "DEP0193", 24, "`require('node:stream').Readable`"),
    _m("_stream_transform", "DEP0193", 24, "`require('node:stream').Transform`"),
    _m("_stream_writable", "DEP0193", 24, "`require('node:stream').Writable`"),
    _m("_tls_common", "DEP0192", 24, "the public `node:tls` API"),
    _m("_tls_wrap", "DEP0192", 24, "the public `node:tls` API"),
    # async_hooks
    _m("async_hooks.currentId", "DEP0070", 8, "`async_hooks.executionAsyncId()`", eol=True),
    _m("async_hooks.triggerId", "DEP0071", 8, "`async_hooks.triggerAsyncId()`", eol=True),
    # buffer (and safe-buffer, which re-exports it)
    _m(
        "buffer.Buffer",
        "DEP0005",
        6,
        _BUFFER_FIX,
        CALL,
        NEW,
    ),
    _m(
        "safe-buffer.Buffer",
        "DEP0005",
        6,
        _BUFFER_FIX,
        CALL,
        NEW,
    ),
    _m("buffer.SlowBuffer", "DEP0030", 6, "`Buffer.allocUnsafeSlow()`"),
    _m("safe-buffer.SlowBuffer", "DEP0030", 6, "`Buffer.allocUnsafeSlow()`"),
    # child_process: nothing nameable (DEP0190/DEP0196 are option values).
    # crypto
    _m("crypto._toBuf", "DEP0114", 11, None, eol=True),
    _m("crypto.Credentials", "DEP0011", 0, "`tls.SecureContext`", eol=True),
    _m("crypto.DEFAULT_ENCODING", "DEP0091", 10, None, eol=True),
    _m("crypto.createCipher", "DEP0106", 10, "`crypto.createCipheriv()` with a random IV", eol=True),
    _m("crypto.createDecipher", "DEP0106", 10, "`crypto.createDecipheriv()`", eol=True),
    _m("crypto.createCredentials", "DEP0010", 0, "`tls.createSecureContext()`", eol=True),
    _m("crypto.fips", "DEP0093", 10, "`crypto.getFips()` and `crypto.setFips()`"),
    _m("crypto.prng", "DEP0115", 11, "`crypto.randomBytes()`"),
    _m("crypto.pseudoRandomBytes", "DEP0115", 11, "`crypto.randomBytes()`"),
    _m("crypto.rng", "DEP0115", 11, "`crypto.randomBytes()`"),
    _m("crypto.Hash", "DEP0179", 22, "`crypto.createHash()`", NEW, CALL),
    _m("crypto.Hmac", "DEP0181", 22, "`crypto.createHmac()`", NEW, CALL),
    # events
    _m("events.listenerCount", "DEP0033", 4, "`emitter.listenerCount(eventName)`"),
    _m("events.EventEmitter.listenerCount", "DEP0033", 4, "`emitter.listenerCount(eventName)`"),
    # fs
    _m("fs.exists", "DEP0034", 4, "`fs.stat()` or `fs.access()` (`fs.existsSync` is not deprecated)"),
    _m("fs.lchmod", "DEP0035", 0, None),
    _m("fs.lchmodSync", "DEP0036", 0, None),
    _m("fs.SyncWriteStream", "DEP0061", 4, None, eol=True),
    _m("fs.F_OK", "DEP0176", 20, "`fs.constants.F_OK`"),
    _m("fs.R_OK", "DEP0176", 20, "`fs.constants.R_OK`"),
    _m("fs.W_OK", "DEP0176", 20, "`fs.constants.W_OK`"),
    _m("fs.X_OK", "DEP0176", 20, "`fs.constants.X_OK`"),
    _m("fs.Stats", "DEP0180", 22, "`fs.stat()` (do not construct `fs.Stats`)", NEW, CALL),
    # http
    _m("http.createClient", None, 0, "`http.request()`", eol=True),
    # module
    _m("module.createRequireFromPath", "DEP0130", 12, "`module.createRequire()`", eol=True),
    _m("module.Module.createRequireFromPath", "DEP0130", 12, "`module.createRequire()`", eol=True),
    _m("module.requireRepl", None, 6, "`require('repl')`", eol=True),
    _m("module.Module.requireRepl", None, 6, "`require('repl')`", eol=True),
    _m("module._debug", "DEP0077", 9, None, eol=True),
    _m("module.Module._debug", "DEP0077", 9, None, eol=True),
    _g("module.parent", "DEP0144", 14, "`require.main` or `module.children`"),
    # net
    _m("net._setSimultaneousAccepts", "DEP0121", 12, None, eol=True),
    # os
    _m("os.getNetworkInterfaces", "DEP0023", 0, "`os.networkInterfaces()`", eol=True),
    _m("os.tmpDir", "DEP0022", 7, "`os.tmpdir()`", eol=True),
    # path
    _m("path._makeLong", "DEP0080", 9, "`path.toNamespacedPath()`"),
    # process (also a global)
    _m("process.EventEmitter", None, 0, "`require('events')`", eol=True),
    _m("process.assert", "DEP0100", 10, "the `assert` module", eol=True),
    _m("process.binding", "DEP0111", 10, None),
    _m("process.env.NODE_REPL_HISTORY_FILE", "DEP0041", 4, "`NODE_REPL_HISTORY`", eol=True),
    _m("process.report.triggerReport", None, 11, "`process.report.writeReport()`", eol=True),
    _m("process.mainModule", "DEP0138", 14, "`require.main`"),
    _m("process._tickCallback", "DEP0134", 12, None),
    _m("process._getActiveRequests", "DEP0161", 17, "`process.getActiveResourcesInfo()`"),
    _m("process._getActiveHandles", "DEP0161", 17, "`process.getActiveResourcesInfo()`"),
    # readline
    _m("readline.codePointAt", None, 4, None, eol=True),
    _m("readline.getStringWidth", None, 6, None, eol=True),
    _m("readline.isFullWidthCodePoint", None, 6, None, eol=True),
    _m("readline.stripVTControlCharacters", None, 6, "`util.stripVTControlCharacters()`", eol=True),
    # repl
    _m("repl.REPLServer", "DEP0185", 22, "`new repl.REPLServer()`", CALL),
    _m("repl.Recoverable", "DEP0185", 22, "`new repl.Recoverable()`", CALL),
    _m("repl.REPL_MODE_MAGIC", "DEP0065", 8, "`repl.REPL_MODE_SLOPPY`", eol=True),
    _m("repl.builtinModules", "DEP0191", 22, "`module.builtinModules`"),
    _m("repl._builtinLibs", "DEP0142", 14, "`module.builtinModules`"),
    # timers
    _m("timers.enroll", "DEP0095", 10, "`setTimeout()` or `setInterval()`", eol=True),
    _m("timers.unenroll", "DEP0096", 10, "`clearTimeout()` or `clearInterval()`", eol=True),
    _m("timers.active", "DEP0126", 11, "`timeout.refresh()`", eol=True),
    _m("timers._unrefActive", "DEP0127", 11, "`timeout.refresh()` and `timeout.unref()`", eol=True),
    # tls
    _m("tls.CleartextStream", None, 0, "`tls.TLSSocket`", eol=True),
    _m("tls.CryptoStream", "DEP0042", 0, "`tls.TLSSocket`", eol=True),
    _m("tls.SecurePair", "DEP0043", 6, "`tls.TLSSocket`", eol=True),
    _m("tls.convertNPNProtocols", "DEP0107", 10, None, eol=True),
    _m("tls.createSecurePair", "DEP0064", 6, "`tls.TLSSocket`", eol=True),
    _m("tls.parseCertString", "DEP0076", 8, "`querystring.parse()`", eol=True),
    # tty
    _m("tty.setRawMode", None, 0, "`process.stdin.setRawMode()` (`tty.ReadStream#setRawMode`)", eol=True),
    # url
    _m("url.parse", "DEP0116", 11, "the WHATWG `URL` constructor (`new URL(input, base)`)"),
    _m("url.resolve", "DEP0116", 11, "the WHATWG `URL` constructor (`new URL(relative, base)`)"),
    # util
    _m("util.debug", "DEP0028", 0, "`console.error()`", eol=True),
    _m("util.error", "DEP0029", 0, "`console.error()`", eol=True),
    *(_m(f"util.{name}", code, 4, fix) for name, (code, fix) in _UTIL_IS.items()),
    _m("util.log", "DEP0059", 6, "a logging library, or `console.log()` with a timestamp"),
    _m("util.print", "DEP0026", 0, "`console.log()`", eol=True),
    _m("util.puts", "DEP0027", 0, "`console.log()`", eol=True),
    _m("util.pump", None, 0, "`stream.pipeline()` or `readable.pipe()`", eol=True),
    _m("util._extend", "DEP0060", 6, "`Object.assign()` or spread syntax"),
    _m("util.toUSVString", "DEP0175", 20, "`String.prototype.toWellFormed()`"),
    _m(
        "util.types.isWebAssemblyCompiledModule",
        "DEP0177",
        20,
        "`value instanceof WebAssembly.Module`",
        eol=True,
    ),
    # vm
    _m("vm.runInDebugContext", "DEP0069", 8, None, eol=True),
    # zlib: the classes must be constructed with `new`
    *(_m(f"zlib.{name}", "DEP0184", 22, f"`new zlib.{name}()`", CALL) for name in _ZLIB_CLASSES.split()),
    # Globals.
    _g("Buffer", "DEP0005", 6, _BUFFER_FIX, CALL, NEW),
    _g("GLOBAL", "DEP0016", 6, "`globalThis`", eol=True),
    _g("root", "DEP0016", 6, "`globalThis`", eol=True),
    _g("Intl.v8BreakIterator", "DEP0017", 7, "`Intl.Segmenter`", eol=True),
    _g("require.extensions", "DEP0039", 0, "compiling ahead of time, or a loader hook (`module.register`)"),
    _g("COUNTER_NET_SERVER_CONNECTION", "DEP0120", 11, None, eol=True),
    _g("COUNTER_NET_SERVER_CONNECTION_CLOSE", "DEP0120", 11, None, eol=True),
    _g("COUNTER_HTTP_SERVER_REQUEST", "DEP0120", 11, None, eol=True),
    _g("COUNTER_HTTP_SERVER_RESPONSE", "DEP0120", 11, None, eol=True),
    _g("COUNTER_HTTP_CLIENT_REQUEST", "DEP0120", 11, None, eol=True),
    _g("COUNTER_HTTP_CLIENT_RESPONSE", "DEP0120", 11, None, eol=True),
)

# `process` is both a module and a global: its rows apply to the global too.
BY_PATH: dict[str, NodeDeprecation] = {row.path: row for row in TABLE}
MODULES: frozenset[str] = frozenset(row.path.partition(".")[0] for row in TABLE if row.module)
GLOBAL_ROOTS: frozenset[str] = frozenset(
    {row.path.partition(".")[0] for row in TABLE if not row.module} | {"process"}
)
