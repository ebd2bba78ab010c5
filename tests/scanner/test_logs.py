"""LogSource: files, compression, encodings, long lines, odd files, listing, ranges."""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import itertools
import lzma
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derbes.scanner.errors import SourceError
from derbes.scanner.sources import logs as logs_module
from derbes.scanner.sources.base import ContainerDone, LineBatch
from derbes.scanner.sources.encoding import detect_encoding
from derbes.scanner.sources.logs import LogSource

LINES = [f"2024-05-0{i % 9 + 1} INFO user={i} iin=9001011234{i % 10}{i % 7}" for i in range(5000)]
TEXT = "\n".join(LINES) + "\n"


def read_all(src: LogSource, container=None):
    """The batches of one container and its ContainerDone."""
    if container is None:
        (container,) = list(src.containers())
    batches = list(src.read(container))
    assert isinstance(batches[-1], ContainerDone)
    assert all(isinstance(b, LineBatch) for b in batches[:-1])
    return batches[:-1], batches[-1]


def lines_of(batches) -> dict[int, str]:
    """Rebuild ``{line number: text}`` from batches, joining long-line pieces."""
    out: dict[int, str] = {}
    for b in batches:
        text = b.data.decode("utf-8")  # strict: a batch never splits a character
        if b.continued:
            assert b.first_line in out
            assert b.offset == len(out[b.first_line])
            out[b.first_line] += text
            continue
        for i, line in enumerate(text.split("\n")):
            assert b.first_line + i not in out
            out[b.first_line + i] = line
    return out


def expected(text: str) -> dict[int, str]:
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return {i + 1: line for i, line in enumerate(lines)}


# -- plain files ---------------------------------------------------------------------------


