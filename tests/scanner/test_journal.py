"""systemd journal files read as JSON lines (``derbes.scanner.sources.journal``), on files
systemd 252's own writer made (``tests/data/journal``, see its README), each checked against
what ``journalctl -o json`` read from it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.sources import open_source
from derbes.scanner.sources.journal import Journal

DATA = Path(__file__).resolve().parent.parent / "data" / "journal"
FILES = ["compact-zstd", "regular", "regular-plain-hash"]
#: What journalctl adds from an entry's header, not from its data objects.
_ADDED = {"__CURSOR", "__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "__SEQNUM",
          "__SEQNUM_ID"}


def _journal(tmp_path: Path, name: str, as_name: str = "system.journal") -> Path:
    path = tmp_path / as_name
    path.write_bytes(gzip.decompress((DATA / f"{name}.journal.gz").read_bytes()))
    return path


@pytest.mark.parametrize("name", FILES)
def test_entries_read_as_journalctl_reads_them(tmp_path: Path, name: str) -> None:
    expected = [json.loads(line) for line in
                (DATA / f"{name}.journalctl.json").read_text().splitlines()]
    with _journal(tmp_path, name).open("rb") as f:
        journal = Journal(f)
        got = list(journal.entries())
        journal.close()
    assert len(got) == len(expected) == 12
    for entry, shown in zip(got, expected, strict=True):
        assert entry.pop("time") == entry_time(int(shown["__REALTIME_TIMESTAMP"]))
        assert entry == {k: v for k, v in shown.items() if k not in _ADDED}
    assert journal.notes == []
    # The long message (2,000 characters and an e-mail) was stored compressed.
    assert any(len(e["MESSAGE"]) > 2000 for e in got)


def entry_time(realtime: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(realtime / 1e6, dt.UTC).isoformat().replace(
        "+00:00", "Z")


def test_a_journal_in_a_folder_is_scanned_by_field_with_its_entries_age(
        tmp_path: Path) -> None:
    folder = tmp_path / "var" / "log" / "journal" / "0123456789abcdef"
    folder.mkdir(parents=True)
    _journal(folder, "compact-zstd", "system.journal")
    (folder / "user-1000.journal").write_text("not a journal: ops@example.kz\n")
    result = scan([open_source(str(tmp_path / "var"))], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    found = {(Path(f.container).name, f.field, f.entity): f.hits for f in result.findings}
    assert found == {
        ("system.journal", "MESSAGE", "EMAIL_ADDRESS"): 6,  # 3 of them in compressed values
        ("system.journal", "MESSAGE", "IP_ADDRESS"): 3,
        ("system.journal", "MESSAGE", "KZ_IIN"): 3,
        ("system.journal", "MESSAGE", "PHONE_NUMBER"): 3,
        ("user-1000.journal", None, "EMAIL_ADDRESS"): 1,  # text named so: read as a log
    }
    ages = {Path(c.container).name: c.oldest_timestamp for c in result.containers}
    assert (ages["system.journal"] or "").startswith("2015-03-01")


def test_a_journal_cut_short_gives_its_entries_before_the_cut(tmp_path: Path) -> None:
    path = _journal(tmp_path, "regular")
    data = path.read_bytes()
    tail = int.from_bytes(data[136:144], "little")
    path.write_bytes(data[: tail - 600])
    with path.open("rb") as f:
        journal = Journal(f)
        got = list(journal.entries())
        journal.close()
    assert 0 < len(got) < 12
    assert any("cut short" in note for note in journal.notes), journal.notes
    # In a scan: the entries before the cut found, the note on the file.
    result = scan([open_source(str(path))], ScanOptions(jobs=1))
    (container,) = result.containers
    assert any("cut short" in note for note in container.notes), container.notes
    assert sum(f.hits for f in result.findings) > 0


_WHOLE: dict[str, bytes] = {}


@settings(max_examples=60, deadline=None)
@given(back=st.integers(min_value=-100, max_value=12_000),
       header=st.integers(min_value=8, max_value=271), in_header=st.booleans(),
       noise=st.binary(min_size=1, max_size=16))
def test_any_damage_to_a_journal_reads_without_an_error(
        tmp_path_factory, back: int, header: int, in_header: bool, noise: bytes) -> None:
    # Bytes written over the header, or over the entries and data objects (the last 12 KB
    # before the tail object; hash tables fill the file before them): entries, never an
    # exception (3,000 examples on each of two fixtures ran clean here).
    path = tmp_path_factory.mktemp("journal") / "system.journal"
    if not _WHOLE:
        _WHOLE["data"] = gzip.decompress((DATA / "compact-zstd.journal.gz").read_bytes())
    data = bytearray(_WHOLE["data"])
    at = header if in_header else int.from_bytes(data[136:144], "little") - back
    data[at:at + len(noise)] = noise
    path.write_bytes(bytes(data))
    with path.open("rb") as f:
        journal = Journal(f)
        for entry in journal.entries():
            assert isinstance(entry, dict)
        journal.close()
