"""Bad files: each gives a clear message naming the source and the reason, the other sources
of the same scan are reported in full, and the exit code is the documented one (0 nothing to
report, 1 a ``--fail-on`` violation, 3 incomplete).

Every scan here also reads ``control.log`` (three lines, three IINs) as a separate source and
checks it was reported completely.
"""

from __future__ import annotations

import bz2
import functools
import gzip
import lzma
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from derbes_e2e import IINS, read_output, run_cli, write_control

from derbes.scanner.sources.logs import LogSource

NOBODY = 65534


def log_lines(n: int, every: int = 1000) -> bytes:
    """``n`` access-log lines, an IIN on every ``every``-th one (from line 1)."""
    return b"".join(
        b"2026-03-01T10:00:%02d GET /api/v1/orders?page=%d status=200 %s\n"
        % (i % 60, i, b"iin=871008401427" if i % every == 0 else b"-")
        for i in range(n)
    )


def test_binary_file_is_skipped_and_said_so(derbes_scan, tmp_path: Path) -> None:
    control = write_control(tmp_path)
    binary = tmp_path / "dump.bin"
    # An IIN after the NUL bytes: a binary file is not read, so it must not be found.
    binary.write_bytes(b"PK\x03\x04\x00\x00\x14\x00" * 512 + b"iin 871008401427\n")
    run = derbes_scan([control, binary])
    run.assert_control_complete(control)
    src = run.source(str(binary))
    assert src["status"] == "ok" and src["errors"] == []
    (info,) = run.containers_of(str(binary))
    assert "binary file, skipped" in info["notes"]
    assert run.findings_of(str(binary)) == []
    assert run.code == 0


@pytest.mark.parametrize(
    ("name", "compress"),
    [
        ("truncated.gz", gzip.compress),
        ("truncated.bz2", lambda data: bz2.compress(data, 1)),  # 100 kB blocks: some complete
        ("truncated.xz", lzma.compress),
    ],
)
def test_truncated_compressed_file(derbes_scan, tmp_path: Path, name: str, compress) -> None:
    control = write_control(tmp_path)
    data = compress(log_lines(40_000))
    path = tmp_path / name
    path.write_bytes(data[: len(data) // 2])
    run = derbes_scan([control, path])
    run.assert_control_complete(control)
    kind = name.rsplit(".", 1)[1].replace("gz", "gzip")
    error = run.assert_error(str(path), f"truncated {kind} stream")
    assert "after" in error and "lines" in error
    # What was decoded before the fault is kept, and it is less than the whole file.
    src = run.source(str(path))
    assert 0 < src["rows_scanned"] < 40_000
    (finding,) = run.findings_of(str(path))
    assert finding["hits"] == (src["rows_scanned"] - 1) // 1000 + 1
    assert run.code == 3


def _flip_gzip_crc(data: bytes) -> bytes:
    b = bytearray(data)
    b[-8] ^= 0xFF  # the CRC-32 of the trailer
    return bytes(b)


def _zero_middle(data: bytes) -> bytes:
    b = bytearray(data)
    middle = len(b) // 2
    b[middle : middle + 32] = bytes(32)
    return bytes(b)


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("crc.gz", lambda d: _flip_gzip_crc(gzip.compress(d)), "corrupt gzip stream: crc"),
        ("middle.bz2", lambda d: _zero_middle(bz2.compress(d, 1)), "corrupt bz2 stream"),
        ("middle.xz", lambda d: _zero_middle(lzma.compress(d)), "corrupt xz stream"),
    ],
)
def test_corrupt_compressed_file(derbes_scan, tmp_path: Path, name: str, make, reason) -> None:
    control = write_control(tmp_path)
    path = tmp_path / name
    path.write_bytes(make(log_lines(40_000)))
    run = derbes_scan([control, path])
    run.assert_control_complete(control)
    run.assert_error(str(path), reason)
    assert run.source(str(path))["rows_scanned"] > 0  # the good part before the fault
    assert run.code == 3


