"""Scan workspaces: fresh, private, and removed whatever happened inside."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from auditor.git import (
    workspace,
)
from tests.auditor.git.conftest import clone

# --------------------------------------------------------------------------- workspaces


class ScanFailed(Exception):
    pass


def test_the_workspace_is_removed_on_exception(tmp_path: Path) -> None:
    base = tmp_path / "workspaces"

    def scan_that_fails() -> Path:
        with workspace(base) as path:
            (path / "ro-dir").mkdir()
            (path / "ro-dir/pack.idx").write_text("x")
            (path / "ro-dir/pack.idx").chmod(0o444)
            (path / "ro-dir").chmod(stat.S_IRUSR | stat.S_IXUSR)
            (path / "link").symlink_to(tmp_path)
            raise ScanFailed(path)

    with pytest.raises(ScanFailed) as caught:
        scan_that_fails()

    path = caught.value.args[0]

    assert not path.exists()
    assert base.exists()
    assert tmp_path.exists()


def test_the_workspace_is_fresh_and_removed_after_a_clone(source: Path, root: Path, tmp_path: Path) -> None:
    base = tmp_path / "workspaces"

    with workspace(base) as first, workspace(base) as second:
        assert first != second
        assert list(first.iterdir()) == []
        clone(source, first / "checkout", root)

    assert not first.exists()
    assert not second.exists()
