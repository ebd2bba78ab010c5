"""Helpers of the SqlSource tests (SQLite, PostgreSQL, MariaDB/MySQL): read what a source yields.

Imported by name (``tests/`` is on ``sys.path`` through ``tests/conftest.py``), unlike conftest
modules.
"""

from __future__ import annotations

import gzip
import os
import secrets
import threading
import traceback
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from derbes.scanner.sources.base import ContainerDone, ValueBatch

if TYPE_CHECKING:  # tests/conftest.py imports this module: keep SQLAlchemy out of it
    from derbes.scanner.sources.sql import SqlSource


def unique_name(prefix: str) -> str:
    """A name no other test run uses at the same time: ``prefix_<pid>_<random>``."""
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"


def read_table(src: SqlSource, name: str) -> tuple[dict[str, list[tuple[int, str]]], ContainerDone]:
    """Every (row, value) per field of one container, and its ContainerDone."""
    container = next(c for c in src.containers() if c.name == name)
    fields: dict[str, list[tuple[int, str]]] = defaultdict(list)
    batches = list(src.read(container))
    for batch in batches[:-1]:
        assert isinstance(batch, ValueBatch)
        fields[batch.field].extend(zip(batch.rows, batch.values, strict=True))
    assert isinstance(batches[-1], ContainerDone)
    return dict(fields), batches[-1]


def read_ids(src: SqlSource, name: str) -> list[int]:
    """The ``id`` column of one container, in the order the source yields it."""
    fields, _ = read_table(src, name)
    return [int(v) for _, v in fields["id"]]


def read_in_threads(src: SqlSource, names: Sequence[str]) -> dict[str, int]:
    """Read each named container in a thread of its own, all at once: rows scanned per name."""
    containers = {c.name: c for c in src.containers()}
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            results[name] = list(src.read(containers[name]))[-1].rows_scanned
        except BaseException as e:  # collected and asserted on in the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    return results


def assert_no_secret(error: BaseException, secret: str) -> None:
    """The secret is in neither the message, the repr nor the formatted exception."""
    assert secret not in str(error)
    assert secret not in repr(error)
    assert secret not in "".join(traceback.format_exception_only(error))


# -- binary columns ---------------------------------------------------------------------------

#: A Java-serialized ``HashMap`` of one entry, ``email`` -> ``user@example.com``, as
#: ``ObjectOutputStream`` writes it (what Spring Session keeps in ``attribute_bytes``): the
#: strings sit between binary headers, each after a two-byte length.
JAVA_MAP = (
    b"\xac\xed\x00\x05sr\x00\x11java.util.HashMap\x05\x07\xda\xc1\xc3\x16`\xd1\x03\x00\x02F"
    b"\x00\nloadFactorI\x00\tthresholdxp?@\x00\x00\x00\x00\x00\x0cw\x08\x00\x00\x00\x10\x00"
    b"\x00\x00\x01t\x00\x05emailt\x00\x10user@example.comx"
)
#: ``(id, value)`` of a table's binary column ``data``: what each holds is checked by
#: :func:`assert_binary_read`, the same for every dialect.
BINARY_ROWS = [
    (1, b'{"contact": {"iin": "870412300123", "email": "a@example.kz"}}'),  # a JSON payload
    (2, "Клиент Иванов, ИИН 870412300123".encode("cp1251")),  # a legacy application's text
    (3, JAVA_MAP),
    (4, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))),  # an image: not read
    (5, bytes(range(16))),  # no text in it
    (6, b"870412300123 " + bytes(70_000)),  # longer than the 64 KiB read: its opening read
    (7, b""),
    # A payload compressed before it was stored (RFC 1952 gzip, by Python's zlib).
    (8, gzip.compress(b'{"client": {"passport": "N12345678", "email": "g@example.kz"}}')),
]


def assert_binary_read(fields: dict[str, list[tuple[int, str]]], done: ContainerDone) -> None:
    """What SqlSource read of :data:`BINARY_ROWS` (column ``data``, rows in ``id`` order)."""
    assert fields["data.contact.iin"] == [(1, "870412300123")]
    assert fields["data.contact.email"] == [(1, "a@example.kz")]
    assert fields["data.client.email"] == [(8, "g@example.kz")]  # decompressed
    data = dict(fields["data"])
    assert set(data) == {2, 3, 6}, data
    assert data[2] == "Клиент Иванов, ИИН 870412300123"
    assert data[3].endswith("; email; user@example.com"), data[3]
    assert data[6] == "870412300123"
    assert "data" not in done.skipped_fields
    notes = set(done.notes)
    assert "binary values holding no text: data (1)" in notes, notes
    assert "images, PDF and ZIP archives not read: data (1)" in notes, notes
    assert ("binary values of more than 64 KiB (decompressed), their first 64 KiB read: "
            "data (1)") in notes, notes


def assert_binary_openings(src: SqlSource, table: str, schema: str | None = None) -> None:
    """What of :data:`BINARY_ROWS` the server sends: an image's first ``MEDIA_HEAD`` bytes,
    a long value's first ``PREFIX`` and one more, a short value whole."""
    import sqlalchemy as sa

    from derbes.scanner.sources.binary import MEDIA_HEAD, PREFIX
    from derbes.scanner.sources.sql.source import _binary_opening

    opening = _binary_opening(sa.column("data"), src._family)
    query = sa.select(sa.column("id"), opening).select_from(sa.table(table, schema=schema))
    with src._engine.connect() as conn:
        sent = {row[0]: len(row[1] or b"") for row in conn.execute(query)
                if row[0] <= len(BINARY_ROWS)}
    assert sent == {
        1: len(BINARY_ROWS[0][1]), 2: len(BINARY_ROWS[1][1]), 3: len(JAVA_MAP),
        4: MEDIA_HEAD, 5: 16, 6: PREFIX + 1, 7: 0, 8: len(BINARY_ROWS[7][1]),
    }, sent