def test_failed_source_with_fail_on_violation_exits_1(derbes_scan, tmp_path: Path) -> None:
    """A ``--fail-on`` violation wins over an incomplete scan: 1, not 3."""
    control = write_control(tmp_path)
    path = tmp_path / "truncated.gz"
    path.write_bytes(gzip.compress(log_lines(2000))[:200])
    run = derbes_scan([control, path], fail_on=["LOCATION_UNKNOWN"])
    run.assert_control_complete(control)
    run.assert_error(str(path), "truncated gzip stream")
    assert run.summary["incomplete"] is True
    assert run.code == 1


# -- permissions: tests run as root, where mode 000 denies nothing; read as nobody instead ---


@pytest.fixture(scope="module")
def unprivileged_run() -> Iterator[tuple[Path, object]]:
    """One ``derbes scan`` as the user nobody (tests run as root, where mode 000 denies
    nothing) over a directory holding a readable log, a file of mode 000 and a directory of
    mode 000, next to the control log. It lives under /tmp: pytest's tmp_path is 0700."""
    root = Path(tempfile.mkdtemp(prefix="derbes-perm-", dir="/tmp"))
    root.chmod(0o755)
    try:
        control = write_control(root)
        logs = root / "logs"
        (logs / "locked").mkdir(parents=True)
        (logs / "readable.log").write_text(f"iin={IINS[3]}\niin={IINS[4]}\n", encoding="utf-8")
        (logs / "secret.log").write_text(f"iin={IINS[5]}\n", encoding="utf-8")
        (logs / "locked" / "hidden.log").write_text(f"iin={IINS[6]}\n", encoding="utf-8")
        (logs / "secret.log").chmod(0o000)
        (logs / "locked").chmod(0o000)
        out = root / "out"
        out.mkdir()
        args = ["scan", str(control), str(logs), "--out", str(out), "--jobs", "1", "--quiet",
                "--format", "parquet,json"]
        extra: dict = {}
        prefix: list[str] = []
        if os.geteuid() == 0:
            os.chown(out, NOBODY, NOBODY)
            setpriv = shutil.which("setpriv")
            if setpriv:  # util-linux; works where the interpreter lives under /root (0700)
                prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
            else:
                extra = {"user": NOBODY, "group": NOBODY, "extra_groups": []}
        proc = run_cli(args, env={"HOME": str(out)}, cwd=out, prefix=prefix, **extra)
        assert (out / "summary.json").exists(), proc.stderr
        yield root, read_output(out, proc.returncode, proc.stdout, proc.stderr)
    finally:
        (root / "logs" / "locked").chmod(0o755)
        shutil.rmtree(root)


def test_unreadable_file_permission_denied(unprivileged_run) -> None:
    root, run = unprivileged_run
    logs = root / "logs"
    run.assert_control_complete(root / "control.log")
    error = run.assert_error(str(logs), "secret.log", "permission denied", status="partial")
    assert str(logs / "secret.log") in error
    (readable,) = [f for f in run.findings_of(str(logs)) if f["container"].endswith("readable.log")]
    assert readable["hits"] == 2
    assert run.code == 3


def test_unreadable_directory_is_reported(unprivileged_run) -> None:
    root, run = unprivileged_run
    locked = root / "logs" / "locked"
    src = run.source(str(root / "logs"))
    assert any(str(locked) in e and "permission denied" in e.lower() for e in src["errors"]), src
    assert str(locked) in run.stderr


# -- files that change under the scanner ------------------------------------------------------


