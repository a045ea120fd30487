"""The data behind AI201: Python APIs that were deprecated or removed, and their replacements.

One row per API. `removed` is the Python version in which the API is gone (None when
no removal is scheduled, or when a third party deprecated it); the rule raises its
severity when the repository's `requires-python` is at or beyond it. Versions come from
the "What's New" pages of each CPython release and PEP 594 (dead batteries).
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
