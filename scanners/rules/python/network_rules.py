"""AI303 network-call-without-timeout and AI304 unhandled-network-failure (analysis in network.py)."""

from __future__ import annotations

from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.network import analyse, failure_is_handled
from scanners.source import SourceFile

_EXCEPTION_OF = {
    "requests": "requests.RequestException",
    "httpx": "httpx.HTTPError",
    "aiohttp": "aiohttp.ClientError",
    "urllib": "urllib.error.URLError",
    "http.client": "OSError",
    "socket": "OSError",
}


class NetworkTimeoutRule:
    meta = RuleMeta(
        id="AI303",
        name="network-call-without-timeout",
        title="Network call without a timeout",
        category=Category.HAPPY_PATH,
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        tests_severity=Severity.LOW,
        in_tests_note=(
            "Reported in test code too, at most low: tests mostly talk to local fixture servers, and a "
            "hang there is ended by the test runner's timeout."
        ),
        what=(
            "Flags network calls that can wait forever: `requests.get/post/…/request` and calls on a "
            "`requests.Session` without `timeout=`, `urllib.request.urlopen`, "
            "`http.client.HTTPConnection`/`HTTPSConnection` and `socket.create_connection` without "
            "a timeout, calls on an `aiohttp.ClientSession` created without `timeout=` (its default "
            "is five minutes), and an explicit `timeout=None` anywhere (httpx included; httpx's own "
            "5 s default is fine). A Session whose `request` is wrapped with "
            "`functools.partial(..., timeout=...)`, one fitted with a project adapter, or a project "
            "subclass of Session counts as timed; calls passing `**kwargs` through are not judged. "
            "Test files are not checked (they talk to local fixture servers)."
        ),
        why=(
            "Tutorials show `requests.get(url)` with no timeout, and requests' default is to wait "
            "forever: in production one stalled server ties up every worker "
            "(ai-code-failures.md, 'The Happy Path Bias': slow responses)."
        ),
        example=(
            "import requests\n"
            "from urllib.request import urlopen\n"
            "\n"
            "\n"
            "def fetch(url):\n"
            "    return requests.get(url).json()  # expect: AI303\n"
            "\n"
            "\n"
            "def fetch_all(urls):\n"
            "    session = requests.Session()\n"
            "    return [session.get(u, timeout=None) for u in urls]  # expect: AI303\n"
            "\n"
            "\n"
            "def page(url):\n"
            "    return urlopen(url).read()  # expect: AI303\n"
        ),
        use_instead=(
            "import functools\n"
            "\n"
            "import httpx\n"
            "import requests\n"
            "\n"
            "\n"
            "def fetch(url):\n"
            "    return requests.get(url, timeout=10).json()\n"
            "\n"
            "\n"
            "def make_session():\n"
            "    session = requests.Session()\n"
            "    session.request = functools.partial(session.request, timeout=10)\n"
            '    session.get("https://example.org/ping")\n'
            "    return session\n"
            "\n"
            "\n"
            "def forward(url, **kwargs):\n"
            "    return requests.post(url, **kwargs)  # the caller decides\n"
            "\n"
            "\n"
            "def quick(url):\n"
            "    return httpx.get(url)  # httpx times out after 5 s by default\n"
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        for item in analyse(source):
            if item.timeout_problem is None:
                continue
            if item.timeout_problem == "none":
                problem = "`timeout=None` disables the timeout"
            elif item.library == "aiohttp":
                problem = "the session has no `timeout=` (aiohttp waits up to 5 minutes by default)"
            else:
                problem = "no timeout: it can wait forever on a server that stops answering"
            yield Hit(
                line=item.call.lineno,
                column=item.call.col_offset,
                end_line=item.call.end_lineno,
                message=f"`{item.label}` has {problem}; pass an explicit timeout (e.g. `timeout=10`)"
                if item.timeout_problem != "none"
                else f"`{item.label}`: {problem}; pass a finite timeout (e.g. `timeout=10`)",
                severity=Severity.LOW if item.library == "aiohttp" else None,
            )


class UnhandledNetworkFailureRule:
    meta = RuleMeta(
        id="AI304",
        name="unhandled-network-failure",
        title="Network failure not handled in the calling function",
        category=Category.HAPPY_PATH,
        severity=Severity.LOW,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        tests_severity=Severity.INFO,
        in_tests_note=(
            "Reported in test code as info: an unhandled network failure in a test fails that test, "
            "which is the handling a test needs."
        ),
        what=(
            "Flags a network call (the same set as AI303) whose failure nothing in the enclosing "
            "function handles: it is not inside a `try` that catches the library's exception, a "
            "network error (`OSError`, `ConnectionError`, `TimeoutError`) or a broad one, the "
            "function never checks the response (`raise_for_status()`, `.ok`, `.status_code`, "
            "`.status`), and it is not decorated with a retry helper (tenacity, backoff). "
            "Module-level code (scripts, where a traceback is the report) and test files are not "
            "checked."
        ),
        why=(
            "Generated code follows the happy path: the request succeeds and the JSON is there "
            "(ai-code-failures.md, 'Missing error handling'). In production, connection errors, "
            "timeouts and 5xx responses are routine."
        ),
        example=(
            "import requests\n"
            "\n"
            "\n"
            "def user_names(url):\n"
            "    response = requests.get(url, timeout=5)  # expect: AI304\n"
            '    return [u["name"] for u in response.json()["items"]]\n'
        ),
        use_instead=(
            "import logging\n"
            "\n"
            "import requests\n"
            "\n"
            "logger = logging.getLogger(__name__)\n"
            "\n"
            "\n"
            "def user_names(url):\n"
            "    try:\n"
            "        response = requests.get(url, timeout=5)\n"
            "        response.raise_for_status()\n"
            "    except requests.RequestException:\n"
            '        logger.warning("user list unavailable at %s", url)\n'
            "        return []\n"
            '    return [u["name"] for u in response.json().get("items", [])]\n'
            "\n"
            "\n"
            "def status(url):\n"
            "    response = requests.get(url, timeout=5)\n"
            "    return response.status_code == 200\n"
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        handled: dict[int, bool] = {}
        for item in analyse(source):
            if item.protected or item.function is None:
                continue
            key = id(item.function)
            if key not in handled:
                handled[key] = failure_is_handled(item)
            if handled[key]:
                continue
            exception = _EXCEPTION_OF.get(item.library, "OSError")
            yield Hit(
                line=item.call.lineno,
                column=item.call.col_offset,
                end_line=item.call.end_lineno,
                message=(
                    f"`{item.label}` can fail (connection error, timeout, HTTP error status) and "
                    f"nothing in `{item.function.name}()` handles it; catch `{exception}` or check "
                    "the response (`raise_for_status()`)"
                ),
            )
