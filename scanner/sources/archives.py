"""Files inside ZIP and tar archives: a CRM's ``clients.zip`` of CSV exports, a month of logs
zipped on a Windows server, ``/var/log`` kept as ``logs-2026-11.tar.gz``, an export sent as
one archive.

Read as a file, an archive is binary and was skipped ("binary file"): nothing in it found.
Each member of a ``.zip`` or a tar file (``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``,
``.tar.xz``, ``.tar.zst``) in a folder is now a container of its own, named
``archive.zip!/member`` (the separator Java's ``jar:`` addresses use: a name no path on disk
is likely to hold), read as the file it is (a log, a table) from a stream of the member:
never extracted, never held whole (but a table inside a tar, which Parquet's reader must
seek in: copied to a temporary file first, removed when the scan ends). A member's time is
the one the archive records for it; its size, the size it expands to.

A compressed tar has no index: listing it reads it through once, and reading a member reads
the archive up to it. Members are read in order from one open stream per thread (a cursor),
so a scan reads such an archive about twice in all, not once per member.

An archive inside an archive (a month's ZIP of daily ``.tar.gz``, an export of exports) is
read too, to :data:`MAX_NESTING` archives deep: ``month.zip!/day-01.tar.gz!/access.log``. The
inner archive is copied once to an unnamed temporary file (a ZIP's directory is at its end,
and a compressed tar is read through twice), which its members are then read from as from
an archive on disk. Archives on disk or on an object store (a ZIP there read by ranges: its
directory, then each member; a tar streamed). An encrypted ZIP
member is listed and skipped with a note: derbes has no password for it. A pg_dump archive
in tar format is no archive of files here: it is read as a dump (``sources.pgarchive``).
"""

from __future__ import annotations

import datetime as dt
import os
import tarfile
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from typing import IO, Any, NamedTuple

from derbes.scanner.errors import SourceError
from derbes.scanner.sources.decompress import compression, decompressed_stream
from derbes.scanner.sources.discovery import iso_mtime
from derbes.scanner.sources.remote import is_remote, open_remote

#: Between an archive's path and a member's name, in the member's container name.
SEP = "!/"
#: Bytes decompressed at a time from a ZIP member: what a damaged member's last step loses.
_STEP = 64 << 10
#: Names of tar files, compressed or not.
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
                ".tar.zst", ".tar.zstd", ".tzst")
#: What a read of an archive on an object store fetches at least: a ZIP is read here and
#: there (its directory at its end, then each member), a tar from start to end.
_ZIP_BLOCK, _TAR_BLOCK = 1 << 20, 8 << 20
#: Members copied to temporary files at most, per thread (the oldest goes): tables inside
#: tars, and archives inside archives.
_COPIES = 16
#: Archives one inside another at most: ``a.zip!/b.tar.gz!/c.log`` is two. An archive deeper
#: than that is listed as a file (skipped as binary, saying so): the nesting of a
#: decompression bomb (42.zip) ends there.
MAX_NESTING = 3


def kind(path: str) -> str | None:
    """``zip`` or ``tar`` for a file named as such an archive (``.zip``, ``.tar.gz``...),
    whose members are read; else None. Other files that are ZIP archives inside
    (``.xlsx``, ``.docx``, ``.jar``) are read as what their names say, or skipped."""
    lower = path.lower()
    if lower.endswith(".zip"):
        return "zip"
    return "tar" if lower.endswith(TAR_SUFFIXES) else None


def member_of(name: str) -> tuple[str, str] | None:
    """``(archive path, member name)`` for a container named ``archive.zip!/member`` (the
    archive on disk or on an object store), else None. Of archives one inside another
    (``a.zip!/b.tar.gz!/c.log``), the innermost: ``("a.zip!/b.tar.gz", "c.log")``."""
    at = name.find(SEP)
    while at >= 0:
        archive = name[:at]
        if kind(archive) is not None and (is_remote(archive) or os.path.isfile(archive)):
            # The last separator after an archive's name, up to MAX_NESTING of them.
            inner = at
            for _ in range(MAX_NESTING - 1):
                later = name.find(SEP, inner + len(SEP))
                while later >= 0 and kind(name[:later]) is None:
                    later = name.find(SEP, later + len(SEP))
                if later < 0:
                    break
                inner = later
            return name[:inner], name[inner + len(SEP):]
        at = name.find(SEP, at + 1)
    return None


