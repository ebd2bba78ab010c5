"""systemd's journal files (``/var/log/journal/*/system.journal``) read as JSON lines.

On a server whose services log to the journal (a systemd unit's stdout goes there), the logs
rest in binary ``.journal`` files: read as a log, such a file is binary and was skipped
("binary file"), its messages unread. Here each entry of a journal file becomes one JSON
line, as ``journalctl -o json`` would write it (``{"time": "2026-12-01T10:00:00.123456Z",
"MESSAGE": "...", "_HOSTNAME": "...", ...}``), and the log reader reads those lines as it
reads any JSON log: by key path (``MESSAGE``, ``_CMDLINE``), the entry's time first (its
``__REALTIME_TIMESTAMP``, for retention).

The layout read is systemd's (https://systemd.io/JOURNAL_FILE_FORMAT, ``journal-def.h``): a
header, then objects, each an 8-byte-aligned type, flags and size; an entry object lists the
offsets of its data objects (``FIELD=value``), which are shared between entries and compressed
one by one when long (xz, zstd; lz4 where the ``lz4`` package is installed). Regular and
compact files (systemd 252 and later) are read. Entries come in the order written; a file
being written, or cut, ends at its first object that does not read whole. The file is mapped,
not read whole into memory.
"""

from __future__ import annotations

import datetime as dt
import json
import lzma
import mmap
import struct
from collections.abc import Iterator
from typing import IO

from derbes.scanner.sources.decompress import BlockStream

try:  # a dependency of derbes (compressed logs)
    import zstandard
except ImportError:  # pragma: no cover - the project depends on it
    zstandard = None

MAGIC = b"LPKSHHRH"
#: ``incompatible_flags`` of the header.
_COMPACT = 1 << 4
#: The header's size in the oldest files (up to ``n_data``): what is read of it here.
_HEADER_MIN = 208
#: Object types and their compression flags.
_DATA, _ENTRY = 1, 3
_XZ, _LZ4, _ZSTD = 1, 2, 4
#: A data object's payload, expanded, is cut here (a core dump's field can be megabytes).
MAX_VALUE = 1 << 20
#: Data objects remembered (entries share them: the host, the unit, the command line).
_CACHE = 1 << 16
#: Lines handed on at a time.
_BATCH = 1 << 20


def is_journal_named(path: str) -> bool:
    """Whether a file is named as journald names its files (``system.journal``,
    ``user-1000@...journal~``)."""
    return path.endswith((".journal", ".journal~"))


class Journal:
    """The JSON lines of a journal file, as a binary stream (``read``): what the log reader
    reads. ``notes``: what was not read (lz4 values without the package, a cut tail)."""

    def __init__(self, f: IO[bytes]) -> None:
        self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if self._map[:8] != MAGIC or len(self._map) < _HEADER_MIN:
            self._map.close()
            raise ValueError("not a journal file")
        self.notes: list[str] = []
        self._stream = BlockStream(self._batches())

    def read(self, n: int = -1) -> bytes:
        return self._stream.read(n)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._map.close()

    def _batches(self) -> Iterator[bytes]:
        parts: list[bytes] = []
        size = 0
        for entry in self.entries():
            line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
            parts.append(line)
            size += len(line)
            if size >= _BATCH:
                yield b"".join(parts)
                parts, size = [], 0
        if parts:
            yield b"".join(parts)

    def entries(self) -> Iterator[dict[str, str]]:
        """Each entry as ``{"time": ISO 8601 UTC, FIELD: value...}``, in the order written."""
        m = self._map
        incompatible, = struct.unpack_from("<I", m, 12)
        compact = bool(incompatible & _COMPACT)
        header_size, = struct.unpack_from("<Q", m, 88)
        tail, = struct.unpack_from("<Q", m, 136)
        item, item_size = ("<I", 4) if compact else ("<Q", 16)
        cache: dict[int, tuple[str, str] | None] = {}
        at = header_size
        while 0 < at <= tail and at + 16 <= len(m):
            kind, _, size = struct.unpack_from("<BB6xQ", m, at)
            if size < 16 or at + size > len(m):
                break  # a file being written, or cut: what came before is good
            if kind == _ENTRY and size >= 64:
                realtime, = struct.unpack_from("<Q", m, at + 24)
                entry = {"time": _iso(realtime)}
                for k in range((size - 64) // item_size):
                    offset, = struct.unpack_from(item, m, at + 64 + k * item_size)
                    found = cache.get(offset, False)
                    if found is False:
                        if len(cache) >= _CACHE:
                            cache.clear()
                        found = cache[offset] = self._data(offset, compact)
                    if found is not None:
                        entry.setdefault(found[0], found[1])
                yield entry
            at += (size + 7) & ~7
        if at <= tail:
            self.notes.append("the journal ends before its last object (being written, "
                              "or cut short): the entries before it read")

    def _data(self, offset: int, compact: bool) -> tuple[str, str] | None:
        """A data object's field and value, or None where it does not read as one."""
        m = self._map
        if offset + 64 > len(m):
            return None
        kind, flags, size = struct.unpack_from("<BB6xQ", m, offset)
        start = offset + (72 if compact else 64)
        if kind != _DATA or size < start - offset or offset + size > len(m):
            return None
        payload = m[start:offset + size]
        try:
            if flags & _ZSTD and zstandard is not None:
                payload = zstandard.ZstdDecompressor().stream_reader(payload).read(MAX_VALUE)
            elif flags & _XZ:
                payload = lzma.LZMADecompressor().decompress(payload, MAX_VALUE)
            elif flags & _LZ4:
                payload = _lz4(payload)
                if payload is None:
                    self._note("lz4-compressed journal values not read (the lz4 package "
                               "is not installed)")
                    return None
        except Exception:  # lzma.LZMAError, zstandard.ZstdError...: a damaged value
            self._note("damaged journal values not read")
            return None
        field, sep, value = payload[:MAX_VALUE].partition(b"=")
        if not sep:
            return None
        return field.decode("ascii", "replace"), value.decode("utf-8", "replace")

    def _note(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)


def _lz4(payload: bytes) -> bytes | None:
    """systemd's lz4 value: its size (8 bytes, little-endian), then an lz4 block."""
    try:
        import lz4.block
    except ImportError:
        return None
    size, = struct.unpack_from("<Q", payload, 0)
    return lz4.block.decompress(payload[8:], uncompressed_size=min(size, MAX_VALUE))


def _iso(realtime: int) -> str:
    """Microseconds since the epoch as ISO 8601 in UTC."""
    try:
        return (dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
                + dt.timedelta(microseconds=realtime)).isoformat().replace("+00:00", "Z")
    except OverflowError:
        return ""


__all__ = ["MAGIC", "Journal", "is_journal_named"]
