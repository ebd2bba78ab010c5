"""Database dumps read as tables (``derbes.scanner.sources.dumps``), on dumps as pg_dump and
mysqldump wrote them (``tests/data/dumps``, see its README)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.sources import dumps, open_source
from derbes.scanner.sources.folder import FolderSource

DUMPS = Path(__file__).resolve().parent.parent / "data" / "dumps"
IIN = "860904350504"

CLIENTS = [
    {"id": "1", "full_name": "Серикова Айгуль", "iin": IIN, "email": "a.serikova@example.kz",
     "note": "line one\nline\ttwo \\ back", "payload": '{"phone": "+7 701 123 45 67"}',
     "avatar": b"\x00\xff"},
    {"id": "2", "full_name": "O'Brien John", "iin": None, "email": "john@example.kz",
     "note": "it's", "payload": None, "avatar": None},
    {"id": "3", "full_name": "Иванов Иван", "iin": IIN, "email": None, "note": "",
     "payload": "{}", "avatar": "ИИН 860904350504".encode()},
]
ORDERS = [{"id": "10", "client_id": "1", "total": "12.50"},
          {"id": "11", "client_id": "2", "total": "7.00"}]


def _tables(name: str) -> list[tuple[str, list[dict]]]:
    with (DUMPS / name).open("rb") as f:
        return [(table, list(records)) for table, records in dumps.tables(f)]


@pytest.mark.parametrize("name", [
    "pg_dump_copy.sql", "pg_dump_inserts.sql", "pg_dump_column_inserts.sql"])
def test_pg_dump_tables_and_rows(name: str) -> None:
    # COPY's text format (\N, backslash escapes, bytea as \x...) and INSERTs with and without
    # their column lists (then the CREATE TABLE's) give the same records.
    assert _tables(name) == [("dumpdemo.Clients", CLIENTS), ("dumpdemo.orders", ORDERS)]


def test_mysqldump_tables_and_rows() -> None:
    clients = [dict(row) for row in CLIENTS]
    for row in clients:
        if row["note"] == "it's":
            row["note"] = "it's; ok"  # the MariaDB table's note (a ; inside a string)
    hex_blob = _tables("mariadb_dump_hex_blob.sql")
    assert hex_blob == [("dump_clients", clients)]
    plain = _tables("mariadb_dump.sql")
    # Without --hex-blob a BLOB is written as raw bytes in a string: text when it was text.
    clients[0]["avatar"] = "\x00\ufffd"
    clients[2]["avatar"] = "ИИН 860904350504"
    assert plain == [("dump_clients", clients), ("dump_orders", ORDERS)]


@pytest.mark.parametrize("name", sorted(p.name for p in DUMPS.glob("*.sql")))
def test_dumps_are_told_by_their_header_compressed_or_not(name: str) -> None:
    data = (DUMPS / name).read_bytes()
    assert dumps.is_sql_dump(dumps.head(io.BytesIO(data)))
    assert dumps.is_sql_dump(dumps.head(io.BytesIO(gzip.compress(data))))


@pytest.mark.parametrize("text", [
    b"CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n",  # a migration: no dump
    b"2026-12-01 10:00:00 INFO -- MySQL dump started\n",  # a log that names one
])
def test_what_no_tool_dumped_is_no_dump(text: bytes) -> None:
    assert not dumps.is_sql_dump(text)


def test_a_statement_that_cannot_be_parsed_is_given_as_text() -> None:
    dump = (b"-- MySQL dump 10.13\nCREATE TABLE `t` (\n  `id` int,\n  `email` text\n);\n"
            b"INSERT INTO `t` VALUES (1,'a@example.kz'),(2, POINT(1,2));\n"
            b"INSERT INTO `u` VALUES (1,'b@example.kz');\n")
    got = [(table, list(records)) for table, records in dumps.tables(io.BytesIO(dump))]
    assert got == [
        ("t", [{"(statement)": "(1,'a@example.kz'),(2, POINT(1,2));"}]),
        ("u", [{"column1": "1", "column2": "b@example.kz"}]),
    ]


def test_a_create_table_never_closed_loses_no_row() -> None:
    # Found by the property test below: an unclosed CREATE TABLE took the lines after it.
    dump = (b"-- MySQL dump 10.13\nCREATE TABLE `t` (\n  `email` text,\n\"\n"
            b"INSERT INTO `t` VALUES ('a@example.kz');\n")
    got = [(table, list(records)) for table, records in dumps.tables(io.BytesIO(dump))]
    assert got == [("t", [{"email": "a@example.kz"}])]


def test_a_dump_in_a_folder_is_read_as_its_tables(tmp_path: Path) -> None:
    (tmp_path / "crm.sql.gz").write_bytes(
        gzip.compress((DUMPS / "mariadb_dump_hex_blob.sql").read_bytes()))
    (tmp_path / "migration.sql").write_text("INSERT INTO t VALUES ('ops@example.kz');\n")
    (tmp_path / "app.log").write_text("login ok\n")
    source = open_source(str(tmp_path))
    assert isinstance(source, FolderSource)
    formats = {Path(c.name).name: c.meta.get("format") for c in source.containers()}
    assert formats == {"crm.sql.gz": "sqldump", "migration.sql": None, "app.log": None}
    result = scan([source], ScanOptions(jobs=1))
    found = {(Path(f.container).name, f.field, f.entity): f.hits for f in result.findings}
    assert found[("crm.sql.gz", "dump_clients.iin", "KZ_IIN")] == 2
    assert found[("crm.sql.gz", "dump_clients.email", "EMAIL_ADDRESS")] == 2
    assert found[("crm.sql.gz", "dump_clients.payload.phone", "PHONE_NUMBER")] == 1
    assert found[("crm.sql.gz", "dump_clients.avatar", "KZ_IIN")] == 1  # a BLOB's text
    assert found[("migration.sql", None, "EMAIL_ADDRESS")] == 1  # no dump: read as a log


def test_a_dump_is_sampled_table_by_table(tmp_path: Path) -> None:
    rows = "\n".join(f"{i}\tclient{i}@example.kz" for i in range(1, 3001))
    (tmp_path / "big.sql").write_text(
        "--\n-- PostgreSQL database dump\n--\n"
        f"COPY public.a (id, email) FROM stdin;\n{rows}\n\\.\n"
        "COPY public.b (id, email) FROM stdin;\n1\tb@example.kz\n\\.\n")
    src = FolderSource(str(tmp_path), sample_rows=100, seed=3)
    (container,) = src.containers()
    batches = list(src.read(container))
    done = batches[-1]
    fields = {b.field: dict(zip(b.rows, b.values, strict=True)) for b in batches[:-1]}
    assert len(fields["public.a.email"]) == 100
    assert all(v == f"client{r}@example.kz" for r, v in fields["public.a.email"].items())
    assert fields["public.b.email"] == {1: "b@example.kz"}
    assert done.rows_scanned == 101 and done.sampled
    assert "sampled 101 of 3001 rows" in done.notes


SQLISH = st.lists(st.one_of(
    st.sampled_from([
        "INSERT INTO `t` VALUES (1,'a'),(2,'b');", "INSERT INTO t (a, b) VALUES (1, 'x''y');",
        "INSERT INTO `t` VALUES", "(1,'a\\'b',NULL,0x41,-1.5e3),", "(2,_binary 'x');",
        "COPY public.t (a, b) FROM stdin;", "1\t\\N", "2\tx\\ty\\\\", "\\.",
        "CREATE TABLE `t` (", "  `a` int,", "  PRIMARY KEY (`a`)", ");", "", "--", ";",
    ]),
    st.text(max_size=40)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(lines=SQLISH,
       flavour=st.sampled_from(["-- MySQL dump 10.13", "-- PostgreSQL database dump"]))
def test_any_dump_text_is_read_without_an_error(lines: list[str], flavour: str) -> None:
    # Statements cut anywhere, strings left open, COPY blocks never closed: records or
    # statements given as text, never an exception.
    text = "\n".join([flavour, *lines]).encode()
    for table, found in dumps.tables(io.BytesIO(text)):
        assert isinstance(table, str)
        for record in found:
            assert isinstance(record, dict)


def test_a_compressed_dump_cut_short_is_an_error_naming_it(tmp_path: Path) -> None:
    rows = "\n".join(f"{i}\tclient{i}@example.kz" for i in range(1, 20001))
    whole = gzip.compress(("--\n-- PostgreSQL database dump\n--\n"
                           f"COPY public.a (id, email) FROM stdin;\n{rows}\n\\.\n").encode())
    (tmp_path / "cut.sql.gz").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "app.log").write_text("login by ops@example.kz\n")
    result = scan([open_source(str(tmp_path), sample_rows=0)], ScanOptions(jobs=1))
    (summary,) = result.sources
    assert summary.status == "partial"
    (error,) = summary.errors
    assert error.startswith(str(tmp_path / "cut.sql.gz")) and "gzip" in error, error
    found = {(Path(f.container).name, f.field): f.hits for f in result.findings}
    assert found[("cut.sql.gz", "public.a.email")] > 1000  # the rows before the cut
    assert ("app.log", None) in found
