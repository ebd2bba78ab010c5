"""Helpers of the SqlSource tests (SQLite, PostgreSQL, MariaDB/MySQL): read what a source yields.

Imported by name (``tests/`` is on ``sys.path`` through ``tests/conftest.py``), unlike conftest
modules.
"""

from __future__ import annotations

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