def nesting(name: str) -> int:
    """How many archives ``name`` lies in: 0 for a file, 1 for ``a.zip!/b.log``, 2 for
    ``a.zip!/b.tar.gz!/c.log``."""
    depth = 0
    while (found := member_of(name)) is not None:
        depth += 1
        name = found[0]
    return depth


def _open_raw(path: str, block_size: int) -> IO[bytes]:
    """The archive's bytes: a file on disk, an object on a store, or a copy of a member of
    another archive (``OSError`` if it cannot be opened). ``block_size``: what a read of an
    object fetches at least."""
    if not is_remote(path) and os.path.isfile(path):
        return open(path, "rb")
    found = member_of(path)
    if found is not None:  # an archive inside an archive: read from its copy
        return _copy(*found)
    if not is_remote(path):
        return open(path, "rb")
    try:
        return open_remote(path, path, block_size=block_size)
    except SourceError as e:
        raise OSError(e.reason) from e


class Member(NamedTuple):
    """One member as listed: its container name, size, time, and whether it is encrypted."""

    name: str
    size: int
    mtime: str | None
    encrypted: bool


def members(path: str) -> tuple[list[Member], str | None]:
    """The files of the archive at ``path`` (folders, links and devices left out), in the
    archive's order, and what stopped the listing (None: nothing): a tar cut short gives
    the members before the cut."""
    if kind(path) == "tar":
        return _tar_members(path)
    try:
        with _open_zip(path) as archive:
            return [Member(f"{path}{SEP}{info.filename}", info.file_size, _zip_time(info),
                           bool(info.flag_bits & 0x1))
                    for info in archive.infolist() if not info.is_dir()], None
    except (OSError, zipfile.BadZipFile) as e:
        return [], f"not a readable ZIP archive: {e}"


def open_member(name: str, *, seekable: bool = False) -> IO[bytes]:
    """A member's content as a binary stream, decompressed as it is read; closing it
    releases the archive. Its faults while reading (a bad CRC, corrupt or cut data) raise
    ``OSError``, as does a member that is missing or encrypted. ``seekable``: the stream
    must seek (Parquet's reader does): a compressed tar's member is then spooled."""
    found = member_of(name)
    if found is None:
        raise OSError(f"{name}: not a member of an archive")
    path, member = found
    if kind(path) == "tar":
        return _open_tar_member(path, member, seekable)
    return _open_zip_member(path, member)


def close_cursors() -> None:
    """Closes this thread's open tar stream and removes its copies of tables (a source's
    ``close``)."""
    cursor = getattr(_local, "cursor", None)
    if cursor is not None:
        cursor.close()
        _local.cursor = None
    for copy in getattr(_local, "copies", {}).values():
        copy.close()
    _local.copies = {}


# -- ZIP ----------------------------------------------------------------------------------------


def _open_zip(path: str) -> _ClosingZip:
    """The archive, its names read in the encoding they were written in.

    A name not flagged as UTF-8 is read as code page 437 by the ZIP standard, but Windows'
    own "compressed folder" writes it in the system's OEM code page: cp866 on a Russian or
    Kazakh Windows, so that ``Клиенты.csv`` reads ``ÄÙ¿Ñ¡Γδ.csv``; other tools write UTF-8
    without the flag. Such names are read as UTF-8 where they decode so, else as cp866
    where that gives Cyrillic words, else as the standard says."""
    f = _open_raw(path, _ZIP_BLOCK)
    try:
        archive = zipfile.ZipFile(f)
        raw = [info.filename.encode("cp437") for info in archive.infolist()
               if not info.flag_bits & 0x800 and not info.filename.isascii()]
        encoding = "utf-8" if all(_decodes(name, "utf-8") for name in raw) else (
            "cp866" if all(_cyrillic(name.decode("cp866")) for name in raw) else None)
        if raw and encoding is not None:
            archive.close()
            f.seek(0)
            archive = zipfile.ZipFile(f, metadata_encoding=encoding)
    except BaseException:
        f.close()
        raise
    return _ClosingZip(archive, f)


class _ClosingZip:
    """A ZIP archive read from a file object that its closing closes too."""

    def __init__(self, archive: zipfile.ZipFile, f: IO[bytes]) -> None:
        self.archive = archive
        self._f = f

    def close(self) -> None:
        try:
            self.archive.close()
        finally:
            self._f.close()

    def __enter__(self) -> zipfile.ZipFile:
        return self.archive

    def __exit__(self, *exc: object) -> None:
        self.close()


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _cyrillic(name: str) -> bool:
    """Whether the letters of ``name`` beyond ASCII are all Cyrillic (Kazakh's included)."""
    return all("\u0400" <= c <= "\u04ff" for c in name if not c.isascii() and c.isalpha()) \
        and any("\u0400" <= c <= "\u04ff" for c in name)


