"""Hyperscan databases kept on disk between runs.

Compiling derbes' prefilters into a Hyperscan database costs about a second per database and
a scan compiles two or three; loading a serialized one (``hyperscan.loadb``) costs a few
milliseconds. A database is stored under a key that names everything it was compiled from:
the Hyperscan version, the mode, the flags and every (id, expression), so that a change of
pattern or of Hyperscan never loads a stale one.

Where: ``$DERBES_CACHE_DIR``, else ``$XDG_CACHE_HOME/derbes``, else ``~/.cache/derbes``; the
files are ``hyperscan/<key>.hsdb``. A writer writes a temporary file in that folder and
renames it into place (atomic on POSIX), so concurrent scans never read half a file; each
file carries a SHA-256 of its content, and one that does not check out or does not load
(truncated, damaged) is compiled anew and replaced. A cache that cannot be written (a
read-only home) is no error: the database is compiled, as without a cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import hyperscan

from derbes.scanner.usercache import CACHE_ENV, cache_dir

__all__ = ["CACHE_ENV", "block_database", "cache_dir", "database_key", "native_database"]

_MAGIC = b"derbes-hsdb-1\n"


def database_key(
    expressions: Sequence[bytes], ids: Sequence[int], flags: int, mode: int,
    library: str | None = None,
) -> str:
    """The cache key of a database: a hash of the Hyperscan that compiled it (``library``;
    None: the ``hyperscan`` package) and all compile inputs."""
    digest = hashlib.sha256()
    library = library or f"{hyperscan.__version__}"
    digest.update(f"{library}|{mode}|{flags}|{len(ids)}".encode())
    for pid, expression in zip(ids, expressions, strict=True):
        digest.update(b"|%d:%d:" % (pid, len(expression)))
        digest.update(expression)
    return digest.hexdigest()[:40]


def block_database(expressions: Sequence[bytes], ids: Sequence[int], flags: int) -> Any:
    """A block-mode database of ``expressions`` (ids ``ids``, ``flags`` for each), loaded from
    the cache when it holds one, else compiled and stored. Raises ``hyperscan.error`` as
    compiling does."""
    mode = hyperscan.HS_MODE_BLOCK
    path = cache_dir() / "hyperscan" / f"{database_key(expressions, ids, flags, mode)}.hsdb"
    db = _load(path, mode)
    if db is not None:
        return db
    db = hyperscan.Database(mode=mode)
    db.compile(expressions=list(expressions), ids=list(ids), elements=len(ids), flags=flags)
    _store(path, hyperscan.dumpb(db))
    return db


def native_database(expressions: Sequence[bytes], ids: Sequence[int], flags: int) -> Any:
    """:func:`block_database` for the system Hyperscan (``derbes.scanner.engine.hsnative``),
    cached apart: its serialized databases are its own version's. Raises
    ``hsnative.NativeError`` as compiling does."""
    from derbes.scanner.engine import hsnative

    mode = hyperscan.HS_MODE_BLOCK
    library = f"system {hsnative.version()} for {hsnative.platform()}"
    key = database_key(expressions, ids, flags, mode, library)
    path = cache_dir() / "hyperscan" / f"{key}.hsndb"
    payload = _payload(path)
    if payload is not None:
        try:
            return hsnative.NativeDatabase.deserialize(payload)
        except hsnative.NativeError:
            pass  # compiled again and replaced
    db = hsnative.NativeDatabase.compile(list(expressions), list(ids), flags)
    _store(path, db.serialize())
    return db


def _load(path: Path, mode: int) -> Any:
    payload = _payload(path)
    if payload is None:
        return None
    try:
        return hyperscan.loadb(payload, mode)
    except (hyperscan.error, ValueError, TypeError):
        return None


def _payload(path: Path) -> bytes | None:
    """The database bytes a cache file holds, or None (no file, damaged or foreign)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 32
    if data[: len(_MAGIC)] != _MAGIC or hashlib.sha256(data[head:]).digest() != data[
        len(_MAGIC) : head
    ]:
        return None  # damaged or foreign: compiled again and replaced
    return data[head:]


def _store(path: Path, payload: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".hsdb")
    except OSError:
        return  # no writable cache: compile each time
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
