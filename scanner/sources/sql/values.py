"""Values as the driver returns them, turned into (field, text) pairs for the engine.

Strings pass as they are (JSON in a string is walked by key path); integers and integral
floats/decimals as digits; binary values by the text they hold (:func:`binary_text`: whole
when they are text, their printable runs otherwise), the values that hold none counted, as
non-integral numbers are.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from derbes.scanner.jsonpaths import MAX_DEPTH, flatten
from derbes.scanner.sources.binary import Unread, read_binary
from derbes.scanner.sources.sql.catalog import ColumnPlan


@dataclass(slots=True)
class Stats:
    binary: Unread = field(default_factory=Unread)
    non_integral: Counter = field(default_factory=Counter)


def texts(plan: ColumnPlan, value: Any, stats: Stats) -> Iterator[tuple[str, str]]:
    """(field, text) pairs of one value: one for a scalar, one per element or key path."""
    if plan.mode == "json":
        doc = value
        if isinstance(doc, (bytes, bytearray)):
            doc = bytes(doc).decode("utf-8", "replace")
        if isinstance(doc, str):
            try:
                doc = json.loads(doc)
            except (ValueError, RecursionError):
                # Not JSON, or nested deeper than the parser goes: scanned as plain text.
                yield from _value_texts(plan.name, doc, stats, 0)
                return
        yield from _json_texts(plan.name, doc)
        return
    yield from _value_texts(plan.name, value, stats, 0)


def _value_texts(name: str, value: Any, stats: Stats, depth: int) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        if not value.strip():
            return
        if value.lstrip()[:1] in ("{", "["):
            doc = _json_or_none(value)
            if isinstance(doc, (dict, list)):
                yield from _json_texts(name, doc)
                return
        yield name, value
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        yield name, str(value)
    elif isinstance(value, float):
        # Identifiers stored as floats are integral; other floats cannot hold one.
        if math.isfinite(value) and value.is_integer():
            yield name, str(int(value))
        else:
            stats.non_integral[name] += 1
    elif isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            yield name, str(int(value))
        else:
            stats.non_integral[name] += 1
    elif isinstance(value, (bytes, bytearray, memoryview)):
        text = read_binary(name, value, stats.binary)
        if text is not None:
            # Text: a JSON payload is walked by key path, as in a text column.
            yield from _value_texts(name, text, stats, depth)
    elif isinstance(value, dict):
        yield from _json_texts(name, value)
    elif isinstance(value, (list, tuple, set, frozenset)):
        if depth >= MAX_DEPTH:
            return
        for item in value:
            if item is not None:
                yield from _value_texts(f"{name}[]", item, stats, depth + 1)
    else:
        text = str(value)  # UUID, dates, times, intervals, network addresses
        if text.strip():
            yield name, text


def _json_texts(name: str, doc: Any) -> Iterator[tuple[str, str]]:
    for path, text in flatten(doc, name):
        if text.strip():
            yield path, text


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # too deep to parse: the caller scans it as text
        return None


def skip_notes(plans: Sequence[ColumnPlan]) -> list[str]:
    notes = []
    by_reason: dict[str, list[str]] = {}
    for plan in plans:
        if plan.mode == "skip":
            by_reason.setdefault(plan.reason or "skipped", []).append(plan.name)
    if "binary" in by_reason:
        notes.append("arrays of binary values not read: " + ", ".join(by_reason.pop("binary")))
    if "boolean" in by_reason:
        notes.append(
            "boolean columns not read (cannot hold identifiers): "
            + ", ".join(by_reason.pop("boolean"))
        )
    for reason, names in by_reason.items():
        notes.append(f"columns not read ({reason}): " + ", ".join(names))
    return notes


def value_notes(stats: Stats) -> list[str]:
    notes = stats.binary.notes()
    if stats.non_integral:
        notes.append(
            "non-integral numbers not scanned (cannot hold identifiers): "
            + ", ".join(sorted(stats.non_integral))
        )
    return notes

