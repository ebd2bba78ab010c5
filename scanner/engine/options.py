"""How to scan: the engine's options, and the progress callback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

#: Distinct values are counted exactly up to this many per field, then estimated with a
#: mergeable sketch (:mod:`~derbes.scanner.engine.distinct`). It is the sketch's k
#: (``2 ** distinct.LG_K``), below which the sketch is exact too: a higher cap bought exact
#: counts of ~±1% figures with about 110 bytes a value in every field that reached it (a
#: dozen fields of a dense log held 130 MB at 100,000).
DISTINCT_CAP = 16_384
#: Values whose hash is remembered per container scanner (and parsed timestamps). Per entity:
#: a scanner holds up to a dozen of these memos, and on a dense log each fills; 10,000 keep
#: the values that repeat (client addresses) in about 1.5 MB each.
MEMO_SIZE = 10_000

#: Progress callback, called once per finished unit (a table, a file, or a byte range of a
#: large file) by whichever executor runs it: (source name, container name, units done,
#: units planned, bytes read by the unit).
Progress = Callable[[str, str, int, int, int], None]


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """How to scan. Sampling and filters belong to the sources; these are the engine's."""

    #: Keep every hit (``hits.parquet``), not only the aggregated inventory.
    hits: bool = False
    #: Where hits are written as Parquet parts while the scan runs (a folder, or an fsspec
    #: URL every worker can reach); ``None``: ``scan()`` uses a temporary folder of its own.
    hits_dir: str | None = None
    #: Hits a scanner holds in memory before writing them as a part (``None``:
    #: :data:`~derbes.scanner.hitparts.SPILL_HITS`).
    hits_spill: int | None = None
    #: Carry raw values in hits and examples. Off unless the user asks.
    show_values: bool = False
    #: HMAC key for value hashes; by default ``DERBES_HASH_KEY`` or a random key per scan.
    hash_key: bytes | None = None
    #: A finding needs at least this maximum score.
    min_score: float = 0.5
    #: ...and either a score this high (a checksum-valid identifier)...
    strong_score: float = 0.99
    #: ...or hits in this many rows...
    min_rows: int = 2
    #: ...or in this share of the rows scanned.
    min_share: float = 0.05
    max_examples: int = 5
    #: Concurrent containers per database source.
    connections: int = 4
    #: Worker processes for log files (1 = this process).
    jobs: int = 1
    #: Column names and JSON keys as evidence.
    name_evidence: bool = True
    #: A source with no container to scan is ``ok`` with a warning; otherwise it is
    #: ``empty``, which makes the scan incomplete (exit code 3).
    allow_empty: bool = False
    #: ``{value hash: reason}`` of allowlisted values (:mod:`derbes.scanner.allowlist`): a
    #: finding whose every hit is one of them is ``allowed``, with the reason.
    allowed_values: dict[str, str] = field(default_factory=dict)
