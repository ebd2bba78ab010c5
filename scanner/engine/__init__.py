"""The scan engine: sources in, an inventory of personal data out.

``scan`` (orchestration over sources and containers) runs a ``ContainerScanner`` (the
per-container loop) over each container's batches, in threads for tables or in worker
processes for logs (``parallel``); ``thresholds`` decides which aggregates become findings;
``detect`` and ``fastpath`` find the values; ``timestamps`` reads log times for retention.
"""

from derbes.scanner.engine.options import Progress, ScanOptions
from derbes.scanner.engine.scan import scan

__all__ = ["Progress", "ScanOptions", "scan"]
