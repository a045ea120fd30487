"""Python happy-path rules beyond their documented examples: AI301/AI302 exceptions,
AI303/AI304 network failures, AI305 unchecked-optional."""

from __future__ import annotations

from pathlib import Path

from scanners.model import Severity
from tests.scanners.rules.harness import RULES, assert_marked, lines_of, run_rule

# --- AI301 / AI302 exceptions ----------------------------------------------------------


def test_source_text_error_handling_checker_cases(tmp_path: Path) -> None:
    code = (
        "def a():\n"
        "    try:\n"
        "        work()\n"
        "    except:  # expect: AI301\n"
        "        pass\n"
        "def b():\n"
        "    try:\n"
        "        work()\n"
        "    except Exception:  # expect: AI302\n"
        "        return None\n"
    )
    assert_marked("AI301", code, tmp_path)
    assert_marked("AI302", code, tmp_path)


def test_narrow_and_reported_handlers_are_not_swallowed(tmp_path: Path) -> None:
    code = (
        "import logging, sys, traceback, warnings\n"
        "import sentry_sdk\n"
        "log = logging.getLogger(__name__)\n"
        "try:\n"
        "    import yaml\n"
        "except ImportError:\n"
        "    pass\n"
        "def f():\n"
        "    try: work()\n"
        "    except Exception: log.exception('x')\n"
        "    try: work()\n"
        "    except Exception: traceback.print_exc()\n"
        "    try: work()\n"
        "    except Exception as e: warnings.warn(str(e))\n"
        "    try: work()\n"
        "    except BaseException as exc: sentry_sdk.capture_exception(exc)\n"
        "    try: work()\n"
        "    except Exception: raise RuntimeError('wrapped')\n"
        "    try: work()\n"
        "    except Exception: sys.exit(1)\n"
        "class C:\n"
        "    def __del__(self):\n"
        "        try: self.close()\n"
        "        except Exception: pass\n"
    )
    assert lines_of("AI302", code, tmp_path) == []
    assert lines_of("AI301", code, tmp_path) == []


# --- AI303 / AI304 network -------------------------------------------------------------


def test_timeouts_set_on_a_session_subclass_or_adapter_are_respected(tmp_path: Path) -> None:
    code = (
        "import requests\n"
        "from requests.adapters import HTTPAdapter\n"
        "class TimeoutSession(requests.Session):\n"
        "    def request(self, *args, **kwargs):\n"
        "        kwargs.setdefault('timeout', 10)\n"
        "        return super().request(*args, **kwargs)\n"
        "def a(url):\n"
        "    s = TimeoutSession()\n"
        "    return s.get(url)\n"
        "def b(url):\n"
        "    s = requests.Session()\n"
        "    s.mount('https://', TimeoutAdapter(timeout=5))\n"
        "    return s.get(url)\n"
        "def c(url):\n"
        "    s = requests.Session()\n"
        "    s.mount('https://', HTTPAdapter(max_retries=3))\n"
        "    return s.get(url)  # expect: AI303\n"
    )
    assert_marked("AI303", code, tmp_path)


def test_timeout_rule_covers_instance_sessions_and_stdlib_clients(tmp_path: Path) -> None:
    code = (
        "import http.client, socket\n"
        "import aiohttp, httpx, requests\n"
        "class Api:\n"
        "    def __init__(self):\n"
        "        self.session = requests.Session()\n"
        "    def get(self, path):\n"
        "        return self.session.get(path)  # expect: AI303\n"
        "def raw(host):\n"
        "    http.client.HTTPSConnection(host)  # expect: AI303\n"
        "    http.client.HTTPSConnection(host, timeout=5)\n"
        "    socket.create_connection((host, 80))  # expect: AI303\n"
        "    httpx.Client(timeout=None)  # expect: AI303\n"
        "    httpx.post(host, json={})\n"
        "async def crawl(url):\n"
        "    async with aiohttp.ClientSession() as session:\n"
        "        async with session.get(url) as response:  # expect: AI303\n"
        "            return await response.text()\n"
        "async def crawl_timed(url):\n"
        "    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:\n"
        "        async with session.get(url) as response:\n"
        "            return await response.text()\n"
    )
    assert_marked("AI303", code, tmp_path)