def test_file_vanishes_between_listing_and_reading(
    derbes_scan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    control = write_control(tmp_path)
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.log").write_text(f"iin={IINS[3]}\niin={IINS[4]}\n", encoding="utf-8")
    victim = logs / "b.log"
    victim.write_text(f"iin={IINS[5]}\n", encoding="utf-8")
    listed = LogSource.containers

    def containers_then_delete(self):
        found = list(listed(self))
        if self.spec == str(logs):
            victim.unlink()  # listed, then gone before it is opened
        yield from found

    monkeypatch.setattr(LogSource, "containers", containers_then_delete)
    run = derbes_scan([control, logs])
    run.assert_control_complete(control)
    error = run.assert_error(str(logs), "vanished", status="partial")
    assert str(victim) in error
    (a,) = [f for f in run.findings_of(str(logs)) if f["container"].endswith("a.log")]
    assert a["hits"] == 2
    assert run.code == 3


@pytest.mark.parametrize("change", ["grow", "shrink"])
def test_file_changes_while_read(
    derbes_scan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    control = write_control(tmp_path)
    path = tmp_path / "live.log"
    path.write_bytes(log_lines(50_000, every=100))  # 3 MB: more than the first read
    size = path.stat().st_size
    reader = LogSource.read

    def read_and_change(self, container):
        for i, batch in enumerate(reader(self, container)):
            if i == 0 and container.name == str(path):
                if change == "grow":  # a logger appends while we read
                    with path.open("ab") as f:
                        f.write(log_lines(5000, every=1))
                else:  # logrotate's copytruncate empties it while we read
                    os.truncate(path, 0)
            yield batch

    init = LogSource.__init__

    @functools.wraps(init)
    def small_batches(self, spec, **options):  # so the change lands between two batches
        init(self, spec, **{**options, "batch_bytes": 64 << 10})

    monkeypatch.setattr(LogSource, "read", read_and_change)
    monkeypatch.setattr(LogSource, "__init__", small_batches)
    run = derbes_scan([control, path])
    run.assert_control_complete(control)
    src = run.source(str(path))
    assert src["status"] == "ok", src
    (info,) = run.containers_of(str(path))
    if change == "grow":
        assert f"file grew during the scan; read the {size} bytes present at open" in info["notes"]
        assert src["rows_scanned"] == 50_000  # the size at open, not what came after
        (finding,) = run.findings_of(str(path))
        assert finding["hits"] == 500
    else:
        assert any(n.startswith("file shrank during the scan") for n in info["notes"]), info
        assert 0 < src["rows_scanned"] < 50_000
    assert run.code == 0


# -- directory structure ----------------------------------------------------------------------


def test_symlink_loops_end_and_files_count_once(derbes_scan, tmp_path: Path) -> None:
    control = write_control(tmp_path)
    logs = tmp_path / "logs"
    (logs / "sub").mkdir(parents=True)
    (logs / "sub" / "up").symlink_to("..")  # a directory loop
    (logs / "self.log").symlink_to("self.log")  # a symlink to itself: ELOOP
    (logs / "sub" / "a.log").write_text(f"iin={IINS[3]}\niin={IINS[4]}\n", encoding="utf-8")
    (logs / "alias.log").symlink_to(logs / "sub" / "a.log")  # the same file twice
    run = derbes_scan([control, logs])
    run.assert_control_complete(control)
    src = run.source(str(logs))
    assert src["status"] == "ok" and src["containers"] == 1
    (finding,) = run.findings_of(str(logs))
    assert finding["hits"] == 2 and finding["rows_scanned"] == 2
    assert run.code == 0


# -- text that is not what it claims ------------------------------------------------------------


def test_invalid_utf8_in_a_utf8_file(derbes_scan, tmp_path: Path) -> None:
    control = write_control(tmp_path)
    path = tmp_path / "ru.log"
    good = "2026-03-01T10:00:00 Клиент Айгуль оформила заказ, статус: принят\n".encode()
    bad_line = 3001  # past the first 64 KiB, which decide the encoding
    path.write_bytes(
        good * (bad_line - 1)
        # Bytes that are not UTF-8 and read as no Cyrillic word in a code page either.
        + b"2026-03-01T10:00:01 \xd0\xff broken \xc3( iin=" + IINS[3].encode() + b"\n"
        + good * 100
        + ("2026-03-01T10:00:02 ИИН " + IINS[4] + "\n").encode()
    )
    run = derbes_scan([control, path])
    run.assert_control_complete(control)
    (info,) = run.containers_of(str(path))
    assert (f"invalid UTF-8 from line {bad_line}: lines in Windows-1251 or KZ-1048 read as such, "
            "other bytes passed through as is") in info["notes"]
    findings = run.findings_of(str(path))
    # «Клиент Айгуль»: a client's given name, a person's (Айгүл in Russian spelling).
    assert {f["entity"] for f in findings} == {"KZ_IIN", "PERSON"}
    # The IIN on the broken line too, in its pair's field (`iin=`), and the one in free text.
    assert sorted((f["field"] or "", f["hits"]) for f in findings
                  if f["entity"] == "KZ_IIN") == [("", 1), ("iin", 1)]
    assert run.source(str(path))["rows_scanned"] == bad_line + 101
    assert run.code == 0


def test_mixed_encodings_in_one_file(derbes_scan, tmp_path: Path) -> None:
    control = write_control(tmp_path)
    path = tmp_path / "mixed.log"
    lines = []
    for i, iin in enumerate(IINS[3:7]):
        text = f"2026-03-01T10:00:0{i} Клиент Айгуль, ИИН {iin}\n"
        # Alternate UTF-8 and cp1251 lines, as when two services share one file.
        lines.append(text.encode("utf-8" if i % 2 == 0 else "cp1251"))
    path.write_bytes(b"".join(lines) * 50)
    run = derbes_scan([control, path])
    run.assert_control_complete(control)
    src = run.source(str(path))
    assert src["status"] == "ok" and src["rows_scanned"] == 200
    (info,) = run.containers_of(str(path))
    assert "invalid UTF-8 from line 2" in info["notes"][0], info
    findings = run.findings_of(str(path))
    # The IINs and the client's given name on every line: each line is read in its own
    # encoding (until 2026-12-07 the file was read in one, cp1251, and the UTF-8 lines'
    # letters were mojibake: no name on 100 of them).
    assert {(f["entity"], f["hits"]) for f in findings} == {("KZ_IIN", 200), ("PERSON", 200)}
    (finding,) = [f for f in findings if f["entity"] == "KZ_IIN"]
    assert finding["hits"] == 200 and finding["distinct_values"] == 4
    assert run.code == 0


def test_empty_file(derbes_scan, tmp_path: Path) -> None:
    control = write_control(tmp_path)
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    run = derbes_scan([control, empty])
    run.assert_control_complete(control)
    src = run.source(str(empty))
    assert src["status"] == "ok" and src["errors"] == [] and src["rows_scanned"] == 0
    assert run.findings_of(str(empty)) == []
    assert run.code == 0


def test_json_lines_that_are_not_json(derbes_scan, tmp_path: Path) -> None:
    control = write_control(tmp_path)
    path = tmp_path / "events.jsonl"
    path.write_text(
        f'{{"event": "login", "user": {{"iin": "{IINS[3]}"}}}}\n'  # valid
        f'{{"event": "login", "user": {{"iin": "{IINS[4]}"\n'  # cut short
        f'{{not json at all, iin {IINS[5]} }}}}]]\n'  # braces but no JSON
        f'{{"a": "\\u12", "iin": "{IINS[6]}", "b": \n'  # a broken escape
        f'{IINS[0]} plain text line\n',
        encoding="utf-8",
    )
    run = derbes_scan([control, path])
    run.assert_control_complete(control)
    src = run.source(str(path))
    assert src["status"] == "ok" and src["rows_scanned"] == 5
    found = {f["field"]: f for f in run.findings_of(str(path)) if f["entity"] == "KZ_IIN"}
    assert sum(f["hits"] for f in found.values()) == 5  # every IIN, parsed or not
    assert found["user.iin"]["hits"] == 2  # the key path of the valid and the cut line
    assert run.code == 0


def test_deeply_nested_json_line(derbes_scan, tmp_path: Path) -> None:
    control = write_control(tmp_path)
    path = tmp_path / "deep.jsonl"
    depth = 200_000  # far past Python's recursion limit
    path.write_text(
        # The IIN under its word: a lone checksum-valid value in a field named by nothing is
        # not evidence of its own (issue #12, scanner/engine/logfields.py).
        '{"a":' * depth + f'{{"iin": "{IINS[3]}"}}' + "}" * depth + "\n"
        + "[" * depth + "]" * depth + "\n"
        + f'{{"iin": "{IINS[4]}"}}\n',
        encoding="utf-8",
    )
    run = derbes_scan([control, path])
    run.assert_control_complete(control)
    src = run.source(str(path))
    assert src["status"] == "ok" and src["rows_scanned"] == 3
    assert sum(f["hits"] for f in run.findings_of(str(path))) == 2
    assert run.code == 0


def test_deeply_nested_json_in_a_text_column(derbes_scan, tmp_path: Path) -> None:
    """Regression: json.loads raised RecursionError through the whole scan (no report)."""
    import sqlite3

    control = write_control(tmp_path)
    db = tmp_path / "deep.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, doc TEXT, note TEXT)")
        rows = [
            # "ИИН" before it: one valid value in an unnamed column is evidence only with
            # its word (derbes.scanner.engine.evidence).
            (1, "[" * 100_000 + "]" * 100_000, "ИИН " + IINS[3]),
            (2, '{"iin": "' + IINS[4] + '", "x": ' + "[" * 5000 + "]" * 5000 + "}", "-"),
            (3, '{"broken json ' + IINS[5], "-"),
        ]
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    url = f"sqlite:///{db}"
    run = derbes_scan([control, url])
    run.assert_control_complete(control)
    src = run.source(url)
    assert src["status"] == "ok", src
    hits = {(f["field"], f["entity"]): f["hits"] for f in run.findings_of(url)}
    assert hits[("note", "KZ_IIN")] == 1
    assert hits[("doc", "KZ_IIN")] == 2  # scanned as text where too deep to parse
    assert run.code == 0


@pytest.mark.slow
def test_hundred_megabyte_single_line(derbes_scan, tmp_path: Path) -> None:
    control = write_control(tmp_path)
    path = tmp_path / "one-line.log"
    filler = b"k=v " * (25 << 20)  # 100 MiB
    middle = len(filler) // 2
    iins = [IINS[3].encode(), IINS[4].encode(), IINS[5].encode()]
    with path.open("wb") as f:
        f.write(b"iin=" + iins[0] + b" ")
        f.write(filler[:middle])
        f.write(b"iin=" + iins[1] + b" ")
        f.write(filler[middle:])
        f.write(b"iin=" + iins[2])  # no final newline
    del filler
    run = derbes_scan([control, path], hits=True)
    run.assert_control_complete(control)
    src = run.source(str(path))
    assert src["status"] == "ok" and src["rows_scanned"] == 1
    assert src["bytes_scanned"] == path.stat().st_size
    (finding,) = run.findings_of(str(path))
    assert finding["hits"] == 3 and finding["distinct_values"] == 3
    import pyarrow.parquet as pq

    hits = pq.read_table(run.out / "hits.parquet").to_pylist()
    starts = sorted(h["start"] for h in hits if h["source"] == str(path))
    # Offsets count from the start of the whole line, across the pieces it was read in.
    assert starts == [4, 4 + 13 + middle + 4, path.stat().st_size - 12]
    assert all(h["row"] == 1 for h in hits if h["source"] == str(path))
    assert run.code == 0


def test_replacement_characters_in_a_utf8_file(derbes_scan, tmp_path: Path) -> None:
    """Regression (found by the property test of the reader): a UTF-8 log whose first 64 KiB
    hold a U+FFFD written by an earlier program was read as KZ-1048, and its Cyrillic (the
    context words) turned to mojibake."""
    control = write_control(tmp_path)
    path = tmp_path / "replaced.log"
    path.write_text(
        "2026-03-01T10:00:00 GET / UA=Mozilla/5.0 \ufffd\ufffd ok\n"
        + "2026-03-01T10:00:01 GET /x ok\n" * 3000  # past the 64 KiB that decide
        + f"2026-03-01T10:00:02 клиент Айгуль, ИИН {IINS[3]}\n",
        encoding="utf-8",
    )
    run = derbes_scan([control, path], hits=True)
    run.assert_control_complete(control)
    (info,) = run.containers_of(str(path))
    assert not any("not UTF-8" in n or "invalid UTF-8" in n for n in info["notes"]), info
    import pyarrow.parquet as pq

    (hit,) = [h for h in pq.read_table(run.out / "hits.parquet").to_pylist()
              if h["source"] == str(path) and h["entity"] == "KZ_IIN"]
    # The offset counts characters of the line as written: mojibake would shift it.
    assert hit["start"] == len("2026-03-01T10:00:02 клиент Айгуль, ИИН ")
    assert run.code == 0
