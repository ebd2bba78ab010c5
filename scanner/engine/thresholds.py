"""Which aggregates become findings: the score and row thresholds, and column-name evidence."""

from __future__ import annotations

from dataclasses import replace

from derbes.detectors import category_of
from derbes.scanner.engine.container import ContainerOutcome
from derbes.scanner.engine.options import ScanOptions
from derbes.scanner.model import (
    MATCH_BOTH,
    MATCH_NAME,
    MATCH_VALUE,
    STATUS_ALLOWED,
    ContainerInfo,
    Finding,
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

    def finding(field_name: str | None, entity: str, match_type: str, **counts) -> Finding:
        return Finding(
            scan_id=scan_id,
            source=source.name,
            source_kind=source.kind,
            container=outcome.container.name,
            field=field_name,
            entity=entity,
            category=category_of(entity),
            match_type=match_type,
            rows_scanned=info.rows_scanned,
            **counts,
        )

    by_value: dict[tuple[str | None, str], Finding] = {}
    for (field_name, entity), agg in outcome.aggs.items():
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
            distinct_values=agg.distinct_count(),
            score_max=round(agg.score_max, 4),
            score_mean=round(agg.score_sum / agg.hits, 4),
            examples=tuple(agg.examples),
            oldest_seen=agg.oldest or (info.oldest_timestamp if source.kind == "log" else None),
        )
        if agg.allowed == agg.hits:  # every value seen here is allowlisted
            by_value[(field_name, entity)] = replace(
                by_value[(field_name, entity)], status=STATUS_ALLOWED,
                status_reason=agg.allowed_reason)
    if options.name_evidence:
        names = {c.name for c in outcome.container.columns} | outcome.fields
        for name in sorted(names):
            entity = entity_for_name(name)
            if entity is None:
                continue
            found = by_value.get((name, entity))
            by_value[(name, entity)] = (
                replace(found, match_type=MATCH_BOTH) if found is not None else finding(
                    name, entity, MATCH_NAME, hits=0, rows_with_hits=0, distinct_values=0,
                    score_max=0.0, score_mean=0.0)
            )
    return sorted(by_value.values(), key=lambda f: (f.container, f.field or "", f.entity))