def test_unhandled_network_failure_is_quiet_in_scripts_and_with_handling(tmp_path: Path) -> None:
    code = (
        "import requests\n"
        "import tenacity\n"
        "data = requests.get('https://example.org', timeout=5).json()\n"
        "@tenacity.retry\n"
        "def retried(url):\n"
        "    return requests.get(url, timeout=5).json()\n"
        "def guarded(url):\n"
        "    try:\n"
        "        return requests.get(url, timeout=5).json()\n"
        "    except OSError:\n"
        "        return None\n"
        "def naked(url):\n"
        "    return requests.get(url, timeout=5).json()  # expect: AI304\n"
    )
    assert_marked("AI304", code, tmp_path)


# --- AI305 unchecked-optional ----------------------------------------------------------


def test_unchecked_optional_recognises_checks_and_dict_receivers(tmp_path: Path) -> None:
    code = (
        "import os, re\n"
        "PATTERN = re.compile(r'(\\d+)')\n"
        "def f(text, options: dict[str, str], **kwargs):\n"
        "    m = re.match('a', text)\n"
        "    if m:\n"
        "        m.group(0)\n"
        "    n = PATTERN.search(text)\n"
        "    value = n and n.group(1)\n"
        "    q = re.search('b', text)\n"
        "    if not q:\n"
        "        return None\n"
        "    q.group(0)\n"
        "    PATTERN.match(text).group(1)  # expect: AI305\n"
        "    options.get('mode').lower()  # expect: AI305\n"
        "    kwargs.get('x')['y']  # expect: AI305\n"
        "    for host in os.getenv('HOSTS'):  # expect: AI305\n"
        "        pass\n"
        "    client.get('/url').status_code  # unknown receiver: not judged\n"
        "    try:\n"
        "        re.match('c', text).group(0)\n"
        "    except AttributeError:\n"
        "        pass\n"
        "    return value\n"
    )
    assert_marked("AI305", code, tmp_path)


def test_unchecked_optional_on_element_lookups(tmp_path: Path) -> None:
    code = (
        "def title(soup, collection):\n"
        "    name = soup.find('h1').text  # expect: AI305\n"
        "    rows = collection.find({'a': 1}).sort('b')\n"
        "    return name, rows, 'abc'.find('b')\n"
    )
    assert_marked("AI305", code, tmp_path)


def test_swallowed_exception_knows_logging_imported_by_name_and_error_responses(tmp_path: Path) -> None:
    code = (
        "import warnings\n"
        "from logging import critical, error, exception\n"
        "def a():\n"
        "    try:\n"
        "        work()\n"
        "    except Exception:\n"
        "        exception('failed')\n"
        "    try:\n"
        "        work()\n"
        "    except Exception:\n"
        "        critical('failed', exc_info=True)\n"
        "    try:\n"
        "        work()\n"
        "    except ((ValueError, Exception), TypeError):  # expect: AI302\n"
        "        pass\n"
        "def view(request):\n"
        "    try:\n"
        "        return render(request)\n"
        "    except Exception:\n"
        "        return JsonResponse({'error': 'unavailable'}, status=503)\n"
        "def flask_view():\n"
        "    try:\n"
        "        return load()\n"
        "    except Exception:\n"
        "        return jsonify(error='unavailable'), 500\n"
        "def warned():\n"
        "    try:\n"
        "        work()\n"
        "    except Exception:\n"
        "        warnings.warn('work failed')\n"
    )
    assert_marked("AI302", code, tmp_path)


def test_swallowed_exception_flags_a_log_line_without_the_exception_at_low_severity(tmp_path: Path) -> None:
    code = (
        "import logging\n"
        "logger = logging.getLogger(__name__)\n"
        "def a():\n"
        "    try:\n"
        "        work()\n"
        "    except Exception:\n"
        "        logger.error('work failed', exc_info=False)\n"
        "    try:\n"
        "        work()\n"
        "    except Exception as exc:\n"
        "        logger.error('work failed: %s', exc)\n"
    )
    hits = run_rule(RULES["AI302"], code, tmp_path)
    assert [(h.line, h.severity) for h in hits] == [(6, Severity.LOW)]
    assert hits[0].message.startswith("`except Exception` logs a message but drops the exception itself")