def test_plain_file_lines_numbers_and_done(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_text(TEXT, encoding="utf-8")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    src = LogSource(str(path), batch_bytes=10_000, max_line_bytes=1 << 14)
    (container,) = list(src.containers())
    assert container.name == str(path) and container.kind == "file"
    assert container.meta["size"] == len(TEXT.encode())
    batches, done = read_all(src, container)
    assert len(batches) > 5  # small batches really cut the file
    assert all(len(b.data) <= 10_000 for b in batches)
    assert lines_of(batches) == expected(TEXT)
    assert done.rows_scanned == len(LINES)
    assert done.bytes_scanned == len(TEXT.encode())
    assert done.mtime == datetime.fromtimestamp(1_700_000_000, UTC).isoformat(timespec="seconds")
    assert datetime.fromisoformat(done.mtime).timestamp() == 1_700_000_000


@pytest.mark.parametrize(
    ("text", "rows"),
    [("a\nb", 2), ("a\nb\n", 2), ("a\n\nb\n", 3), ("\n", 1), ("x", 1), ("a\r\nb\r\n", 2)],
)
def test_line_counting(tmp_path: Path, text: str, rows: int) -> None:
    path = tmp_path / "f.log"
    path.write_bytes(text.encode())
    batches, done = read_all(LogSource(str(path)))
    assert done.rows_scanned == rows
    got = lines_of(batches)
    assert all(got.get(n, "") == line for n, line in expected(text).items())


def test_utf8_is_passed_through_untouched_and_never_split(tmp_path: Path) -> None:
    text = "".join(
        f"Пользователь №{i}: Ақжол Сәрсенбаев, тел. +7 701 {i:07d}\n" for i in range(3000)
    )
    path = tmp_path / "ru.log"
    path.write_bytes(text.encode())
    batches, done = read_all(LogSource(str(path), batch_bytes=4099, max_line_bytes=8192))
    assert b"\n".join(b.data for b in batches) + b"\n" == text.encode()
    assert lines_of(batches) == expected(text)
    assert done.notes == ()


# -- compression ---------------------------------------------------------------------------

COMPRESSORS = {
    "gzip": gzip.compress,
    "bz2": bz2.compress,
    "xz": lambda data: lzma.compress(data, preset=0),
    "zstd": lambda data: zstandard.ZstdCompressor().compress(data),
}


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_compressed_by_magic_not_extension(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "app.log.1"  # no telling extension
    path.write_bytes(COMPRESSORS[kind](TEXT.encode()))
    batches, done = read_all(LogSource(str(path), batch_bytes=8192, max_line_bytes=8192))
    assert lines_of(batches) == expected(TEXT)
    assert done.rows_scanned == len(LINES)
    assert done.bytes_scanned == len(TEXT.encode())


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_concatenated_members(tmp_path: Path, kind: str) -> None:
    half = len(TEXT) // 2
    cut = TEXT.index("\n", half) + 1
    data = COMPRESSORS[kind](TEXT[:cut].encode()) + COMPRESSORS[kind](TEXT[cut:].encode())
    path = tmp_path / "joined"
    path.write_bytes(data)
    batches, done = read_all(LogSource(str(path)))
    assert lines_of(batches) == expected(TEXT)
    assert done.rows_scanned == len(LINES)


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_truncated_stream_keeps_the_good_part_then_raises(tmp_path: Path, kind: str) -> None:
    big = "".join(f"{i:08d} {os.urandom(24).hex()}\n" for i in range(60_000))
    whole = COMPRESSORS[kind](big.encode())
    path = tmp_path / "cut.log"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    src = LogSource(str(path), batch_bytes=1 << 16, max_line_bytes=1 << 14)
    (container,) = list(src.containers())
    batches = []
    with pytest.raises(SourceError) as err:
        for batch in src.read(container):
            batches.append(batch)
    assert err.value.container == str(path)
    assert f"truncated {kind} stream after" in err.value.reason
    assert not any(isinstance(b, ContainerDone) for b in batches)
    got = lines_of(batches)
    want = expected(big)
    # Everything decoded before the fault arrived: well over half the lines, all correct
    # but the last one, which may be cut short.
    assert len(got) > len(want) // 2
    last = max(got)
    assert all(got[n] == want[n] for n in range(1, last))
    assert want[last].startswith(got[last])
    assert f"after {last} lines" in err.value.reason


def test_corrupt_gzip_raises_after_the_good_part(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(TEXT.encode() * 20))
    middle = len(data) // 2
    data[middle : middle + 64] = b"\xff" * 64
    path = tmp_path / "bad.gz"
    path.write_bytes(bytes(data))
    src = LogSource(str(path))
    batches = []
    with pytest.raises(SourceError, match="corrupt gzip stream"):
        batches.extend(src.read(next(src.containers())))
    assert batches and lines_of(batches)[1] == LINES[0]


# -- encodings -----------------------------------------------------------------------------

RU = "".join(
    f"{i}: Иванов Пётр Сергеевич, проживает: г. Алматы, ул. Абая {i}\n" for i in range(200)
)
KK = "".join(f"{i}: Сәлем, менің атым Ақжол, телефоным +7 701 000 {i:04d}\n" for i in range(200))
FR = "".join(f"{i}: Müller, café crème, straße, élève\n" for i in range(200))


@pytest.mark.parametrize(
    ("codec", "text", "detected"),
    [
        ("cp1251", RU, "cp1251"),
        ("kz1048", KK, "kz1048"),
        ("latin-1", FR, "latin-1"),
        ("utf-16", RU, "utf-16"),  # with BOM (Python writes the native-order BOM)
        ("utf-16-be-bom", RU, "utf-16"),
        ("utf-8-sig", RU, "utf-8-sig"),
        ("utf-16-le", RU + TEXT, "utf-16-le"),  # no BOM: found by the NUL pattern
        ("utf-32", RU, "utf-32"),
    ],
)
def test_encodings_are_transcoded_to_utf8(
    tmp_path: Path, codec: str, text: str, detected: str
) -> None:
    if codec == "utf-16-be-bom":
        raw = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    else:
        raw = text.encode(codec)
    assert detect_encoding(raw[: 64 << 10], at_eof=True)[0] == detected
    path = tmp_path / f"{codec}.log"
    path.write_bytes(raw)
    # Small batches: the incremental decoders must carry characters across blocks.
    batches, done = read_all(LogSource(str(path), batch_bytes=1000, max_line_bytes=8192))
    assert lines_of(batches) == expected(text)
    assert done.rows_scanned == text.count("\n")
    assert done.bytes_scanned == len(text.encode("utf-8"))


@pytest.mark.parametrize("fast", [True, False])
def test_names_a_code_page_wrote_with_question_marks_are_found_whole(
        tmp_path: Path, fast: bool) -> None:
    """A 1C export in Windows-1251 writes each Kazakh letter it lacks as "?": the names are
    found whole, as the UTF-8 ones are."""
    from derbes.scanner.engine import ScanOptions, scan
    from derbes.scanner.engine.detect import Detector

    names = ["Байжанова Айгүл Даниярқызы", "Әбенов Серік Нұрсұлтанұлы",
             "Есенова Сәуле Дәуренқызы", "Құнанбаев Ерлан Маратович"]
    lines = [f"10.01.2019 10:00:0{i} Выгрузка 1С: контрагент {name}, ИИН 880714300129"
             for i, name in enumerate(names)]
    path = tmp_path / "legacy-1c.log"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251", "replace"))
    result = scan([LogSource(str(path))], ScanOptions(hits=True, show_values=True),
                  detector=Detector(fast=fast))
    found = sorted(h.value for h in result.hits if h.entity == "PERSON")
    assert found == sorted(n.encode("cp1251", "replace").decode("cp1251") for n in names)


def test_guessed_encoding_is_noted(tmp_path: Path) -> None:
    path = tmp_path / "w.log"
    path.write_bytes(RU.encode("cp1251"))
    _, done = read_all(LogSource(str(path)))
    assert any("cp1251" in n for n in done.notes)


def test_invalid_utf8_later_is_passed_through_and_noted(tmp_path: Path) -> None:
    good = "".join(f"строка {i} ok\n" for i in range(20_000))  # > 64 KiB of valid UTF-8
    bad = b"broken \xff\xfe value 900101123456\n"
    raw = good.encode() + bad + b"after\n"
    path = tmp_path / "mixed.log"
    path.write_bytes(raw)
    src = LogSource(str(path))
    batches, done = read_all(src)
    assert b"\n".join(b.data for b in batches) + b"\n" == raw  # bytes untouched
    assert done.rows_scanned == 20_002
    assert any("invalid UTF-8 from line 20001" in n for n in done.notes)


@pytest.mark.parametrize("bad", [b"\xff x", b"a\xff x", b"ab\xff x", b"abc\xff x",
                                 b"\xd0", b"\xe2\x82 x", b"ok \xf0\x9f\x98"])
def test_invalid_utf8_is_noted_on_its_own_line(tmp_path: Path, bad: bytes) -> None:
    # Its first bytes too: the note once named the line before for an invalid byte in the
    # first three of a line (the decoder's held-back bytes allowed for where none were).
    good = "".join(f"строка {i} ok\n" for i in range(20_000))
    path = tmp_path / "mixed.log"
    path.write_bytes(good.encode() + bad + b"\nafter\n")
    _, done = read_all(LogSource(str(path)))
    assert done.invalid_utf8_line == 20_001
    assert any("invalid UTF-8 from line 20001" in n for n in done.notes)


# Bytes around the edges of the ranges of well-formed UTF-8 (table 3-7 of the Unicode
# Standard), newlines and NUL among them, and whole characters of one to four bytes.
_UTF8_EDGES = st.lists(st.one_of(
    st.sampled_from([0x00, 0x0A, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1,
                     0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4,
                     0xF5, 0xFF]).map(lambda b: bytes([b])),
    st.sampled_from(["a", "а", "ә", "€", "\ud55c", "😀"]).map(str.encode),
    st.integers(0, 20).map(lambda n: b"x" * n),  # ASCII runs, read eight bytes a step
), max_size=30).map(b"".join)


@settings(max_examples=1000, deadline=None)
@given(_UTF8_EDGES)
def test_the_first_invalid_utf8_is_where_the_decoder_fails(data):
    from derbes.scanner.sources.logs.lines import first_invalid_utf8

    try:
        data.decode("utf-8")
        expected = -1
    except UnicodeDecodeError as e:
        expected = e.start
    assert first_invalid_utf8(data) == expected


def test_every_edge_of_the_utf8_ranges_is_where_the_decoder_says():
    """Each lead byte at the edges of table 3-7's ranges, with second, third and fourth
    bytes at the edges of theirs, alone and between ASCII runs."""
    from derbes.scanner.sources.logs.lines import first_invalid_utf8

    leads = [0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF,
             0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
    seconds = [0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0]
    rest = [0x7F, 0x80, 0xBF, 0xC0]
    for lead, second, third, fourth in itertools.product(leads, seconds, rest, rest):
        for data in (bytes([lead, second, third, fourth]),
                     b"0123456789" + bytes([lead, second, third, fourth]) + b"x" * 9):
            try:
                data.decode("utf-8")
                expected = -1
            except UnicodeDecodeError as e:
                expected = e.start
            assert first_invalid_utf8(data) == expected, data


def test_the_first_invalid_utf8_is_found_across_slices(monkeypatch):
    # As Python the bytes are decoded in slices ending after a newline; compiled, in place.
    from derbes.scanner.sources.logs import lines

    monkeypatch.setattr(lines, "UTF8_SLICE", 7)
    text = "ab\nвв\nг\n" * 5
    for k in range(len(text) + 1):  # a broken sequence before each character
        before, after = text[:k].encode(), text[k:].encode()
        assert lines.first_invalid_utf8(before + b"\xc3(" + after) == len(before)
    assert lines.first_invalid_utf8(text.encode()) == -1


def test_mostly_utf8_head_with_a_broken_line_stays_utf8(tmp_path: Path) -> None:
    raw = "Ақжол Сәрсенбаев\n".encode() * 50 + b"bad \xc0 byte\n" + "Иван\n".encode() * 50
    assert detect_encoding(raw, at_eof=True)[0] == "utf-8"
    path = tmp_path / "m.log"
    path.write_bytes(raw)
    batches, done = read_all(LogSource(str(path)))
    assert b"\n".join(b.data for b in batches) + b"\n" == raw
    assert any("invalid UTF-8" in n for n in done.notes)


# -- long lines ----------------------------------------------------------------------------


def test_three_megabyte_line_in_pieces_keeps_values_and_numbers(tmp_path: Path) -> None:
    filler = " ".join(f"k{i}=v{i}" for i in range(115_000))  # ~1.5 MB of separators
    value = "email=aigerim.nurlanovna@example.kz iin=900101300456"
    long = filler + " " + value + " " + filler
    # Shorter than a batch (4 MiB), longer than a line may be: found inside a batch.
    assert 3_000_000 < len(long) < 4 << 20
    text = "first 870412300415\n" + long + "\nafter-1 iin=040506600123\nafter-2 +77011234567\n"
    path = tmp_path / "long.log"
    path.write_text(text)
    limit = 1 << 20
    batches, done = read_all(LogSource(str(path), max_line_bytes=limit))
    pieces = [b for b in batches if b.first_line == 2]
    assert len(pieces) >= 3
    assert not pieces[0].continued and all(p.continued for p in pieces[1:])
    assert all(len(p.data) <= limit for p in pieces)
    assert any(value in p.data.decode() for p in pieces)  # the value was not cut
    got = lines_of(batches)
    assert got == expected(text)
    assert got[3] == "after-1 iin=040506600123" and got[4] == "after-2 +77011234567"
    assert done.rows_scanned == 4


def test_long_line_without_separators_is_cut_between_characters(tmp_path: Path) -> None:
    line = "ж" * 40_000 + "конец"  # 2-byte characters, no separator anywhere
    text = "a\n" + line + "\nb"
    path = tmp_path / "cyr.log"
    path.write_text(text)
    batches, done = read_all(LogSource(str(path), max_line_bytes=10_001, batch_bytes=4096))
    pieces = [b for b in batches if b.first_line == 2]
    assert len(pieces) >= 8
    for p in pieces:
        p.data.decode("utf-8")  # strict
        assert len(p.data) <= 10_001
    assert lines_of(batches) == expected(text)
    assert done.rows_scanned == 3


def test_long_lines_among_short_ones_in_one_batch(tmp_path: Path) -> None:
    parts = []
    for i in range(30):
        parts.append(f"short {i} +77011234567")
        if i % 7 == 3:
            parts.append(" ".join(f"w{i}x{j}" for j in range(4000)))  # ~30 KB lines
    text = "\n".join(parts) + "\n"
    path = tmp_path / "mixed-long.log"
    path.write_text(text)
    src = LogSource(str(path), max_line_bytes=10_000, batch_bytes=1 << 20)
    batches, done = read_all(src)
    long_numbers = [n for n, line in expected(text).items() if len(line) > 10_000]
    assert len(long_numbers) == 4
    for n in long_numbers:
        pieces = [b for b in batches if b.first_line == n]
        assert len(pieces) >= 3 and not pieces[0].continued
        assert all(len(p.data) <= 10_000 for p in pieces)
    assert lines_of(batches) == expected(text)
    assert done.rows_scanned == len(parts)


@pytest.mark.parametrize("tail", ["", "\n"])
def test_long_last_line(tmp_path: Path, tail: str) -> None:
    text = "x\n" + "y" * 50_000 + tail
    path = tmp_path / "end.log"
    path.write_text(text)
    batches, done = read_all(LogSource(str(path), max_line_bytes=16_384))
    assert lines_of(batches) == expected(text)
    assert done.rows_scanned == 2


def test_line_of_exactly_the_limit_is_whole(tmp_path: Path) -> None:
    limit = 16_384
    text = "z" * limit + "\n" + "w" * (limit + 1) + "\n"
    path = tmp_path / "edge.log"
    path.write_text(text)
    batches, _ = read_all(LogSource(str(path), max_line_bytes=limit, batch_bytes=1000))
    assert [b for b in batches if b.first_line == 1] == [LineBatch(b"z" * limit, 1, newlines=0)]
    assert len([b for b in batches if b.first_line == 2]) == 2
    assert lines_of(batches) == expected(text)


# -- odd files -----------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.log"
    path.write_bytes(b"")
    batches, done = read_all(LogSource(str(path)))
    assert batches == []
    assert done.rows_scanned == 0 and done.bytes_scanned == 0


def test_binary_file_is_skipped_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "core.bin"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + os.urandom(20_000) + b"\n900101300456\n")
    batches, done = read_all(LogSource(str(path)))
    assert batches == []
    assert done.notes == ("binary file, skipped",)
    assert done.rows_scanned == 0


def test_compressed_binary_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "blob.gz"
    path.write_bytes(gzip.compress(b"\x00\x01\x02" * 1000))
    batches, done = read_all(LogSource(str(path)))
    assert batches == [] and "binary file, skipped" in done.notes


def test_vanished_file(tmp_path: Path) -> None:
    path = tmp_path / "gone.log"
    path.write_text("x\n")
    src = LogSource(str(path))
    (container,) = list(src.containers())
    path.unlink()
    with pytest.raises(SourceError, match="vanished") as err:
        list(src.read(container))
    assert err.value.container == str(path)


def test_permission_denied(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        path = tmp_path / "secret.log"
        path.write_text("900101300456\n")
        path.chmod(0o000)
        src = LogSource(str(path))
        with pytest.raises(SourceError, match="permission denied"):
            list(src.read(next(src.containers())))
        return
    # Root reads through any file mode, so the read runs as "nobody" in a child process, on a
    # copy of the modules in a world-readable place (the venv lives under /root, mode 0700).
    python = next((p for p in ("/usr/bin/python3", "/usr/local/bin/python3") if _usable(p)), None)
    if python is None:
        pytest.skip("no interpreter that the nobody user can run")
    root = Path(tempfile.mkdtemp(prefix="derbes-perm-"))
    try:
        root.chmod(0o755)
        package = root / "pkg" / "derbes" / "scanner" / "sources"
        package.mkdir(parents=True)
        scanner = Path(logs_module.__file__).parents[2]
        (package / "logs").mkdir()
        for rel in ["errors.py", "sources/base.py", "sources/discovery.py", "sources/encoding.py",
                    "sources/remote.py", "sources/decompress.py",
                    *(f"sources/logs/{p.name}" for p in (scanner / "sources/logs").glob("*.py"))]:
            shutil.copy(scanner / rel, package.parent / rel)
        for init in [package.parents[1], package.parent, package]:
            (init / "__init__.py").write_text("")
        for d in [root / "pkg", *package.parents[:3], package, package / "logs"]:
            d.chmod(0o755)
        secret = root / "secret.log"
        secret.write_text("900101300456\n")
        secret.chmod(0o600)
        script = textwrap.dedent(
            f"""
            from derbes.scanner.errors import SourceError
            from derbes.scanner.sources.base import Container
            from derbes.scanner.sources.logs import LogSource
            try:
                list(LogSource({str(secret)!r}).read(Container({str(secret)!r}, "file")))
            except SourceError as e:
                print("ERR", e.container, e.reason)
            else:
                print("READ")
            """
        )
        proc = subprocess.run(
            [python, "-c", script],
            user=65534,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=root,
            env={"PYTHONPATH": str(root / "pkg")},
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == f"ERR {secret} permission denied"
    finally:
        shutil.rmtree(root)


def _usable(python: str) -> bool:
    return (
        os.path.exists(python)
        and os.stat(python).st_mode & 0o001 != 0
        and (
            sys.version_info[:2]
            == tuple(
                int(x)
                for x in subprocess.run(
                    [python, "-c", "import sys; print(*sys.version_info[:2])"],
                    capture_output=True,
                    text=True,
                ).stdout.split()
            )
        )
    )


def test_file_growing_during_the_scan_is_read_to_its_size_at_open(tmp_path: Path) -> None:
    path = tmp_path / "live.log"
    path.write_text(TEXT)
    src = LogSource(str(path), batch_bytes=4096, max_line_bytes=8192)
    gen = src.read(next(src.containers()))
    batches = [next(gen)]
    with path.open("a") as f:
        f.write("appended 900101300456\n" * 1000)
    rest = list(gen)
    batches += rest[:-1]
    done = rest[-1]
    assert lines_of(batches) == expected(TEXT)
    assert done.rows_scanned == len(LINES)
    assert any("grew" in n for n in done.notes)


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode())))
    src = LogSource("-")
    (container,) = list(src.containers())
    assert container.name == "<stdin>" and src.name == "<stdin>"
    batches, done = read_all(src, container)
    assert lines_of(batches) == expected(TEXT)
    assert done.rows_scanned == len(LINES) and done.mtime is None


def test_gzipped_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(TEXT.encode()))))
    batches, done = read_all(LogSource("-"))
    assert lines_of(batches) == expected(TEXT)
    assert done.rows_scanned == len(LINES)


