"""The tables of a database dump: ``pg_dump`` and ``mysqldump`` (MariaDB's too) plain SQL.

A dump lying on a share or in a bucket is a whole database at rest. Read as a log, its rows
are lines without names: ``COPY`` rows are tab-separated values, an extended ``INSERT`` is one
line of a thousand tuples. Read here, each table's rows are records under its columns'
names (``public.clients.iin``), as a table's are:

* ``COPY table (columns) FROM stdin;`` and its rows up to ``\\.``: tab-separated, ``\\N`` for
  NULL, backslash escapes (PostgreSQL's text format);
* ``INSERT INTO table [(columns)] VALUES (...), (...);``: the columns from the statement,
  else from the table's ``CREATE TABLE`` above it; strings in quotes (``''`` and, in
  MySQL's dumps, backslash escapes), numbers, ``NULL``, ``_binary '...'`` and ``0x...``.

Binary values (``0x...``, PostgreSQL's ``\\x...`` text of a ``bytea``) come as bytes, for
the caller to read as a binary column's values are (``sources.binary``).

A file is a dump when its first 4 KiB (decompressed: ``.sql.gz`` and the like) carry the
header ``pg_dump`` or ``mysqldump`` write (:func:`is_sql_dump`). A statement that cannot be
parsed is not lost: its text is given as a record of the table's field ``(statement)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from derbes.scanner.sources.decompress import (
    Fault,
    Prefixed,
    byte_lines,
    compression,
    decompressor,
    read_blocks,
)

#: Decompressed bytes looked at to tell a dump.
SNIFF = 4096
#: The header pg_dump and mysqldump (MariaDB's too) write, at a line's start.
_HEADER = re.compile(rb"(?m)^-- (?:PostgreSQL database|MySQL|MariaDB) dump\b")
#: A statement longer than this is given as text, not parsed (mysqldump's lines are about 1 MB).
MAX_STATEMENT = 64 << 20

_COPY = re.compile(r"COPY\s+(\S+)\s*\(([^)]*)\)\s+FROM\s+stdin;", re.IGNORECASE)
_CREATE = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\S+)\s*\(\s*$", re.IGNORECASE)
_INSERT = re.compile(
    r"INSERT\s+(?:IGNORE\s+)?INTO\s+(\S+)\s*(?:\(([^)]*)\)\s*)?VALUES\s*", re.IGNORECASE)
#: Lines of a CREATE TABLE that name no column.
_NOT_COLUMN = re.compile(
    r"(?:CONSTRAINT|PRIMARY|UNIQUE|KEY|INDEX|FOREIGN|CHECK|FULLTEXT|SPATIAL|EXCLUDE|PERIOD)\b",
    re.IGNORECASE)
#: A column's name at the start of its line in a CREATE TABLE: quoted (`` ` ``, ``"``,
#: ``[]``, with what the quotes hold) or a bare word.
_COLUMN_NAME = re.compile(r'`([^`]+)`|"([^"]+)"|\[([^\]]+)\]|([^\s,()`"\[]+)')
#: One value of a VALUES tuple, and what follows it (``,`` or ``)``).
_VALUE = re.compile(
    r"""\s*(?:_binary\s*|[EeNn])?'((?:[^'\\]|\\.|'')*)'"""  # a string
    r"""|\s*(NULL)\b"""
    r"""|\s*(0x[0-9A-Fa-f]*|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"""  # hex, a number
    r"""|\s*(TRUE|FALSE)\b""", re.IGNORECASE)
_PG_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))")
_MY_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "0": "\0",
            "Z": "\x1a"}


def is_sql_dump(head: bytes) -> bool:
    """Whether a file's first bytes (decompressed) are those of a pg_dump or mysqldump dump:
    its header comment at a line's start (MariaDB's first line is a sandbox comment)."""
    return _HEADER.search(head[:SNIFF]) is not None


def head(f: IO[bytes]) -> bytes:
    """The first :data:`SNIFF` bytes of ``f``'s content, decompressed if it is compressed."""
    start = f.read(SNIFF)
    kind = compression(start)
    if kind is None:
        return start
    try:
        out = b""
        for block in read_blocks(decompressor(Prefixed(start, f, None), kind), kind):
            out += block
            if len(out) >= SNIFF:
                break
        return out
    except Fault:
        return b""


def tables(f: IO[bytes]) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """``(table, its records)`` in the order of the dump, a table once for each run of its
    rows (a dump writes a table's rows together). A record maps ``column`` to a value
    (``str``, or None for NULL); read its records before asking for the next table."""
    return statement_tables(_lines(f))


def statement_tables(text_lines: Iterator[str], flavour: str = "mysql"
                     ) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """:func:`tables` of a dump's text lines (without their ends). ``flavour``: whose
    escapes the strings use (``mysql``, ``postgresql``) until a pg_dump header says."""
    columns: dict[str, list[str]] = {}
    lines = _Pushback(text_lines)
    for line in lines:
        if line.startswith("-- PostgreSQL database dump"):
            flavour = "postgresql"
        create = _CREATE.match(line)
        if create:
            columns[_name(create.group(1))] = _create_columns(lines)
            continue
        copy = copy_header(line)
        if copy:
            yield copy[0], copy_rows(lines, copy[1])
            continue
        insert = _INSERT.match(line)
        if insert:
            table = _name(insert.group(1))
            names = ([_name(c) for c in insert.group(2).split(",")] if insert.group(2)
                     else columns.get(table, []))
            statements = _statements(line, lines, table)
            yield table, _insert_rows(statements, names, flavour)


