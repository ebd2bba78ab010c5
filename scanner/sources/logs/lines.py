"""Decoded blocks cut into :class:`LineBatch` es of whole UTF-8 lines, long lines in pieces.

See :mod:`derbes.scanner.sources.logs.source` for the decisions (long lines, invalid UTF-8).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from derbes.scanner.sources.base import ContainerDone, LineBatch, invalid_utf8_note
from derbes.scanner.sources.decompress import Fault
from derbes.scanner.sources.encoding import (
    SINGLE_BYTE,
    UTF8_LINES_NOTE,
    batch_marks,
    code_page_lines,
    single_byte_lines,
)

CUT_WINDOW = 4 << 10
_SEPARATORS = tuple(bytes([c]) for c in b" \t,;\"'<>(){}[]|&=")
_CONTINUATION = bytes(range(0x80, 0xC0))


class ReadState:
    """Counts and notes of one reading."""

    __slots__ = ("bytes", "check_utf8", "code_page", "invalid_line", "lines", "notes")

    def __init__(self) -> None:
        self.lines = 0
        self.bytes = 0
        self.notes: list[str] = []
        self.check_utf8 = False
        #: The file's single-byte codec (``encoding.SINGLE_BYTE``): its batches are decoded
        #: as they come (``_checked``); None for UTF-8 and the wide codecs.
        self.code_page: str | None = None
        self.invalid_line: int | None = None

    def decoding(self, codec: str) -> ReadState:
        """Set how the batches of a file in ``codec`` are read (``_checked``): a UTF-8 file's
        checked for lines in a code page, a single-byte file's decoded."""
        self.check_utf8 = codec in ("utf-8", "utf-8-sig")
        self.code_page = codec if codec in SINGLE_BYTE else None
        return self

    def done(self, mtime: str | None) -> ContainerDone:
        """The ``ContainerDone`` that ends this reading."""
        return ContainerDone(
            rows_scanned=self.lines,
            bytes_scanned=self.bytes,
            notes=tuple(self.notes),
            mtime=mtime,
            invalid_utf8_line=self.invalid_line,
        )


def _transcode(chunks: Iterator[bytes], codec: str) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder(codec)("replace")
    for chunk in chunks:
        text = decoder.decode(chunk)
        if text:
            yield text.encode("utf-8", "surrogatepass")
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail.encode("utf-8", "surrogatepass")


def text_chunks(
    blocks: Iterator[bytes], codec: str, *, strip_bom: bool, state: ReadState
) -> Iterator[bytes]:
    """UTF-8 blocks: passed through for UTF-8 (and for a single-byte codec, whose lines are
    decoded batch by batch: ``_checked``), transcoded otherwise; counts the bytes."""
    if codec in ("utf-8", "utf-8-sig", *SINGLE_BYTE):
        first = True
        for block in blocks:
            if first and strip_bom and block.startswith(codecs.BOM_UTF8):
                block = block[len(codecs.BOM_UTF8) :]
            first = False
            state.bytes += len(block)
            yield block
        return
    for block in _transcode(blocks, codec):
        state.bytes += len(block)
        yield block


