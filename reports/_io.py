"""Atomic, private report files: every writer goes through :func:`atomic_open`.

A report holds an inventory of personal data, so it is created with mode 0600 and appears
under its final name only once complete (a reader never sees half a file, and an interrupted
run never leaves a truncated report that looks valid).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring
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


def write_json_doc(
    path: str | os.PathLike[str], doc: dict, *,
    last: tuple[str, Callable[[Callable[[str], None]], None]] | None = None,
) -> Path:
    """Write ``json.dumps(doc, ensure_ascii=False, indent=1, default=str) + "\\n"`` to
    ``path`` (atomically, mode 0600) as it is encoded, never as one string: the text of the
    SARIF log of a 3,000-file folder took hundreds of megabytes as a string and its chunks.

    ``last``: ``(key, write_value)``, a key the document gets last, whose value's text
    ``write_value(write)`` writes itself (report.json's hits, read back from Parquet parts).
    """
    if last is not None and not doc:
        raise ValueError("a last key needs a document with keys")
    with atomic_open(path) as f:
        parts: list[str] = []

        def flush() -> None:
            f.write("".join(parts).encode("utf-8"))
            parts.clear()

        def write(text: str) -> None:
            parts.append(text)
            if len(parts) >= _FLUSH_PARTS:
                flush()

        # The document's keys but its closing brace, so that a last key can come before it.
        _encode_dict(doc, 0, parts, flush, close=False)
        if last is not None:
            key, write_value = last
            write(f",\n {encode_basestring(key)}: ")
            write_value(write)
        write("}\n" if not doc else "\n}\n")
        flush()
    return Path(path)


def json_text(value: object, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1, default=str)`` as it stands
    ``level`` containers deep in such a document (its inner lines indented that much more)."""
    parts: list[str] = []
    _encode(value, level, parts, lambda: None)
    return "".join(parts)


# json.dumps with an indent runs the json module's Python encoder, a generator a level that
# yields every token (1.4 million of them for the SARIF log of a folder of 1,000 logs, 2.0-2.7
# s of writing it): these functions lay the document out as it does, each string and number
# still encoded by the json module's own functions (encode_basestring is its C one).
#: Pieces held before they are written to the file.
_FLUSH_PARTS = 8192


def _float(o: float) -> str:
    """A float as json writes it (``allow_nan``: NaN and the infinities as JavaScript's)."""
    if o != o:
        return "NaN"
    if o == _INFINITY:
        return "Infinity"
    if o == -_INFINITY:
        return "-Infinity"
    return float.__repr__(o)


_INFINITY = float("inf")


def _encode(o: object, level: int, parts: list[str], flush: Callable[[], None]) -> None:
    """``o``'s text, ``level`` deep, in the order of checks of json's ``_iterencode``."""
    if isinstance(o, str):
        parts.append(encode_basestring(o))
    elif o is None:
        parts.append("null")
    elif o is True:
        parts.append("true")
    elif o is False:
        parts.append("false")
    elif isinstance(o, int):
        parts.append(int.__repr__(o))
    elif isinstance(o, float):
        parts.append(_float(o))
    elif isinstance(o, (list, tuple)):
        _encode_list(o, level, parts, flush)
    elif isinstance(o, dict):
        _encode_dict(o, level, parts, flush)
    else:
        _encode(str(o), level, parts, flush)  # default=str


def _encode_list(o: list | tuple, level: int, parts: list[str],
                 flush: Callable[[], None]) -> None:
    if not o:
        parts.append("[]")
        return
    inner = "\n" + " " * (level + 1)
    separator = "[" + inner
    for item in o:
        parts.append(separator)
        separator = "," + inner
        _encode(item, level + 1, parts, flush)
        if len(parts) >= _FLUSH_PARTS:
            flush()
    parts.append("\n" + " " * level + "]")


def _encode_dict(o: dict, level: int, parts: list[str], flush: Callable[[], None],
                 close: bool = True) -> None:
    """A dict's text; ``close=False``: without its closing (an empty dict's ``{``, else the
    newline and brace after its last item)."""
    if not o:
        parts.append("{}" if close else "{")
        return
    inner = "\n" + " " * (level + 1)
    separator = "{" + inner
    for key, value in o.items():
        if isinstance(key, str):
            pass
        elif isinstance(key, float):
            key = _float(key)
        elif key is True:
            key = "true"
        elif key is False:
            key = "false"
        elif key is None:
            key = "null"
        elif isinstance(key, int):
            key = int.__repr__(key)
        else:
            raise TypeError(f"keys must be str, int, float, bool or None, not "
                            f"{key.__class__.__name__}")
        parts.append(separator + encode_basestring(key) + ": ")
        separator = "," + inner
        _encode(value, level + 1, parts, flush)
        if len(parts) >= _FLUSH_PARTS:
            flush()
    if close:
        parts.append("\n" + " " * level + "}")


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically with mode 0600 and return the path."""
    return write_bytes(path, text.encode("utf-8"))


# -- the output folder: checked before a scan, written fresh, swapped in whole ----------------

def scan_files() -> frozenset[str]:
    """Files a scan writes; an existing output folder holding anything else is not replaced."""
    from derbes.reports.formats import FORMATS, HITS_FILE, SUMMARY_FILE

    return frozenset({*FORMATS.values(), HITS_FILE, SUMMARY_FILE})


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists; ``OutputError`` if a file is in the way."""
    from derbes.scanner.errors import ConfigError

    probe = path
    while not probe.exists():
        if probe.is_symlink():
            raise ConfigError(f"{path}: {probe} is a dangling symlink")
        probe = probe.parent
    if not probe.is_dir():
        raise ConfigError(f"{path}: cannot create a folder there, {probe} is a file")
    return probe


def check_output_file(path: str | os.PathLike[str]) -> None:
    """Raise ``ConfigError`` unless a file can be written at ``path`` (its folder exists or can
    be created, and is writable; ``path`` is not a folder)."""
    from derbes.scanner.errors import ConfigError

    target = Path(path)
    if target.is_dir():
        raise ConfigError(f"{target}: is a folder, expected a file name")
    folder = _nearest_existing(target.parent if str(target.parent) else Path("."))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"{target}: {folder} is not writable")


