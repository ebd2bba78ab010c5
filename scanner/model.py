"""Findings: the typed, immutable records a scan produces, and their versioned schema.

A :class:`Hit` is one detected value; a :class:`Finding` is one inventory row, the hits of one
entity in one field of one container of one source, aggregated. Reports are pure functions of
a :class:`ScanResult`. The Parquet schemas built from these records are documented in
``docs/schema.md`` and carry ``SCHEMA_VERSION`` in their metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = "2"

#: How a finding was established: by values, by the field's name, or both.
MATCH_VALUE = "value"
MATCH_NAME = "name"
MATCH_BOTH = "value+name"

#: What a review said of a finding (:attr:`Finding.status`).
STATUS_OPEN = "open"
STATUS_ACCEPTED = "accepted"
STATUS_ALLOWED = "allowed"


@dataclass(frozen=True, slots=True)
class Hit:
    """One detected value. ``value`` is ``None`` unless the user asked for raw values."""

    source: str
    container: str
    field: str | None
    row: int
    start: int
    end: int
    entity: str
    score: float
    masked: str
    value_hash: str
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One inventory row: what one field of one container holds.

    ``declared``, ``flags`` and ``location`` are filled by the policy mapping.
    """

    scan_id: str
    source: str
    source_kind: str
    container: str
    field: str | None
    entity: str
    category: str
    match_type: str
    hits: int
    rows_scanned: int
    rows_with_hits: int
    distinct_values: int
    score_max: float
    score_mean: float
    examples: tuple[str, ...] = ()
    location: str | None = None
    declared: bool | None = None
    flags: tuple[str, ...] = ()
    #: Oldest timestamp seen with personal data in this field (ISO 8601), for retention checks.
    oldest_seen: str | None = None
    #: ``open``; ``accepted`` by a baseline entry; ``allowed`` by an allowlist of the scan
    #: configuration. An accepted or allowed finding stays in the inventory and fails no build.
    status: str = STATUS_OPEN
    #: Why it was accepted or allowed (the baseline entry's reason, the allowlist rule).
    status_reason: str | None = None
    #: The last day a baseline acceptance holds (YYYY-MM-DD), if it has one.
    status_expires: str | None = None


@dataclass(frozen=True, slots=True)
class ContainerInfo:
    """A table, view or file that was scanned, with what was learnt about it."""

    source: str
    container: str
    kind: str  # "table", "view", "file"
    rows_scanned: int = 0
    bytes_scanned: int = 0
    sampled: bool = False
    skipped_fields: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    oldest_timestamp: str | None = None
    newest_timestamp: str | None = None
    #: A sampled table's size from the database's own statistics (read-only), else ``None``.
    rows_estimated: int | None = None
    #: The column that gave ``oldest_timestamp`` in a table, and how (``min_index``: MIN()
    #: over an index; ``min_scan``: MIN() over the table; ``sample``: the sampled rows).
    age_column: str | None = None
    age_method: str | None = None


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """How one source went: ``ok``, ``partial`` (some containers failed), ``failed``,
    ``interrupted`` (Ctrl-C or SIGTERM stopped it) or ``empty`` (nothing matched to scan)."""

    name: str
    kind: str
    status: str
    errors: tuple[str, ...] = ()
    containers: int = 0
    rows_scanned: int = 0
    bytes_scanned: int = 0
    seconds: float = 0.0
    location: str | None = None
    location_evidence: str | None = None
    #: Problems that lost nothing (a symlink loop cut, a broken link skipped).
    warnings: tuple[str, ...] = ()
    #: Files of a folder that were not scanned, each ``(path, reason)``.
    skipped: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything a scan produced; the input of every report."""

    scan_id: str
    started_at: str
    finished_at: str
    sources: tuple[SourceSummary, ...]
    findings: tuple[Finding, ...]
    containers: tuple[ContainerInfo, ...] = ()
    hits: tuple[Hit, ...] = ()
    interrupted: bool = False
    options: dict = field(default_factory=dict)
    policy: dict | None = None

    @property
    def incomplete(self) -> bool:
        """True when a source failed, partly or wholly, or the scan was interrupted."""
        return self.interrupted or any(s.status != "ok" for s in self.sources)
