r"""Hostile repositories: whatever one file of a repository is, the scan succeeds.

One real git repository holds every hostile case at once (symlink loops, links out of the
checkout, paths past 1,000 and near 4,000 bytes, names that are not UTF-8 or hold
newlines, escapes and RTL marks, NUL bytes, binary, huge and undecodable files, syntax
errors, recursion bombs, bandit's hard-coded passwords, lenient coding cookies) next to an
ordinary file. It is scanned by `python -m scanners` (with an audit hook that records
every open outside the checkout) and by a real Celery worker on PostgreSQL and Redis,
twice, with the engine's result cache cold and then warm: each scan succeeds with exactly
the expected per-file warnings and findings, paths in the engine's escaped text form
(scanners/paths.py) everywhere, and nothing outside the checkout is read.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from auditor.models import FileBlob, FileMetric, Finding, Scan, ScanStatus, ScanTrigger
from auditor.services.repositories import repository_create
from auditor.services.scans import scan_request
from tests.auditor.conftest import Personas
from tests.auditor.test_worker_integration import Worker, _wait_finished, worker  # noqa: F401
from tests.conftest import git

ROOT = Path(__file__).resolve().parents[2]
SECRET_MARK = "outside-the-checkout-7f3a"
DEEP_1K = "/".join(["a" * 200] * 5) + "/over_1000.py"  # 1,013 bytes
# 3,972 bytes: past PATH_MAX once the checkout's location is prefixed (git itself works
# relative to the worktree, and so must the engine).
DEEP_4K = "/".join(["d" * 200] * 19) + "/" + "n" * 150 + ".py"
EXEC = b"exec(input())\n"

# (path bytes, content); a `bytes` content is a file, a `str` one the target of a symlink.
FILES: dict[bytes, bytes | str] = {
    b"app/service.py": b"import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n",
    b"creds.py": b'DB_PASSWORD = "hunter2-prod-secret"\n\n\ndef connect(password="letmein-default"):\n'
    b"    return password\n",
    b"loop_a": "loop_b",
    b"loop_b": "loop_a",
    b"self_loop.py": "self_loop.py",
    b"leak.py": f"../outside/{SECRET_MARK}.py",
    b"abs_leak.py": "",  # filled in with the absolute path of the outside file
    DEEP_1K.encode(): EXEC,
    DEEP_4K.encode(): EXEC,
    b"bad\xff\xfe.py": EXEC,
    b"new\nline.py": EXEC,
    "rtl\u202egnp.py".encode(): EXEC,
    b"esc\x1b[31m.py": EXEC,
    b"back\\slash.py": EXEC,
    "caf\u00e9.py".encode(): EXEC,
    "cafe\u0301.py".encode(): EXEC,  # the same name, decomposed: another file
    b"nul.py": b"x = 1\n" * 3000 + b'y = "\x00"\n',
    b"image.py": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"blob.bin": bytes(range(256)) * 64,
    b"huge.py": b"x = 1\n" * 200_000,  # 1.2 MB that compresses to almost nothing
    b"latin1.py": "s = 'caf\u00e9'\n".encode("latin-1"),
    b"utf7.py": b"# +2AA- a lone surrogate once decoded\n# coding: utf-7\nx = 1\n",
    b"escapes.py": b"# coding: unicode_escape\ns = '\\x00'\n",
    b"broken.py": b"def f(:\n    pass\n",
    b"bomb_parse.py": b"x = " + b"+".join([b"1"] * 100_000) + b"\n",
    b"bomb_memory.py": b"x = " + b"-" * 100_000 + b"1\n",
    b"bomb_visit.py": b"x = " + b"+".join([b"1"] * 600) + b"\n",
    # Near the recursion limit: analysed in full from the CLI's shallow stack and, since the
    # fixed headroom (scanners/headroom.py), from the worker's deep one too.
    b"borderline.py": b"x = " + b" + ".join([b"1"] * 300) + b"\n",
}

EXPECTED_WARNINGS = {
    ("file:binary", "image.py"),
    ("file:symlink-loop", "loop_a"),
    ("file:symlink-loop", "loop_b"),
    ("file:symlink-loop", "self_loop.py"),
    ("file:symlink-outside", "abs_leak.py"),
    ("file:symlink-outside", "leak.py"),
    ("file:too-large", "huge.py"),
    ("file:undecodable", "latin1.py"),
    ("file:undecodable", "utf7.py"),
}
ODD_PATHS = {
    "bad\\xff\\xfe.py",
    "new\\x0aline.py",
    "rtl\\xe2\\x80\\xaegnp.py",
    "esc\\x1b[31m.py",
    "back\\\\slash.py",
    "caf\u00e9.py",
    "cafe\u0301.py",
    DEEP_1K,
    DEEP_4K,
}
EXPECTED_FINDINGS = {
    ("B602", "app/service.py"),
    ("B105", "creds.py"),
    ("B107", "creds.py"),
    ("E001", "broken.py"),
    ("E001", "nul.py"),
    ("E001", "escapes.py"),
    ("E002", "bomb_parse.py"),
    ("E002", "bomb_memory.py"),
    ("E002", "bomb_visit.py"),
    *(("B102", path) for path in ODD_PATHS),
}
ENGINE_FINDINGS = {"E001", "E002"}

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _write(root_fd: int, rel: bytes, content: bytes | str) -> None:
    """Create `rel` relative to the open directory `root_fd` (paths past PATH_MAX once
    the repository's own location is prefixed cannot be opened by absolute path)."""
    parts = rel.split(b"/")
    for end in range(1, len(parts)):
        with contextlib.suppress(FileExistsError):
            os.mkdir(b"/".join(parts[:end]), dir_fd=root_fd)
    if isinstance(content, str):
        os.symlink(content, rel, dir_fd=root_fd)
        return
    fd = os.open(rel, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=root_fd)
    with open(fd, "wb") as handle:
        handle.write(content)


@pytest.fixture
def hostile_repo(repos_root: Path, tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / f"{SECRET_MARK}.py"
    secret.write_text(f'PASSWORD = "{SECRET_MARK}"\nexec(input())\n')
    repo = repos_root / "hostile"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    root_fd = os.open(repo, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for rel, content in FILES.items():
            _write(root_fd, rel, str(secret) if rel == b"abs_leak.py" else content)
    finally:
        os.close(root_fd)
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "Hostile files")
    return repo


_AUDITED_CLI = """
import os, sys
outside, log = sys.argv[1], os.open(sys.argv[2], os.O_WRONLY | os.O_APPEND)
def hook(event, args):
    if event in ("open", "os.scandir", "os.listdir") and isinstance(args[0], (str, bytes)):
        path = os.fsdecode(args[0])
        if path.startswith(outside):
            os.write(log, (event + " " + path + "\\n").encode("utf-8", "backslashreplace"))
sys.addaudithook(hook)
from scanners.cli import main
sys.exit(main(sys.argv[3:]))
"""


def _cli(repo: Path, outside: Path, tmp_path: Path, *args: str) -> tuple[str, str]:
    """The CLI's report, and every open of a path under `outside` by it or its pool."""
    log = tmp_path / "outside-reads.log"
    log.write_text("")
    done = subprocess.run(
        [sys.executable, "-c", _AUDITED_CLI, str(outside), str(log), str(repo), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert not done.stderr, done.stderr[-3000:]
    return done.stdout, log.read_text()


def _by_rule(findings: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(f["rule_id"], f["path"]) for f in findings}


def _hostile_subset(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The expected pairs that are there, plus any engine finding (E001/E002) that is not."""
    return {
        (rule, path) for rule, path in pairs if rule in ENGINE_FINDINGS or (rule, path) in EXPECTED_FINDINGS
    }


def test_the_cli_reports_every_hostile_file_and_reads_nothing_outside(
    hostile_repo: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    report, outside_reads = _cli(hostile_repo, outside, tmp_path, "--format", "json", "--workers", "2")
    result = json.loads(report)

    assert outside_reads == ""
    assert {(w["code"], w["path"]) for w in result["warnings"]} == EXPECTED_WARNINGS
    assert _hostile_subset(_by_rule(result["findings"])) == EXPECTED_FINDINGS
    assert SECRET_MARK not in report
    assert {f["path"] for f in result["files"]} >= ODD_PATHS
    by_key = {(f["rule_id"], f["path"]): f for f in result["findings"]}
    assert by_key["B105", "creds.py"]["snippet"] == 'DB_PASSWORD = "hunt***************"'
    assert "hunter2" not in by_key["B105", "creds.py"]["message"]
    assert "letmein" not in json.dumps(by_key["B107", "creds.py"])
    assert by_key["E002", "bomb_visit.py"]["message"].startswith(
        "nested too deeply to analyse: bandit (RecursionError), radon (RecursionError)"
    )

    text, _ = _cli(hostile_repo, outside, tmp_path, "--format", "text", "--workers", "1")
    assert "new\\x0aline.py:1:1" in text
    assert "\u202e" not in text
    assert "\x1b" not in text
    sarif = json.loads(_cli(hostile_repo, outside, tmp_path, "--format", "sarif")[0])
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]
    }
    assert "bad%5Cxff%5Cxfe.py" in uris  # the escaped path, percent-encoded as a URI


def _scan(personas: Personas, repository: Any) -> Scan:
    scan = scan_request(repository=repository, trigger=ScanTrigger.API, requested_by=personas.reviewer)
    return _wait_finished(scan, timeout=120)


@pytest.fixture
def engine_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A result cache of the test's own for the worker (set before it starts)."""
    directory = tmp_path / "engine-cache"
    monkeypatch.setenv("SCAN_ENGINE_CACHE_DIR", str(directory))
    return directory


def test_a_worker_scans_the_hostile_repository_twice_with_identical_results(
    personas: Personas,
    hostile_repo: Path,
    tmp_path: Path,
    engine_cache: Path,
    worker: Worker,  # noqa: F811
) -> None:
    repository = repository_create(team=personas.team, name="hostile", clone_url=str(hostile_repo))
    cli = json.loads(
        _cli(hostile_repo, tmp_path / "outside", tmp_path, "--format", "json", "--workers", "1")[0]
    )

    stored = []
    for attempt in ("cold cache", "warm cache"):
        scan = _scan(personas, repository)
        assert scan.status == ScanStatus.SUCCEEDED, (
            attempt,
            scan.error_code,
            scan.error_text,
            worker.log()[worker.log().find("Traceback") :][:6000],
        )
        assert {(w["code"], w["path"]) for w in scan.warnings} == EXPECTED_WARNINGS, attempt
        rows = set(Finding.objects.filter(scan=scan).values_list("rule_id", "path", "line", "fingerprint"))
        assert rows == {(f["rule_id"], f["path"], f["line"], f["fingerprint"]) for f in cli["findings"]}, (
            attempt
        )
        assert _hostile_subset({(r, p) for r, p, _, _ in rows}) == EXPECTED_FINDINGS
        assert set(FileMetric.objects.filter(scan=scan).values_list("path", flat=True)) == {
            f["path"] for f in cli["files"]
        }
        stored.append(rows)
    assert stored[0] == stored[1]
    # The second scan's checkout came from the mirror, which had every object already, and
    # was the first scan's kept checkout, brought back to what a fresh one is.
    assert worker.log().count("through its mirror (0 objects fetched, kept checkout updated)") == 1, (
        worker.log()[-3000:]
    )
    assert any(engine_cache.rglob("*.pkl"))  # the second scan could hit the cache
    assert not FileBlob.objects.filter(text__contains=SECRET_MARK).exists()
    assert not Finding.objects.filter(snippet__contains="hunter2").exists()

    viewer = Client()
    viewer.force_login(personas.viewer)
    for odd in ("rtl\\xe2\\x80\\xaegnp.py", "bad\\xff\\xfe.py", "new\\x0aline.py"):
        page = viewer.get(reverse("file-detail", args=[scan.pk]), {"path": odd})
        body = page.content.decode()
        assert page.status_code == 200, odd
        assert odd in body
        assert "\u202e" not in body
        assert "\n" + "line.py" not in body
        # The text was read from the checkout by its escaped path (highlighted: tokens in spans).
        assert "exec(input())" in html.unescape(re.sub(r"<[^>]+>", "", body))
    # The deepest file's text was stored too (its page is views/files.py's to open: it cuts
    # the query's path at 1,000 characters).
    deep = FileMetric.objects.get(scan=scan, path=DEEP_4K)
    assert FileBlob.objects.get(sha256=deep.content_sha256).text == EXEC.decode()
    export = json.loads(b"".join(viewer.get(f"/scans/{scan.pk}/export.json").streaming_content))
    assert {f["path"] for f in export["findings"]} >= ODD_PATHS