# -- listing -------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel in ["a.log", "b.log.gz", "sub/c.log", "sub/deep/d.log", "sub/deep/e.txt", "z.json"]:
        p = tmp_path / "logs" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"{rel}\n")
    return tmp_path / "logs"


def names(src: LogSource, root: Path) -> list[str]:
    return [os.path.relpath(c.name, root) for c in src.containers()]


def test_directory_is_walked_recursively_and_sorted(tree: Path) -> None:
    got = names(LogSource(str(tree)), tree)
    assert got == ["a.log", "b.log.gz", "sub/c.log", "sub/deep/d.log", "sub/deep/e.txt", "z.json"]


def test_globs(tree: Path) -> None:
    assert names(LogSource(str(tree / "*.log")), tree) == ["a.log"]
    assert names(LogSource(str(tree / "**/*.log")), tree) == [
        "a.log",
        "sub/c.log",
        "sub/deep/d.log",
    ]
    assert names(LogSource(str(tree / "su?")), tree) == [
        "sub/c.log",
        "sub/deep/d.log",
        "sub/deep/e.txt",
    ]


def test_include_and_exclude(tree: Path) -> None:
    src = LogSource(str(tree), include=["*.log", "*.gz"], exclude=["*/deep/*"])
    assert names(src, tree) == ["a.log", "b.log.gz", "sub/c.log"]
    assert names(LogSource(str(tree), exclude=["*.log*"]), tree) == ["sub/deep/e.txt", "z.json"]


