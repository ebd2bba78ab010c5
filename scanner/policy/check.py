"""Checking a scan against the policy: which findings are declared, and what is flagged.

:func:`apply_policy` is a pure function of a :class:`ScanResult`, a :class:`Policy` and the
sources' locations; the flags it raises are defined in :mod:`derbes.scanner.policy.flags`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from derbes.detectors.categories import CATEGORIES
from derbes.scanner.model import MATCH_NAME, ContainerInfo, Finding, ScanResult
from derbes.scanner.policy.flags import ERROR, FLAGS, INFO, WARNING
from derbes.scanner.policy.location import UNKNOWN
from derbes.scanner.policy.model import WILDCARD, Policy

_ORDER = {fid: i for i, fid in enumerate(FLAGS)}
_NOT_ESTABLISHED = (UNKNOWN, "location not established")


def apply_policy(
    result: ScanResult,
    policy: Policy | None,
    locations: Mapping[str, tuple[str, str]],
    now: dt.datetime | None = None,
) -> ScanResult:
    """A copy of ``result`` with locations, ``declared`` and flags set, and ``result.policy``.

    ``locations`` maps source names to ``(country or "unknown", evidence)``, as
    :func:`derbes.scanner.policy.location.resolve_location` returns them. Without a policy only the
    location flags are set and ``declared`` stays ``None``. ``now`` (default: the current UTC
    time) is the reference for retention.
    """
    now = _aware(now or dt.datetime.now(dt.UTC))
    containers = {(c.source, c.container): c for c in result.containers}
    kinds = {s.name: s.kind for s in result.sources}
    entries: dict[tuple, dict] = {}
    findings = []
    for f in result.findings:
        cc, evidence = locations.get(f.source, _NOT_ESTABLISHED)
        kind = kinds.get(f.source, f.source_kind)
        # A column only named like personal data, no value seen, is a schema hint for the
        # reader to check, never a violation.
        checks = [] if f.match_type == MATCH_NAME else _check(
            f, policy, cc, evidence, kind, containers.get((f.source, f.container)), now)
        for flag, detail in checks:
            key = (flag, f.source, f.container, f.field, f.category)
            entry = entries.get(key)
            if entry is None:
                entries[key] = _entry(flag, f, cc, detail)
            elif f.entity not in entry["entities"]:
                entry["entities"].append(f.entity)
        flags = tuple(sorted({flag for flag, _ in checks}, key=_ORDER.__getitem__))
        declared = policy.declares(f.category) if policy else None
        findings.append(dataclasses.replace(f, location=cc, declared=declared, flags=flags))

    sources = tuple(
        dataclasses.replace(s, location=cc, location_evidence=evidence)
        for s in result.sources
        for cc, evidence in [locations.get(s.name, _NOT_ESTABLISHED)]
    )
    ordered = sorted(entries.values(), key=lambda e: (
        _ORDER[e["flag"]], e["source"], e["container"], e["field"] or "", e["category"]))
    found = {f.category for f in result.findings}
    declared_not_found = [
        {"category": e.category, "labels": _labels(e.category)}
        for e in (policy.categories if policy else ())
        if e.category != WILDCARD and e.category not in found
    ]
    counts = {sev: sum(1 for e in ordered if e["severity"] == sev)
              for sev in (ERROR, WARNING, INFO)}
    report = {
        "policy": policy.summary() if policy else None,
        # Flat keys the report writers read (derbes.reports._common).
        "path": policy.path if policy else None,
        "operator": policy.operator.model_dump(exclude_none=True) if policy else None,
        "declared_categories": sorted(
            e.category for e in policy.categories if e.category != WILDCARD) if policy else None,
        "all_other_allowed": policy.wildcard is not None if policy else None,
        "flags": {fid: info.as_dict() for fid, info in FLAGS.items()},
        "checked_at": now.isoformat(timespec="seconds"),
        "violations": [e for e in ordered if e["severity"] != INFO],
        "notices": [e for e in ordered if e["severity"] == INFO],
        "declared_not_found": declared_not_found,
        "counts": counts,
    }
    return dataclasses.replace(result, findings=tuple(findings), sources=sources, policy=report)


def _check(
    f: Finding,
    policy: Policy | None,
    cc: str,
    evidence: str,
    kind: str,
    container: ContainerInfo | None,
    now: dt.datetime,
) -> list[tuple[str, dict]]:
    """The flags of one finding, each with the facts behind it."""
    out: list[tuple[str, dict]] = []
    if policy is not None and not policy.declares(f.category):
        why = ("the policy lists it as not collected" if f.category in policy.not_collected
               else "the policy does not declare it")
        out.append(("UNDECLARED_CATEGORY", {"detail": f"{f.category}: {why}"}))

    if cc == UNKNOWN:
        out.append(("LOCATION_UNKNOWN", {"evidence": evidence, "detail": evidence}))
    elif cc != "KZ":
        if policy is None:
            out.append(("STORAGE_OUTSIDE_KZ", {
                "country": cc, "evidence": evidence,
                "detail": f"rests in {cc} ({evidence}); no policy was given"}))
        elif cc in policy.storage.countries:
            out.append(("CROSS_BORDER_DECLARED", {
                "country": cc, "evidence": evidence,
                "detail": f"rests in {cc}, a storage country of the policy"}))
        elif cc in policy.transfer_countries(f.category):
            out.append(("CROSS_BORDER_DECLARED", {
                "country": cc, "evidence": evidence,
                "detail": f"rests in {cc}; the policy declares a transfer of {f.category} there"}))
        else:
            declared = sorted(policy.transfer_countries(f.category))
            out.append(("STORAGE_OUTSIDE_KZ", {
                "country": cc, "evidence": evidence,
                "detail": f"rests in {cc} ({evidence}); the policy stores data in "
                          f"{', '.join(policy.storage.countries)} and declares transfers of "
                          f"{f.category} to {', '.join(declared) or 'no country'}"}))

    if policy is not None:
        exceeded = _retention(f, policy, kind, container, now)
        if exceeded is not None:
            out.append(("RETENTION_EXCEEDED", exceeded))
        if f.category == "iin" and not policy.declares("date_of_birth"):
            why = ("the policy lists date_of_birth as not collected"
                   if "date_of_birth" in policy.not_collected
                   else "date_of_birth is not declared")
            out.append(("IIN_IMPLIES_BIRTH_DATE", {"detail": why}))
    return out


def _retention(
    f: Finding, policy: Policy, kind: str, container: ContainerInfo | None, now: dt.datetime
) -> dict | None:
    """The facts of a retention breach, or ``None`` when there is none or nothing to go by."""
    limit = policy.retention_for(f.category, kind)
    if limit is None:
        return None
    duration, origin = limit
    # The finding's own oldest timestamp is best; a container's newest time (a file's mtime)
    # still proves everything in it is at least that old.
    candidates = (
        (f.oldest_seen, "oldest timestamp with personal data in this field"),
        (container.oldest_timestamp if container else None, "oldest timestamp in the container"),
        (container.newest_timestamp if container else None, "newest timestamp of the container"),
    )
    for text, what in candidates:
        moment = _parse_time(text)
        if moment is None:
            continue
        cutoff = duration.before(now)
        if moment >= cutoff:
            return None
        how = {}
        if container is not None and text == container.oldest_timestamp and container.age_column:
            # A table's age read from a timestamp column: which one, and how.
            how = {"age_column": container.age_column, "age_method": container.age_method}
        return {
            **how,
            "oldest": text, "basis": what, "retention": origin.rsplit(" ", 1)[1],
            "cutoff": cutoff.date().isoformat(),
            "detail": f"{what} is {text}, before {cutoff.date().isoformat()} ({origin})",
        }
    return None


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return _aware(moment)


def _aware(moment: dt.datetime) -> dt.datetime:
    # Naive timestamps in logs are taken as UTC; an hour either way does not move a
    # retention of days or years.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _labels(category: str) -> dict[str, str] | None:
    c = CATEGORIES.get(category)
    return {lang: c.label(lang) for lang in ("ru", "kk", "en")} if c else None


def _entry(flag: str, f: Finding, cc: str, facts: dict) -> dict:
    info = FLAGS[flag]
    return {
        "flag": flag,
        "severity": info.severity,
        "article": info.article,
        "source": f.source,
        "container": f.container,
        "field": f.field,
        "category": f.category,
        "category_labels": _labels(f.category),
        "entities": [f.entity],
        "location": cc,
        **facts,
        "explanation": {"ru": info.ru, "kk": info.kk, "en": info.en},
    }
