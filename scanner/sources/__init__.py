"""Sources: databases, log files, table files. :func:`open_source` picks one by its spec.

The spec's shape decides, as pdscan does by URL scheme:

* ``scheme://...`` is a database URL (``postgresql://``, ``mysql+pymysql://``, ``sqlite:///``);
* ``-`` is stdin, read as a log;
* a file, directory or glob whose files all end in ``.parquet``/``.orc``/``.avro``/``.csv``
  (and the other endings of ``discovery.table_format``) is read as tables;
* anything else is read as logs, with the tables among them read as tables
  (:class:`~derbes.scanner.sources.folder.FolderSource`: told by their names or first bytes,
  Hive's extensionless files and JSON arrays too).
"""

from __future__ import annotations

import inspect
from typing import Any

from derbes.detectors.lazy import lazy_exports
from derbes.scanner.errors import ConfigError, SourceError
from derbes.scanner.sources.base import (
    Batch,
    Column,
    Container,
    ContainerDone,
    LineBatch,
    RangeReadable,
    Source,
    ValueBatch,
)
from derbes.scanner.sources.discovery import NothingMatched, find_files
from derbes.scanner.sources.logs import LogSource
from derbes.scanner.sources.remote import find_remote, is_remote

__all__ = [
    "DB_SCHEMES",
    "Batch",
    "Column",
    "Container",
    "ContainerDone",
    "LineBatch",
    "LogSource",
    "RangeReadable",
    "Source",
    "TabularSource",
    "ValueBatch",
    "check_scheme",
    "open_source",
]

#: URL schemes of the database sources.
DB_SCHEMES = (
    "postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2",
    "mysql", "mysql+pymysql", "mariadb", "mariadb+pymysql", "sqlite",
)

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


# TabularSource needs pyarrow (~50 MB); a log scan should not pay for it.
__getattr__ = lazy_exports(__name__, {"TabularSource": "tabular"})


def open_source(spec: str, **options: Any) -> Source:
    """The source ``spec`` names, given the options it accepts; the others are ignored.

    >>> open_source("/var/log/app", include=["*.log*"], sample_rows=500)  # doctest: +SKIP
    <FolderSource ...>

    Raises ``ConfigError`` for an option no source knows (or a value it refuses), and
    ``SourceError`` for a path that does not exist or a URL whose scheme is no database
    derbes scans.
    """
    from derbes.scanner.sources.folder import FolderSource
    from derbes.scanner.sources.tabular import TabularSource, is_tabular

    known = _SQL_OPTIONS | _keywords(FolderSource) | _keywords(TabularSource)

    unknown = sorted(set(options) - known)
    if unknown:
        raise ConfigError(f"open_source() got unknown options: {', '.join(unknown)}")
    if is_remote(spec):  # s3://, gs://...: files on shared storage
        found, _ = find_remote(spec, options.get("include", ()), options.get("exclude", ()))
        cls: type = TabularSource if all(is_tabular(u) for u, _ in found) else FolderSource
    elif "://" in spec:
        check_scheme(spec)
        # Imported here: the database drivers are not needed to scan files.
        from derbes.scanner.sources.sql import SqlSource

        cls = SqlSource
    elif spec == "-":
        cls = LogSource
    else:
        try:
            files, _ = find_files(spec, options.get("include", ()), options.get("exclude", ()))
        except NothingMatched:
            files = []  # an empty source: it lists no container, and the scan says so
        cls = TabularSource if files and all(is_tabular(f) for f in files) else FolderSource
    accepted = _keywords(cls)
    return cls(spec, **{k: v for k, v in options.items() if k in accepted})


def check_scheme(url: str) -> None:
    """Raise ``SourceError`` naming the supported schemes (and the nearest one, for a typo)
    when ``url``'s scheme is not a database derbes scans."""
    import difflib

    from derbes.scanner.urls import mask_url

    scheme = url.split("://", 1)[0].lower()
    if scheme in DB_SCHEMES:
        return
    bases = list(dict.fromkeys(s.split("+")[0] for s in DB_SCHEMES))
    near = difflib.get_close_matches(scheme.split("+")[0], bases, n=1, cutoff=0.7)
    hint = f" (did you mean {near[0]}://?)" if near else ""
    raise SourceError(mask_url(url), f"unsupported URL scheme '{scheme}'{hint}; derbes scans "
                      f"{', '.join(DB_SCHEMES)}; files and folders are given by their path, or "
                      "by an object store URL (s3://, gs://)")


def _keywords(cls: type) -> frozenset[str]:
    params = inspect.signature(cls).parameters.values()
    return frozenset(p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY)