def test_nothing_matches(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        list(LogSource(str(tmp_path / "missing.log")).containers())
    # A glob or a filter that leaves nothing is an empty source (the engine warns), not an error.
    src = LogSource(str(tmp_path / "*.log"))
    assert list(src.containers()) == [] and "no files match" in src.warnings[0]
    (tmp_path / "x.txt").write_text("x")
    src = LogSource(str(tmp_path), include=["*.log"])
    assert list(src.containers()) == [] and "no files match" in src.warnings[0]


def test_symlink_loops_end(tree: Path) -> None:
    (tree / "sub" / "loop").symlink_to(tree)  # a directory pointing at an ancestor
    (tree / "sub" / "deep" / "self").symlink_to(tree / "sub" / "deep")
    (tree / "p").symlink_to(tree / "q")  # file symlinks pointing at each other
    (tree / "q").symlink_to(tree / "p")
    (tree / "dangling").symlink_to(tree / "nowhere")
    (tree / "alias.log").symlink_to(tree / "a.log")  # the same file twice
    src = LogSource(str(tree))
    got = names(src, tree)
    assert sorted(got) == sorted(
        ["a.log", "b.log.gz", "sub/c.log", "sub/deep/d.log", "sub/deep/e.txt", "z.json"]
    ) or sorted(got) == sorted(
        ["alias.log", "b.log.gz", "sub/c.log", "sub/deep/d.log", "sub/deep/e.txt", "z.json"]
    )
    assert any("dangling" in reason for _, reason in src.skipped)
    assert any(path.startswith(str(tree / "p")) for path, _ in src.skipped)


def test_symlinked_directory_outside_is_followed(tree: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "x.log").write_text("x\n")
    (tree / "linked").symlink_to(other)
    assert "linked/x.log" in names(LogSource(str(tree)), tree)


def test_unreadable_subdirectory_is_noted(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod does not stop root; make the directory listing itself fail instead.
    real = os.scandir
    blocked = str(tree / "sub" / "deep")

    def scandir(path="."):
        if os.fspath(path) == blocked:
            raise PermissionError(13, "Permission denied", blocked)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    src = LogSource(str(tree))
    assert names(src, tree) == ["a.log", "b.log.gz", "sub/c.log", "z.json"]
    assert src.errors == [f"{blocked}: Permission denied"]
    assert src.warnings == []


# -- byte ranges ---------------------------------------------------------------------------


def test_split_and_read_range_match_read(tmp_path: Path) -> None:
    text = "".join(f"{i} Иван +7 701 {i:07d}\n" for i in range(30_000))
    path = tmp_path / "big.log"
    path.write_text(text)
    src = LogSource(str(path), batch_bytes=20_000, max_line_bytes=16_384)
    (container,) = list(src.containers())
    ranges = src.split(container, 4, min_part_bytes=1)
    size = path.stat().st_size
    assert len(ranges) == 4
    assert ranges[0][0] == 0 and ranges[-1][1] == size
    raw = path.read_bytes()
    assert all(b == c for (_, b), (c, _) in itertools.pairwise(ranges))
    # Cut where they fall, not at line starts: each range reads the lines that start in it.
    assert any(raw[b - 1 : b] != b"\n" for _, b in ranges[:-1])
    whole, done = read_all(src, container)
    parts, rows = [], 0
    for a, b in ranges:
        # Each range is numbered after the lines of those before it, as the engine does.
        out = list(src.read_range(container, a, b, first_line=rows + 1))
        assert isinstance(out[-1], ContainerDone)
        rows += out[-1].rows_scanned
        parts += out[:-1]
    assert lines_of(parts) == lines_of(whole) == expected(text)
    assert rows == done.rows_scanned == 30_000
    # Alone, a range counts its own first line as line 1: nothing before it is read.
    a, b = ranges[1]
    first = next(iter(src.read_range(container, a, b)))
    line_start = raw.index(b"\n", a - 1) + 1
    assert first.first_line == 1 and first.data.startswith(raw[line_start:line_start + 20])


def test_a_range_reads_its_last_line_past_its_end_but_not_past_the_file(tmp_path: Path) -> None:
    path = tmp_path / "growing.log"
    path.write_text("".join(f"line {i:05d}\n" for i in range(2000)) + "half a li")
    src = LogSource(str(path))
    (container,) = list(src.containers())
    ranges = src.split(container, 2, min_part_bytes=1)
    (a, b), (c, d) = ranges
    assert b == c and path.read_bytes()[b - 1 : b] != b"\n"  # cut inside a line
    with path.open("a") as f:  # the file grows after it was listed and cut
        f.write("ne\nwritten later\n")
    *first, done = src.read_range(container, a, b)
    *last, _ = src.read_range(container, c, d, first_line=done.rows_scanned + 1)
    # The line the cut falls in is read whole by the first range; the second ends where the
    # file did when it was listed, as the whole file read then would.
    assert list(lines_of(first + last).values()) == [
        f"line {i:05d}" for i in range(2000)] + ["half a li"]


def test_split_small_or_unsplittable(tmp_path: Path) -> None:
    plain = tmp_path / "small.log"
    plain.write_text(TEXT)
    src = LogSource(str(tmp_path))
    containers = {Path(c.name).name: c for c in src.containers()}
    assert src.split(containers["small.log"], 8) == [(0, plain.stat().st_size)]
    (tmp_path / "c.log.gz").write_bytes(gzip.compress(TEXT.encode()))
    (tmp_path / "w.log").write_bytes(TEXT.encode("utf-16"))
    containers = {Path(c.name).name: c for c in src.containers()}
    assert src.split(containers["c.log.gz"], 8, min_part_bytes=1) == []
    assert src.split(containers["w.log"], 8, min_part_bytes=1) == []
    with pytest.raises(SourceError, match="compressed"):
        list(src.read_range(containers["c.log.gz"], 0, 10))


def test_split_with_utf8_bom_and_cp1251(tmp_path: Path) -> None:
    for name, raw in [
        ("bom.log", codecs.BOM_UTF8 + RU.encode()),
        ("win.log", RU.encode("cp1251")),
    ]:
        path = tmp_path / name
        path.write_bytes(raw)
        src = LogSource(str(path))
        (container,) = list(src.containers())
        ranges = src.split(container, 3, min_part_bytes=1)
        assert len(ranges) == 3
        batches, rows = [], 0
        for a, z in ranges:
            *lines, done = src.read_range(container, a, z, first_line=rows + 1)
            batches += lines
            rows += done.rows_scanned
        assert lines_of(batches) == expected(RU)


def test_an_empty_line_alone_in_a_batch_comes_all_the_same(tmp_path: Path) -> None:
    # A batch ends before an empty line, and the line after it is longer than a batch: the
    # empty line is a batch of its own (it ends records under a header, in any batch).
    text = "ab\n\n" + "x" * 300 + "\nc\n"
    path = tmp_path / "gap.log"
    path.write_text(text)
    batches, done = read_all(LogSource(str(path), batch_bytes=3, max_line_bytes=8192))
    assert lines_of(batches) == expected(text)
    assert any(b.data == b"" for b in batches) and done.rows_scanned == 4


def _lines_before(raw: bytes, start: int, end: int, lines: int, size: int,
                  max_line: int) -> bytes:
    """What ``lines_before`` gives, from the whole file's lines: those that start in the
    ``size`` bytes before the range's first line, the last ``lines`` of them, and none from
    before a line longer than ``max_line``."""
    starts = [0] + [k + 1 for k, byte in enumerate(raw) if byte == 10]
    first = next((p for p in starts if start <= p < end), None)
    if not first:
        return b""
    kept = [(a, b) for a, b in itertools.pairwise(starts) if b <= first and a >= first - size]
    kept = kept[-lines:]
    long = [k for k, (a, b) in enumerate(kept) if b - a - 1 > max_line]
    if long:
        kept = kept[long[-1] + 1:]
    return b"".join(raw[a:b] for a, b in kept)


def test_the_lines_before_a_range(tmp_path: Path) -> None:
    # Lines of every length, some longer than max_line_bytes (read in pieces), a range
    # starting anywhere: what comes back is the lines before its first line, whole.
    text = "".join(f"{i} " + "ж" * (i * 37 % 700) + ("x" * 9000 if i % 97 == 5 else "") + "\n"
                   for i in range(400))
    path = tmp_path / "app.log"
    path.write_text(text)
    raw = path.read_bytes()
    src = LogSource(str(path), max_line_bytes=8192)
    (container,) = list(src.containers())
    size = len(raw)
    for start in [0, 1, 2, 700, size // 3, size // 3 + 1, size // 2, size - 900, size - 1]:
        for lines, window in ((5, 1 << 20), (1000, 1 << 20), (50, 3000), (1000, 20_000)):
            got = src.lines_before(container, start, size, lines, window)
            assert got == _lines_before(raw, start, size, lines, window, 8192), (start, lines)
    # A range where no line starts, and one starting the file: nothing before them.
    assert src.lines_before(container, 0, 10, 100, 1 << 20) == b""
    inside = raw.index(b"x" * 9000) + 10
    assert src.lines_before(container, inside, inside + 100, 100, 1 << 20) == b""


def test_the_lines_before_a_range_are_decoded_as_it_reads_them(tmp_path: Path) -> None:
    for name, raw in [("bom.log", codecs.BOM_UTF8 + RU.encode()),
                      ("win.log", RU.encode("cp1251"))]:
        path = tmp_path / name
        path.write_bytes(raw)
        src = LogSource(str(path))
        (container,) = list(src.containers())
        last_start = raw.rfind(b"\n", 0, len(raw) - 1) + 1
        for at in range(4, len(raw), 97):
            # The lines that start before the range's first line: those the range before it
            # reads, as it gives them (without the BOM, in UTF-8; a range of fewer bytes than
            # the BOM keeps it, a range's first read being that short).
            *batches, _ = src.read_range(container, 0, at)
            read = b"".join(b.data + b"\n" for b in batches)
            got = src.lines_before(container, at, len(raw), 1000, 1 << 20)
            assert got == (read if at <= last_start else b""), (name, at)


def test_the_lines_before_a_range_keep_a_bom_after_the_first_line(tmp_path: Path) -> None:
    # Only the file's first line loses its BOM, as in read_range: a line after it that starts
    # with one keeps it, though it be the first line given back.
    path = tmp_path / "bom.log"
    path.write_bytes(codecs.BOM_UTF8 + b"first\n" + codecs.BOM_UTF8 + b"second\nthird\n")
    src = LogSource(str(path))
    (container,) = list(src.containers())
    at = path.read_bytes().index(b"third")
    assert src.lines_before(container, at, at + 1, 2, 1 << 20) == (
        b"first\n" + codecs.BOM_UTF8 + b"second\n")
    assert src.lines_before(container, at, at + 1, 1, 1 << 20) == codecs.BOM_UTF8 + b"second\n"


def test_named_pipe_given_by_name_is_read_but_skipped_in_a_directory(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "real.log").write_text("x\n")
    src = LogSource(str(tmp_path))
    assert [Path(c.name).name for c in src.containers()] == ["real.log"]  # would block
    assert any(reason == "not a regular file" for _, reason in src.skipped)

    def feed() -> None:
        with fifo.open("w") as f:
            f.write(TEXT)

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        batches, done = read_all(LogSource(str(fifo)))
    finally:
        writer.join(timeout=10)
    assert lines_of(batches) == expected(TEXT)
    assert done.rows_scanned == len(LINES)


# -- what a batch says it holds --------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["", "a", "ии", "x" * 40, "y" * 3000, "z" * 9000, "\r"]),
                max_size=40),
       st.booleans(), st.sampled_from([64, 100, 4099]), st.sampled_from([8192, 12_000]))
def test_a_batch_counts_the_newlines_of_its_data(tmp_path_factory, lines, trailing, batch,
                                                 longest):
    # The engine counts a batch's lines from ``newlines`` (when the reader gives it) in place
    # of ``data.count(b"\n")``: they must agree, blank and long lines, either ending.
    text = "\n".join(lines) + ("\n" if trailing else "")
    path = tmp_path_factory.mktemp("batches") / "app.log"
    path.write_text(text, encoding="utf-8")
    batches, _ = read_all(LogSource(str(path), batch_bytes=batch, max_line_bytes=longest))
    for b in batches:
        assert b.newlines is None or b.newlines == b.data.count(b"\n")


def test_batches_of_short_lines_say_how_many_newlines_they_hold(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_text(TEXT)
    batches, _ = read_all(LogSource(str(path), batch_bytes=10_000))
    assert len(batches) > 10
    assert all(b.newlines == b.data.count(b"\n") for b in batches)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=300).map(lambda b: b.replace(b"\x00", b"\n")), st.data())
