"""pg_dump's archive formats read as tables (``derbes.scanner.sources.pgarchive``), on
archives pg_dump wrote (``tests/data/dumps/archives``, see ``tests/data/dumps/README.md``)
and, where PostgreSQL and pg_dump are on the machine, on archives pg_dump writes here."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.sources import dumps, open_source, pgarchive
from derbes.scanner.sources.folder import FolderSource

DUMPS = Path(__file__).resolve().parent.parent / "data" / "dumps"
ARCHIVES = DUMPS / "archives"
IIN = "860904350504"


def _plain() -> list[tuple[str, list[dict]]]:
    """The same tables as pg_dump's plain SQL gives them (read by ``sources.dumps``)."""
    with (DUMPS / "pg_dump_copy.sql").open("rb") as f:
        return [(table, list(records)) for table, records in dumps.tables(f)]


def _tables(path: Path) -> list[tuple[str, list[dict]]]:
    with path.open("rb") as f:
        return [(table, list(records))
                for table, records in pgarchive.tables(f, pgarchive.directory_opener(str(path)))]


@pytest.mark.parametrize("name", [
    "custom.dump",  # -Fc: zlib blocks
    "custom_z0.dump",  # -Fc -Z0: not compressed
    "custom_inserts.dump",  # -Fc --inserts: INSERTs without columns (the TOC's CREATE TABLE)
    "dirdump/toc.dat",  # -Fd: a gzip file a table
    "tardump.tar",  # -Ft
])
def test_an_archive_gives_the_tables_its_plain_dump_gives(name: str) -> None:
    # pg_dump wrote each archive of the tables its plain dump (pg_dump_copy.sql) was made of.
    assert _tables(ARCHIVES / name) == _plain()


def test_large_objects_come_as_pg_largeobject() -> None:
    # `pg_dump -b -Fc | cat`: written to a pipe (no data offsets in the TOC), with a large
    # object holding text.
    got = _tables(ARCHIVES / "custom_pipe_blobs.dump")
    assert got[:2] == _plain()
    assert got[2] == ("pg_largeobject", [{
        "loid": "424242",
        "data": f"Контакт: a.serikova@example.kz, ИИН {IIN}".encode()}])


@pytest.mark.parametrize(("name", "kind"), [
    ("custom.dump", "custom"), ("dirdump/toc.dat", "toc"), ("tardump.tar", "tar")])
def test_archives_are_told_by_their_first_bytes(name: str, kind: str) -> None:
    assert pgarchive.kind((ARCHIVES / name).read_bytes()[:pgarchive.SNIFF]) == kind


@pytest.mark.parametrize("head", [
    b"PGDMP started at 2026-12-01 10:00:00\n",  # a log that opens with the magic
    b"PGDMP\x01\x0e\x00\x00\x08\x01",  # integers of no bytes
    b"PGDMP\x01\x0e\x00\x04\x08\x02",  # format 2: none pg_dump writes
    (DUMPS / "pg_dump_copy.sql").read_bytes()[:1024],
])
def test_what_pg_dump_did_not_write_is_no_archive(head: bytes) -> None:
    assert pgarchive.kind(head) is None


def test_a_newer_archive_version_is_refused_naming_it() -> None:
    data = bytearray((ARCHIVES / "custom.dump").read_bytes())
    data[6] = 17  # 1.17: its TOC may hold fields 1.16's does not
    with pytest.raises(ValueError, match=r"version 1\.17 is not read"):
        list(pgarchive.tables(io.BytesIO(bytes(data))))


def test_an_archive_cut_short_gives_its_tables_before_the_cut() -> None:
    whole = (ARCHIVES / "custom_z0.dump").read_bytes()
    cut = whole.index(b"10\t1\t12.50")  # inside the second table's data
    got = []
    with pytest.raises(ValueError, match="cut short"):
        for table, records in pgarchive.tables(io.BytesIO(whole[:cut])):
            got.append((table, list(records)))
    assert got == _plain()[:1]


def test_a_folder_reads_each_archive_as_its_tables(tmp_path: Path) -> None:
    # Backups as they lie on a share: a custom archive under any name, a tar, a directory
    # archive (whose data files are read through its toc.dat, not as logs), a log beside.
    shutil.copy(ARCHIVES / "custom.dump", tmp_path / "crm_2026-12-01")
    shutil.copy(ARCHIVES / "tardump.tar", tmp_path / "crm.tar")
    shutil.copytree(ARCHIVES / "dirdump", tmp_path / "crm.dir")
    (tmp_path / "app.log").write_text("login by ops@example.kz\n")
    source = open_source(str(tmp_path))
    assert isinstance(source, FolderSource)
    formats = {os.path.relpath(c.name, tmp_path): c.meta.get("format")
               for c in source.containers()}
    assert formats == {"crm_2026-12-01": "sqldump", "crm.tar": "sqldump",
                       "crm.dir/toc.dat": "sqldump", "app.log": None}
    result = scan([source], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    found = {(os.path.relpath(f.container, tmp_path), f.field, f.entity): f.hits
             for f in result.findings}
    for name in ("crm_2026-12-01", "crm.tar", "crm.dir/toc.dat"):
        assert found[(name, "dumpdemo.Clients.iin", "KZ_IIN")] == 2
        assert found[(name, "dumpdemo.Clients.email", "EMAIL_ADDRESS")] == 2
        assert found[(name, "dumpdemo.Clients.payload.phone", "PHONE_NUMBER")] == 1
        assert found[(name, "dumpdemo.Clients.avatar", "KZ_IIN")] == 1  # a bytea's text
    assert found[("app.log", None, "EMAIL_ADDRESS")] == 1


def test_a_directory_archive_missing_a_data_file_is_an_error_naming_it(
        tmp_path: Path) -> None:
    shutil.copytree(ARCHIVES / "dirdump", tmp_path / "crm")
    (tmp_path / "crm" / "3347.dat.gz").unlink()
    result = scan([open_source(str(tmp_path / "crm"))], ScanOptions(jobs=1))
    (summary,) = result.sources
    assert summary.status == "failed"  # its one file failed...
    (error,) = summary.errors
    assert "toc.dat" in error and "3347.dat" in error and "dumpdemo.orders" in error, error
    found = {f.field for f in result.findings}
    assert "dumpdemo.Clients.iin" in found  # ...after the table read before it


def test_a_tar_archive_is_read_from_a_stream() -> None:
    # Read in order, never seeking back (an object on a store is a stream).
    class Forward(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._f = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, b) -> int:  # type: ignore[override]
            data = self._f.read(len(b))
            b[:len(data)] = data
            return len(data)

    data = (ARCHIVES / "tardump.tar").read_bytes()
    got = [(t, list(r)) for t, r in pgarchive.tables(io.BufferedReader(Forward(data)))]
    assert got == _plain()
    assert tarfile.is_tarfile(io.BytesIO(data))


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=11, max_value=9000),
       noise=st.binary(min_size=1, max_size=64),
       name=st.sampled_from(["custom.dump", "custom_z0.dump", "custom_pipe_blobs.dump",
                             "custom_inserts.dump", "tardump.tar"]),
       truncate=st.booleans())
