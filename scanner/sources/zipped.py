"""Files inside ZIP archives: a CRM's ``clients.zip`` of CSV exports, a month of logs zipped on
a Windows server, a data export sent as one archive.

Read as a file, a ZIP archive is binary and was skipped ("binary file"): nothing in it found.
Each member of a ``.zip`` file in a folder is now a container of its own, named
``archive.zip!/member`` (the separator Java's ``jar:`` addresses use: a name no path on disk
is likely to hold), read as the file it is (a log, a table) from a stream of the member:
never extracted to disk, never held whole. A member's time is the one the archive records
for it; its size, the size it expands to.

Members of one level only (a ZIP inside a ZIP is read as a file, so skipped as binary), of
archives on this machine's disks (not on an object store). An encrypted member is listed and
skipped with a note: derbes has no password for it.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Iterator
from typing import IO, Any, NamedTuple

#: Between an archive's path and a member's name, in the member's container name.
SEP = "!/"
#: Bytes decompressed at a time: what a damaged member's last step loses.
_STEP = 64 << 10


def is_zip_named(path: str) -> bool:
    """Whether a file is named as a ZIP archive (``.zip``): the archives whose members are
    read. Other files that are ZIP archives inside (``.xlsx``, ``.docx``, ``.jar``) are
    read as what their names say, or skipped."""
    return path.lower().endswith(".zip")


def member_of(name: str) -> tuple[str, str] | None:
    """``(archive path, member name)`` for a container named ``archive.zip!/member``, else
    None."""
    at = name.find(SEP)
    while at >= 0:
        archive = name[:at]
        if is_zip_named(archive) and os.path.isfile(archive):
            return archive, name[at + len(SEP):]
        at = name.find(SEP, at + 1)
    return None


class Member(NamedTuple):
    """One member as listed: its container name, size, time, and whether it is encrypted."""

    name: str
    size: int
    mtime: str | None
    encrypted: bool


def members(path: str) -> list[Member]:
    """The files of the archive at ``path`` (folders left out), in the archive's order.
    Raises ``zipfile.BadZipFile`` or ``OSError`` for what cannot be listed."""
    with _open_archive(path) as archive:
        return [Member(f"{path}{SEP}{info.filename}", info.file_size, _time(info),
                       bool(info.flag_bits & 0x1))
                for info in archive.infolist() if not info.is_dir()]


def _open_archive(path: str) -> zipfile.ZipFile:
    """The archive, its names read in the encoding they were written in.

    A name not flagged as UTF-8 is read as code page 437 by the ZIP standard, but Windows'
    own "compressed folder" writes it in the system's OEM code page: cp866 on a Russian or
    Kazakh Windows, so that ``Клиенты.csv`` reads ``ÄÙ¿Ñ¡Γδ.csv``; other tools write UTF-8
    without the flag. Such names are read as UTF-8 where they decode so, else as cp866
    where that gives Cyrillic words, else as the standard says."""
    archive = zipfile.ZipFile(path)
    raw = [info.filename.encode("cp437") for info in archive.infolist()
           if not info.flag_bits & 0x800 and not info.filename.isascii()]
    if not raw:
        return archive
    encoding = "utf-8" if all(_decodes(name, "utf-8") for name in raw) else (
        "cp866" if all(_cyrillic(name.decode("cp866")) for name in raw) else None)
    if encoding is None:
        return archive
    archive.close()
    return zipfile.ZipFile(path, metadata_encoding=encoding)


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


def _time(info: zipfile.ZipInfo) -> str | None:
    """The member's time as the archive records it (local time, no zone), in ISO 8601."""
    try:
        return dt.datetime(*info.date_time).isoformat()
    except ValueError:
        return None


def open_member(name: str) -> IO[bytes]:
    """A member's content as a binary stream, decompressed as it is read; closing it closes
    the archive. A fault of the archive while reading (a bad CRC, corrupt data) raises
    ``OSError``. Raises ``OSError`` for a member that is missing or encrypted."""
    found = member_of(name)
    if found is None:
        raise OSError(f"{name}: not a member of a ZIP archive")
    path, member = found
    try:
        archive = _open_archive(path)
    except zipfile.BadZipFile as e:
        raise OSError(f"not a readable ZIP archive: {e}") from e
    try:
        info = archive.getinfo(member)
        if info.flag_bits & 0x1:
            raise OSError("an encrypted member: derbes has no password for it")
        return _MemberStream(archive, archive.open(info))
    except KeyError as e:
        archive.close()
        raise OSError(f"no member {member!r} in the archive") from e
    except BaseException:
        archive.close()
        raise


class _MemberStream:
    """A member's stream whose faults read as ``OSError`` and whose closing closes its
    archive."""

    def __init__(self, archive: zipfile.ZipFile, f: Any) -> None:
        self._archive = archive
        self._f = f
        self._fault: OSError | None = None

    def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (all with -1), in steps of :data:`_STEP`: the member's CRC is
        checked as its last step is read, and a mismatch loses that step's bytes only; the
        fault is raised at the next call, after the bytes read before it."""
        if self._fault is not None:
            raise self._fault
        parts: list[bytes] = []
        got = 0
        while n < 0 or got < n:
            try:
                part = self._f.read1(_STEP if n < 0 else min(_STEP, n - got))
            except OSError:
                raise
            except Exception as e:  # BadZipFile (a bad CRC), EOFError, zlib.error...
                self._fault = OSError(f"a damaged ZIP member: {e}")
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
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._f.seek(offset, whence)

    def tell(self) -> int:
        return self._f.tell()

    def close(self) -> None:
        try:
            self._f.close()
        finally:
            self._archive.close()

    @property
    def closed(self) -> bool:
        return self._f.closed

    def __enter__(self) -> _MemberStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._f)


__all__ = ["SEP", "Member", "is_zip_named", "member_of", "members", "open_member"]
