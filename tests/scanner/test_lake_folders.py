"""A data-lake export's folder scanned as it stands: tables among logs and markers.

Spark writes ``part-*.snappy.parquet`` beside an empty ``_SUCCESS`` and hidden ``.crc``
checksums; Hive names its files ``000000_0``, without an extension. Such a folder is not all
tables, so it is a log source, and its Parquet files were skipped as binary logs: found
nothing, exit code 0. They are read as tables now (``FolderSource`` tells them by their name
or their magic: ORC's and Avro's too), and so are CSV files, which were read as lines in such a
folder and as tables alone, and ``.json`` files that are one array of records (whose values
were found in one row, without their fields' names).
"""

from __future__ import annotations

import json
from pathlib import Path

import fastavro
import openpyxl
import pyarrow as pa
import pyarrow.orc as orc
import pyarrow.parquet as pq
import pytest

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.sources import open_source
from derbes.scanner.sources.folder import FolderSource
from derbes.scanner.sources.logs import LogSource

ROWS = 3000


@pytest.fixture
def export(tmp_path: Path) -> Path:
    out = tmp_path / "export"
    part = out / "dt=2026-12-01"
    part.mkdir(parents=True)
    table = pa.table({
        "id": pa.array(range(ROWS), pa.int64()),
        "email": [f"client{i}@example.kz" for i in range(ROWS)],
        "note": ["ok"] * ROWS,
    })
    pq.write_table(table, part / "part-00000-5e1f0b7a-c000.snappy.parquet", row_group_size=500)
    pq.write_table(table.slice(0, 40), out / "000000_0")  # Hive's name for it
    orc.write_table(table.slice(0, 25), out / "000001_0")  # ORC, Hive's default format
    # Avro as Kafka Connect's S3 sink names it, and as Hive does (no extension).
    schema = fastavro.parse_schema({"type": "record", "name": "Event", "fields": [
        {"name": "id", "type": "long"}, {"name": "email", "type": "string"}]})
    for name, count in (("events+0+0000000000.avro", 30), ("000002_0", 20)):
        with (out / name).open("wb") as f:
            fastavro.writer(f, schema, ({"id": i, "email": f"e{i}@example.kz"}
                                        for i in range(count)))
    (out / "_SUCCESS").write_bytes(b"")
    (part / ".part-00000-5e1f0b7a-c000.snappy.parquet.crc").write_bytes(b"crc\x00\x00\x01\x02")
    (out / "app.log").write_text("2026-12-01 10:00:00 login from 10.20.30.40 ok\n")
    # An Excel export in cp1251, «;»-separated, with 3,000 rows: sampled as a table is.
    rows = [f"{i};client{i}@example.kz;Алматы" for i in range(ROWS)]
    (out / "clients.csv").write_bytes("\r\n".join(["№;Почта;Город", *rows]).encode("cp1251"))
    # An API's dump: one JSON array, pretty-printed; and a JSON document that is no array.
    (out / "clients.json").write_text(json.dumps(
        [{"_id": {"$oid": f"{i:024x}"}, "contact": {"email": f"j{i}@example.kz"}}
         for i in range(ROWS)], indent=2))
    (out / "settings.json").write_text('{"admin": "ops@example.kz"}')
    # An accountant's workbook beside them.
    book = openpyxl.Workbook()
    book.active.append(["Почта"])
    book.active.append(["w@example.kz"])
    book.save(out / "report.xlsx")
    # Logs that open as a table's magic would, or as a JSON array: logs all the same.
    (out / "orchestrator.log").write_text("ORCHESTRATOR started for ops@example.kz\n")
    (out / "events.json").write_text('[2026-12-01 10:00:00] local.INFO: mail to a@example.kz\n')
    return out