def test_any_damage_to_an_archive_is_a_value_error(cut: int, noise: bytes, name: str,
                                                   truncate: bool) -> None:
    # Bytes changed anywhere after the header's first bytes, or the archive cut there:
    # records, or ValueError.
    data = bytearray((ARCHIVES / name).read_bytes())
    cut = min(cut, len(data) - 1)
    if truncate:
        del data[cut:]
    else:
        data[cut:cut + len(noise)] = noise
    try:
        for table, records in pgarchive.tables(io.BytesIO(bytes(data))):
            assert isinstance(table, str)
            for record in records:
                assert isinstance(record, dict)
    except ValueError:
        pass


# -- pg_dump on this machine ------------------------------------------------------------------

PG_DUMP = shutil.which("pg_dump")


@pytest.fixture
def postgres_table():
    psycopg = pytest.importorskip("psycopg")
    if PG_DUMP is None:
        if os.environ.get("DERBES_REQUIRE_SERVICES"):
            pytest.fail("pg_dump is not installed")
        pytest.skip("pg_dump is not installed")
    try:
        conn = psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                               autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as e:
        if os.environ.get("DERBES_REQUIRE_SERVICES"):
            raise
        pytest.skip(f"PostgreSQL is not running: {e}")
    schema = "derbes_pgarchive"
    with conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"CREATE TABLE {schema}.clients (id int, iin text, email text, "
                     "created_at timestamptz)")
        conn.execute(
            f"INSERT INTO {schema}.clients SELECT g, %s, 'client' || g || '@example.kz', "
            "timestamptz '2015-03-01' + g * interval '1 day' FROM generate_series(1, 3000) g",
            (IIN,))
        yield schema
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.mark.parametrize("options", [["-Fc"], ["-Fc", "-Z0"], ["-Fd", "-j", "2"], ["-Ft"]])
def test_an_archive_pg_dump_writes_here_is_scanned_with_its_rows_age(
        tmp_path: Path, postgres_table: str, options: list[str]) -> None:
    out = tmp_path / "backup"
    subprocess.run([PG_DUMP, "-h", "127.0.0.1", "-U", "postgres", "-n", postgres_table,
                    *options, "-f", str(out), "test"], check=True, timeout=60)
    result = scan([open_source(str(out if out.is_file() else out / "toc.dat"),
                               sample_rows=500, seed=1)], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    found = {(f.field, f.entity): f for f in result.findings}
    iin = found[(f"{postgres_table}.clients.iin", "KZ_IIN")]
    assert iin.hits == 500 and iin.rows_scanned == 500  # sampled from 3,000 rows
    assert found[(f"{postgres_table}.clients.email", "EMAIL_ADDRESS")].hits == 500
    # The rows' age, as a database table's: the oldest of the sampled created_at values.
    (container,) = result.containers
    assert container.age_column == f"{postgres_table}.clients.created_at", container
    assert container.age_method == "sample"
    assert (container.oldest_timestamp or "").startswith("2015-0"), container


def test_a_damaged_length_is_an_error_not_a_read_of_gigabytes() -> None:
    data = bytearray((ARCHIVES / "custom_z0.dump").read_bytes())
    reader = pgarchive._Reader(io.BytesIO(bytes(data)))
    reader.header()
    at = reader.f.tell() + 3 * 5  # the TOC's count, an entry's id and has-data flag: then
    data[at:at + 5] = b"\x00\xff\xff\xff\x7f"  # its table OID's length, made 2 GiB
    with pytest.raises(ValueError, match="damaged"):
        list(pgarchive.tables(io.BytesIO(bytes(data))))


def test_records_left_unread_do_not_lose_the_next_table() -> None:
    # A reader may stop reading a table's records early: the archive is read on to the
    # end of that table's data before the next table.
    with (ARCHIVES / "custom_pipe_blobs.dump").open("rb") as f:
        tables = [table for table, _ in pgarchive.tables(f)]
    assert tables == ["dumpdemo.Clients", "dumpdemo.orders", "pg_largeobject"]
