"""Findings: the typed, immutable records a scan produces, and their versioned schema.

A :class:`Hit` is one detected value; a :class:`Finding` is one inventory row, the hits of one
entity in one field of one container of one source, aggregated. Reports are pure functions of
a :class:`ScanResult`. The Parquet schemas built from these records are documented in
``docs/schema.md`` and carry ``SCHEMA_VERSION`` in their metadata.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "2"

#: How a finding was established: by values, by the field's name, or both.
MATCH_VALUE = "value"
MATCH_NAME = "name"
MATCH_BOTH = "value+name"

def printable(text: str) -> str:
    """``text`` as every report can hold it (UTF-8): a file name's bytes that are not UTF-8,
    which Python keeps as lone surrogates (``os.fsdecode``), written as ``\\xe9``.

    A result's texts pass through it where they leave the scan engine: pyarrow, JSON and
    XML writers refuse a lone surrogate, and a folder holding one file named in Latin-1 (an
    old Windows share's export) would lose the whole scan's reports.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")  # the bytes the file system holds
    except UnicodeEncodeError:  # a surrogate no undecodable byte stands for
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


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
    #: Every hit, with ``options.hits``: a :class:`~derbes.scanner.hitparts.HitStore` (parts
    #: on disk, read as iterated) from a scan; any sequence of hits will do.
    hits: Sequence[Hit] = ()
    interrupted: bool = False
    options: dict = field(default_factory=dict)
    #: The check against the policy (:func:`derbes.scanner.policy.apply_policy`), if run.
    policy: PolicyReport | None = None

    @property
    def incomplete(self) -> bool:
        """True when a source failed, partly or wholly, or the scan was interrupted."""
        return self.interrupted or any(s.status != "ok" for s in self.sources)


# -- the policy check -------------------------------------------------------------------------
# The facts behind each flag, one record per flag code (``Violation.facts``).


@dataclass(frozen=True, slots=True)
class UndeclaredCategory:
    """``UNDECLARED_CATEGORY``: the policy does not declare the category, or excludes it."""

    #: The policy lists the category under ``not_collected`` (else it just does not declare it).
    not_collected: bool


@dataclass(frozen=True, slots=True)
class StorageOutsideKz:
    """``STORAGE_OUTSIDE_KZ``: the data rests abroad, in a country the policy does not name."""

    country: str
    evidence: str
    #: The policy's storage countries; ``None`` when the scan was checked without a policy.
    storage_countries: tuple[str, ...] | None
    #: Countries the policy allows this category to be sent to.
    transfer_countries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CrossBorderDeclared:
    """``CROSS_BORDER_DECLARED``: the data rests abroad, where the policy says it may."""

    country: str
    evidence: str
    #: ``"storage"`` (a storage country of the policy) or ``"transfer"`` (a declared transfer).
    basis: str


#: What the oldest time of a retention breach is (:attr:`RetentionExceeded.basis`).
BASIS_FIELD = "field"          # the oldest timestamp with personal data in this field
BASIS_CONTAINER = "container"  # the oldest timestamp in the table or file
BASIS_NEWEST = "newest"        # the newest time of the container (a file's mtime)


@dataclass(frozen=True, slots=True)
class RetentionExceeded:
    """``RETENTION_EXCEEDED``: personal data older than the period the policy allows."""

    #: The timestamp that proves it (ISO 8601), and what it is (``BASIS_*``).
    oldest: str
    basis: str
    #: The period as the policy writes it (ISO 8601, ``P3Y``) and where the policy says it.
    retention: str
    declared_in: str
    #: Data from before this date (ISO 8601) is past the period.
    cutoff: str
    #: For a table's age read from a timestamp column: the column and how it was read
    #: (:attr:`ContainerInfo.age_method`).
    age_column: str | None = None
    age_method: str | None = None


@dataclass(frozen=True, slots=True)
class IinImpliesBirthDate:
    """``IIN_IMPLIES_BIRTH_DATE``: IINs are kept, and date of birth is not declared."""

    #: The policy lists ``date_of_birth`` under ``not_collected``.
    not_collected: bool


@dataclass(frozen=True, slots=True)
class LocationUnknown:
    """``LOCATION_UNKNOWN``: where the data rests could not be established."""

    evidence: str


FlagFacts = (
    UndeclaredCategory
    | StorageOutsideKz
    | CrossBorderDeclared
    | RetentionExceeded
    | IinImpliesBirthDate
    | LocationUnknown
)


@dataclass(frozen=True, slots=True)
class Violation:
    """One flag raised on one field and category of one container.

    Severity ``info`` flags (a declared transfer abroad) are notices, not violations; they use
    the same record. The texts about the flag (title, explanation, next step) are in
    :data:`derbes.scanner.policy.flags.FLAGS` under :attr:`flag`.
    """

    flag: str
    severity: str
    article: str
    source: str
    container: str
    field: str | None
    category: str
    #: The entities found there that raise it.
    entities: tuple[str, ...]
    #: Where the source rests (ISO country code, or ``"unknown"``).
    location: str
    facts: FlagFacts
    #: The specifics in one English sentence (dates, countries), for logs and CI messages.
    detail: str
    #: Every finding behind it was accepted by a baseline or allowed by an allowlist: listed,
    #: but it fails no build.
    accepted: bool = False


@dataclass(frozen=True, slots=True)
class PolicyOperator:
    """The data operator a policy names."""

    name: str
    bin: str
    website: str | None = None
    address: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class PolicySummary:
    """What reports show about the policy that was applied."""

    path: str | None
    operator: PolicyOperator
    #: Category ids the policy declares (the wildcard ``*`` not among them).
    declared_categories: tuple[str, ...]
    #: The policy declares ``category: "*"``: any other category is allowed.
    all_other_allowed: bool
    #: The whole policy as plain data (``Policy.summary()``), for the JSON report.
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PolicyReport:
    """The result of checking a scan against a policy (or, without one, its locations only)."""

    #: When the check ran (ISO 8601); the reference time for retention.
    checked_at: str
    #: Flags of severity ``error`` and ``warning``, most serious first.
    violations: tuple[Violation, ...] = ()
    #: Flags of severity ``info``.
    notices: tuple[Violation, ...] = ()
    #: ``None`` when no policy was given.
    policy: PolicySummary | None = None
    #: Declared categories the scan did not find anywhere.
    declared_not_found: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """How many violations and notices of each severity."""
        out = {"error": 0, "warning": 0, "info": 0}
        for v in (*self.violations, *self.notices):
            out[v.severity] = out.get(v.severity, 0) + 1
        return out