def test_parquet_files_are_listed_as_tables(export: Path) -> None:
    src = FolderSource(str(export))
    found = {Path(c.name).name: c for c in src.containers()}
    part = found["part-00000-5e1f0b7a-c000.snappy.parquet"]
    assert part.meta["format"] == "parquet" and part.meta["rows"] == ROWS
    assert [c.name for c in part.columns] == ["id", "email", "note"]
    assert found["000000_0"].meta["format"] == "parquet"
    assert found["000001_0"].meta["format"] == "orc" and found["000001_0"].meta["rows"] == 25
    assert found["000002_0"].meta["format"] == "avro"
    assert found["events+0+0000000000.avro"].meta["format"] == "avro"
    assert found["clients.json"].meta["format"] == "json"
    assert [c.name for c in found["clients.json"].columns] == ["_id", "contact"]
    assert "format" not in found["settings.json"].meta  # a document, read as a log is
    assert found["report.xlsx"].meta["format"] == "xlsx"
    assert "format" not in found["orchestrator.log"].meta
    assert "format" not in found["events.json"].meta
    assert found["clients.csv"].meta["format"] == "csv"
    assert [c.name for c in found["clients.csv"].columns] == ["№", "Почта", "Город"]
    assert "format" not in found["app.log"].meta and "format" not in found["_SUCCESS"].meta
    # A table is never cut into byte ranges (a CSV file would be, read as lines).
    assert src.split(part, 4, 1) == [] and src.split(found["clients.csv"], 4, 1) == []
    assert len(src.split(found["app.log"], 4, 1)) == 4  # a log still is


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_spark_export_folder_is_scanned_whole(export: Path, jobs: int) -> None:
    source = open_source(str(export), sample_rows=100, seed=1)
    assert isinstance(source, FolderSource)  # a folder of tables and other files
    result = scan([source], ScanOptions(jobs=jobs))
    found = {(Path(f.container).name, f.field, f.entity): f for f in result.findings}
    part = found[("part-00000-5e1f0b7a-c000.snappy.parquet", "email", "EMAIL_ADDRESS")]
    assert part.hits == 100 and part.rows_scanned == 100  # sampled as a table is
    hive = found[("000000_0", "email", "EMAIL_ADDRESS")]
    assert hive.hits == 40 and hive.rows_scanned == 40  # fewer rows than the sample: all
    assert found[("000001_0", "email", "EMAIL_ADDRESS")].hits == 25
    assert found[("000002_0", "email", "EMAIL_ADDRESS")].hits == 20
    assert found[("events+0+0000000000.avro", "email", "EMAIL_ADDRESS")].hits == 30
    assert found[("report.xlsx", "Sheet.Почта", "EMAIL_ADDRESS")].hits == 1
    records = found[("clients.json", "contact.email", "EMAIL_ADDRESS")]
    assert records.hits == 100 and records.rows_scanned == 100  # sampled as a table is
    assert ("settings.json", "admin", "EMAIL_ADDRESS") in found
    csv = found[("clients.csv", "Почта", "EMAIL_ADDRESS")]
    assert csv.hits == 100 and csv.rows_scanned == 100
    assert ("app.log", None, "IP_ADDRESS") in {(c, None, e) for c, _, e in found}
    (summary,) = result.sources
    assert summary.status == "ok"
    skipped = {Path(p).name for p, _ in (summary.skipped or ())}
    assert skipped == {".part-00000-5e1f0b7a-c000.snappy.parquet.crc"}


def test_logs_alone_list_no_tables(export: Path) -> None:
    # LogSource reads logs; the tables among them are FolderSource's to tell.
    assert not [c for c in LogSource(str(export)).containers() if "format" in c.meta]


def test_column_filters_reach_the_tables(export: Path) -> None:
    source = open_source(str(export), exclude_columns=["email"], sample_rows=0)
    result = scan([source], ScanOptions(jobs=1))
    assert not [f for f in result.findings if f.field == "email"]


def test_a_parquet_file_cut_short_is_an_error_naming_it(export: Path) -> None:
    whole = (export / "000000_0").read_bytes()
    (export / "000001_0").write_bytes(whole[: len(whole) // 2])
    result = scan([open_source(str(export))], ScanOptions(jobs=1))
    (summary,) = result.sources
    assert summary.status == "partial"
    (error,) = summary.errors
    assert error.startswith(str(export / "000001_0")) and "Parquet" in error, error
    # The rest is read all the same.
    assert {Path(f.container).name for f in result.findings} >= {"000000_0", "app.log"}


def test_a_log_opening_like_a_table_is_read_as_a_log(tmp_path: Path) -> None:
    # Told by first bytes alone ("PAR1", Avro's "Obj\x01"), a text file that is no such table
    # is the log it is; a binary one (a Parquet file cut short, above) fails naming it.
    (tmp_path / "batch-7.out").write_text("PAR1 batch: 12 rows sent to ops@example.kz\n")
    (tmp_path / "app.log").write_text("login by dev@example.kz\n")
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    assert {(Path(f.container).name, f.entity) for f in result.findings} == {
        ("batch-7.out", "EMAIL_ADDRESS"), ("app.log", "EMAIL_ADDRESS")}
