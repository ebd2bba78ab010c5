"""TabularSource: Parquet and CSV files, column types, nested fields, sampling."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import random
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.scanner.errors import SourceError
from derbes.scanner.sources.base import ContainerDone, ValueBatch
from derbes.scanner.sources.tabular import TabularSource, _reservoir


def read_all(src: TabularSource):
    """``{container name: (fields, done)}`` with fields ``{field: {row: value}}``."""
    out = {}
    for container in src.containers():
        batches = list(src.read(container))
        done = batches[-1]
        assert isinstance(done, ContainerDone)
        fields: dict[str, dict[int, list[str]]] = {}
        for b in batches[:-1]:
            assert isinstance(b, ValueBatch) and len(b.rows) == len(b.values)
            for row, value in zip(b.rows, b.values, strict=True):
                fields.setdefault(b.field, {}).setdefault(row, []).append(value)
        out[container.name] = (fields, done)
    return out


def only(src: TabularSource):
    (result,) = read_all(src).values()
    return result


# -- Parquet -------------------------------------------------------------------------------


@pytest.fixture
def mixed_parquet(tmp_path: Path) -> Path:
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "iin": ["900101300456", None, "040506600123"],
            "phone": [77011234567.0, None, 1.5],
            "contact": [
                {"email": "a.n@example.kz", "photo": b"\x89PNG"},
                None,
                {"email": None, "photo": None},
            ],
            "tags": [["+77051234567", "x"], [], None],
            "attrs": pa.array(
                [[("passport", "N12345678")], None, []], pa.map_(pa.string(), pa.string())
            ),
            "city": pa.array(["Алматы", "Астана", "Алматы"]).dictionary_encode(),
            "born": pa.array([dt.date(1990, 1, 1), None, dt.date(2004, 5, 6)]),
            "active": [True, False, None],
            # Text as plain BINARY, as Impala writes strings; then no text at all.
            "blob": [b"\x00\x01", None, "ИИН 040506600123".encode()],
        }
    )
    path = tmp_path / "people.parquet"
    pq.write_table(table, path, row_group_size=2)
    return path


def test_parquet_columns_and_types(mixed_parquet: Path) -> None:
    (container,) = list(TabularSource(str(mixed_parquet)).containers())
    assert container.kind == "file" and container.meta["rows"] == 3
    assert container.meta["format"] == "parquet"
    cols = {c.name: c for c in container.columns}
    assert list(cols) == [
        "id", "iin", "phone", "contact", "tags", "attrs", "city", "born", "active", "blob",
    ]  # fmt: skip
    assert cols["id"].type == "int64" and cols["iin"].type == "string"
    assert all(c.scannable for c in cols.values())  # binary too, for its text


def test_parquet_all_rows_walked_like_json(mixed_parquet: Path) -> None:
    fields, done = only(TabularSource(str(mixed_parquet), sample_rows=0))
    assert fields == {
        "id": {1: ["1"], 2: ["2"], 3: ["3"]},
        "iin": {1: ["900101300456"], 3: ["040506600123"]},
        "phone": {1: ["77011234567"], 3: ["1.5"]},
        "contact.email": {1: ["a.n@example.kz"]},
        "tags[]": {1: ["+77051234567", "x"]},
        "attrs.passport": {1: ["N12345678"]},
        "city": {1: ["Алматы"], 2: ["Астана"], 3: ["Алматы"]},
        "born": {1: ["1990-01-01"], 3: ["2004-05-06"]},
        "blob": {3: ["ИИН 040506600123"]},
    }
    assert done.rows_scanned == 3 and done.sampled is False
    assert done.skipped_fields == ()
    assert "binary values holding no text: blob (1), contact.photo (1)" in done.notes
    assert done.mtime is not None


def test_json_text_in_string_and_binary_columns_is_walked_by_key_path(tmp_path: Path) -> None:
    # An Airbyte raw table's _airbyte_data (JSON in a string column), a Kafka sink's value
    # (JSON as bytes), text that only opens like JSON; a CSV export with a JSON column.
    table = pa.table({
        "_airbyte_data": ['{"email": "a.n@example.kz", "phones": ["+77051234567"], '
                          '"profile": {"iin": "900101300456"}}', "[1, 2]", None],
        "value": [b'{"msisdn": "77011234567"}', None, b"plain text 040506600123"],
        "note": ["{not json} a.n@example.kz", "[INFO] started", ""],
    })
    pq.write_table(table, tmp_path / "raw.parquet")
    fields, _ = only(TabularSource(str(tmp_path / "raw.parquet"), sample_rows=0))
    assert fields == {
        "_airbyte_data.email": {1: ["a.n@example.kz"]},
        "_airbyte_data.phones[]": {1: ["+77051234567"]},
        "_airbyte_data.profile.iin": {1: ["900101300456"]},
        "_airbyte_data[]": {2: ["1", "2"]},
        "value.msisdn": {1: ["77011234567"]},
        "value": {3: ["plain text 040506600123"]},
        "note": {1: ["{not json} a.n@example.kz"], 2: ["[INFO] started"]},
    }
    (tmp_path / "export.csv").write_text(
        'id;payload\n1;"{""client"": {""email"": ""b@example.kz""}}"\n', encoding="utf-8")
    fields, _ = only(TabularSource(str(tmp_path / "export.csv"), sample_rows=0))
    assert fields == {"id": {1: ["1"]}, "payload.client.email": {1: ["b@example.kz"]}}


@pytest.fixture
def big_parquet(tmp_path: Path) -> Path:
    n = 100_000
    table = pa.table({"n": pa.array(range(1, n + 1)), "v": [f"v{i}" for i in range(1, n + 1)]})
    path = tmp_path / "big.parquet"
    pq.write_table(table, path, row_group_size=1000)
    return path


def test_parquet_sample_is_random_repeatable_and_rows_are_file_rows(big_parquet: Path) -> None:
    fields, done = only(TabularSource(str(big_parquet), sample_rows=1000, seed=7))
    rows = sorted(fields["n"])
    assert len(rows) == 1000
    # Row numbers are the rows of the file: the value of column n is the row number.
    assert all(fields["n"][r] == [str(r)] and fields["v"][r] == [f"v{r}"] for r in rows)
    assert done.rows_scanned == 1000 and done.sampled is True
    assert "sampled 1000 of 100000 rows" in done.notes
    # Spread over the file, not its head.
    assert rows[0] < 2000 and rows[-1] > 98_000
    assert sum(r > 50_000 for r in rows) in range(400, 600)
    again, _ = only(TabularSource(str(big_parquet), sample_rows=1000, seed=7))
    other, _ = only(TabularSource(str(big_parquet), sample_rows=1000, seed=8))
    assert again == fields and other != fields


def test_parquet_sample_reads_only_the_row_groups_it_needs(
    big_parquet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    groups: list[int] = []
    real = pq.ParquetFile.iter_batches

    def spy(self, *args, **kwargs):
        groups.extend(kwargs.get("row_groups") or range(self.metadata.num_row_groups))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    fields, done = only(TabularSource(str(big_parquet), sample_rows=5, seed=1))
    assert done.rows_scanned == 5
    assert 1 <= len(groups) <= 5  # of 100 row groups
    assert {(r - 1) // 1000 for r in fields["n"]} == set(groups)


def test_small_parquet_is_read_whole(mixed_parquet: Path) -> None:
    _, done = only(TabularSource(str(mixed_parquet), sample_rows=1000))
    assert done.rows_scanned == 3 and done.sampled is False
    assert not [n for n in done.notes if "sampled" in n], done.notes


def test_column_filters(mixed_parquet: Path) -> None:
    src = TabularSource(
        str(mixed_parquet), include_columns=["I*", "contact"], exclude_columns=["id"]
    )
    (container,) = list(src.containers())
    assert [c.name for c in container.columns] == ["iin", "contact"]
    fields, _ = only(src)
    assert set(fields) == {"iin", "contact.email"}
    binary = TabularSource(str(mixed_parquet), include_columns=["blob"])
    fields, done = only(binary)
    assert fields == {"blob": {3: ["ИИН 040506600123"]}} and done.skipped_fields == ()


def test_corrupt_parquet_fails_alone(tmp_path: Path, mixed_parquet: Path) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is not parquet PAR1")
    src = TabularSource(str(tmp_path))
    containers = {Path(c.name).name: c for c in src.containers()}
    assert "error" in containers["broken.parquet"].meta
    with pytest.raises(SourceError) as err:
        list(src.read(containers["broken.parquet"]))
    assert err.value.container == str(tmp_path / "broken.parquet")
    assert isinstance(list(src.read(containers["people.parquet"]))[-1], ContainerDone)


# -- CSV -----------------------------------------------------------------------------------


def test_csv_is_read_as_text_keeping_leading_zeros(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("iin;name;amount\n010203400500;Иван;10\n900101300456;Ақжол;20.5\n")
    src = TabularSource(str(path), sample_rows=0)
    (container,) = list(src.containers())
    assert container.meta["delimiter"] == ";" and container.meta["encoding"] == "utf8"
    assert [(c.name, c.type) for c in container.columns] == [
        ("iin", "string"),
        ("name", "string"),
        ("amount", "string"),
    ]
    fields, done = only(src)
    assert fields["iin"] == {1: ["010203400500"], 2: ["900101300456"]}
    assert fields["name"] == {1: ["Иван"], 2: ["Ақжол"]}
    assert done.rows_scanned == 2 and not done.sampled


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("win.csv", lambda t: t.encode("cp1251")),
        ("u16.csv", lambda t: t.encode("utf-16")),
        ("bom.csv", lambda t: b"\xef\xbb\xbf" + t.encode()),
        ("packed.csv.gz", lambda t: gzip.compress(t.encode())),
        ("tabs.tsv", lambda t: t.replace(",", "\t").encode()),
    ],
)
def test_csv_encodings_and_compression(tmp_path: Path, name: str, encode) -> None:
    text = "фио,телефон\n" + "".join(f"Иванов Иван {i},+7701{i:07d}\n" for i in range(50))
    (tmp_path / name).write_bytes(encode(text))
    fields, done = only(TabularSource(str(tmp_path / name), sample_rows=0))
    assert fields["фио"][1] == ["Иванов Иван 0"]
    assert fields["телефон"][50] == ["+77010000049"]
    assert done.rows_scanned == 50


def test_csv_malformed_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('a,b\n1,2\n3,4,5\n"multi\nline",6\n7,8\n')
    fields, done = only(TabularSource(str(path), sample_rows=0))
    assert fields["a"] == {1: ["1"], 2: ["multi\nline"], 3: ["7"]}
    assert done.rows_scanned == 3
    assert "1 malformed CSV rows skipped" in done.notes


def test_empty_and_header_only_csv(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header.csv").write_text("iin,name\n")
    result = read_all(TabularSource(str(tmp_path)))
    fields, done = result[str(tmp_path / "empty.csv")]
    assert fields == {} and done.rows_scanned == 0 and done.notes == ("empty file",)
    fields, done = result[str(tmp_path / "header.csv")]
    assert fields == {} and done.rows_scanned == 0


def test_csv_sample(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    with path.open("w") as f:
        f.write("row,iin\n")
        for i in range(1, 50_001):
            f.write(f"{i},{i:012d}\n")
    fields, done = only(TabularSource(str(path), sample_rows=300, seed=3))
    rows = sorted(fields["row"])
    assert len(rows) == 300 and done.rows_scanned == 300 and done.sampled
    assert all(fields["row"][r] == [str(r)] and fields["iin"][r] == [f"{r:012d}"] for r in rows)
    assert "sampled 300 of 50000 rows" in done.notes
    assert only(TabularSource(str(path), sample_rows=300, seed=3))[0] == fields


def test_reservoir_is_uniform() -> None:
    # 600 samples of 20 rows out of 1000, fed in batches of 64: each tenth of the stream
    # should get a tenth of the picks (1200 each; sd ~ 33).
    table = pa.table({"n": pa.array(range(1000))})
    batches = table.to_batches(max_chunksize=64)
    deciles: Counter[int] = Counter()
    for seed in range(600):
        sample, rows, total = _reservoir(batches, 20, random.Random(seed))
        assert total == 1000 and len(set(rows)) == 20 and rows == sorted(rows)
        assert sample.column("n").to_pylist() == [r - 1 for r in rows]
        deciles.update((r - 1) // 100 for r in rows)
    assert all(1050 < deciles[d] < 1350 for d in range(10)), deciles


def test_reservoir_smaller_stream_keeps_everything() -> None:
    table = pa.table({"n": pa.array(range(7))})
    sample, rows, total = _reservoir(table.to_batches(max_chunksize=3), 10, random.Random(0))
    assert rows == list(range(1, 8)) and total == 7
    assert sample.column("n").to_pylist() == list(range(7))


# -- listing and memory --------------------------------------------------------------------


def test_directory_lists_only_tables(tmp_path: Path, mixed_parquet: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "notes.txt").write_text("hello")
    src = TabularSource(str(tmp_path))
    assert [Path(c.name).name for c in src.containers()] == ["a.csv", "people.parquet"]
    assert any("notes.txt" in w for w in src.warnings)
    with pytest.raises(SourceError, match="no Parquet, ORC, Avro, Excel or CSV"):
        list(TabularSource(str(tmp_path / "notes.txt")).containers())


CHILD = textwrap.dedent(
    """
    import sys
    import pyarrow as pa
    from derbes.scanner.sources.tabular import TabularSource

    src = TabularSource(sys.argv[1], sample_rows=1000, seed=1)
    for container in src.containers():
        for batch in src.read(container):
            pass
    print(batch.rows_scanned, pa.default_memory_pool().max_memory() >> 20)
    """
)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_sampling_a_large_file_does_not_load_it(tmp_path: Path, fmt: str) -> None:
    n = 1_000_000
    table = pa.table(
        {
            "n": pa.array(range(n)),
            "iin": pa.array([f"{i:012d}" for i in range(n)]),
            "note": pa.array([f"client {i} Алматы, ул. Абая {i % 500}" for i in range(n)]),
        }
    )
    path = tmp_path / f"big.{fmt}"
    if fmt == "csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, path)
    else:
        pq.write_table(table, path, row_group_size=20_000)
    size_mib = path.stat().st_size >> 20
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    rows, peak_mib = map(int, proc.stdout.split())
    assert rows == 1000
    # Arrow's own allocations peak far below the data's size in memory (60+ MiB, which
    # reading it all would allocate; Parquet compresses the file to ~20 MiB). The peak is
    # near 10 MiB here and depends on how far Arrow's threads read ahead of the consumer:
    # a CI run once saw 16 MiB, so the bound is a third of the data, not a figure near 10.
    data_mib = table.nbytes >> 20
    assert size_mib >= (40 if fmt == "csv" else 10) and data_mib >= 60
    assert peak_mib < data_mib // 3, (
        f"Arrow allocated up to {peak_mib} MiB for a {size_mib} MiB file "
        f"({data_mib} MiB in memory)"
    )


@pytest.mark.parametrize("sample_rows", [0, 5])
def test_csv_row_longer_than_a_block(tmp_path: Path, sample_rows: int) -> None:
    path = tmp_path / "wide.csv"
    blob = "z" * (600 << 10) + " 900101300456"
    with path.open("w") as f:
        f.write("n,payload\n")
        for i in range(1, 3001):
            f.write(f"{i},{blob if i == 2500 else 'p' + str(i)}\n")
    fields, done = only(TabularSource(str(path), sample_rows=sample_rows, seed=0))
    if sample_rows:
        assert done.rows_scanned == 5 and len(fields["n"]) == 5
    else:
        assert done.rows_scanned == 3000
        assert fields["payload"][2500] == [blob]
        assert fields["n"] == {i: [str(i)] for i in range(1, 3001)}  # no row twice
    assert all(fields["n"][r] == [str(r)] for r in fields["n"])


# -- ORC (Hive's default format) ---------------------------------------------------------------


def test_orc_walked_like_parquet(tmp_path: Path, mixed_parquet: Path) -> None:
    import pyarrow.orc as orc

    table = pq.read_table(mixed_parquet)
    # ORC has no dictionary type: the column as plain strings.
    table = table.set_column(table.schema.get_field_index("city"), "city",
                             table.column("city").cast(pa.string()))
    path = tmp_path / "people.orc"
    orc.write_table(table, path)
    (container,) = TabularSource(str(path)).containers()
    assert container.meta["format"] == "orc" and container.meta["rows"] == 3
    fields, done = only(TabularSource(str(path), sample_rows=0))
    assert fields == only(TabularSource(str(mixed_parquet), sample_rows=0))[0]
    assert done.rows_scanned == 3 and done.sampled is False


def test_orc_sample_is_random_repeatable_and_rows_are_file_rows(tmp_path: Path) -> None:
    import pyarrow.orc as orc

    n = 100_000
    path = tmp_path / "big.orc"
    orc.write_table(pa.table({"n": pa.array(range(1, n + 1)),
                              "v": [f"v{i}" for i in range(1, n + 1)]}),
                    path, stripe_size=64 << 10)
    assert orc.ORCFile(path).nstripes > 10
    fields, done = only(TabularSource(str(path), sample_rows=1000, seed=7))
    rows = sorted(fields["n"])
    assert len(rows) == 1000 and done.rows_scanned == 1000 and done.sampled is True
    assert all(fields["n"][r] == [str(r)] and fields["v"][r] == [f"v{r}"] for r in rows)
    assert "sampled 1000 of 100000 rows" in done.notes
    assert rows[0] < 2000 and rows[-1] > 98_000
    assert sum(r > 50_000 for r in rows) in range(400, 600)
    assert only(TabularSource(str(path), sample_rows=1000, seed=7))[0] == fields


def test_a_broken_orc_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "cut.orc"
    path.write_bytes(b"ORC" + bytes(100))
    src = TabularSource(str(path))
    (container,) = src.containers()
    with pytest.raises(SourceError) as e:
        list(src.read(container))
    assert e.value.container == str(path)


# -- Avro (Kafka Connect's sink files, Hive's Avro tables) --------------------------------------

AVRO_SCHEMA = {
    "type": "record", "name": "Client", "namespace": "kz.example",
    "fields": [
        {"name": "n", "type": "long"},
        {"name": "iin", "type": "long"},  # an IIN as a number: 012345... loses its zero
        {"name": "contact", "type": ["null", {
            "type": "record", "name": "Contact",
            "fields": [{"name": "email", "type": "string"},
                       {"name": "phones", "type": {"type": "array", "items": "string"}}]}]},
        {"name": "attrs", "type": {"type": "map", "values": "string"}},
        {"name": "payload", "type": "bytes"},
        {"name": "balance", "type": {"type": "bytes", "logicalType": "decimal",
                                     "precision": 12, "scale": 2}},
        {"name": "born", "type": ["null", {"type": "int", "logicalType": "date"}]},
        {"name": "active", "type": "boolean"},
    ],
}


def _avro(path: Path, records, sync_interval: int = 16000) -> None:
    import fastavro

    with path.open("wb") as f:
        fastavro.writer(f, fastavro.parse_schema(AVRO_SCHEMA), records,
                        sync_interval=sync_interval, codec="deflate")


def _client(i: int) -> dict:
    import datetime as dt
    from decimal import Decimal

    return {"n": i, "iin": 60904350504 + i, "contact": {"email": f"c{i}@example.kz",
                                                       "phones": ["+77011234567"]},
            "attrs": {"passport": "N12345678"}, "payload": b'{"iin": "860904350504"}',
            "balance": Decimal("12.50"), "born": dt.date(1990, 1, 1), "active": True}


def test_avro_records_walked_like_json(tmp_path: Path) -> None:
    path = tmp_path / "clients.avro"
    _avro(path, [_client(1), {**_client(2), "contact": None, "born": None}])
    (container,) = TabularSource(str(path)).containers()
    assert container.meta["format"] == "avro"
    types = {c.name: c.type for c in container.columns}
    assert types == {"n": "int64", "iin": "int64", "contact": "struct", "attrs": "map",
                     "payload": "binary", "balance": "decimal(12, 2)", "born": "date",
                     "active": "bool"}
    fields, done = only(TabularSource(str(path), sample_rows=0))
    assert fields == {
        "n": {1: ["1"], 2: ["2"]},
        "iin": {1: ["60904350505"], 2: ["60904350506"]},
        "contact.email": {1: ["c1@example.kz"]},
        "contact.phones[]": {1: ["+77011234567"]},
        "attrs.passport": {1: ["N12345678"], 2: ["N12345678"]},
        "payload.iin": {1: ["860904350504"], 2: ["860904350504"]},  # JSON bytes, walked
        "balance": {1: ["12.50"], 2: ["12.50"]},
        "born": {1: ["1990-01-01"]},
    }
    assert done.rows_scanned == 2 and done.sampled is False


def test_avro_sample_decodes_only_the_blocks_it_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fastavro

    n = 100_000
    path = tmp_path / "big.avro"
    _avro(path, (_client(i) for i in range(1, n + 1)), sync_interval=4000)
    decoded: list[int] = []
    real = fastavro.block_reader

    class Counted:
        def __init__(self, block) -> None:
            self.block = block
            self.num_records = block.num_records

        def __iter__(self):
            decoded.append(self.num_records)
            return iter(self.block)

    monkeypatch.setattr(fastavro, "block_reader", lambda f: (Counted(b) for b in real(f)))
    fields, done = only(TabularSource(str(path), sample_rows=100, seed=7))
    rows = sorted(fields["n"])
    assert len(rows) == 100 and done.rows_scanned == 100 and done.sampled is True
    assert all(fields["n"][r] == [str(r)] for r in rows)  # rows are the file's
    assert "sampled 100 of 100000 rows" in done.notes
    assert rows[0] < 3000 and rows[-1] > 97_000
    blocks = sum(1 for _ in real(path.open("rb")))
    assert blocks > 300 and len(decoded) < blocks / 2, (len(decoded), blocks)
    assert only(TabularSource(str(path), sample_rows=100, seed=7))[0] == fields
    # In row order, as a table's sample comes (the reservoir keeps them in slots).
    src = TabularSource(str(path), sample_rows=100, seed=7)
    (container,) = src.containers()
    (numbers,) = [b.rows for b in src.read(container) if getattr(b, "field", "") == "n"]
    assert numbers == sorted(numbers)


def test_a_broken_avro_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "cut.avro"
    _avro(path, [_client(i) for i in range(100)])
    path.write_bytes(path.read_bytes()[:300])
    src = TabularSource(str(path))
    (container,) = src.containers()
    with pytest.raises(SourceError) as e:
        list(src.read(container))
    assert e.value.container == str(path)


# -- Excel workbooks (a CRM's or an accountant's export) -----------------------------------------


def _workbook(path: Path, rows: int = 30) -> None:
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Клиенты"
    sheet.append(["Выгрузка клиентов на 01.12.2026"])  # a report's title above the header
    sheet.append([])
    sheet.append(["ФИО", "ИИН", None, "Дата рождения", "Баланс"])
    for i in range(1, rows + 1):
        sheet.append([f"Клиент {i}", 60904350504 + i, f"note {i}",
                      dt.datetime(1990, 1, 1) + dt.timedelta(days=i), 12.5])
    book.create_sheet("Пусто")
    contacts = book.create_sheet("Contacts")
    contacts.append(["email"])
    contacts.append(["a@example.kz"])
    book.save(path)


def test_workbook_sheets_read_under_their_headers(tmp_path: Path) -> None:
    path = tmp_path / "clients.xlsx"
    _workbook(path, rows=3)
    (container,) = TabularSource(str(path)).containers()
    assert container.meta["format"] == "xlsx"
    assert [c.name for c in container.columns] == [
        "Клиенты.ФИО", "Клиенты.ИИН", "Клиенты.C", "Клиенты.Дата рождения", "Клиенты.Баланс",
        "Contacts.email"]
    fields, done = only(TabularSource(str(path), sample_rows=0))
    # Rows by their number in the sheet (the header is row 3); dates as Excel shows them.
    assert fields == {
        "Клиенты.ФИО": {4: ["Клиент 1"], 5: ["Клиент 2"], 6: ["Клиент 3"]},
        "Клиенты.ИИН": {4: ["60904350505"], 5: ["60904350506"], 6: ["60904350507"]},
        "Клиенты.C": {4: ["note 1"], 5: ["note 2"], 6: ["note 3"]},
        "Клиенты.Дата рождения": {4: ["1990-01-02"], 5: ["1990-01-03"], 6: ["1990-01-04"]},
        "Клиенты.Баланс": {4: ["12.5"], 5: ["12.5"], 6: ["12.5"]},
        "Contacts.email": {2: ["a@example.kz"]},
    }
    assert done.rows_scanned == 4 and done.sampled is False


def test_workbook_sampled_sheet_by_sheet(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    _workbook(path, rows=3000)
    fields, done = only(TabularSource(str(path), sample_rows=100, seed=5))
    rows = sorted(fields["Клиенты.ФИО"])
    assert len(rows) == 100 and all(fields["Клиенты.ФИО"][r] == [f"Клиент {r - 3}"]
                                    for r in rows)
    assert rows[0] < 300 and rows[-1] > 2700
    assert fields["Contacts.email"] == {2: ["a@example.kz"]}  # fewer rows than the sample
    assert done.rows_scanned == 101 and done.sampled is True
    assert "sampled 101 of 3001 rows" in done.notes


def test_a_broken_workbook_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    _workbook(path)
    path.write_bytes(path.read_bytes()[:500])
    src = TabularSource(str(path))
    (container,) = src.containers()
    assert "error" in container.meta
    with pytest.raises(SourceError) as e:
        list(src.read(container))
    assert e.value.container == str(path)


WORKBOOKS = Path(__file__).resolve().parent.parent / "data" / "workbooks"


def test_a_legacy_xls_workbook_reads_as_the_workbook_it_was_saved_from() -> None:
    # LibreOffice's "MS Excel 97" of an openpyxl workbook (tests/data/workbooks/README.md):
    # the same fields and values, numbers as integers where whole (BIFF keeps doubles).
    xls = only(TabularSource(str(WORKBOOKS / "clients.xls"), sample_rows=0))
    xlsx = only(TabularSource(str(WORKBOOKS / "clients.xlsx"), sample_rows=0))
    assert xls[0] == xlsx[0]
    assert xls[0]["Клиенты.ИИН"] == {4: ["860904350504"], 5: ["860904350504"]}
    assert xls[0]["Клиенты.Дата рождения"] == {4: ["1986-09-04"], 5: ["1986-09-04"]}
    assert xls[0]["Заказы.email"] == {2: ["b@example.kz"]}


def test_an_ods_workbook_reads_as_the_workbook_it_was_saved_from() -> None:
    # LibreOffice's OpenDocument of the same workbook: its sheets padded to a million empty
    # rows and 16,384 empty cells a row, read without expanding them.
    ods = only(TabularSource(str(WORKBOOKS / "clients.ods"), sample_rows=0))
    xlsx = only(TabularSource(str(WORKBOOKS / "clients.xlsx"), sample_rows=0))
    assert ods[0] == xlsx[0]
    assert ods[1].rows_scanned == 3


def test_html_named_xls_is_read_as_text(tmp_path: Path) -> None:
    # A bank's or a web application's "Excel" export: an HTML table named .xls.
    from derbes.scanner.engine import ScanOptions, scan
    from derbes.scanner.sources import open_source
    from derbes.scanner.sources.folder import FolderSource

    (tmp_path / "statement.xls").write_text(
        "<html><body><table><tr><td>ФИО</td><td>Email</td></tr>"
        "<tr><td>Петров</td><td>p@example.kz</td></tr></table></body></html>\n")
    (tmp_path / "clients.xls").write_bytes((WORKBOOKS / "clients.xls").read_bytes())
    source = open_source(str(tmp_path))
    assert isinstance(source, FolderSource)  # not all workbooks: a folder of files
    assert {Path(c.name).name: c.meta.get("format") for c in source.containers()} == {
        "statement.xls": None, "clients.xls": "xlsx"}
    result = scan([source], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    found = {(Path(f.container).name, f.field, f.entity) for f in result.findings}
    assert ("statement.xls", None, "EMAIL_ADDRESS") in found
    assert ("clients.xls", "Клиенты.ИИН", "KZ_IIN") in found
    # The same two sent as one ZIP: told apart by their first bytes there too.
    import zipfile

    with zipfile.ZipFile(tmp_path / "bank.zip", "w") as z:
        for name in ("statement.xls", "clients.xls"):
            z.write(tmp_path / name, f"2026-11/{name}")
            (tmp_path / name).unlink()
    zipped = open_source(str(tmp_path / "bank.zip"))
    assert {Path(c.name).name: c.meta.get("format") for c in zipped.containers()} == {
        "statement.xls": None, "clients.xls": "xlsx"}
    result = scan([zipped], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    assert {(Path(f.container).name, f.field, f.entity) for f in result.findings} == found


def test_a_broken_xls_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "cut.xls"
    path.write_bytes((WORKBOOKS / "clients.xls").read_bytes()[:700])
    src = TabularSource(str(path))
    (container,) = src.containers()
    assert "xls" in container.meta["error"], container.meta
    with pytest.raises(SourceError) as e:
        list(src.read(container))
    assert e.value.container == str(path)


def test_a_columns_oldest_time_in_arrow() -> None:
    import datetime as dt

    from derbes.scanner.sources.tabular import _Ages

    ages = _Ages()
    # Texts: the least of those that open as an ISO date (a Russian date is no ISO text).
    ages.see_column("created_at", pa.array(["01.01.2000", "2016-02-01", "2015-06-01 09:30:00",
                                            "junk", None]))
    assert ages.oldest() == ("2015-06-01T09:30:00", "created_at")
    ages = _Ages()
    ages.see_column("event_time", pa.array([dt.datetime(2020, 1, 2), None,
                                            dt.datetime(2019, 5, 6, 7, 8)]))
    ages.see_column("birth_date", pa.array([dt.date(1950, 1, 1)]))  # no row's date
    ages.see_column("note", pa.array(["2001-01-01"]))  # text of no time column
    assert ages.oldest() == ("2019-05-06T07:08:00", "event_time")
    ages.see_column("event_time", pa.array([None, None], pa.timestamp("us")))
    assert ages.oldest() == ("2019-05-06T07:08:00", "event_time")


@settings(max_examples=150, deadline=None)
@given(at=st.integers(min_value=8, max_value=6655), noise=st.binary(min_size=1, max_size=32),
       truncate=st.booleans())
def test_any_damage_to_an_xls_is_a_value_error(at: int, noise: bytes, truncate: bool) -> None:
    # Past its magic, xlrd raises what its parser meets (struct.error, IndexError...):
    # records, or ValueError, which names the file in a scan.
    from derbes.scanner.sources.tabular import _sheet_rows

    data = bytearray((WORKBOOKS / "clients.xls").read_bytes())
    if truncate:
        del data[at:]
    else:
        data[at:at + len(noise)] = noise
    try:
        for rows in _sheet_rows(io.BytesIO(bytes(data))):
            for number, record in rows:
                assert isinstance(number, int) and isinstance(record, dict)
    except ValueError:
        pass
