"""Raw values stay in the process unless ``--show-values``; hashes are keyed; reports are 0600.

End to end through ``run_scan`` (the CLI's path) over a log with known IINs and phones,
every report format, with the hits.
"""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from derbes_e2e import IINS

from derbes.scanner.redact import value_hash

ALL_FORMATS = ["parquet", "html", "json", "sarif", "junit"]
PHONES = ["+7 701 123 45 67", "87011234568"]


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "people.log"
    path.write_text(
        "".join(f"2026-03-01T10:00:0{i} client iin={iin} phone {PHONES[i % 2]}\n"
                for i, iin in enumerate(IINS)),
        encoding="utf-8",
    )
    return path


def everything(out: Path) -> str:
    """All text of every output file; Parquet (compressed) read back as rows."""
    parts = []
    for path in sorted(out.iterdir()):
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            parts.append(f"{table.schema.metadata}{table.to_pylist()}")
        else:
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def hits(out: Path) -> list[dict]:
    return pq.read_table(out / "hits.parquet").to_pylist()


def test_no_raw_value_leaves_without_show_values(derbes_scan, log: Path) -> None:
    run = derbes_scan([log], hits=True, formats=ALL_FORMATS)
    text = everything(run.out) + run.stdout + run.stderr
    assert sum(f["hits"] for f in run.findings if f["entity"] == "KZ_IIN") == len(IINS)
    for iin in IINS:
        assert iin not in text
        assert iin[4:10] not in text  # not even the middle digits
    for phone in PHONES:
        assert "".join(c for c in phone if c.isdigit())[-7:] not in text


def test_show_values_does_write_them(derbes_scan, log: Path) -> None:
    """The counterpart: the search above would see a raw value if one were written."""
    run = derbes_scan([log], hits=True, formats=ALL_FORMATS, show_values=True)
    assert {h["value"] for h in hits(run.out) if h["entity"] == "KZ_IIN"} == set(IINS)
    assert IINS[0] in everything(run.out)


def test_value_hash_is_keyed(derbes_scan, log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DERBES_HASH_KEY", "key-one")
    first = {h["value_hash"] for h in hits(derbes_scan([log], hits=True).out)
             if h["entity"] == "KZ_IIN"}
    again = {h["value_hash"] for h in hits(derbes_scan([log], hits=True).out)
             if h["entity"] == "KZ_IIN"}
    monkeypatch.setenv("DERBES_HASH_KEY", "key-two")
    other = {h["value_hash"] for h in hits(derbes_scan([log], hits=True).out)
             if h["entity"] == "KZ_IIN"}
    assert len(first) == len(IINS)
    assert first == again  # the same key: hashes compare across scans
    assert not first & other  # another key: nothing in common
    # Not a plain digest of the value, which hashing all 12-digit numbers would reverse.
    plain = set()
    for iin in IINS:
        for algorithm in ("md5", "sha1", "sha256", "sha512", "blake2b"):
            digest = hashlib.new(algorithm, iin.encode()).hexdigest()
            plain |= {digest, digest[:32]}
    assert not first & plain
    # It is the HMAC of the key (redact.value_hash), checked independently here.
    import hmac

    expected = {hmac.new(b"key-one", iin.encode(), hashlib.sha256).hexdigest()[:32]
                for iin in IINS}
    assert first == expected == {value_hash(b"key-one", "KZ_IIN", iin) for iin in IINS}


def test_without_a_key_each_scan_has_its_own(
    derbes_scan, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DERBES_HASH_KEY", raising=False)
    one = {h["value_hash"] for h in hits(derbes_scan([log], hits=True).out)}
    two = {h["value_hash"] for h in hits(derbes_scan([log], hits=True).out)}
    assert one and two and not one & two


def test_every_output_file_is_0600(derbes_scan, log: Path, tmp_path: Path) -> None:
    out = tmp_path / "new" / "reports"  # created by the scan
    run = derbes_scan([log], hits=True, formats=ALL_FORMATS, out=out)
    files = sorted(p.name for p in run.out.iterdir())
    assert files == sorted(["findings.parquet", "hits.parquet", "report.html", "report.json",
                            "report.sarif", "junit.xml", "summary.json"])
    for path in run.out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_0600_whatever_the_umask(derbes_scan, log: Path, tmp_path: Path) -> None:
    import os

    old = os.umask(0)
    try:
        run = derbes_scan([log], formats=ALL_FORMATS, out=tmp_path / "open-umask")
    finally:
        os.umask(old)
    for path in run.out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