def test_a_batch_counts_its_newlines_as_bytes_count_does(buf, data):
    # Compiled, one memchr a line (lines.pxd); as Python, bytes.count itself. NUL bytes made
    # newlines: runs of them, and newlines at the start and end of the counted span.
    from derbes.scanner.sources.logs.lines import count_newlines

    end = data.draw(st.integers(0, len(buf)))
    assert count_newlines(buf, end) == buf.count(b"\n", 0, end)
    assert count_newlines(b"\n" * len(buf), end) == end


# -- batches cut from the blocks as read (lines._batch_from_parts) -----------------------------

_LINE_PIECES = ["a", "ж", "0123456789", "x" * 37, "", "\r"]


def _batches(blocks: list[bytes], batch_bytes: int, max_line: int) -> list[tuple]:
    from derbes.scanner.sources.logs import lines

    state = lines.ReadState()
    return [(b.data, b.first_line, b.continued, b.offset, b.newlines)
            for b in lines.line_batches(iter(blocks), 1, max_line, batch_bytes, state)]


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(_LINE_PIECES), max_size=12).map("".join),
                max_size=60),
       st.booleans(), st.integers(1, 97), st.integers(16, 400), st.integers(8, 120))
def test_batches_cut_from_the_blocks_are_the_joined_buffers_cuts(
        monkeypatch, lines_, newline_last, block, batch_bytes, max_line):
    """The batches cut from the blocks as read (one copy) are those of the blocks joined
    first and the batch sliced off (the definition, which the reader keeps where that cut
    does not apply: long lines, no newline before the limit), whatever the blocks' sizes."""
    from derbes.scanner.sources.logs import lines

    data = ("\n".join(lines_) + ("\n" if newline_last else "")).encode()
    blocks = [data[i:i + block] for i in range(0, len(data), block)]
    got = _batches(blocks, batch_bytes, max_line)
    with monkeypatch.context() as m:
        m.setattr(lines, "_batch_from_parts", lambda *args: None)
        assert _batches(blocks, batch_bytes, max_line) == got
        assert _batches([data] if data else [], batch_bytes, max_line) == got


