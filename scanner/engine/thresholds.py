"""Which aggregates become findings: the score and row thresholds, and column-name evidence."""

from __future__ import annotations

from dataclasses import replace

from derbes.detectors import category_of
from derbes.scanner.engine.container import SCORE_UNITS, ContainerOutcome
from derbes.scanner.engine.evidence import CONTRADICTED, FieldStats, name_verdict, value_evidence
from derbes.scanner.engine.options import ScanOptions
from derbes.scanner.model import (
    MATCH_BOTH,
    MATCH_NAME,
    MATCH_VALUE,
    STATUS_ALLOWED,
    ContainerInfo,
    Finding,
    printable,
)
from derbes.scanner.names import entity_for_name
from derbes.scanner.sources.base import Source


def findings_of(
    scan_id: str,
    source: Source,
    outcome: ContainerOutcome,
    info: ContainerInfo,
    options: ScanOptions,
) -> list[Finding]:
    """The findings of one container's outcome, sorted by container, field and entity."""
    rows = max(info.rows_scanned, 1)
    source_name, container = printable(source.name), printable(outcome.container.name)

    def finding(field_name: str | None, entity: str, match_type: str, **counts) -> Finding:
        return Finding(
            scan_id=scan_id,
            source=source_name,
            source_kind=source.kind,
            container=container,
            field=field_name,
            entity=entity,
            category=category_of(entity),
            match_type=match_type,
            rows_scanned=info.rows_scanned,
            **counts,
        )

    columns = {c.name for c in outcome.container.columns}
    by_value: dict[tuple[str | None, str], Finding] = {}
    for (field_name, entity), agg in outcome.aggs.items():
        named = options.name_evidence and field_name is not None and (
            entity_for_name(field_name) == entity)
        # Read once: past DISTINCT_CAP it is a sketch's estimate, a union built each time
        # (1.4 ms for 40,000 values).
        distinct = agg.distinct_count()
        evidence = value_evidence(entity, distinct,
                                  _stats_of(outcome, columns, field_name), named, agg.supported)
        if evidence is not None:
            # A checksum entity in a column: the share of valid candidates decides (see
            # derbes.scanner.engine.evidence), not one value that passed by chance.
            if agg.score_max < options.min_score or not evidence.holds:
                continue
        else:
            strong = agg.score_max >= options.strong_score
            enough = agg.rows_with_hits >= options.min_rows or agg.rows_with_hits / rows >= (
                options.min_share
            )
            if agg.score_max < options.min_score or not (strong or enough):
                continue
        by_value[(field_name, entity)] = finding(
            field_name, entity, MATCH_VALUE,
            hits=agg.hits,
            rows_with_hits=agg.rows_with_hits,
            distinct_values=distinct,
            score_max=round(agg.score_max, 4),
            score_mean=round(agg.score_units / SCORE_UNITS / agg.hits, 4),
            examples=tuple(agg.example_list()),
            oldest_seen=agg.oldest or (info.oldest_timestamp if source.kind == "log" else None),
        )
        if agg.allowed == agg.hits:  # every value seen here is allowlisted
            by_value[(field_name, entity)] = replace(
                by_value[(field_name, entity)], status=STATUS_ALLOWED,
                status_reason=agg.allowed_reason)
    if options.name_evidence:
        names = columns | outcome.fields
        for name in sorted(names):
            entity = entity_for_name(name)
            if entity is None:
                continue
            found = by_value.get((name, entity))
            if found is not None:
                by_value[(name, entity)] = replace(found, match_type=MATCH_BOTH)
                continue
            if any(e == entity and f is not None and f.startswith((f"{name}.", f"{name}[]"))
                   for f, e in by_value):
                # A struct named for the entity whose fields hold it (``address.street``):
                # those findings stand for it; a name finding beside them said nothing more.
                continue
            # No value established the entity: the values are weighed against the name
            # (flags, masks and tokens contradict it; empty values leave a schema hint).
            if name_verdict(_stats_of(outcome, columns, name)) == CONTRADICTED:
                continue
            by_value[(name, entity)] = finding(
                name, entity, MATCH_NAME, hits=0, rows_with_hits=0, distinct_values=0,
                score_max=0.0, score_mean=0.0)
    return sorted(by_value.values(), key=lambda f: (f.container, f.field or "", f.entity))


def _stats_of(
    outcome: ContainerOutcome, columns: set[str], field_name: str | None
) -> FieldStats | None:
    """The value stats of a column or tabular field; an empty one for a column that gave no
    value (all NULL); None for a log field, whose values are not counted."""
    if field_name is None:
        return None
    stats = outcome.stats.get(field_name)
    if stats is None and field_name in columns:
        return FieldStats()
    return stats
