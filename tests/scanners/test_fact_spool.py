"""Repo rules' facts between the files' analysis and `conclude` (engine._FactSpool)."""

from __future__ import annotations

from pathlib import Path

import pytest

import scanners.engine as engine
import scanners.rules.python.context_rules as context_rules
from scanners.engine import EngineConfig, _FactSpool, scan_directory
from tests.scanners.engine_support import make_repo, write_tree
from tests.scanners.provenance.repo_support import commit, run_git


@pytest.fixture(params=[False, True], ids=["objects", "packed"])
def packed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Facts kept as objects, or packed from the third file in batches of two: a small
    repository takes the path of a 100,000-file one."""
    if request.param:
        _pack_small(monkeypatch)
    return bool(request.param)


def _pack_small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_FactSpool, "PACK_FROM_FILES", 2)
    monkeypatch.setattr(_FactSpool, "BATCH", 2)


def test_rules_collecting_the_same_objects_take_one_dict(packed: bool) -> None:
    spool = _FactSpool(["A", "B", "C"])
    shared = [{"module": f"m{i}"} for i in range(7)]
    for i, value in enumerate(shared):
        spool.add(f"f{i}.py", {"A": value, "B": value, "C": {"own": i}})
    a, b = spool.take("A"), spool.take("B")
    assert a is b
    assert a == {f"f{i}.py": {"module": f"m{i}"} for i in range(7)}
    assert spool.take("C") == {f"f{i}.py": {"own": i} for i in range(7)}
    # Forgotten once both took them.
    assert spool.take("A") == {}
    assert spool.take("B") == {}


def test_a_rule_whose_facts_stop_being_shared_keeps_exactly_its_own(packed: bool) -> None:
    spool = _FactSpool(["A", "B"])
    values = [[i] for i in range(8)]
    for i in range(5):
        spool.add(f"f{i}.py", {"A": values[i], "B": values[i]})
    spool.add("f5.py", {"A": values[5], "B": ["B's own"]})  # the same no longer
    spool.add("f6.py", {"A": values[6]})  # B collected nothing here
    spool.add("f7.py", {"A": values[7], "B": values[7]})
    b = spool.take("B")
    a = spool.take("A")
    assert a is not b
    assert list(a.items()) == [(f"f{i}.py", [i]) for i in range(8)]
    expected = [(f"f{i}.py", [i]) for i in range(5)] + [("f5.py", ["B's own"]), ("f7.py", [7])]
    assert list(b.items()) == expected
    if not packed:  # until the split, B's values were the very objects A stored
        assert b["f0.py"] is a["f0.py"]


def test_rules_are_paired_at_their_first_shared_fact_not_only_at_the_first_file(packed: bool) -> None:
    spool = _FactSpool(["A", "B", "JS"])
    spool.add("a.js", {"JS": {"js": 0}})  # the repository's first file is not Python
    spool.add("b.py", {"A": None, "B": None, "JS": None})
    shared = [[i] for i in range(6)]
    for i, value in enumerate(shared):
        spool.add(f"m{i}.py", {"A": value, "B": value})
    a, b = spool.take("A"), spool.take("B")
    assert a is b
    assert list(a.items()) == [("b.py", None)] + [(f"m{i}.py", [i]) for i in range(6)]
    assert spool.take("JS") == {"a.js": {"js": 0}, "b.py": None}


def test_rules_that_differed_before_sharing_an_object_keep_their_own() -> None:
    spool = _FactSpool(["A", "B"])
    spool.add("f0.py", {"A": None, "B": ["B's own"]})
    same = [1]
    spool.add("f1.py", {"A": same, "B": same})
    a, b = spool.take("A"), spool.take("B")
    assert a is not b
    assert a == {"f0.py": None, "f1.py": [1]}
    assert b == {"f0.py": ["B's own"], "f1.py": [1]}


def test_none_is_no_evidence_of_sharing() -> None:
    spool = _FactSpool(["A", "B"])
    spool.add("f0.py", {"A": None, "B": None})
    spool.add("f1.py", {"A": [1], "B": [2]})
    assert spool.take("A") == {"f0.py": None, "f1.py": [1]}
    assert spool.take("B") == {"f0.py": None, "f1.py": [2]}


FILES = {
    "app/__init__.py": "",
    "app/util.py": "def helper():\n    return 1\n",
    "app/main.py": "from app.missing import thing\nimport requests\n\n\ndef run():\n    return thing\n",
    "app/other.py": "from app.util import helper, nothere\n",
    "app/more.py": "import app.util\n",
    "app/last.py": "from . import util\n",
    "requirements.txt": "flask==3.0.0\n",
}


def _resolver_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    built: list[int] = []
    real = context_rules.Resolver

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(context_rules, "Resolver", counting)
    return built


def _context_findings(root: Path) -> list[tuple[str, str, int, str]]:
    result = scan_directory(root, EngineConfig(workers=1))
    context = [f for f in result.findings if f.rule_id in ("AI101", "AI102")]
    return [(f.rule_id, f.path, f.line, f.message) for f in context]


def test_a_packed_scan_resolves_imports_once_and_finds_what_an_unpacked_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, FILES)
    built = _resolver_builds(monkeypatch)
    unpacked = _context_findings(repo)
    assert len(built) == 1
    _pack_small(monkeypatch)
    packed = _context_findings(repo)
    assert len(built) == 2  # once more: once for this scan's AI101 and AI102 together
    assert packed == unpacked
    assert [(rule, path, line) for rule, path, line, _ in packed] == [
        ("AI101", "app/main.py", 1),
        ("AI102", "app/main.py", 2),
        ("AI101", "app/other.py", 1),
    ]


def test_the_rules_memo_is_freed_with_the_context_before_attribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path)
    run_git(repo, "init", "--quiet", "-b", "main")
    commit(repo, FILES, "Initial")
    held: list[int] = []
    real = engine.decide

    def deciding(*args, **kwargs):  # type: ignore[no-untyped-def]
        held.append(len(context_rules._PROBLEMS))
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "decide", deciding)
    scan_directory(repo, EngineConfig(workers=1))
    assert held == [0]