def test_batches_cut_from_the_blocks_take_the_fast_cut_on_a_plain_log(monkeypatch):
    """On lines shorter than the limit the batches come from the blocks as read."""
    from derbes.scanner.sources.logs import lines

    data = b"".join(b"line %d of a log\n" % i for i in range(5000))
    calls = []
    real = lines._batch_from_parts

    def counted(*args):
        found = real(*args)
        calls.append(found is not None)
        return found

    monkeypatch.setattr(lines, "_batch_from_parts", counted)
    got = _batches([data[i:i + 4096] for i in range(0, len(data), 4096)], 10_000, 1000)
    assert b"\n".join(b[0] for b in got) + b"\n" == data
    assert len(calls) > 5 and all(calls)


def test_a_head_cut_inside_a_character_is_utf8_unless_the_file_ends_there() -> None:
    raw = "Ақжол Сәрсенбаев\n".encode() * 3
    cut = raw + "ә".encode()[:1]  # the head ends halfway through a character
    assert detect_encoding(cut, at_eof=False) == ("utf-8", None)
    # At the end of the file the half character is a broken byte: still UTF-8 (most of the
    # text is), with the note that says so.
    codec, note = detect_encoding(cut, at_eof=True)
    assert codec == "utf-8" and note is not None and "invalid UTF-8" in note
    assert detect_encoding(raw, at_eof=True) == ("utf-8", None)