def line_batches(
    chunks: Iterator[bytes], line: int, max_line: int, batch_bytes: int, state: ReadState
) -> Iterator[LineBatch]:
    """Cut a stream of UTF-8 blocks into batches of whole lines, long lines in pieces.

    A ``Fault`` from ``chunks`` ends the stream: what was read is emitted, then it is raised.
    """
    first_line = line
    target = max(batch_bytes, max_line + 1)
    buf = b""
    offset: int | None = None  # character offset when ``buf`` starts inside a long line
    eof = False
    fault: Fault | None = None
    while True:
        if not eof and len(buf) < target:
            parts, size = [buf], len(buf)
            while size < target:
                try:
                    chunk = next(chunks)
                except StopIteration:
                    eof = True
                    break
                except Fault as e:
                    fault, eof = e, True
                    break
                parts.append(chunk)
                size += len(chunk)
            if offset is None and (not eof or size > batch_bytes):
                # The usual batch, cut from the parts as read: one copy of its megabytes, where
                # joining the parts and slicing the batch off made two (reading the dense
                # corpus alone: 13.5-14.1 -> 8.9-9.5 ms, most of it page faults and copies).
                cut = _batch_from_parts(parts, batch_bytes, max_line)
                if cut is not None:
                    data, buf = cut
                    newlines = count_newlines(data, len(data))
                    yield _checked(LineBatch(data, line, newlines=newlines), state)
                    line += newlines + 1
                    continue
            buf = b"".join(parts)
        if not buf:
            break
        if offset is not None:  # inside a long line
            nl = buf.find(b"\n", 0, max_line + 1)
            if nl >= 0:
                if nl:
                    yield _checked(LineBatch(buf[:nl], line, True, offset), state)
                buf = buf[nl + 1 :]
                line += 1
                offset = None
                continue
            cut = len(buf) if eof and len(buf) <= max_line else _cut(buf, max_line)
            batch = _checked(LineBatch(buf[:cut], line, True, offset), state)
            yield batch
            offset += _utf8_chars(batch.data)  # as read: a piece in a code page transcoded
            buf = buf[cut:]
            continue
        if eof and len(buf) <= batch_bytes:
            end = len(buf)
        else:
            end = buf.rfind(b"\n", 0, batch_bytes) + 1
            if end == 0:  # one line fills the batch: whole if it is short enough
                nl = buf.find(b"\n", 0, max_line + 1)
                if nl >= 0:
                    end = nl + 1
                elif eof and len(buf) <= max_line:
                    end = len(buf)
        long_at = _long_line(buf, end, max_line)
        if long_at is not None:
            end = long_at
        if end:
            newlines = count_newlines(buf, end)
            if buf[end - 1] == 0x0A:  # one slice, not two: these are megabytes
                data = buf[: end - 1]
                newlines -= 1
            else:
                data = buf[:end]
            # Empty ``data`` is a batch of one empty line: a line all the same (it ends the
            # records under a header, as it does in a larger batch).
            yield _checked(LineBatch(data, line, newlines=newlines), state)
            line += newlines + 1
            buf = buf[end:]
            continue
        cut = _cut(buf, max_line)  # buf starts with a line longer than max_line
        batch = _checked(LineBatch(buf[:cut], line, False, 0), state)
        yield batch
        offset = _utf8_chars(batch.data)
        buf = buf[cut:]
    if offset is not None:  # the file ended inside a long line
        line += 1
    state.lines = line - first_line
    if fault is not None:
        raise fault


def _batch_from_parts(
    parts: list[bytes], limit: int, max_line: int
) -> tuple[bytes, bytes] | None:
    """:func:`line_batches`' batch of the bytes ``parts`` hold one after another, and what
    follows it, with the batch copied once: its whole lines before byte ``limit`` without
    the newline that ends the last one, and the bytes after that newline. None where that is
    not the cut: no newline before ``limit``, or a line in the batch longer than
    ``max_line`` (:func:`_long_line`)."""
    start = 0  # where part k begins
    k = 0
    while k < len(parts) and start + len(parts[k]) < limit:
        start += len(parts[k])
        k += 1
    if k == len(parts):
        return None
    i = parts[k].rfind(b"\n", 0, limit - start)
    while i < 0:
        k -= 1
        if k < 0:
            return None
        i = parts[k].rfind(b"\n")
    data = b"".join([*parts[:k], memoryview(parts[k])[:i]])
    if _long_line(data, len(data), max_line) is not None:
        return None
    return data, b"".join([memoryview(parts[k])[i + 1 :], *parts[k + 1 :]])


def _checked(batch: LineBatch, state: ReadState) -> LineBatch:
    """A batch of a file in a code page decoded (``encoding.single_byte_lines``); a batch of
    a UTF-8 file with its lines in a Windows code page transcoded
    (:func:`~derbes.scanner.sources.encoding.code_page_lines`; other bytes that are not UTF-8
    are passed through); the first line that is not UTF-8 noted. Every batch that is not
    ASCII is checked: a Windows program's lines may come anywhere in the file."""
    data = batch.data
    if state.code_page is not None and not data.isascii():
        data, kept = single_byte_lines(data, state.code_page, code_page_marks(data))
        if kept and UTF8_LINES_NOTE not in state.notes:
            state.notes.append(UTF8_LINES_NOTE)
        if data is not batch.data:
            # Bytes scanned count UTF-8, as for the codecs transcoded as read.
            state.bytes += len(data) - len(batch.data)
            batch = LineBatch(data, batch.first_line, batch.continued, batch.offset,
                              batch.newlines)
    elif state.check_utf8 and not data.isascii():
        at = first_invalid_utf8(data)
        if at >= 0:
            if state.invalid_line is None:
                where = batch.first_line + count_newlines(data, at)
                state.notes.append(invalid_utf8_note(where))
                state.invalid_line = where
            data, changed = code_page_lines(data, at)
            if changed:
                batch = LineBatch(data, batch.first_line, batch.continued, batch.offset,
                                  batch.newlines)
    return batch


