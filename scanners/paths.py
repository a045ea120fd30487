r"""Repository paths: one reversible text form of any file name, and reads that never
leave the checkout.

**The text form.** A file name on Linux is bytes. The engine's path of a file (in
findings, metrics, warnings, the CLI's text, JSON and SARIF, and the database) is its
path relative to the checkout, `/`-separated, decoded as UTF-8, with these escapes:

* a backslash is written `\\`;
* a byte that is not part of valid UTF-8 is written `\xNN` (two lowercase hex digits);
* so is each UTF-8 byte of a character that would hide or disguise the name where it is
  shown: C0 controls (newline, tab, ESC, …), DEL, C1 controls, the bidirectional controls
  (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), the line and paragraph
  separators U+2028/U+2029, and the invisible U+200B and U+FEFF.

Any other character, in any script, is kept as it is, so an ordinary path reads exactly
as it does on disk. It is git's `core.quotePath` idea (C-style escapes of the bytes that
are not safe to show) in hex, without git's surrounding quotes and without escaping valid
non-ASCII text. `path_bytes` inverts `escape_path` exactly: `\\` → `\`, `\xNN` → that
byte, every other character → its UTF-8 bytes. `discover` applies it once, to every name
it reads, and nothing downstream decodes names again.

**Reads.** `read_inside` opens a file by its text path relative to the checkout's
directory descriptor, resolving every symbolic link itself (`resolve_inside`): a link that
leads out of the checkout is refused before anything outside is opened, a loop ends after
40 links like the kernel's, and paths longer than PATH_MAX once the checkout's own
location is prefixed still open, because nothing is ever opened by its absolute path.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

# Characters written as \xNN escapes of their bytes; backslash is doubled. Lone surrogates
# U+DC80..U+DCFF are how `surrogateescape` decoding hands over bytes that are not UTF-8.
_UNSAFE_CHARS = "\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff"
_NEEDS_ESCAPE = re.compile(f"[\\\\{_UNSAFE_CHARS}]")
_UNSAFE = re.compile(f"[{_UNSAFE_CHARS}]")
_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2})")
_MAX_LINKS = 40  # Linux's MAXSYMLINKS


class OutsideCheckout(OSError):
    """The path, once its symbolic links are followed, is not inside the checkout."""


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    # surrogatepass: only a lone surrogate from outside the engine (escape_unsafe) needs it.
    return "".join(f"\\x{byte:02x}" for byte in char.encode("utf-8", "surrogatepass"))


def escape_path(raw: bytes) -> str:
    """The text form of a file name or relative path given as bytes (see the module docstring)."""
    text = raw.decode("utf-8", "surrogateescape")
    return _NEEDS_ESCAPE.sub(_escape, text) if _NEEDS_ESCAPE.search(text) else text


def escape_name(name: str) -> str:
    """The text form of a name as `os` functions return it (`os.fsdecode`d bytes)."""
    return escape_path(os.fsencode(name))


def escape_unsafe(text: str) -> str:
    """`text` from outside the engine (e.g. an uploaded result) with every character the
    text form never contains (lone surrogates, NUL and the other unsafe characters above)
    escaped. Backslashes are left alone: such a path may already be in text form."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def path_bytes(path: str) -> bytes:
    """The bytes on disk of a path in text form: the exact inverse of `escape_path`."""
    if "\\" not in path:
        return path.encode("utf-8", "surrogateescape")
    out = bytearray()
    start = 0
    for match in _ESCAPE.finditer(path):
        out += path[start : match.start()].encode("utf-8", "surrogateescape")
        escaped = match.group(1)
        out += b"\\" if escaped == "\\" else bytes([int(escaped[1:], 16)])
        start = match.end()
    out += path[start:].encode("utf-8", "surrogateescape")
    return bytes(out)


@lru_cache(maxsize=16)
def _real_root(root: str) -> bytes:
    return os.fsencode(os.path.realpath(root))


