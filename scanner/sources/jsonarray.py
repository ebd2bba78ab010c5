"""The records of a JSON file that is one array (``[{...}, {...}]``), read one at a time.

Exports of APIs and document stores come so: ``mongoexport --jsonArray`` writes the array on
one line, an API dump often pretty-prints it. Read as a log, such a file is one line (or one
document of a million lines) whose values are found without the names of their fields and
counted in one row. Read here, each element is a record, walked by key path as a JSON line's
is, and numbered as a table's row (``derbes.scanner.sources.tabular``).

The file is never held whole: :func:`records` decodes one element at a time from a buffer
that holds at most the element being read (up to ``max_record_bytes``) and a block after it.
A compressed file (``export.json.gz``: gzip, bzip2, xz, zstd, told by its first bytes) is
read decompressed as it goes (:func:`decompressed`, :func:`head_of`).
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from typing import IO, Any

from derbes.scanner.sources.decompress import (
    Fault,
    Prefixed,
    compression,
    decompressed_stream,
    decompressor,
    read_blocks,
)

#: Bytes read at a time.
BLOCK = 1 << 20
#: Bytes looked at to tell a JSON array (:func:`is_json_array`).
SNIFF = 64 << 10
_WHITE = " \t\r\n"
#: What may go on a number.
_NUMBER = re.compile(r"[0-9.eE+-]*")


def is_json_array(head: bytes) -> bool:
    """Whether a file opening with ``head`` is a JSON array: ``[`` first (after white space
    and a UTF-8 BOM), then a first element that decodes and is followed by ``,`` or ``]``,
    or an object that goes on past the head. A log line may open with ``[`` too:
    ``[2026-12-01 10:00:00] production.ERROR`` holds no JSON element (``2026`` is followed
    by ``-``), nor does ``[INFO]``."""
    text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace").lstrip(_WHITE)
    if not text.startswith("["):
        return False
    rest = text[1:].lstrip(_WHITE)
    if rest.startswith("]"):
        return not rest[1:].strip(_WHITE)  # "[]" and nothing else
    try:
        _, end = json.JSONDecoder().raw_decode(rest)
    except json.JSONDecodeError:
        # Cut by the head's end, or no JSON: an object that runs past the head is taken.
        return rest.startswith("{") and len(head) >= SNIFF
    after = rest[end:].lstrip(_WHITE)
    return after[:1] in (",", "]") or (not after and len(head) >= SNIFF)


#: Names of JSON files, compressed or not.
NAMED = re.compile(r"\.json(?:\.(?:gz|bz2|xz|zst|zstd))?$", re.IGNORECASE)


def head_of(head: bytes) -> bytes:
    """A file's first bytes as text: ``head`` itself, or what they decompress to (at most
    :data:`SNIFF`) when the file is compressed."""
    kind = compression(head)
    if kind is None:
        return head
    out = b""
    try:
        for block in read_blocks(decompressor(Prefixed(head, io.BytesIO(), None), kind), kind):
            out += block
            if len(out) >= SNIFF:
                break
    except Fault:
        pass  # the head ends inside the stream: what it decoded to is the text
    return out[:SNIFF]


def decompressed(f: IO[bytes]) -> IO[bytes]:
    """``f`` from its start, decompressed when it is compressed (gzip, bzip2, xz, zstd, told
    by its first bytes): gives fewer bytes than asked at times, as a raw stream may."""
    start = f.read(6)
    f.seek(0)
    kind = compression(start)
    return f if kind is None else decompressed_stream(  # type: ignore[return-value]
        f, kind, ValueError)


def records(f: IO[bytes], max_record_bytes: int = 64 << 20) -> Iterator[Any]:
    """The elements of the JSON array ``f`` holds, in order. Raises ``ValueError`` where the
    text is no JSON array (text after it too: JSON lines of arrays are no array), or an
    element is longer than ``max_record_bytes``; the elements before are good."""
    decoder = json.JSONDecoder()
    text = codecs.getincrementaldecoder("utf-8-sig")("replace")
    buf = ""
    pos = 0
    eof = False

    def more() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        block = f.read(BLOCK)
        eof = not block
        buf = buf[pos:] + text.decode(block, final=eof)
        pos = 0
        return True

    def skip() -> str:
        """The next character that is no white space ("" at the end of the text)."""
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in _WHITE:
                pos += 1
            if pos < len(buf) or not more():
                return buf[pos:pos + 1]

    if skip() != "[":
        raise ValueError("not a JSON array")
    pos += 1
    if skip() == "]":
        return
    while True:
        try:
            element, end = decoder.raw_decode(buf, pos)
        except json.JSONDecodeError as e:
            if len(buf) - pos > max_record_bytes:
                raise ValueError(f"an element longer than {max_record_bytes >> 20} MiB") from e
            if more():
                continue
            raise ValueError(f"malformed JSON: {e.msg}") from e
        if not eof and type(element) in (int, float) and _NUMBER.match(buf, end).end() == len(buf):
            more()  # a number may go on past the buffer ("0." of "0.5"): read again after
            continue
        pos = end
        yield element
        c = skip()
        if c == "]":
            pos += 1
            if skip():
                raise ValueError("malformed JSON: text after the array")
            return
        if c != ",":
            raise ValueError(f"malformed JSON: {c!r} after an element" if c else
                             "malformed JSON: the array is not closed")
        pos += 1
        skip()