def prepare_output_dir(path: str | os.PathLike[str]) -> Path:
    """Check the output folder ``path`` and create the fresh folder a scan writes into.

    Raises ``ConfigError`` (before any source is opened) when ``path`` is a file, sits under
    a file, is not writable, or is a folder holding files a scan does not write (so a typo
    like ``--out .`` never replaces a folder of other files). Returns the staging folder,
    next to ``path``; :func:`commit_output_dir` swaps it in.
    """
    from derbes.scanner.errors import ConfigError

    target = Path(path)
    if target.exists() and not target.is_dir():
        raise ConfigError(f"--out {target}: is a file, expected a folder")
    if target.is_dir():
        foreign = sorted(p.name for p in target.iterdir()
                         if p.name not in scan_files() and not p.name.startswith("."))
        if foreign:
            raise ConfigError(f"--out {target}: holds files a scan does not write "
                              f"({', '.join(foreign[:3])}); choose an empty or new folder")
        if not os.access(target, os.W_OK | os.X_OK):
            raise ConfigError(f"--out {target}: is not writable")
    try:
        parent = _nearest_existing(target.parent)
    except ConfigError as e:
        raise ConfigError(f"--out {e}") from e
    if os.access(parent, os.W_OK | os.X_OK):
        where = target.parent  # a sibling folder, swapped in whole at the end
    elif target.is_dir():
        where = target  # a writable folder in a read-only one: staged inside it
    else:
        raise ConfigError(f"--out {target}: {parent} is not writable")
    try:
        where.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=where, prefix=f".{target.name}.new-"))
    except OSError as e:
        raise ConfigError(f"--out {target}: cannot write there: {e.strerror or e}") from e


def commit_output_dir(staging: Path, path: str | os.PathLike[str]) -> Path:
    """Put the finished ``staging`` folder in place of ``path``: the folder then holds this
    scan's files and nothing of an earlier one."""
    import shutil

    target = Path(path)
    if staging.parent.resolve() == target.resolve():
        # Staged inside the folder (its parent is read-only): each file moves in atomically,
        # then the files of an earlier scan that this one did not write go.
        written = {p.name for p in staging.iterdir()}
        for name in written:
            os.replace(staging / name, target / name)
        for p in target.iterdir():
            if p.name in scan_files() and p.name not in written:
                p.unlink()
        staging.rmdir()
        return target
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
        os.replace(target, old / "scan")
    try:
        os.replace(staging, target)
    except BaseException:
        if old is not None:  # put the earlier scan back rather than lose both
            os.replace(old / "scan", target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def discard_output_dir(staging: Path) -> None:
    """Remove a staging folder a failed run leaves behind."""
    import shutil

    shutil.rmtree(staging, ignore_errors=True)