def resolve_inside(root_fd: int, real_root: bytes, rel: bytes) -> bytes:
    """`rel` (bytes, relative to the checkout open as `root_fd`) with every symbolic link
    followed, as a relative path without links ("" for the checkout itself).

    Only `lstat` and `readlink` of entries inside the checkout are used. Raises
    OutsideCheckout when a link (or `..`) leads out, OSError(ELOOP) after 40 links,
    FileNotFoundError for a missing component. An absolute link counts as inside only
    when it names a place under the checkout's real path.
    """
    done: list[bytes] = []
    todo = rel.split(b"/")[::-1]  # a stack: the next component is last
    links = 0
    while todo:
        part = todo.pop()
        if part in (b"", b"."):
            continue
        if part == b"..":
            if not done:
                raise OutsideCheckout(errno.EXDEV, "path leads out of the checkout")
            done.pop()
            continue
        candidate = b"/".join([*done, part])
        if not stat.S_ISLNK(os.lstat(candidate, dir_fd=root_fd).st_mode):
            done.append(part)
            continue
        links += 1
        if links > _MAX_LINKS:
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP))
        target = os.readlink(candidate, dir_fd=root_fd)
        if target.startswith(b"/"):
            if target != real_root and not target.startswith(real_root + b"/"):
                raise OutsideCheckout(errno.EXDEV, "symlink points outside the checkout")
            done, target = [], target[len(real_root) :]
        todo.extend(target.split(b"/")[::-1])
    return b"/".join(done)


class Checkout:
    """The checkout's directory, open for reads relative to it (a context manager)."""

    def __init__(self, root: Path | str) -> None:
        self.real_root = _real_root(str(root))
        self.fd = os.open(self.real_root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)

    def __enter__(self) -> Checkout:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)

    def resolve(self, rel: bytes) -> bytes:
        return resolve_inside(self.fd, self.real_root, rel)

    def stat(self, rel: bytes) -> os.stat_result:
        """`stat` of what `rel` names once its links are followed inside the checkout."""
        return os.stat(self.resolve(rel) or b".", dir_fd=self.fd)

    def read(self, path: str, limit: int) -> bytes:
        """At most `limit` bytes of the regular file at text path `path`."""
        real = self.resolve(path_bytes(path))
        # O_NOFOLLOW: the resolved path has no links left; O_NONBLOCK: a FIFO put there
        # meanwhile cannot hang the scan (it is refused below, never read).
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        fd = os.open(real or b".", flags, dir_fd=self.fd)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(errno.EINVAL, "not a regular file")
            chunks: list[bytes] = []
            remaining = limit
            while remaining > 0:
                chunk = os.read(fd, min(remaining, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                remaining -= len(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)


def read_inside(root: Path | str, path: str, limit: int) -> bytes:
    """At most `limit` bytes of the regular file at text path `path` of the checkout
    `root`. Raises OutsideCheckout or another OSError; never opens anything outside."""
    with Checkout(root) as checkout:
        return checkout.read(path, limit)


# A stamp (mtime/ctime) this close to the time it is taken may share a clock tick with a
# later write that would then not show: such stamps are never trusted (git's racy case).
SETTLE_NS = 2_000_000_000

# What a build of the repository context read, when one is being recorded: (path, byte
# limit, sha256 of the bytes or "" when the read failed). See `recording_reads`.
Input = tuple[str, int, str]
_RECORDED: ContextVar[list[Input] | None] = ContextVar("recorded_reads", default=None)


@contextmanager
def recording_reads() -> Iterator[list[Input]]:
    """Record every `read_text_inside` (and `note_input`) made inside the block.

    The repository context is a function of the path list and of what it reads; the
    record lets the result cache reuse a context by re-reading only those files."""
    recorded: list[Input] = []
    token = _RECORDED.set(recorded)
    try:
        yield recorded
    finally:
        _RECORDED.reset(token)


def note_input(key: str, limit: int, digest: str) -> None:
    """Record an input that is not a file read (e.g. a directory walk's digest)."""
    recorded = _RECORDED.get()
    if recorded is not None:
        recorded.append((key, limit, digest))


def input_digest(root: Path | str, path: str, limit: int) -> str:
    """sha256 of at most `limit` bytes of `path`, "" when it cannot be read."""
    try:
        return hashlib.sha256(read_inside(root, path, limit)).hexdigest()
    except OSError:
        return ""


def read_text_inside(
    root: Path | str, path: str, limit: int, encoding: str = "utf-8", errors: str = "replace"
) -> str | None:
    """The file decoded, or None when it is missing, unreadable, outside the checkout,
    larger than `limit` bytes or (with strict `errors`) undecodable."""
    try:
        data = read_inside(root, path, limit + 1)
    except OSError:
        note_input(path, limit + 1, "")
        return None
    note_input(path, limit + 1, hashlib.sha256(data).hexdigest())
    try:
        return None if len(data) > limit else data.decode(encoding, errors)
    except UnicodeDecodeError:
        return None
