"""The text form of file names, and reads that stay inside the checkout."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from scanners.discovery import discover
from scanners.paths import OutsideCheckout, escape_path, path_bytes, read_inside


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"app/models.py", "app/models.py"),
        ("caf\u00e9/\u65e5\u672c.py".encode(), "caf\u00e9/\u65e5\u672c.py"),
        (b"bad\xff\xfe.py", "bad\\xff\\xfe.py"),
        (b"new\nline\t.py", "new\\x0aline\\x09.py"),
        ("rtl\u202egnp.py".encode(), "rtl\\xe2\\x80\\xaegnp.py"),
        (b"back\\slash.py", "back\\\\slash.py"),
        (b"looks\\x41escaped.py", "looks\\\\x41escaped.py"),
        (b"\xed\xa0\x80.py", "\\xed\\xa0\\x80.py"),  # an encoded surrogate is not UTF-8
    ],
)
def test_it_escapes_only_what_is_not_safe_to_show_and_reverses_exactly(raw: bytes, text: str) -> None:
    assert escape_path(raw) == text
    assert path_bytes(text) == raw


def test_any_bytes_survive_the_round_trip() -> None:
    rng = random.Random(1234)
    for _ in range(2000):
        raw = bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 40)))
        assert path_bytes(escape_path(raw)) == raw
        assert not any(
            ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or 0xD800 <= ord(c) < 0xE000 for c in escape_path(raw)
        )


def test_it_lists_loops_and_escaping_links_as_warnings_and_reads_deep_paths(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (outside / "secret.py").write_text("KEY = 1\n")
    os.symlink("b", repo / "a")
    os.symlink("a", repo / "b")
    os.symlink("self.py", repo / "self.py")
    os.symlink("../outside/secret.py", repo / "leak.py")
    (repo / "sub").mkdir()
    os.symlink("sub/../../outside/secret.py", repo / "dotdot.py")
    # Deeper than PATH_MAX once the checkout's own location is prefixed.
    deep = b"/".join([b"d" * 200] * 20)
    os.makedirs(os.fsencode(repo) + b"/" + deep)
    fd = os.open(deep, os.O_RDONLY | os.O_DIRECTORY, dir_fd=os.open(repo, os.O_RDONLY))
    with open(os.open("deep.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as handle:
        handle.write("x = 1\n")
    (repo / os.fsdecode(b"name\xff.py")).write_text("y = 2\n")

    files, warnings = discover(repo)

    deep_path = deep.decode() + "/deep.py"
    assert sorted(f.path for f in files) == sorted([deep_path, "name\\xff.py"])
    assert [(w.code, w.path) for w in warnings] == [
        ("file:symlink-loop", "a"),
        ("file:symlink-loop", "b"),
        ("file:symlink-outside", "dotdot.py"),
        ("file:symlink-outside", "leak.py"),
        ("file:symlink-loop", "self.py"),
    ]
    assert read_inside(repo, deep_path, 100) == b"x = 1\n"
    assert read_inside(repo, "name\\xff.py", 100) == b"y = 2\n"
    with pytest.raises(OutsideCheckout):
        read_inside(repo, "leak.py", 100)
