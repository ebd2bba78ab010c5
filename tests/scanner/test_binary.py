"""Text in binary values (``derbes.scanner.sources.binary``), and a scan that finds it.

The Java streams are what OpenJDK 17's ``ObjectOutputStream`` wrote (``writeObject`` of a
``HashMap`` and of a ``LinkedHashMap``), not bytes written here to match the reader.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import sqlite3
import tracemalloc
import zlib
from collections import Counter
from pathlib import Path

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st
from sql_helpers import JAVA_MAP

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.sources.binary import PREFIX, Unread, binary_text, read_binary
from derbes.scanner.sources.sql import SqlSource

#: ``LinkedHashMap`` {iin, phone, fio: strings; n: a Long}, by OpenJDK 17.
JAVA_SESSION = (
    b"\xac\xed\x00\x05sr\x00\x17java.util.LinkedHashMap4\xc0N\\\x10l\xc0\xfb\x02\x00"
    b"\x01Z\x00\x0baccessOrderxr\x00\x11java.util.HashMap\x05\x07\xda\xc1\xc3\x16`\xd1"
    b"\x03\x00\x02F\x00\nloadFactorI\x00\tthresholdxp?@\x00\x00\x00\x00\x00\x0cw\x08"
    b"\x00\x00\x00\x10\x00\x00\x00\x04t\x00\x03iint\x00\x0c860904350504t\x00\x05phonet"
    b"\x00\x10+7 701 123 45 67t\x00\x03fiot\x00\x1d\xd0\xa1\xd0\xb5\xd1\x80\xd0\xb8"
    b"\xd0\xba\xd0\xbe\xd0\xb2\xd0\xb0 \xd0\x90\xd0\xb9\xd0\xb3\xd1\x83\xd0\xbb\xd1"
    b"\x8ct\x00\x01nsr\x00\x0ejava.lang.Long;\x8b\xe4\x90\xcc\x8f#\xdf\x02\x00\x01J"
    b"\x00\x05valuexr\x00\x10java.lang.Number\x86\xac\x95\x1d\x0b\x94\xe0\x8b\x02\x00"
    b"\x00xp\x00\x00\x00\x00\x00\x00\x00\x05x\x00"
)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b'{"iin": "870412300123"}', '{"iin": "870412300123"}'),
        ("Әлия Серикова, тел. +7 701 123 45 67".encode(),
         "Әлия Серикова, тел. +7 701 123 45 67"),
        ("Клиент Иванов, ИИН 870412300123".encode("cp1251"), "Клиент Иванов, ИИН 870412300123"),
        ("Қазақстан, Алматы қ., ЖСН 870412300123".encode("kz1048"),
         "Қазақстан, Алматы қ., ЖСН 870412300123"),
        ("e-mail: a@example.kz\r\n".encode("utf-16"), "e-mail: a@example.kz\r\n"),
        (b"line one\n\tline two\x0c", "line one\n\tline two\x0c"),
    ],
)
def test_text_is_read_whole(data: bytes, text: str) -> None:
    assert binary_text(data) == (text, "text")


def test_java_streams_read_by_their_strings() -> None:
    # By their lengths: a run of printable bytes would take the next tag in too
    # ("emailt", "user@example.comx"). On one line: a key is its value's context.
    assert binary_text(JAVA_MAP) == (
        "java.util.HashMap; loadFactor; threshold; email; user@example.com", "runs")
    text, kind = binary_text(JAVA_SESSION)
    assert kind == "runs"
    assert "; iin; 860904350504; phone; +7 701 123 45 67; fio; Серикова Айгуль; " in text, text


def test_printable_runs_of_other_binary() -> None:
    data = b"\x01\x02\x03\x00\x00user@example.com\x00\x07\xffid\x00\x00+77011234567\x05"
    assert binary_text(data) == ("user@example.com\n+77011234567", "runs")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"Exif a@example.kz " * 4,
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"comment: a@example.kz " * 4,
        b"GIF89a" + b"a@example.kz " * 4,
        b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"a@example.kz " * 4,
        b"\x00\x00\x00\x18ftypheic" + b"a@example.kz " * 4,
        b"PK\x03\x04" + b"a@example.kz " * 4,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"/Author (a@example.kz) " * 4,
    ],
)
def test_images_pdf_and_archives_are_not_searched(data: bytes) -> None:
    assert binary_text(data) == (None, "media")


def test_a_bitmap_word_is_text() -> None:
    # No two-byte magic: a text that opens with "BM" or "BZh" is text.
    assert binary_text(b"BMW X5, VIN on file") == ("BMW X5, VIN on file", "text")
    assert binary_text(b"BZh. 870412300123") == ("BZh. 870412300123", "text")


def test_no_text() -> None:
    assert binary_text(b"") == (None, "none")
    assert binary_text(bytes(range(16))) == (None, "none")
    assert binary_text(zlib.compress(bytes(range(16)) * 50)) == (None, "none")


PAYLOAD = b'{"client": {"iin": "860904350504", "email": "a@example.kz"}}'


@pytest.mark.parametrize("compress", [
    gzip.compress, zlib.compress, lambda b: zlib.compress(b, 1), bz2.compress, lzma.compress,
    lambda b: zstandard.ZstdCompressor().compress(b),
], ids=["gzip", "zlib", "zlib-fast", "bzip2", "xz", "zstd"])
def test_compressed_values_are_read_decompressed(compress) -> None:
    assert binary_text(compress(PAYLOAD)) == (PAYLOAD.decode(), "text")


@pytest.mark.parametrize("compress", [
    gzip.compress, bz2.compress, lzma.compress, lambda b: zstandard.ZstdCompressor().compress(b),
], ids=["gzip", "bzip2", "xz", "zstd"])
def test_a_compression_bomb_gives_its_opening_only(compress) -> None:
    bomb = compress(b"0" * (64 << 20))  # 64 MiB of zeros, a few KiB compressed
    unread = Unread()
    tracemalloc.start()
    try:
        assert read_binary("doc", bomb, unread) == "0" * PREFIX
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Never the 64 MiB (xz's own dictionary takes 8 MiB, allocated through Python's).
    assert peak < 16 << 20, peak
    assert unread.cut == {"doc": 1}


def test_one_level_of_compression_is_read() -> None:
    # A stream inside a stream is not opened again: each level could multiply the work.
    assert binary_text(gzip.compress(gzip.compress(PAYLOAD)))[0] != PAYLOAD.decode()


def test_a_cut_stream_gives_what_it_holds() -> None:
    stream = gzip.compress(b"email a@example.kz; " * 10_000)
    text, kind = binary_text(stream[: len(stream) // 2], cut=True)
    assert kind == "text" and text.startswith("email a@example.kz; email")


def test_text_that_opens_like_a_zlib_header_is_text() -> None:
    # "H" (0x48) and "8" (0x38) are deflate's method in a zlib header's first byte; "HK"
    # passes the header's check (0x484B is a multiple of 31) and is still no zlib stream.
    assert (0x48 << 8 | ord("K")) % 31 == 0
    assert binary_text(b"HK-01 860904350504") == ("HK-01 860904350504", "text")


def test_random_bytes_seldom_read_as_text() -> None:
    # A BINARY(16) UUID or a hash: without the words' rules, 6% of random 16-byte values
    # were taken for cp1251 or KZ-1048 text.
    rng = __import__("random").Random(94)
    kinds = Counter(binary_text(rng.randbytes(16))[1] for _ in range(20_000))
    assert kinds["text"] < 20, kinds


def test_a_cut_value_loses_no_character_but_the_cut_one() -> None:
    data = ("а" * 10).encode()[:-1]  # the last letter cut in two
    assert binary_text(data, cut=True) == ("а" * 9, "text")
    assert binary_text(data)[1] == "runs"  # a whole value with a broken end is no text


def test_read_binary_counts_what_it_does_not_read() -> None:
    unread = Unread()
    assert read_binary("doc", b"870412300123 " + bytes(PREFIX), unread) == "870412300123"
    assert read_binary("doc", memoryview(b"x" * (PREFIX + 1)), unread) == "x" * PREFIX
    assert read_binary("photo", b"\xff\xd8\xff\xe0", unread) is None
    assert read_binary("photo", b"\xff\xd8\xff\xe0" + bytes(PREFIX), unread) is None  # big
    assert read_binary("hash", os.urandom(0) + bytes(32), unread) is None
    assert read_binary("hash", b"", unread) is None  # empty: not counted
    assert unread.notes() == [
        "binary values holding no text: hash (1)",
        "images, PDF and ZIP archives not read: photo (2)",
        "binary values of more than 64 KiB (decompressed), their first 64 KiB read: doc (2)",
    ]


def test_scan_finds_personal_data_in_a_blob(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE spring_session_attributes (session_primary_id TEXT, "
                     "attribute_name TEXT, attribute_bytes BLOB)")
        conn.executemany("INSERT INTO spring_session_attributes VALUES (?, ?, ?)", [
            (f"s{i}", "user", JAVA_SESSION) for i in range(5)])
    result = scan([SqlSource(f"sqlite:///{path}")], ScanOptions())
    found = {(f.field, f.entity): f.hits for f in result.findings}
    assert found[("attribute_bytes", "KZ_IIN")] == 5, found
    assert found[("attribute_bytes", "PHONE_NUMBER")] == 5, found


@settings(max_examples=500, deadline=None)
@given(data=st.binary(max_size=300), cut=st.booleans())
def test_any_bytes_are_read_without_an_error(data: bytes, cut: bool) -> None:
    text, kind = binary_text(data, cut)
    assert kind in ("text", "runs", "none", "media")
    assert (text is None) is (kind in ("none", "media"))