def _zip_time(info: zipfile.ZipInfo) -> str | None:
    """The member's time as the archive records it (local time, no zone), in ISO 8601."""
    try:
        return dt.datetime(*info.date_time).isoformat()
    except ValueError:
        return None


def _open_zip_member(path: str, member: str) -> IO[bytes]:
    try:
        opened = _open_zip(path)
    except zipfile.BadZipFile as e:
        raise OSError(f"not a readable ZIP archive: {e}") from e
    try:
        info = opened.archive.getinfo(member)
        if info.flag_bits & 0x1:
            raise OSError("an encrypted member: derbes has no password for it")
        return _Stream(opened.archive.open(info), opened.close,  # type: ignore[return-value]
                       "ZIP")
    except KeyError as e:
        opened.close()
        raise OSError(f"no member {member!r} in the archive") from e
    except BaseException:
        opened.close()
        raise


# -- tar ----------------------------------------------------------------------------------------


def _open_tar(path: str) -> tuple[IO[bytes], tarfile.TarFile]:
    """The tar at ``path`` as a stream of members, decompressed (by its first bytes) by
    derbes' own readers: zstd too, and a fault is ``OSError`` after what came before."""
    f = _open_raw(path, _TAR_BLOCK)
    try:
        which = compression(f.read(6))
        f.seek(0)
        stream: Any = f if which is None else decompressed_stream(f, which, OSError)
        return f, tarfile.open(fileobj=stream, mode="r|")
    except tarfile.TarError as e:
        f.close()
        raise OSError(f"not a readable tar archive: {e}") from e
    except BaseException:
        f.close()
        raise


def _norm(name: str) -> str:
    """A member's name without the ``./`` that ``tar -C dir .`` puts before each."""
    while name.startswith("./"):
        name = name[2:]
    return name


def _tar_members(path: str) -> tuple[list[Member], str | None]:
    found: list[Member] = []
    seen: set[str] = set()
    try:
        f, tar = _open_tar(path)
    except OSError as e:
        return [], str(e)
    try:
        with f, tar:
            for info in _infos(tar):
                name = _norm(info.name)
                if info.isfile() and name not in seen:  # a name written twice: the first
                    seen.add(name)
                    found.append(Member(f"{path}{SEP}{name}", info.size,
                                        iso_mtime(info.mtime), False))
    except OSError as e:
        return found, f"a tar archive cut short or damaged: {e}"
    return found, None


