"""The data behind AI201: Python APIs that were deprecated or removed, and their replacements.

One row per API. `removed` is the Python version in which the API is gone (None when
no removal is scheduled, or when a third party deprecated it); the rule raises its
severity when the repository's `requires-python` is at or beyond it. Versions come from
the "What's New" pages of each CPython release (https://docs.python.org/3/whatsnew/3.8.html
to https://docs.python.org/3/whatsnew/3.14.html, sections "Deprecated", "Pending removal"
and "Removed"; checked 2026-12-03) and PEP 594 (dead batteries). Maintenance: a new CPython
release's removals move rows' `removed` from None to that version; only APIs that code shows
by name are listed (a deprecated *argument* such as `shutil.rmtree(onerror=)` is not).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    MODULE = "module"  # importing it (or a submodule) is the use
    NAME = "name"  # a qualified attribute/function, resolved through the file's imports
    TEST_METHOD = "test-method"  # `self.<name>(...)` in a test case
    THREAD_METHOD = "thread-method"  # `<x>.<name>(...)` in a file that imports threading
    ETREE_METHOD = "etree-method"  # `<x>.<name>(...)` in a file that imports xml.etree


@dataclass(frozen=True)
class DeprecatedApi:
    name: str
    kind: Kind
    deprecated: str  # where it was deprecated, e.g. "Python 3.12" or "setuptools 67.5"
    removed: tuple[int, int] | None
    replacement: str


def _v(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


def _modules(names: str, deprecated: str, removed: str | None, replacement: str) -> list[DeprecatedApi]:
    return [
        DeprecatedApi(n, Kind.MODULE, deprecated, _v(removed) if removed else None, replacement)
        for n in names.split()
    ]


def _names(
    names: str, kind: Kind, deprecated: str, removed: str | None, replacement: str
) -> list[DeprecatedApi]:
    return [
        DeprecatedApi(n, kind, deprecated, _v(removed) if removed else None, replacement)
        for n in names.split()
    ]


_COLLECTIONS_ABCS = (
    "Awaitable Coroutine AsyncIterable AsyncIterator AsyncGenerator Hashable Iterable Iterator "
    "Generator Reversible Sized Container Callable Collection Set MutableSet Mapping MutableMapping "
    "MappingView KeysView ItemsView ValuesView Sequence MutableSequence ByteString"
)

_PEP_594 = (
    "aifc audioop cgi cgitb chunk crypt imghdr mailcap msilib nis nntplib ossaudiodev pipes "
    "sndhdr spwd sunau telnetlib uu xdrlib"
)

_TABLE: list[DeprecatedApi] = [
    *_modules("imp", "Python 3.4", "3.12", "`importlib` (`importlib.util`, `importlib.import_module`)"),
    *_modules("distutils", "Python 3.10", "3.12", "`setuptools` or `packaging` (`sysconfig` for paths)"),
    *_modules("asynchat asyncore", "Python 3.6", "3.12", "`asyncio`"),
    *_modules("smtpd", "Python 3.6", "3.12", "the `aiosmtpd` package"),
    *_modules(_PEP_594, "Python 3.11", "3.13", "a maintained package (see PEP 594 for each module)"),
    *_modules("lib2to3", "Python 3.11", "3.13", "`ast`, or `libcst`/`parso` for lossless rewriting"),
    *_modules("binhex", "Python 3.9", "3.11", "`base64` or `binascii`"),
    *_modules("formatter parser symbol", "Python 3.4", "3.10", "`ast`"),
    *_modules("sre_compile sre_parse sre_constants", "Python 3.11", None, "`re`"),
    *_modules("pkg_resources", "setuptools 67.5", None, "`importlib.metadata` and `importlib.resources`"),
    *_names(
        "datetime.datetime.utcnow",
        Kind.NAME,
        "Python 3.12",
        None,
        "`datetime.datetime.now(datetime.UTC)` (aware datetimes)",
    ),
    *_names(
        "datetime.datetime.utcfromtimestamp",
        Kind.NAME,
        "Python 3.12",
        None,
        "`datetime.datetime.fromtimestamp(ts, datetime.UTC)`",
    ),
    *_names(
        "asyncio.get_event_loop",
        Kind.NAME,
        "Python 3.10 (without a running loop; an error from 3.14)",
        None,
        "`asyncio.run()` at the entry point, `asyncio.get_running_loop()` inside coroutines",
    ),
    *_names("asyncio.coroutine", Kind.NAME, "Python 3.8", "3.11", "`async def`"),
    *_names(
        " ".join(f"collections.{n}" for n in _COLLECTIONS_ABCS.split()),
        Kind.NAME,
        "Python 3.3",
        "3.10",
        "the same name from `collections.abc`",
    ),
    *_names("logging.warn logging.Logger.warn", Kind.NAME, "Python 3.3", "3.13", "`warning()`"),
    *_names("ssl.wrap_socket", Kind.NAME, "Python 3.7", "3.12", "`ssl.SSLContext.wrap_socket()`"),
    *_names("ssl.match_hostname", Kind.NAME, "Python 3.7", "3.12", "hostname checking by `SSLContext`"),
    *_names(
        "locale.getdefaultlocale",
        Kind.NAME,
        "Python 3.11",
        "3.15",
        "`locale.setlocale(locale.LC_ALL, '')` with `locale.getlocale()`, or `locale.getencoding()`",
    ),
    *_names("locale.resetlocale", Kind.NAME, "Python 3.11", "3.13", "`locale.setlocale(locale.LC_ALL, '')`"),
    *_names("locale.format", Kind.NAME, "Python 3.7", "3.12", "`locale.format_string()`"),
    *_names(
        "inspect.getargspec inspect.formatargspec",
        Kind.NAME,
        "Python 3.0",
        "3.11",
        "`inspect.signature()`",
    ),
    *_names("re.template", Kind.NAME, "Python 3.11", "3.13", "`re.compile()`"),
    *_names("configparser.SafeConfigParser", Kind.NAME, "Python 3.2", "3.12", "`configparser.ConfigParser`"),
    *_names(
        "pkgutil.find_loader pkgutil.get_loader",
        Kind.NAME,
        "Python 3.12",
        "3.14",
        "`importlib.util.find_spec()`",
    ),
    *_names(
        "ast.Num ast.Str ast.Bytes ast.NameConstant ast.Ellipsis",
        Kind.NAME,
        "Python 3.8",
        "3.14",
        "`ast.Constant`",
    ),
    *_names(
        "threading.currentThread threading.activeCount",
        Kind.NAME,
        "Python 3.10",
        None,
        "`threading.current_thread()` / `threading.active_count()`",
    ),
    *_names(
        "unittest.makeSuite unittest.findTestCases unittest.getTestCaseNames",
        Kind.NAME,
        "Python 3.11",
        "3.13",
        "`unittest.TestLoader` methods",
    ),
    *_names(
        "assertEquals assertNotEquals assertAlmostEquals assertNotAlmostEquals assertRegexpMatches "
        "assertNotRegexpMatches assertRaisesRegexp assert_ failUnless failIf failUnlessEqual "
        "failIfEqual failUnlessRaises failUnlessAlmostEqual failIfAlmostEqual assertDictContainsSubset",
        Kind.TEST_METHOD,
        "Python 3.2",
        "3.12",
        "the current name (`assertEqual`, `assertRegex`, `assertRaisesRegex`, `assertTrue`, …)",
    ),
    # Modules removed in 3.8-3.13 beyond PEP 594 (What's New 3.8, 3.9, 3.10, 3.13).
    *_modules("macpath", "Python 3.7", "3.8", "`os.path`"),
    *_modules("xml.etree.cElementTree", "Python 3.3", "3.9", "`xml.etree.ElementTree`"),
    *_modules("dummy_threading _dummy_thread", "Python 3.7", "3.9", "`threading`"),
    *_modules("_bootlocale", "Python 3.10", "3.10", "`locale.getpreferredencoding(False)`"),
    *_modules("typing.io typing.re", "Python 3.8", "3.13", "the names directly from `typing`"),
    *_modules("tkinter.tix", "Python 3.6", "3.13", "`tkinter.ttk`"),
    # What's New 3.8: removals.
    *_names("time.clock", Kind.NAME, "Python 3.3", "3.8", "`time.perf_counter()` or `time.process_time()`"),
    *_names(
        "platform.linux_distribution platform.dist",
        Kind.NAME,
        "Python 3.5",
        "3.8",
        "the `distro` package, or `platform.freedesktop_os_release()`",
    ),
    *_names("platform.popen", Kind.NAME, "Python 3.3", "3.8", "`os.popen()` or `subprocess`"),
    *_names("cgi.escape", Kind.NAME, "Python 3.2", "3.8", "`html.escape()`"),
    *_names("cgi.parse_qs cgi.parse_qsl", Kind.NAME, "Python 3.2", "3.8", "`urllib.parse.parse_qs()`"),
    # What's New 3.9: removals.
    *_names(
        "base64.encodestring base64.decodestring",
        Kind.NAME,
        "Python 3.1",
        "3.9",
        "`base64.encodebytes()` / `base64.decodebytes()`",
    ),
    *_names(
        "sys.setcheckinterval sys.getcheckinterval",
        Kind.NAME,
        "Python 3.2",
        "3.9",
        "`sys.setswitchinterval()` / `sys.getswitchinterval()`",
    ),
    *_names(
        "plistlib.readPlist plistlib.writePlist plistlib.readPlistFromBytes plistlib.writePlistToBytes",
        Kind.NAME,
        "Python 3.4",
        "3.9",
        "`plistlib.load()` / `plistlib.dump()` (`loads`/`dumps` for bytes)",
    ),
    *_names("fractions.gcd", Kind.NAME, "Python 3.5", "3.9", "`math.gcd()`"),
    *_names(
        "asyncio.Task.current_task asyncio.Task.all_tasks",
        Kind.NAME,
        "Python 3.7",
        "3.9",
        "`asyncio.current_task()` / `asyncio.all_tasks()`",
    ),
    *_names("html.parser.HTMLParser.unescape", Kind.NAME, "Python 3.4", "3.9", "`html.unescape()`"),
    # What's New 3.11 / 3.12: removals.
    *_names(
        "binascii.b2a_hqx binascii.a2b_hqx binascii.rlecode_hqx binascii.rledecode_hqx",
        Kind.NAME,
        "Python 3.9",
        "3.11",
        "`base64`/`binascii` encodings (binhex is gone)",
    ),
    *_names(
        "importlib.find_loader importlib.util.set_package importlib.util.set_loader "
        "importlib.util.module_for_loader",
        Kind.NAME,
        "Python 3.4",
        "3.12",
        "`importlib.util.find_spec()` and module specs",
    ),
    *_names(
        "importlib.abc.Finder pkgutil.ImpImporter pkgutil.ImpLoader",
        Kind.NAME,
        "Python 3.3",
        "3.12",
        "`importlib.abc.MetaPathFinder` / `PathEntryFinder`",
    ),
    *_names(
        "sqlite3.OptimizedUnicode sqlite3.enable_shared_cache",
        Kind.NAME,
        "Python 3.10",
        "3.12",
        "`str` (the default `text_factory`); shared cache is discouraged by SQLite",
    ),
    *_names("ssl.RAND_pseudo_bytes", Kind.NAME, "Python 3.6", "3.12", "`ssl.RAND_bytes()` or `os.urandom()`"),
    *_names("unittest.TestProgram.usageExit", Kind.NAME, "Python 3.11", "3.13", "`argparse` errors"),
    # Deprecated, removal scheduled or done (What's New 3.10-3.14).
    *_names(
        "ssl.PROTOCOL_SSLv2 ssl.PROTOCOL_SSLv3 ssl.PROTOCOL_SSLv23 ssl.PROTOCOL_TLS ssl.PROTOCOL_TLSv1 "
        "ssl.PROTOCOL_TLSv1_1 ssl.PROTOCOL_TLSv1_2",
        Kind.NAME,
        "Python 3.10",
        None,
        "`ssl.PROTOCOL_TLS_CLIENT` / `PROTOCOL_TLS_SERVER` with `SSLContext.minimum_version`",
    ),
    *_names(
        "ssl.OP_NO_SSLv2 ssl.OP_NO_SSLv3 ssl.OP_NO_TLSv1 ssl.OP_NO_TLSv1_1 ssl.OP_NO_TLSv1_2 "
        "ssl.OP_NO_TLSv1_3",
        Kind.NAME,
        "Python 3.10",
        None,
        "`SSLContext.minimum_version` / `maximum_version`",
    ),
    *_names(
        "tempfile.mktemp",
        Kind.NAME,
        "Python 2.3 (insecure: the name can be taken before the file is created)",
        None,
        "`tempfile.mkstemp()` or `tempfile.NamedTemporaryFile()`",
    ),
    *_names(
        "urllib.parse.splittype urllib.parse.splithost urllib.parse.splituser urllib.parse.splitpasswd "
        "urllib.parse.splitport urllib.parse.splitnport urllib.parse.splitquery urllib.parse.splittag "
        "urllib.parse.splitattr urllib.parse.splitvalue urllib.parse.to_bytes urllib.parse.unwrap",
        Kind.NAME,
        "Python 3.8",
        None,
        "`urllib.parse.urlparse()` / `urlsplit()`",
    ),
    *_names("inspect.getcallargs", Kind.NAME, "Python 3.5", None, "`inspect.signature(f).bind(...)`"),
    *_names(
        "asyncio.get_child_watcher asyncio.set_child_watcher asyncio.AbstractChildWatcher "
        "asyncio.SafeChildWatcher asyncio.FastChildWatcher asyncio.MultiLoopChildWatcher "
        "asyncio.ThreadedChildWatcher asyncio.PidfdChildWatcher",
        Kind.NAME,
        "Python 3.12",
        "3.14",
        "nothing: the event loop reaps child processes itself",
    ),
    *_names(
        "sys.last_type sys.last_value sys.last_traceback", Kind.NAME, "Python 3.12", None, "`sys.last_exc`"
    ),
    *_names("pty.master_open pty.slave_open", Kind.NAME, "Python 3.12", "3.14", "`pty.openpty()`"),
    *_names(
        "sqlite3.version sqlite3.version_info",
        Kind.NAME,
        "Python 3.12",
        "3.14",
        "`sqlite3.sqlite_version` (the library's version)",
    ),
    *_names(
        "typing.no_type_check_decorator", Kind.NAME, "Python 3.13", "3.15", "`typing.no_type_check` directly"
    ),
    *_names("http.server.CGIHTTPRequestHandler", Kind.NAME, "Python 3.13", "3.15", "a WSGI/ASGI server"),
    *_names(
        "ctypes.SetPointerType ctypes.ARRAY",
        Kind.NAME,
        "Python 3.12",
        "3.13",
        "`ctypes.POINTER` types / `type * length`",
    ),
    *_names(
        "asyncio.iscoroutinefunction", Kind.NAME, "Python 3.14", "3.16", "`inspect.iscoroutinefunction()`"
    ),
    *_names(
        "asyncio.get_event_loop_policy asyncio.set_event_loop_policy asyncio.AbstractEventLoopPolicy "
        "asyncio.DefaultEventLoopPolicy asyncio.WindowsSelectorEventLoopPolicy "
        "asyncio.WindowsProactorEventLoopPolicy",
        Kind.NAME,
        "Python 3.14",
        "3.16",
        "`asyncio.run(main(), loop_factory=...)` or `asyncio.Runner`",
    ),
    *_names("codecs.open", Kind.NAME, "Python 3.14", None, "the built-in `open()` with `encoding=`"),
    *_names("argparse.FileType", Kind.NAME, "Python 3.14", None, "a `str` argument opened with `open()`"),
    *_names("isDaemon", Kind.THREAD_METHOD, "Python 3.10", None, "`thread.daemon`"),
    *_names("isAlive", Kind.THREAD_METHOD, "Python 3.8", "3.9", "`is_alive()`"),
    *_names("setDaemon", Kind.THREAD_METHOD, "Python 3.10", None, "`thread.daemon = True`"),
    *_names("isSet", Kind.THREAD_METHOD, "Python 3.10", None, "`is_set()`"),
    *_names("notifyAll", Kind.THREAD_METHOD, "Python 3.10", None, "`notify_all()`"),
    *_names(
        "getchildren getiterator",
        Kind.ETREE_METHOD,
        "Python 3.2",
        "3.9",
        "`list(element)` / `element.iter()`",
    ),
]

MODULES: dict[str, DeprecatedApi] = {a.name: a for a in _TABLE if a.kind is Kind.MODULE}
NAMES: dict[str, DeprecatedApi] = {a.name: a for a in _TABLE if a.kind is Kind.NAME}
METHODS: dict[str, DeprecatedApi] = {
    a.name: a for a in _TABLE if a.kind in (Kind.TEST_METHOD, Kind.THREAD_METHOD, Kind.ETREE_METHOD)
}
# Unittest's alias removal also concerns `assert_` on `self`; tidy a lookup of correct names.
SUGGESTED_TEST_METHOD: dict[str, str] = {
    "assertEquals": "assertEqual",
    "assertNotEquals": "assertNotEqual",
    "assertAlmostEquals": "assertAlmostEqual",
    "assertNotAlmostEquals": "assertNotAlmostEqual",
    "assertRegexpMatches": "assertRegex",
    "assertNotRegexpMatches": "assertNotRegex",
    "assertRaisesRegexp": "assertRaisesRegex",
    "assert_": "assertTrue",
    "failUnless": "assertTrue",
    "failIf": "assertFalse",
    "failUnlessEqual": "assertEqual",
    "failIfEqual": "assertNotEqual",
    "failUnlessRaises": "assertRaises",
    "failUnlessAlmostEqual": "assertAlmostEqual",
    "failIfAlmostEqual": "assertNotAlmostEqual",
    "assertDictContainsSubset": "assertLessEqual(subset.items(), d.items())",
}
