"""Which files a path, a directory or a glob names: shared by the file sources (logs, tables).

A directory is walked recursively, each directory entered once (symlink loops end); ``**`` in
a glob crosses directories without following a loop. What cannot be listed comes back as
warnings; an :class:`Unreadable` warning (a directory that cannot be read) loses data and is
an error of the source.
"""

from __future__ import annotations

import errno
import fnmatch
import glob
import os
import re
import stat
from collections.abc import Iterable
from datetime import UTC, datetime

from derbes.scanner.errors import SourceError


def find_files(
    spec: str, include: Iterable[str] = (), exclude: Iterable[str] = ()
) -> tuple[list[str], list[str]]:
    """The files ``spec`` names, sorted, and warnings about what could not be listed.

    ``spec`` is a file, a directory (walked recursively, symlinked directories followed once),
    or a glob (``**`` crosses directories). ``include``/``exclude`` are fnmatch globs matched
    against the whole path and against the file name. Raises ``SourceError`` when nothing is
    left (:class:`NothingMatched` when the folder or glob exists).
    """
    warnings: list[str] = []
    if os.path.lexists(spec):
        paths = _walk(spec, warnings) if os.path.isdir(spec) else [spec]
    elif glob.has_magic(spec):
        paths = _glob(spec, warnings)
    else:
        raise SourceError(spec, "no such file or directory")
    include, exclude = tuple(include), tuple(exclude)
    paths = sorted(p for p in set(paths) if selected(p, include, exclude))
    if not paths:
        reason = f"no files match {spec!r}"
        if warnings:
            reason += f" ({warnings[0]})"
        raise NothingMatched(spec, reason)
    return paths, warnings


class NothingMatched(SourceError):
    """A folder or glob that exists but leaves no file to scan (``--include`` matched
    nothing): an empty source, not a broken one."""


def selected(path: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    """Whether ``path`` (or its base name) passes ``--include`` and ``--exclude``."""
    base = os.path.basename(path)

    def hit(patterns: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(base, p) for p in patterns)

    return (not include or hit(include)) and not hit(exclude)


class Unreadable(str):
    """A listing problem that loses data (a directory that cannot be read): an error."""

    __slots__ = ()


def sort_listing(
    listed: Iterable[str],
) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """A listing's warnings as a source reports them: errors (:class:`Unreadable`: data lost),
    warnings, and the files skipped with their reasons (:class:`Skipped`)."""
    errors: list[str] = []
    warnings: list[str] = []
    skipped: list[tuple[str, str]] = []
    for w in listed:
        if isinstance(w, Unreadable):
            errors.append(str(w))
        elif isinstance(w, Skipped):
            skipped.append((w.path, w.reason))
        else:
            warnings.append(str(w))
    return errors, warnings, skipped


class Skipped(str):
    """A file of a folder that is not scanned, with the reason: ``"path: reason"``."""

    def __new__(cls, path: str, reason: str) -> Skipped:
        self = super().__new__(cls, f"{path}: {reason}, skipped")
        self.path, self.reason = path, reason
        return self


#: The first bytes of an SQLite 3 database file (https://www.sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\x00"
#: File name endings read as Parquet, ORC, Avro, Excel workbooks and CSV (compressed CSV is
#: decompressed by Arrow):
#: tables, wherever they are, among logs too (``sources.tabular``).
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
ORC_SUFFIXES = (".orc",)
AVRO_SUFFIXES = (".avro",)
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".tsv", ".tsv.gz", ".tsv.bz2")


def table_format(path: str) -> str | None:
    """``parquet``, ``orc``, ``avro``, ``xlsx`` or ``csv`` for a file named as a table is (by
    its ending), else None."""
    lower = path.lower()
    if lower.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(ORC_SUFFIXES):
        return "orc"
    if lower.endswith(AVRO_SUFFIXES):
        return "avro"
    if lower.endswith(XLSX_SUFFIXES):
        return "xlsx"
    return "csv" if lower.endswith(CSV_SUFFIXES) else None
