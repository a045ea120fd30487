"""The demo sample: its git repository, and the answer key that lists its planted defects."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from auditor.demo.sample_repo import SAMPLE_DIR, _sample_files, build_sample_repository
from auditor.git import clone_repository

EXPECTED_MD = SAMPLE_DIR.parent / "EXPECTED.md"
CATEGORIES = {"context", "temporal", "happy-path", "concurrency", "security", "observability", "complexity"}
ROW = re.compile(r"^\| (D\d\d) \| ([a-z-]+) \| `([^`:]+):(\d+)(?:-(\d+))?` \| `(.+)` \| (.+) \|$")


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def sample_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_repository(tmp_path_factory.mktemp("demo") / "demo-service")


def expected_rows() -> list[tuple[str, str, str, int, int, str]]:
    rows = []
    for line in EXPECTED_MD.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            ident, category, path, first, last, code, _ = match.groups()
            rows.append((ident, category, path, int(first), int(last or first), code))
    return rows


# --------------------------------------------------------------------------- the repository


def test_it_builds_a_repository_with_history_on_main(sample_repo: Path) -> None:
    assert git(sample_repo, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert re.fullmatch(r"[0-9a-f]{40}", git(sample_repo, "rev-parse", "HEAD"))
    assert git(sample_repo, "log", "--format=%an <%ae> %aI %s").splitlines() == [
        "Dana Developer <dana@acme.example> 2025-03-06T10:05:00+00:00 Add React profile page",
        "Dana Developer <dana@acme.example> 2025-03-05T14:40:00+00:00 "
        "Add order pricing, nightly export and notifications",
        "Dana Developer <dana@acme.example> 2025-03-03T09:12:00+00:00 "
        "Add accounts service with login and profiles",
    ]
    assert git(sample_repo, "status", "--porcelain") == ""


def test_the_committed_tree_is_the_sample(sample_repo: Path) -> None:
    committed = git(sample_repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines()

    assert sorted(committed) == _sample_files()
    for name in committed:
        blob = subprocess.run(
            ["git", "cat-file", "blob", f"HEAD:{name}"], cwd=sample_repo, capture_output=True, check=True
        ).stdout
        assert blob == (SAMPLE_DIR / name).read_bytes(), name


def test_every_commit_adds_part_of_the_project(sample_repo: Path) -> None:
    first = git(sample_repo, "ls-tree", "-r", "--name-only", "HEAD~2").splitlines()
    second = git(sample_repo, "ls-tree", "-r", "--name-only", "HEAD~1").splitlines()

    assert "service/app.py" in first
    assert "service/pricing.py" not in first
    assert "service/pricing.py" in second
    assert not any(name.startswith("web/") for name in second)


def test_the_history_is_the_same_on_every_build(sample_repo: Path, tmp_path: Path) -> None:
    again = build_sample_repository(tmp_path / "again")

    assert git(again, "rev-parse", "HEAD") == git(sample_repo, "rev-parse", "HEAD")


def test_it_leaves_an_existing_sample_repository_alone(tmp_path: Path) -> None:
    repo = build_sample_repository(tmp_path / "demo")
    head = git(repo, "rev-parse", "HEAD")
    (repo / "local-note.txt").write_text("kept")

    assert build_sample_repository(repo) == repo

    assert git(repo, "rev-parse", "HEAD") == head
    assert (repo / "local-note.txt").read_text() == "kept"


def test_it_refuses_to_overwrite_a_directory_that_is_not_the_sample(tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "important.txt").write_text("mine")

    with pytest.raises(ValueError, match="not overwriting"):
        build_sample_repository(other)

    assert (other / "important.txt").read_text() == "mine"
    assert not (other / ".git").exists()


def test_it_fills_an_existing_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()

    repo = build_sample_repository(tmp_path / "empty")

    assert (repo / "service/app.py").exists()


def test_the_demo_repository_clones_through_the_safe_clone(sample_repo: Path, tmp_path: Path) -> None:
    result = clone_repository(
        str(sample_repo), "main", tmp_path / "checkout", local_roots=[sample_repo.parent]
    )

    assert result.commit_sha == git(sample_repo, "rev-parse", "HEAD")
    assert result.commit_message == "Add React profile page"
    assert (result.path / "web/src/api.ts").exists()


# --------------------------------------------------------------------------- the answer key


def test_the_answer_key_points_at_the_planted_code() -> None:
    rows = expected_rows()

    assert rows, "no rows parsed from EXPECTED.md"
    for ident, category, path, first, last, code in rows:
        lines = (SAMPLE_DIR / path).read_text(encoding="utf-8").splitlines()
        assert category in CATEGORIES, ident
        assert 1 <= first <= last <= len(lines), ident
        span = lines[first - 1 : last]
        assert sum(code in line for line in span) == 1, (
            f"{ident}: {code!r} not on one line of {path}:{first}-{last}"
        )


def test_the_answer_key_covers_every_category_once_per_id() -> None:
    rows = expected_rows()
    ids = [row[0] for row in rows]

    assert ids == [f"D{number:02d}" for number in range(1, len(rows) + 1)]
    assert {row[1] for row in rows} == CATEGORIES
    assert len(rows) == sum(line.startswith("| D") for line in EXPECTED_MD.read_text().splitlines())


# --------------------------------------------------------------------------- the planted context


def test_the_sample_keeps_the_context_its_defects_rely_on() -> None:
    requirements = (SAMPLE_DIR / "requirements.txt").read_text()
    assert re.findall(r"^([a-z0-9_-]+)==", requirements, re.M) == ["flask", "requests", "pyyaml"]
    assert "fastjsonschema" not in requirements + (SAMPLE_DIR / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.12"' in (SAMPLE_DIR / "pyproject.toml").read_text()
    assert (SAMPLE_DIR / "service/helpers/validation.py").exists()
    assert not (SAMPLE_DIR / "service/utils").exists()
    assert not list((SAMPLE_DIR / "web/src/lib").glob("security.*"))
    tsconfig = json.loads((SAMPLE_DIR / "web/tsconfig.json").read_text())
    assert tsconfig["compilerOptions"]["paths"] == {"@/*": ["src/*"]}
    package = json.loads((SAMPLE_DIR / "web/package.json").read_text())
    assert package["dependencies"]["react"].startswith("18.")


def test_the_python_sample_parses_and_is_snake_case_but_for_one_function() -> None:
    names = []
    for path in sorted(SAMPLE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names += [
            node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]

    camel = [name for name in names if re.search(r"[a-z][A-Z]", name)]
    assert camel == ["getUserData"]
    assert len(names) > 20


def test_the_sample_holds_no_real_secrets() -> None:
    config = (SAMPLE_DIR / "service/config.py").read_text()

    assert re.findall(r'AWS_\w+_KEY\w* = "([^"]+)"', config) == [
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ]
    assert 'DB_PASSWORD = "hunter2-prod"' in config


def test_the_sample_is_not_collected_as_tests() -> None:
    assert not [path for path in SAMPLE_DIR.rglob("*.py") if path.name.startswith(("test_", "conftest"))]
