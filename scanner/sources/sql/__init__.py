"""SQL databases as a source: URLs, per-dialect sessions, the catalog, values, throttling,
and :class:`SqlSource` over them."""

from derbes.scanner.sources.sql.source import BATCH_ROWS, SqlSource
from derbes.scanner.sources.sql.urls import display_name

__all__ = ["BATCH_ROWS", "SqlSource", "display_name"]