def _lines(f: IO[bytes]) -> Iterator[str]:
    """The text lines of ``f``'s content (decompressed), without their ends. Raises
    ``ValueError`` where a compressed stream is cut short or corrupt."""
    start = f.read(SNIFF)
    kind = compression(start)
    blocks = read_blocks(decompressor(Prefixed(start, f, None), kind), kind)
    try:
        for line in byte_lines(blocks):
            yield line.decode("utf-8", "replace").rstrip("\r")
    except Fault as e:  # a compressed dump cut short: the rows before it are good
        raise ValueError(str(e)) from e


def _name(text: str) -> str:
    """An identifier as written, without its quotes: ``public."Clients"`` is
    ``public.Clients``, `` `crm`.`users` `` is ``crm.users``."""
    return ".".join(part.strip().strip('`"[]') for part in text.strip().split("."))


def _create_columns(lines: _Pushback) -> list[str]:
    """The column names of a CREATE TABLE, up to its closing line; a statement met first (a
    CREATE TABLE never closed) is given back to be read as one."""
    names = []
    for line in lines:
        text = line.strip()
        if text.startswith(")"):
            break
        if _INSERT.match(line) or _COPY.match(line) or _CREATE.match(line):
            lines.push(line)
            break
        if not text or text.startswith("--") or _NOT_COLUMN.match(text):
            continue
        name = _COLUMN_NAME.match(text)
        if name is not None:
            names.append(next(g for g in name.groups() if g is not None))
    return names


def copy_header(line: str) -> tuple[str, list[str]] | None:
    """The table and the columns of ``COPY table (columns) FROM stdin;``, or None."""
    copy = _COPY.match(line)
    if copy is None:
        return None
    return _name(copy.group(1)), [_name(c) for c in copy.group(2).split(",")]


def copy_rows(lines: Iterator[str], names: list[str]) -> Iterator[dict[str, Any]]:
    """The records of ``COPY`` rows (PostgreSQL's text format), up to ``\\.`` or the end."""
    for line in lines:
        if line == "\\.":
            return
        yield {name: None if cell == "\\N" else _bytea(_pg_text(cell))
               for name, cell in zip(names, line.split("\t"), strict=False)}


def _pg_text(cell: str) -> str:
    if "\\" not in cell:
        return cell

    def one(m: re.Match) -> str:
        if m.group(1):
            return chr(int(m.group(1), 8))
        if m.group(2):
            return chr(int(m.group(2), 16))
        c = m.group(3)
        return _ESCAPES.get(c, c)

    return _PG_ESCAPE.sub(one, cell)


class _Pushback:
    """Lines, one of which can be given back to be read again."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._back: list[str] = []

    def __iter__(self) -> _Pushback:
        return self

    def __next__(self) -> str:
        return self._back.pop() if self._back else next(self._lines)

    def push(self, line: str) -> None:
        self._back.append(line)


def _statements(first: str, lines: _Pushback, table: str) -> Iterator[str]:
    """The VALUES part of the INSERT on ``first``, and of those of the same table right
    after it (mysqldump writes a table's rows as consecutive extended INSERTs); a statement
    goes on over lines until one ends with ``;``."""
    statement = first
    while True:
        while not statement.rstrip().endswith(";") and len(statement) < MAX_STATEMENT:
            more = next(lines, None)
            if more is None:
                break
            statement += "\n" + more
        match = _INSERT.match(statement)
        yield statement[match.end():] if match else statement
        following = next(lines, None)
        if following is None:
            return
        match = _INSERT.match(following)
        if not match or _name(match.group(1)) != table:
            lines.push(following)  # another statement: the caller's to read
            return
        statement = following


def _insert_rows(statements: Iterator[str], names: list[str], flavour: str
                 ) -> Iterator[dict[str, Any]]:
    for values in statements:
        rows = _tuples(values, flavour)
        if rows is None:  # not parsed: the statement's text, so that nothing is lost
            yield {"(statement)": values}
            continue
        for row in rows:
            yield {(names[i] if i < len(names) else f"column{i + 1}"): value
                   for i, value in enumerate(row)}


def _tuples(text: str, flavour: str) -> list[list[Any]] | None:
    """The tuples of ``(...), (...);``, or None where the text is not that."""
    out: list[list[Any]] = []
    at, n = 0, len(text)
    while True:
        while at < n and text[at] in " \t\r\n,":
            at += 1
        if at >= n or text[at] == ";":
            return out
        if text[at] != "(":
            return None
        at += 1
        row: list[Any] = []
        while True:
            m = _VALUE.match(text, at)
            if m is None:
                return None
            string, null, number, boolean = m.groups()
            if string is not None:
                row.append(_my_text(string) if flavour == "mysql"
                           else _bytea(string.replace("''", "'")))
            elif null is not None:
                row.append(None)
            elif number is not None and number[:2].lower() == "0x":
                row.append(bytes.fromhex(number[2:]) if len(number) % 2 == 0 else number)
            else:
                row.append(number if number is not None else boolean)
            at = m.end()
            while at < n and text[at] in " \t\r\n":
                at += 1
            if at < n and text[at] == ",":
                at += 1
                continue
            if at < n and text[at] == ")":
                at += 1
                out.append(row)
                break
            return None


_HEX_BYTEA = re.compile(r"\\x(?:[0-9A-Fa-f]{2})*")


def _bytea(text: str) -> str | bytes:
    """PostgreSQL's text form of a ``bytea`` (``\\x`` and hex digits) as its bytes, which
    are read as a binary column's are; any other text as it is."""
    if text.startswith("\\x") and _HEX_BYTEA.fullmatch(text):
        return bytes.fromhex(text[2:])
    return text


def _my_text(text: str) -> str:
    text = text.replace("''", "'")
    if "\\" not in text:
        return text
    return _MY_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)