# -- files that mix UTF-8 and a Windows code page ------------------------------------------

#: Lines as a Windows program writes them (Russian in Windows-1251, Kazakh in KZ-1048) and as
#: a UTF-8 program does, when the two share one log.
RU_LINE = "2026-12-01 10:01:00 INFO Клиент: Ахметов Серик Болатович, тел. +7 701 234 56 78"
KK_LINE = "2026-12-01 10:01:01 INFO Қызметкер: Сәрсенбаев Ақжол Бекұлы, өтініш қабылданды"
UTF8_FILLER = "".join(f"2026-12-01 10:00:00 INFO Заказ {i} принят\n" for i in range(3000))


def _mixed_read(tmp_path: Path, raw: bytes, **kw) -> tuple[dict[int, str], ContainerDone]:
    path = tmp_path / "mixed.log"
    path.write_bytes(raw)
    batches, done = read_all(LogSource(str(path), **kw))
    return lines_of(batches), done


def test_a_utf8_log_reads_its_lines_in_a_windows_code_page_in_it(tmp_path: Path) -> None:
    assert len(UTF8_FILLER.encode()) > 64 << 10  # past the head that decides the encoding
    filler = UTF8_FILLER.count("\n")
    # A UTF-8 program's message around a Windows program's text, in one line.
    wrapped = "2026-12-01 10:01:02 WARN ответ 1С: «".encode() + "Ахметов Серик".encode(
        "cp1251") + "» не найден".encode()
    raw = (UTF8_FILLER.encode() + RU_LINE.encode("cp1251") + b"\n" + KK_LINE.encode("kz1048")
           + b"\n" + RU_LINE.encode() + b"\n" + wrapped + b"\n")
    got, done = _mixed_read(tmp_path, raw)
    assert got[filler + 1] == RU_LINE and got[filler + 2] == KK_LINE
    assert got[filler + 3] == RU_LINE
    assert got[filler + 4] == "2026-12-01 10:01:02 WARN ответ 1С: «Ахметов Серик» не найден"
    assert done.invalid_utf8_line == filler + 1
    assert done.notes == (f"invalid UTF-8 from line {filler + 1}: lines in Windows-1251 or "
                          "KZ-1048 read as such, other bytes passed through as is",)
    assert done.bytes_scanned == len(raw)


@pytest.mark.parametrize("junk", [b"\xff\xfe", b"\xd0\xff junk \xc3(", b"Cr\xe8me br\xfbl\xe9e",
                                  "Иван".encode()[:-1]])
def test_bytes_that_read_as_no_cyrillic_word_are_passed_through(tmp_path: Path,
                                                                junk: bytes) -> None:
    # Two bytes of a code page (``\xff\xfe``, «яю»), Latin-1's accents, a cut character:
    # not a Windows program's Russian or Kazakh, left as they are.
    raw = UTF8_FILLER.encode() + b"value " + junk + b" 900101300005\n" + RU_LINE.encode("cp1251")
    path = tmp_path / "junk.log"
    path.write_bytes(raw)
    batches, done = read_all(LogSource(str(path)))
    data = b"\n".join(b.data for b in batches)
    assert b"value " + junk + b" 900101300005\n" in data
    assert data.endswith(RU_LINE.encode())  # the line after it read in its code page
    assert done.invalid_utf8_line == UTF8_FILLER.count("\n") + 1


def test_a_head_of_utf8_and_windows_lines_is_utf8() -> None:
    # Lines of both in the head: UTF-8, each line in its own (the head read in one code page
    # made the UTF-8 lines mojibake, and a KZ-1048 guess from their bytes).
    head = (RU_LINE.encode() + b"\n" + RU_LINE.encode("cp1251") + b"\n") * 20
    codec, note = detect_encoding(head, at_eof=True)
    assert codec == "utf-8" and "Cyrillic code page" in note
    # A Windows log alone is still one: its letters are never continuation bytes.
    assert detect_encoding(RU_LINE.encode("cp1251") * 20, at_eof=True)[0] == "cp1251"
    assert detect_encoding(KK_LINE.encode("kz1048") * 20, at_eof=True)[0] == "kz1048"


