"""Path columns: any length, any (escaped) bytes, and still indexed.

The engine gives every file path in one text form (scanners/paths.py): escaped, so any
name is valid text, but as long as the file system allows (PATH_MAX, 4,096 bytes, and
longer once undecodable bytes are escaped). Path columns are therefore `TextField`s.

A PostgreSQL B-tree entry cannot exceed ~2,700 bytes, so no index holds a whole path:

* indexes that **order or group by path** hold its first `PATH_KEY_CHARS` characters,
  `path_key()` (at most 4 bytes each in UTF-8: 2,000 bytes, leaving room for the other
  columns). A query that wants path order sorts by `path_order()`, i.e. the key and then
  the whole path: under the database's C collation that is exactly path order, the index
  delivers the key's order and only paths sharing their first 500 characters are sorted
  further (PostgreSQL's incremental sort);
* **uniqueness** of a path within a scan is enforced on its MD5 (`path_digest()`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Expression
from django.db.models.functions import MD5, Left

PATH_KEY_CHARS = 500
# The longest path anything accepts: PATH_MAX (4,096 bytes), each byte at most four
# characters in the engine's text form (`\xNN`).
MAX_PATH_CHARS = 4 * 4096


def path_key() -> Expression:
    """The indexed prefix of the `path` column."""
    return Left("path", PATH_KEY_CHARS)


def path_digest() -> Expression:
    """What a unique constraint on the `path` column holds."""
    return MD5("path")


def path_order(*then: Any) -> tuple[Any, ...]:
    """An `order_by()` in path order that an index on `path_key()` serves, then `then`."""
    return (path_key().asc(), "path", *then)
