"""Sources: databases, log files, Parquet/CSV files. :func:`open_source` picks one by its spec.

The spec's shape decides, as pdscan does by URL scheme:

* ``scheme://...`` is a database URL (``postgresql://``, ``mysql+pymysql://``, ``sqlite:///``);
* ``-`` is stdin, read as a log;
* a file, directory or glob whose files all end in ``.parquet``/``.csv``/``.csv.gz`` (and the
  other endings of :mod:`~derbes.scanner.sources.tabular`) is read as tables;
* anything else is read as logs. In a directory that mixes logs and tables, CSV files are then
  scanned as lines of text, and Parquet files are skipped as binary with a note; give the
  tables their own source (``--include '*.parquet'``) to scan them column by column.
"""

from __future__ import annotations

import inspect
from typing import Any

from derbes.scanner.sources.base import (
    Batch,
    Column,
    Container,
    ContainerDone,
    LineBatch,
    Source,
    ValueBatch,
)
from derbes.scanner.sources.logs import LogSource, find_files

__all__ = [
    "Batch",
    "Column",
    "Container",
    "ContainerDone",
    "LineBatch",
    "LogSource",
    "Source",
    "TabularSource",
    "ValueBatch",
    "open_source",
]

#: The options of ``SqlSource``, so that a misspelt option is caught without importing it.
_SQL_OPTIONS = frozenset(
    {
        "name",
        "include",
        "exclude",
        "include_columns",
        "exclude_columns",
        "sample_rows",
        "seed",
        "statement_timeout_s",
        "connections",
        "max_rows_per_second",
    }
)


def __getattr__(name: str) -> Any:
    # TabularSource needs pyarrow (~50 MB); a log scan should not pay for it.
    if name == "TabularSource":
        from derbes.scanner.sources.tabular import TabularSource

        return TabularSource
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_source(spec: str, **options: Any) -> Source:
    """The source ``spec`` names, given the options it accepts; the others are ignored.

    >>> open_source("/var/log/app", include=["*.log*"], sample_rows=500)  # doctest: +SKIP
    <LogSource ...>

    Raises ``TypeError`` for an option no source knows, and ``SourceError`` for a path that
    matches no file.
    """
    from derbes.scanner.sources.tabular import TabularSource, is_tabular

    known = _SQL_OPTIONS | _keywords(LogSource) | _keywords(TabularSource)
    unknown = sorted(set(options) - known)
    if unknown:
        raise TypeError(f"open_source() got unknown options: {', '.join(unknown)}")
    if "://" in spec:
        # Imported here: the database drivers are not needed to scan files.
        from derbes.scanner.sources.sql import SqlSource

        cls: type = SqlSource
    elif spec == "-":
        cls = LogSource
    else:
        files, _ = find_files(spec, options.get("include", ()), options.get("exclude", ()))
        cls = TabularSource if all(is_tabular(f) for f in files) else LogSource
    accepted = _keywords(cls)
    return cls(spec, **{k: v for k, v in options.items() if k in accepted})


def _keywords(cls: type) -> frozenset[str]:
    params = inspect.signature(cls).parameters.values()
    return frozenset(p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY)