def looks_like_workbook(path: str) -> bool:
    """Whether a local file named as a workbook is one (an OLE2 or a ZIP file, or empty):
    banks' and web applications' "Excel" exports are often an HTML table or SpreadsheetML
    XML named ``.xls``, which no workbook reader reads, and whose text is read as a log's."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return True  # read as a workbook, which says what is wrong
    return is_workbook_head(head)


def is_workbook_head(head: bytes) -> bool:
    """Whether a file named as a workbook, whose first 8 bytes are ``head``, is one (an
    OLE2 or a ZIP file, or empty): :func:`looks_like_workbook` of a file's first bytes."""
    return not head or head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))


#: Why an SQLite file in a scanned folder is not read as a log.
SQLITE_SKIPPED = "SQLite database (scan it with --scan-databases, or as sqlite:///PATH)"


def is_sqlite_file(path: str) -> bool:
    """Whether ``path`` starts like an SQLite 3 database."""
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _walk(top: str, warnings: list[str]) -> list[str]:
    """Regular files under ``top``. Each directory is entered once, so symlink loops end."""

    def onerror(e: OSError) -> None:
        warnings.append(Unreadable(f"{e.filename}: {e.strerror or e}"))

    try:
        top_st = os.stat(top)
    except OSError as e:
        raise SourceError(top, e.strerror or str(e)) from e
    seen_dirs = {(top_st.st_dev, top_st.st_ino)}
    seen_files: set[tuple[int, int]] = set()
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(top, onerror=onerror, followlinks=True):
        keep = []
        for d in sorted(dirnames):
            path = os.path.join(dirpath, d)
            try:
                st = os.stat(path)
            except OSError as e:
                warnings.append(f"{path}: {e.strerror or e}")
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                if os.path.islink(path):
                    warnings.append(f"{path}: symlink to a directory already walked, skipped")
                continue
            seen_dirs.add(key)
            keep.append(d)
        dirnames[:] = keep
        for fn in filenames:
            path = os.path.join(dirpath, fn)
            try:
                st = os.stat(path)
            except OSError as e:  # broken symlink, symlink loop, vanished file
                if os.path.islink(path):
                    why = "symlink loop" if e.errno == errno.ELOOP else "dangling symlink"
                    warnings.append(Skipped(path, f"{why} ({e.strerror or e})"))
                else:
                    warnings.append(f"{path}: {e.strerror or e}")
                continue
            if not stat.S_ISREG(st.st_mode):
                # A FIFO or a device in a directory would block or never end.
                warnings.append(Skipped(path, "not a regular file"))
                continue
            key = (st.st_dev, st.st_ino)
            if key not in seen_files:  # a symlink or hard link to a file already listed
                seen_files.add(key)
                out.append(path)
    return out


def _glob(spec: str, warnings: list[str]) -> list[str]:
    if "**" not in spec:
        out: list[str] = []
        for match in glob.glob(spec):
            if os.path.isdir(match):
                out.extend(_walk(match, warnings))
            elif os.path.isfile(match):
                out.append(match)
        return out
    # glob's own "**" follows symlinked directories without a visited set; a loop explodes.
    parts = spec.split(os.sep)
    fixed = []
    for part in parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    base = os.sep.join(fixed) or "."
    if not os.path.isdir(base):
        return []
    pattern = re.compile(_glob_regex(spec if fixed else os.path.join(".", spec)))
    return [p for p in _walk(base, warnings) if pattern.fullmatch(p)]


def _glob_regex(pattern: str) -> str:
    out, i, n = [], 0, len(pattern)
    while i < n:
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            j = pattern.index("]", i + 2)
            body = pattern[i + 1 : j]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = j + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


def iso_mtime(ts: float) -> str:
    """A file's modification time (seconds since the epoch) as ISO 8601 UTC."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")

