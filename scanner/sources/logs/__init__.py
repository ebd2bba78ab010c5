"""Log files as a source: discovery and encodings are shared (``sources.discovery``,
``sources.encoding``); here decompression, line batching and the source itself."""

from derbes.scanner.sources.logs.source import STDIN, LogSource

__all__ = ["STDIN", "LogSource"]
