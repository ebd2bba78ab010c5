"""The register of personal data (реестр / тізілім): category first, every place it rests.

It is the page a compliance officer files: for each category, whether the policy declares
it, the purposes and retention the policy gives, and every place the scan found it (source,
table or file, field) with the country it rests in and the flags raised there. Columns only
named like personal data, with no value seen, are schema hints and are listed apart.
The rows are language-neutral (ids and codes); the HTML and XLSX writers put them in words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from derbes.detectors.categories import CATEGORIES
from derbes.scanner.model import MATCH_NAME, ContainerInfo, Finding, ScanResult

WILDCARD = "*"


@dataclass(frozen=True, slots=True)
class Place:
    """One field of one container of one source where a category was found."""

    source: str
    source_kind: str
    container: str
    field: str | None
    entities: tuple[str, ...]
    country: str | None
    flags: tuple[str, ...]
    hits: int
    rows_with_hits: int
    rows_scanned: int
    #: The table's size from the database's own statistics, when it was sampled.
    rows_estimated: int | None
    sampled: bool
    oldest_seen: str | None


@dataclass(frozen=True, slots=True)
class Entry:
    """One category of the register: what the policy says of it and where it was found."""

    category: str
    #: ``True``/``False`` per the policy; ``None`` when the scan had no policy.
    declared: bool | None
    #: ``True`` when only the policy's "any other data" entry (``*``) declares it.
    by_wildcard: bool
    not_collected: bool
    purposes: tuple[str, ...]
    retention: str | None
    transfer_to: tuple[str, ...]
    places: tuple[Place, ...]
    #: Columns named like this category where no value was seen.
    hints: tuple[Place, ...]

    @property
    def flags(self) -> tuple[str, ...]:
        """Every flag raised at one of the places, each once, in first-seen order."""
        return tuple(dict.fromkeys(f for p in self.places for f in p.flags))


def _policy_summary(result: ScanResult) -> Mapping | None:
    """The applied policy as plain data (:attr:`PolicySummary.data`), if one was applied."""
    report = result.policy
    return report.policy.data if report and report.policy else None


def _category_order(ids: Iterable[str]) -> list[str]:
    ids = set(ids)
    known = [c for c in CATEGORIES if c in ids]
    return known + sorted(ids - set(known))


def _country(code: str | None) -> str | None:
    if not code or code.strip().lower() in ("unknown", "none", "?"):
        return None
    return code.strip().upper()


def _place(fs: list[Finding], info: ContainerInfo | None) -> Place:
    first = fs[0]
    flags = tuple(dict.fromkeys(flag for f in fs for flag in f.flags))
    # A log line's own time, else the table's oldest row (from its timestamp column).
    oldest = min((f.oldest_seen for f in fs if f.oldest_seen), default=None) or (
        info.oldest_timestamp if info and first.source_kind == "database" else None)
    return Place(
        source=first.source, source_kind=first.source_kind, container=first.container,
        field=first.field, entities=tuple(dict.fromkeys(f.entity for f in fs)),
        country=_country(first.location), flags=flags,
        hits=sum(f.hits for f in fs), rows_with_hits=max(f.rows_with_hits for f in fs),
        rows_scanned=max(f.rows_scanned for f in fs),
        rows_estimated=info.rows_estimated if info else None,
        sampled=bool(info and info.sampled), oldest_seen=oldest,
    )


def build_register(result: ScanResult) -> list[Entry]:
    """The register of ``result``: one entry per category found or declared, in the order of
    :data:`derbes.detectors.categories.CATEGORIES`."""
    summary = _policy_summary(result)
    policy_entries = {e["category"]: e for e in (summary or {}).get("categories", [])
                      if isinstance(e, dict) and isinstance(e.get("category"), str)}
    not_collected = {e["category"] for e in (summary or {}).get("not_collected", [])
                     if isinstance(e, dict)}
    wildcard = policy_entries.get(WILDCARD)
    containers = {(c.source, c.container): c for c in result.containers}

    by_place: dict[tuple, list[Finding]] = {}
    for f in result.findings:
        by_place.setdefault((f.category, f.source, f.container, f.field,
                             f.match_type == MATCH_NAME), []).append(f)
    declared_flags = {f.category: f.declared for f in result.findings if f.declared is not None}

    cats = {key[0] for key in by_place} | {c for c in policy_entries if c != WILDCARD}
    entries = []
    for cat in _category_order(cats):
        own = policy_entries.get(cat)
        if summary is None:
            declared = declared_flags.get(cat)
        elif cat in not_collected:
            declared = False
        else:
            declared = own is not None or wildcard is not None
        source_of_words = own or (wildcard if declared else None) or {}
        places, hints = [], []
        for key in sorted((k for k in by_place if k[0] == cat),
                          key=lambda k: (k[1], k[2], k[3] or "")):
            fs = by_place[key]
            place = _place(fs, containers.get((key[1], key[2])))
            (hints if key[4] else places).append(place)
        entries.append(Entry(
            category=cat, declared=declared,
            by_wildcard=summary is not None and own is None and bool(declared),
            not_collected=cat in not_collected,
            purposes=tuple(source_of_words.get("purposes") or ()),
            retention=source_of_words.get("retention"),
            transfer_to=tuple(source_of_words.get("transfer_to") or ()),
            places=tuple(places), hints=tuple(hints)))
    return entries
