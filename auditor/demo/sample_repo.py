"""Turn the files of ``sample/`` into a small git repository with some history.

The ``createdemo`` command scans the result, so that a new installation shows a real
scan within a minute. No Django imports: the command passes the destination.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"

# Marks a repository as built here, so that a second call leaves it alone and a
# directory that is something else is never overwritten.
_MARKER_KEY = "auditor.demosample"

_AUTHOR = {"name": "Dana Developer", "email": "dana@acme.example"}

# The sample's history: each commit adds the files under these prefixes (in order;
# a file goes to the first commit whose prefix matches, the last commit takes the rest).
# The messages' bodies carry the AI signatures real tools write (scanners/provenance/
# signatures.toml), so the demo's AI pages show AI-written and human-written code at once.
_CLAUDE_BODY = (
    "\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
    "Co-authored-by: Claude <noreply@anthropic.com>\n"
)
_CURSOR_BODY = "\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>\n"
_COMMITS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "2025-03-03T09:12:00+00:00",
        "Add accounts service with login and profiles",
        (
            ".gitignore",
            "README.md",
            "pyproject.toml",
            "requirements.txt",
            "config/",
            "service/__init__.py",
            "service/app.py",
            "service/auth.py",
            "service/config.py",
            "service/db.py",
            "service/helpers/",
            "service/users.py",
        ),
    ),
    (
        "2025-03-05T14:40:00+00:00",
        "Add order pricing, nightly export and notifications" + _CLAUDE_BODY,
        ("service/",),
    ),
    (
        "2025-03-06T10:05:00+00:00",
        "Add React profile page" + _CURSOR_BODY,
        ("web/",),
    ),
)
# A Git AI authorship log (refs/notes/ai) on the first, human commit: its author had an
# assistant write the password helpers of service/auth.py (a line-level record).
_NOTE_PATH, _NOTE_LINES = "service/auth.py", "1-12"


def build_sample_repository(dest: Path) -> Path:
    """Copy the sample into ``dest``, commit it in three commits on ``main``, return ``dest``.

    Commits have a fixed author and dates, so the history is the same on every
    machine. Idempotent: if ``dest`` already is a repository built by this function
    it is left as it is. A ``dest`` that exists, is not empty and is not such a
    repository is refused with ``ValueError`` rather than overwritten.
    """
    dest = Path(dest)
    if dest.exists():
        if _is_sample_repository(dest):
            return dest
        if not dest.is_dir() or any(dest.iterdir()):
            raise ValueError(f"{dest} exists and is not the demo sample repository; not overwriting it")
    dest.mkdir(parents=True, exist_ok=True)
    try:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(SAMPLE_DIR, dest, dirs_exist_ok=True, ignore=ignore)
        _git(dest, "init", "--quiet", "--template=", "--initial-branch=main")
        remaining = _sample_files()
        for index, (date, message, prefixes) in enumerate(_COMMITS):
            last = index == len(_COMMITS) - 1
            batch = [f for f in remaining if last or f.startswith(prefixes)]
            remaining = [f for f in remaining if f not in batch]
            _git(dest, "add", "--", *batch)
            _git(dest, "commit", "--quiet", "--no-verify", "-m", message, date=date)
            if index == 0:
                _add_note(dest, date)
        # Written last: only a complete repository carries the marker.
        _git(dest, "config", _MARKER_KEY, "true")
    except BaseException:
        # Leave nothing half-built that a second call would refuse to touch.
        shutil.rmtree(dest, ignore_errors=True)
        raise
    return dest


def _add_note(repo: Path, date: str) -> None:
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, env=_env(), capture_output=True, text=True, check=True
    ).stdout.strip()
    prompt = {
        "agent_id": {"tool": "cursor", "id": "demo-session", "model": "claude-4-sonnet"},
        "human_author": f"{_AUTHOR['name']} <{_AUTHOR['email']}>",
        "messages": [],
        "total_additions": 12,
        "total_deletions": 0,
        "accepted_lines": 12,
        "overriden_lines": 0,
    }
    metadata = {
        "schema_version": "authorship/3.0.0",
        "base_commit_sha": head,
        "prompts": {"d3a0d3a0d3a0d3a0": prompt},
    }
    note = f"{_NOTE_PATH}\n  d3a0d3a0d3a0d3a0 {_NOTE_LINES}\n---\n{json.dumps(metadata, indent=2)}\n"
    _git(repo, "notes", "--ref=ai", "add", "-m", note, "HEAD", date=date)


def _sample_files() -> list[str]:
    """The sample's files as sorted POSIX paths relative to ``SAMPLE_DIR``."""
    return sorted(
        path.relative_to(SAMPLE_DIR).as_posix()
        for path in SAMPLE_DIR.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def _is_sample_repository(path: Path) -> bool:
    if not (path / ".git").is_dir():
        return False
    done = subprocess.run(
        ["git", "config", "--local", "--get", _MARKER_KEY],
        cwd=path,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0 and done.stdout.strip() == "true"


def _env(date: str | None = None) -> dict[str, str]:
    # Inherited GIT_* variables (GIT_DIR, GIT_INDEX_FILE, …) must not redirect us.
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env |= {
        # The operator's own git configuration (signing, hooks, templates) stays out.
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": _AUTHOR["name"],
        "GIT_AUTHOR_EMAIL": _AUTHOR["email"],
        "GIT_COMMITTER_NAME": _AUTHOR["name"],
        "GIT_COMMITTER_EMAIL": _AUTHOR["email"],
    }
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    return env


def _git(repo: Path, *args: str, date: str | None = None) -> None:
    subprocess.run(
        ["git", "-c", "core.hooksPath=/dev/null", *args],
        cwd=repo,
        env=_env(date),
        check=True,
        capture_output=True,
    )
