"""Repository-relative POSIX paths ("" is the repository root): the helpers every
JavaScript/TypeScript project fact and resolution step shares."""

from __future__ import annotations

import posixpath


def dir_of(path: str) -> str:
    return posixpath.dirname(path)


def is_under(path: str, directory: str) -> bool:
    return not directory or path.startswith(directory + "/")


def join_relative(directory: str, relative: str) -> str:
    """`directory` joined with `relative`, normalised; "" (not ".") for the root."""
    joined = posixpath.normpath(posixpath.join(directory, relative))
    return "" if joined == "." else joined