def test_a_windows_log_reads_its_utf8_lines_as_utf8(tmp_path: Path) -> None:
    filler = UTF8_FILLER.encode("cp1251")
    assert len(filler) > 64 << 10
    n = UTF8_FILLER.count("\n")
    raw = (filler + RU_LINE.encode() + b"\n" + KK_LINE.encode("kz1048") + b"\n"
           + KK_LINE.encode() + b"\n" + RU_LINE.encode("cp1251") + b"\n")
    got, done = _mixed_read(tmp_path, raw)
    assert list(got.values())[:n] == UTF8_FILLER.splitlines()
    # A Kazakh line of the Windows program's read in KZ-1048 though the file is cp1251.
    assert [got[n + k] for k in (1, 2, 3, 4)] == [RU_LINE, KK_LINE, KK_LINE, RU_LINE]
    assert done.notes == ("not UTF-8; read as cp1251",
                          "lines in UTF-8 with Cyrillic in them read as UTF-8")
    # Bytes scanned count the UTF-8 read, as for every file transcoded.
    assert done.bytes_scanned == len(UTF8_FILLER.encode()) + len(
        f"{RU_LINE}\n{KK_LINE}\n{KK_LINE}\n{RU_LINE}\n".encode())


@pytest.mark.parametrize("first", ["utf-8", "cp1251"])
def test_mixed_files_read_by_range_as_whole(tmp_path: Path, first: str) -> None:
    other = "cp1251" if first == "utf-8" else "utf-8"
    lines = [RU_LINE.encode(first if i % 3 else other) for i in range(3000)]
    raw = b"\n".join(lines) + b"\n" + KK_LINE.encode("kz1048") + b"\n"
    path = tmp_path / "mixed.log"
    path.write_bytes(raw)
    src = LogSource(str(path), batch_bytes=20_000)
    (container,) = list(src.containers())
    whole, done = read_all(src, container)
    assert set(lines_of(whole).values()) == {RU_LINE, KK_LINE}
    ranges = src.split(container, 5, min_part_bytes=1)
    parts, rows = [], 0
    for a, b in ranges:
        if a:
            # The lines before a range, decoded as the ranges before it read them.
            before = list(lines_of(parts).values())[-3:]
            got = src.lines_before(container, a, b, 3, 1 << 20)
            assert got == "".join(line + "\n" for line in before).encode()
        *batches, part_done = src.read_range(container, a, b, first_line=rows + 1)
        rows += part_done.rows_scanned
        parts += batches
    assert lines_of(parts) == lines_of(whole)
    assert rows == done.rows_scanned == 3001


def test_a_long_line_in_a_code_page_in_pieces_keeps_its_offsets(tmp_path: Path) -> None:
    # A Windows program's line of 30,000 characters in a UTF-8 log, read in pieces of at most
    # 8 KiB: each piece's offset counts the characters read, not the bytes (lines_of checks;
    # «ё» and the quotes are bytes 0x80-0xBF in Windows-1251, UTF-8's continuation bytes).
    long = " ".join(f"Клиент{i} Пётр «Ахметов»" for i in range(2000))
    raw = UTF8_FILLER.encode() + long.encode("cp1251") + b"\n" + RU_LINE.encode() + b"\n"
    got, done = _mixed_read(tmp_path, raw, max_line_bytes=8192)
    n = UTF8_FILLER.count("\n")
    assert got[n + 1] == long and got[n + 2] == RU_LINE
    assert done.invalid_utf8_line == n + 1


@given(st.lists(st.sampled_from([0x41, 0x0A, 0x80, 0x8D, 0x9C, 0xA1, 0xB8, 0xBF, 0xC0, 0xCF,
                                 0xD0, 0xD3, 0xD4, 0xFF]), max_size=40).map(bytes))
def test_the_marks_of_a_code_page_batch_are_those_of_the_expressions(data: bytes) -> None:
    # Compiled, one pass in C (lines.pxd); the expressions of encoding.batch_marks define it.
    from derbes.scanner.sources.encoding import batch_marks
    from derbes.scanner.sources.logs import lines

    assert lines.code_page_marks(data) == batch_marks(data)
    assert lines.code_page_marks(data * 3 + b"abcdefgh" * 2) == batch_marks(data * 3)


def _single_byte_lines_by_line(data: bytes, codec: str) -> tuple[bytes, bool]:
    """The definition of ``encoding.single_byte_lines``: each line on its own, kept when it
    is UTF-8 with two Cyrillic letters of UTF-8 in a row, else decoded in KZ-1048 when it
    holds a Kazakh letter's byte and in cp1251 when not (latin-1 stays latin-1)."""
    import codecs as codecs_module

    from derbes.scanner.sources.encoding import _UTF8_CYRILLIC, _code_page

    out, kept = [], False
    for line in data.split(b"\n"):
        if _UTF8_CYRILLIC.search(line):
            try:
                codecs_module.utf_8_decode(line, "strict", True)
            except UnicodeDecodeError:
                pass
            else:
                out.append(line)
                kept = True
                continue
        line_codec = codec if codec == "latin-1" else _code_page(line)
        out.append(line.decode(line_codec, "replace").encode("utf-8", "surrogatepass"))
    return b"\n".join(out), kept


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from([
    "Сіз «Тізім» ?аза?стан".encode("cp1251", "replace"), "Қазақстан Сіз".encode("kz1048"),
    "Клиент Ахметов".encode(), "Нұрлан ок".encode(), b"plain ascii", b"\xd1\xb3\xd2",
    "Пётр «Ахметов»".encode("cp1251"), b"\xd0\xb0\xd0", b"", b"\xff\xfe", b"\xd0\xb0\xd0\xb1"]),
    min_size=1, max_size=8), st.sampled_from(["cp1251", "latin-1"]))
def test_a_code_page_batch_reads_as_its_lines_one_by_one(parts, codec) -> None:
    """Lines that are UTF-8 kept, the others decoded at once in the batch's code page: what
    reading each line on its own gives."""
    from derbes.scanner.sources.encoding import single_byte_lines

    data = b"\n".join(parts)
    assert single_byte_lines(data, codec) == _single_byte_lines_by_line(data, codec)
