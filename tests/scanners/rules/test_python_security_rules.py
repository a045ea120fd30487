"""Python security and observability rules beyond their documented examples:
AI202 weak-password-hash, AI501 sensitive-data-in-log, AI502 hardcoded-secret."""

from __future__ import annotations

from pathlib import Path

from scanners.model import Confidence
from tests.scanners.rules.harness import RULES, assert_marked, expected_lines, hit_lines, lines_of, run_rule

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


def test_sensitive_log_covers_whole_objects_personal_data_and_structlog_forms(tmp_path: Path) -> None:
    code = (
        "import json, logging, os, sys\n"
        "import structlog\n"
        "log = structlog.get_logger()\n"
        "def handle(request, user, card_number, order):\n"
        "    logging.getLogger(__name__).info('env %s', os.environ)  # expect: AI501\n"
        "    log.bind(user_id=user.id, token=request.token).info('start')  # expect: AI501\n"
        "    structlog.get_logger().warning('charge', card=card_number)  # expect: AI501\n"
        "    log.info('body: ' + json.dumps(request.POST))  # expect: AI501\n"
        "    print(vars(user))  # expect: AI501\n"
        "    sys.stderr.write(f'{request.META}')  # expect: AI501\n"
        "    log.debug('state %s', locals())  # expect: AI501\n"
        "    log.info('order %s for %s', order.id, user.email)\n"
        "    log.info('headers seen: %d', len(request.headers))\n"
        "    log.info('safe headers %s', redact_headers(request.headers))\n"
        "    log.info('page %s', request.GET.get('page'))\n"
    )
    assert_marked("AI501", code, tmp_path)
