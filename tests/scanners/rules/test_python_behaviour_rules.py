"""Python behaviour rules (AI2xx-AI5xx): documented examples and well-kept-code negatives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanners.model import Confidence, Severity
from scanners.project.context import RepoContext
from scanners.project.python import PythonProject
from scanners.rules.python.behaviour_rules import BEHAVIOUR_RULES
from scanners.source import SourceFile
from tests.scanners.rules.harness import expected_lines, hit_lines, run_rule

RULES = {rule.meta.id: rule for rule in BEHAVIOUR_RULES}


def lines_of(rule_id: str, code: str, tmp_path: Path, **kwargs: Any) -> list[int]:
    return hit_lines(run_rule(RULES[rule_id], code, tmp_path, **kwargs))


def assert_marked(rule_id: str, code: str, tmp_path: Path, **kwargs: Any) -> None:
    assert lines_of(rule_id, code, tmp_path, **kwargs) == expected_lines(code, rule_id)


@pytest.mark.parametrize("rule", BEHAVIOUR_RULES, ids=lambda r: r.meta.id)
def test_documented_bad_example_is_flagged_on_exactly_the_marked_lines(rule: Any, tmp_path: Path) -> None:
    extra = getattr(rule, "example_files", None)
    expected = expected_lines(rule.meta.example, rule.meta.id)
    assert expected, "the bad example must mark at least one line"
    assert hit_lines(run_rule(rule, rule.meta.example, tmp_path, extra_files=extra)) == expected


@pytest.mark.parametrize("rule", BEHAVIOUR_RULES, ids=lambda r: r.meta.id)
def test_documented_good_example_is_quiet(rule: Any, tmp_path: Path) -> None:
    extra = getattr(rule, "example_files", None)
    assert run_rule(rule, rule.meta.use_instead, tmp_path, extra_files=extra) == []


@pytest.mark.parametrize("rule", BEHAVIOUR_RULES, ids=lambda r: r.meta.id)
def test_rule_metadata_is_complete(rule: Any) -> None:
    meta = rule.meta
    assert meta.id.startswith("AI")
    assert meta.name == meta.name.lower()
    assert " " not in meta.name
    for text in (meta.what, meta.why, meta.example, meta.use_instead):
        assert text
    assert meta.scanner == "ai-rules"


@pytest.mark.parametrize("rule", BEHAVIOUR_RULES, ids=lambda r: r.meta.id)
def test_rule_never_crashes_on_odd_but_valid_code(rule: Any, tmp_path: Path) -> None:
    code = (
        "from . import x\n"
        "from .. import *\n"
        "lambda: (yield)\n"
        "async def f():\n"
        "    async with a as (b, c):\n"
        "        [d async for d in e]\n"
        "    global g\n"
        "    g += await h\n"
        "match x:\n"
        "    case {'k': v, **rest}: pass\n"
        "try:\n"
        "    pass\n"
        "except* ValueError:\n"
        "    pass\n"
        "x[1:2] = y = z = f'{a!r:>{w}}'\n"
        "del x\n"
    )
    list(run_rule(rule, code, tmp_path))
    list(run_rule(rule, "def broken(:\n", tmp_path, filename="app/broken.py"))


# --- AI201 deprecated-api ------------------------------------------------------------


def test_deprecated_api_resolves_module_aliases(tmp_path: Path) -> None:
    code = (
        "import datetime as dt\n"
        "import collections\n"
        "import logging\n"
        "now = dt.datetime.utcnow()  # expect: AI201\n"
        "isinstance({}, collections.MutableMapping)  # expect: AI201\n"
        "log = logging.getLogger(__name__)\n"
        "log.warn('old')  # expect: AI201\n"
        "import warnings\n"
        "warnings.warn('fine')\n"
    )
    assert_marked("AI201", code, tmp_path)


def test_deprecated_api_flags_unittest_aliases_and_pep594_modules(tmp_path: Path) -> None:
    code = (
        "import unittest\n"
        "import telnetlib  # expect: AI201\n"
        "from distutils.core import setup  # expect: AI201\n"
        "\n"
        "\n"
        "class T(unittest.TestCase):\n"
        "    def test_it(self):\n"
        "        self.assertEquals(1, 1)  # expect: AI201\n"
        "        self.assertEqual(1, 1)\n"
    )
    assert_marked("AI201", code, tmp_path)


def test_deprecated_api_ignores_version_guarded_code(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from datetime import datetime\n"
        "if sys.version_info < (3, 12):\n"
        "    now = datetime.utcnow()\n"
        "try:\n"
        "    import imp\n"
        "except ImportError:\n"
        "    imp = None\n"
    )
    assert lines_of("AI201", code, tmp_path) == []


def check_with(
    rule_id: str, code: str, requires: tuple[int, int] | None, path: str = "app/x.py"
) -> list[Any]:
    context = RepoContext(root=".", paths=frozenset({path}), python=PythonProject(requires_python=requires))
    return list(RULES[rule_id].check(SourceFile(path=path, text=code, language="python"), context))


def test_deprecated_api_severity_rises_when_requires_python_reaches_removal() -> None:
    code = "import imp\nfrom datetime import datetime\nx = datetime.utcnow()\n"
    old = {h.line: h for h in check_with("AI201", code, (3, 9))}
    new = {h.line: h for h in check_with("AI201", code, (3, 12))}
    assert old[1].severity is None
    assert new[1].severity == Severity.HIGH
    assert "removed in Python 3.12" in new[1].message
    assert "use `importlib`" in new[1].message
    assert new[3].severity is None  # utcnow has no removal version yet


def test_deprecated_api_leaves_get_event_loop_inside_coroutines_alone(tmp_path: Path) -> None:
    code = (
        "import asyncio\n"
        "async def run():\n"
        "    loop = asyncio.get_event_loop()\n"
        "    def inner():\n"
        "        return asyncio.get_event_loop()  # expect: AI201\n"
        "    return loop, inner\n"
    )
    assert_marked("AI201", code, tmp_path)


def test_deprecated_api_ignores_assert_helpers_outside_unittest_classes(tmp_path: Path) -> None:
    code = (
        "class Fixture:\n"
        "    def assert_(self, x):\n"
        "        assert x\n"
        "    def test(self):\n"
        "        self.assert_(True)\n"
    )
    assert lines_of("AI201", code, tmp_path) == []


# --- AI202 weak-password-hash ----------------------------------------------------------


def test_weak_hash_follows_a_local_derived_from_the_password(tmp_path: Path) -> None:
    code = (
        "import hashlib\n"
        "def store(form):\n"
        "    raw = form.cleaned_data['password']\n"
        "    h = hashlib.sha1()\n"
        "    h.update(raw.encode())  # expect: AI202\n"
        "    return hashlib.new('md5', raw.encode()).hexdigest()  # expect: AI202\n"
    )
    assert_marked("AI202", code, tmp_path)


def test_weak_hash_ignores_non_security_and_kdf_uses(tmp_path: Path) -> None:
    code = (
        "import hashlib\n"
        "def etag(password_reset_url, body):\n"
        "    hashlib.md5(password_reset_url.encode()).hexdigest()\n"
        "    hashlib.md5(body, usedforsecurity=False)\n"
        "def kdf(password, salt):\n"
        "    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)\n"
    )
    assert lines_of("AI202", code, tmp_path) == []


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


# --- AI401 / AI402 concurrency ---------------------------------------------------------


def test_shared_state_rule_covers_dict_updates_check_then_set_and_globals(tmp_path: Path) -> None:
    code = (
        "from concurrent.futures import ThreadPoolExecutor\n"
        "total = 0\n"
        "_cache = {}\n"
        "class Stats:\n"
        "    def add(self, key):\n"
        "        self.counts[key] = self.counts.get(key, 0) + 1  # expect: AI401\n"
        "        self.items.append(key)\n"
        "    def load(self, key):\n"
        "        if key not in self.cache:  # expect: AI401\n"
        "            self.cache[key] = compute(key)\n"
        "def tally(n):\n"
        "    global total\n"
        "    total += n  # expect: AI401\n"
        "    _cache[n] = _cache.get(n, 0) + 1  # expect: AI401\n"
        "    local = {}\n"
        "    local[n] = local.get(n, 0) + 1\n"
        "with ThreadPoolExecutor() as pool:\n"
        "    pool.map(tally, range(10))\n"
    )
    assert_marked("AI401", code, tmp_path)


def test_shared_state_rule_is_quiet_without_threads_and_under_locks(tmp_path: Path) -> None:
    no_threads = "class Counter:\n    def increment(self):\n        self.count += 1\n"
    assert lines_of("AI401", no_threads, tmp_path) == []
    locked = (
        "import threading\n"
        "lock = threading.Lock()\n"
        "class Local(threading.local):\n"
        "    def bump(self):\n"
        "        self.n += 1\n"
        "class Counter:\n"
        "    def bump(self):\n"
        "        lock.acquire()\n"
        "        try:\n"
        "            self.n += 1\n"
        "        finally:\n"
        "            lock.release()\n"
        "threading.Thread(target=Counter().bump).start()\n"
    )
    assert lines_of("AI401", locked, tmp_path) == []


def test_a_class_lock_flags_only_state_it_guards_elsewhere(tmp_path: Path) -> None:
    code = (
        "import threading\n"
        "class Pool:\n"
        "    def __init__(self):\n"
        "        self._lock = threading.Lock()\n"
        "        self.size = 0\n"
        "    def grow(self):\n"
        "        with self._lock:\n"
        "            self.size += 1\n"
        "    def shrink(self):\n"
        "        self.size -= 1  # expect: AI401\n"
        "    def note(self):\n"
        "        self.calls += 1\n"
    )
    assert_marked("AI401", code, tmp_path)


def test_check_then_act_on_a_dict_item_across_await(tmp_path: Path) -> None:
    code = (
        "class Cache:\n"
        "    async def get(self, key):\n"
        "        if key not in self._data:\n"
        "            value = await load(key)\n"
        "            self._data[key] = value  # expect: AI402\n"
        "        return self._data[key]\n"
        "    async def set_first(self, key):\n"
        "        if self._flag is None:\n"
        "            self._flag = True\n"
        "            await save(key)\n"
    )
    assert_marked("AI402", code, tmp_path)


# --- AI501 sensitive-data-in-log -------------------------------------------------------


def test_sensitive_log_arguments_in_all_their_forms(tmp_path: Path) -> None:
    code = (
        "import logging\n"
        "import structlog\n"
        "log = structlog.get_logger()\n"
        "logger = logging.getLogger(__name__)\n"
        "def f(user, api_key, data, cookie):\n"
        "    logger.info('user %s key %s' % (user, api_key))  # expect: AI501\n"
        "    logger.info('pw {}'.format(user.password))  # expect: AI501\n"
        "    log.info('login', token=user.token)  # expect: AI501\n"
        "    logging.warning('payload %s', data.get('password'))  # expect: AI501\n"
        "    print(cookie)  # expect: AI501\n"
        "    logger.info('password changed for %s', user)\n"
        "    logger.info('key set: %s', bool(api_key))\n"
        "    log.info('login', token='***')\n"
        "    catalog.info(api_key)\n"
    )
    assert_marked("AI501", code, tmp_path)


# --- AI502 hardcoded-secret ------------------------------------------------------------

GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
ENTROPY_VALUE = "9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"


def test_hardcoded_secret_masks_snippet_and_message(tmp_path: Path) -> None:
    code = f'HEADERS = {{"Authorization": "token {GITHUB_TOKEN}"}}  # expect: AI502\n'
    hits = run_rule(RULES["AI502"], code, tmp_path)
    assert hit_lines(hits) == expected_lines(code, "AI502")
    (hit,) = hits
    assert GITHUB_TOKEN not in hit.message
    assert hit.snippet is not None
    assert GITHUB_TOKEN not in hit.snippet
    assert "ghp_****" in hit.snippet
    assert hit.confidence == Confidence.HIGH
    assert "GitHub token" in hit.message


def test_hardcoded_secret_entropy_case_leaves_bandit_names_to_bandit(tmp_path: Path) -> None:
    code = (
        f'api_key = "{ENTROPY_VALUE}"  # expect: AI502\n'
        f'config["password"] = "{ENTROPY_VALUE}"  # expect: AI502\n'
        f'connect(apiKey="{ENTROPY_VALUE}")  # expect: AI502\n'
        f'password = "{ENTROPY_VALUE}"\n'
        f'auth_token = "{ENTROPY_VALUE}"\n'
        f'sha = "{ENTROPY_VALUE}"\n'
        'API_KEY = os.environ.get("API_KEY", "changeme-in-production")\n'
    )
    hits = run_rule(RULES["AI502"], code, tmp_path)
    assert hit_lines(hits) == expected_lines(code, "AI502")
    for hit in hits:
        assert ENTROPY_VALUE not in hit.message
        assert hit.snippet is not None
        assert ENTROPY_VALUE not in hit.snippet


def test_hardcoded_secret_documented_examples_and_tests_get_lower_confidence(tmp_path: Path) -> None:
    code = 'AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n'
    (hit,) = run_rule(RULES["AI502"], code, tmp_path)
    assert hit.confidence == Confidence.LOW
    assert "EXAMPLEKEY" not in (hit.snippet or "")
    (in_test,) = run_rule(RULES["AI502"], f'KEY = "{GITHUB_TOKEN}"\n', tmp_path, filename="tests/test_x.py")
    assert in_test.confidence == Confidence.MEDIUM