def _infos(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """The tar's members in order, its faults as ``OSError``."""
    while True:
        try:
            info = tar.next()
        except tarfile.TarError as e:
            raise OSError(str(e)) from e
        if info is None:
            return
        yield info


class _TarCursor:
    """One tar read from its start, member after member: the member asked for next is
    reached by reading on from the last, unless it lies behind (then the tar is opened
    again). A compressed tar's members, read in their order, are decompressed once."""

    def __init__(self) -> None:
        self.path: str | None = None
        self._file: IO[bytes] | None = None
        self._tar: tarfile.TarFile | None = None
        self._passed: set[str] = set()
        self.opening = False

    def open(self, path: str, member: str) -> IO[bytes]:
        if path != self.path or member in self._passed or self._tar is None:
            self.close()
            # Opening a tar inside an archive copies it first (_copy), which must not move
            # this cursor meanwhile: it takes one of its own while this one is opening.
            self.opening = True
            try:
                self._file, self._tar = _open_tar(path)
            finally:
                self.opening = False
            self.path = path
        assert self._tar is not None
        for info in _infos(self._tar):
            name = _norm(info.name)
            first = name not in self._passed
            self._passed.add(name)
            if name == member and first and info.isfile():
                extracted = self._tar.extractfile(info)
                assert extracted is not None
                return _Stream(extracted, None, "tar")  # type: ignore[return-value]
        self.close()
        raise OSError(f"no member {member!r} in the archive")

    def close(self) -> None:
        if self._tar is not None:
            try:
                self._tar.close()
            finally:
                if self._file is not None:
                    self._file.close()
        self._tar = self._file = None
        self.path = None
        self._passed = set()


_local = threading.local()


def _open_tar_member(path: str, member: str, seekable: bool) -> IO[bytes]:
    if seekable:
        return _copy(path, member)
    cursor = getattr(_local, "cursor", None)
    if cursor is None:
        cursor = _local.cursor = _TarCursor()
    return cursor.open(path, member)


def _copy(path: str, member: str) -> IO[bytes]:
    """A handle on a copy of a member in an unnamed temporary file (gone when closed, or
    when the process ends however it ends), made once per thread: a table inside a tar,
    whose reader opens its file several times (its schema, its options, its rows) and
    seeks in it; an archive inside an archive. Each opening has a handle of its own."""
    copies = getattr(_local, "copies", None)
    if copies is None:
        copies = _local.copies = {}
    copy = copies.get((path, member))
    if copy is None:
        out = tempfile.TemporaryFile(prefix="derbes-member-")  # noqa: SIM115 - kept
        try:
            # A tar's member read on by the thread's cursor (a scan reads a tar's members in
            # order), or by one of its own while the thread's is opening another tar: this
            # one, inside the archive that the thread's cursor reads.
            cursor = own = None
            if kind(path) == "tar":
                cursor = getattr(_local, "cursor", None)
                if cursor is None:
                    cursor = _local.cursor = _TarCursor()
                if cursor.opening:
                    cursor = own = _TarCursor()
            try:
                stream = (cursor.open(path, member) if cursor is not None
                          else _open_zip_member(path, member))
                with stream:
                    for block in iter(lambda: stream.read(1 << 20), b""):
                        out.write(block)
            finally:
                if own is not None:
                    own.close()
            out.flush()
        except BaseException:
            out.close()
            raise
        if len(copies) >= _COPIES:
            copies.pop(next(iter(copies))).close()
        copy = copies[(path, member)] = out
    return _Handle(copy)  # type: ignore[return-value]


class _Handle:
    """A reader of a temporary file with a position of its own (``os.pread``)."""

    def __init__(self, f: Any) -> None:
        self._fd = f.fileno()
        self._size = os.fstat(self._fd).st_size
        self._at = 0
        self.closed = False

    def read(self, n: int = -1) -> bytes:
        if n < 0:
            n = self._size - self._at
        data = os.pread(self._fd, max(0, n), self._at)
        self._at += len(data)
        return data

    read1 = read

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._at, self._size)[whence]
        self._at = max(0, base + offset)
        return self._at

    def tell(self) -> int:
        return self._at

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> _Handle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- a member's stream -----------------------------------------------------------------------------


class _Stream:
    """A member's stream whose faults read as ``OSError``, and whose closing calls
    ``release`` (closes its archive) when given."""

    def __init__(self, f: Any, release: Any, what: str) -> None:
        self._f = f
        self._release = release
        self._what = what
        self._fault: OSError | None = None

    def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (all with -1), in steps of :data:`_STEP`: a ZIP member's CRC is
        checked as its last step is read, and a mismatch loses that step's bytes only; the
        fault is raised at the next call, after the bytes read before it."""
        if self._fault is not None:
            raise self._fault
        parts: list[bytes] = []
        got = 0
        read = getattr(self._f, "read1", self._f.read)
        while n < 0 or got < n:
            try:
                part = read(_STEP if n < 0 else min(_STEP, n - got))
            except Exception as e:  # BadZipFile (a bad CRC), EOFError, zlib.error, TarError
                self._fault = e if isinstance(e, OSError) else OSError(
                    f"a damaged {self._what} member: {e}")
                if parts:
                    break
                raise self._fault from e
            if not part:
                break
            parts.append(part)
            got += len(part)
        return b"".join(parts)

    read1 = read

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._f.seekable()

    def seek(self, offset: int, whence: int = 0) -> int:
        try:
            return self._f.seek(offset, whence)
        except OSError:
            raise
        except Exception as e:  # tarfile.StreamError: a tar read as a stream cannot seek
            raise OSError(f"cannot seek in a {self._what} member: {e}") from e

    def tell(self) -> int:
        return self._f.tell()

    def close(self) -> None:
        try:
            self._f.close()
        finally:
            if self._release is not None:
                self._release()

    @property
    def closed(self) -> bool:
        return self._f.closed

    def __enter__(self) -> _Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["MAX_NESTING", "SEP", "TAR_SUFFIXES", "Member", "close_cursors", "kind", "member_of",
           "members", "nesting", "open_member"]
