"""Atomic, private report files: every writer goes through :func:`atomic_open`.

A report holds an inventory of personal data, so it is created with mode 0600 and appears
under its final name only once complete (a reader never sees half a file, and an interrupted
run never leaves a truncated report that looks valid).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a temporary file next to ``path`` for binary writing; on success move it into place.

    The temporary file lives in the same directory so that ``os.replace`` is atomic.
    On any exception it is removed and the previous ``path``, if any, is left untouched.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        # mkstemp already uses 0600; set it explicitly so a umask or platform can't widen it.
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically with mode 0600 and return the path."""
    with atomic_open(path) as f:
        f.write(data)
    return Path(path)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically with mode 0600 and return the path."""
    return write_bytes(path, text.encode("utf-8"))