#: Bytes decoded at a time, at least, by :func:`first_invalid_utf8` as Python.
UTF8_SLICE = 256 << 10


def first_invalid_utf8(data: bytes) -> int:
    """Where the first byte that begins no well-formed UTF-8 sequence lies in ``data`` (what
    ``data.decode()`` gives as its ``UnicodeDecodeError.start``), or -1 when it is all UTF-8.

    Compiled, the bytes are checked in place (``lines.pxd``: eight ASCII bytes a step, each
    sequence by the ranges of the Unicode Standard's table 3-7, which Python's decoder
    applies): no text is made of them. As Python, ``data`` is decoded in slices of at least
    ``UTF8_SLICE`` bytes that end after a newline: no UTF-8 sequence holds one, so a slice
    fails where the whole would, and a whole batch decoded at once would hold a str of up to
    four times its size."""
    if _COMPILED:
        return _utf8_error(data, len(data))  # noqa: F821 (lines.pxd's, compiled only)
    view = memoryview(data)
    n = len(data)
    pos = 0
    while pos < n:
        end = data.find(b"\n", min(pos + UTF8_SLICE, n))
        end = n if end < 0 else end + 1
        try:
            codecs.utf_8_decode(view[pos:end], "strict", True)
        except UnicodeDecodeError as e:
            return pos + e.start
        pos = end
    return -1


def code_page_marks(data: bytes) -> int:
    """:func:`~derbes.scanner.sources.encoding.batch_marks` of a batch of a code page's
    lines: compiled, one pass over its bytes in place (``lines.pxd``, ASCII eight bytes a
    step), where two regular expressions read it twice (a file in cp1251: 17 ms for 4 MiB,
    about as long as decoding it)."""
    if _COMPILED:
        return _code_page_marks(data, len(data))  # noqa: F821 (lines.pxd's, compiled only)
    return batch_marks(data)


#: Whether Cython compiled this module (``lines.pxd``): then :func:`count_newlines` counts
#: with ``memchr``; as Python, ``bytes.count`` is the faster.
_COMPILED = not __file__.endswith(".py")


def count_newlines(buf: bytes, end: int) -> int:
    """``buf.count(b"\\n", 0, end)``: the newlines of a batch, ``0 <= end <= len(buf)``.

    Compiled, one ``memchr`` a line: glibc reads 32 bytes a step, where ``bytes.count``
    compares byte by byte (about 8 instructions a byte: 80 M instructions a 10 MB log, 3.7%
    of a scan of the public Loghub lines). As Python, ``bytes.count`` itself."""
    if not _COMPILED:
        return buf.count(b"\n", 0, end)
    data = buf  # compiled: the bytes' own buffer (lines.pxd), read in place
    n = 0
    i = _next_newline(data, 0, end)  # noqa: F821 (lines.pxd's, compiled only)
    while i < end:
        n += 1
        i = _next_newline(data, i + 1, end)  # noqa: F821
    return n


def _long_line(buf: bytes, end: int, max_line: int) -> int | None:
    """Start of the first line longer than ``max_line`` in ``buf[:end]``, if any.

    Any such line covers a whole aligned window of ``step`` bytes with no newline, so a few
    ``find`` calls per batch rule long lines out.
    """
    step = (max_line + 1) // 2
    p = 0
    while p + step <= end:
        if buf.find(b"\n", p, p + step) < 0:
            start = buf.rfind(b"\n", 0, p) + 1
            stop = buf.find(b"\n", p, end)
            stop = end if stop < 0 else stop
            if stop - start > max_line:
                return start
            p = (stop // step + 1) * step
        else:
            p += step
    return None


def _cut(buf: bytes, limit: int) -> int:
    """Where to end a piece of at most ``limit`` bytes of a long line."""
    lo = limit - CUT_WINDOW
    best = max(buf.rfind(sep, lo, limit) for sep in _SEPARATORS)
    if best >= 0:
        return best + 1
    cut = limit
    while cut > lo and buf[cut] & 0xC0 == 0x80:  # never inside a UTF-8 character
        cut -= 1
    return cut


def _utf8_chars(piece: bytes) -> int:
    # Valid UTF-8 has one non-continuation byte per character.
    return len(piece.translate(None, _CONTINUATION))
