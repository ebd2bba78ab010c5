"""Checking a scan against the policy: which findings are declared, and what is flagged.

:func:`apply_policy` is a pure function of a :class:`ScanResult`, a :class:`Policy` and the
sources' locations; the flags it raises are defined in :mod:`derbes.scanner.policy.flags`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from derbes.scanner.model import (
    BASIS_CONTAINER,
    BASIS_FIELD,
    BASIS_NEWEST,
    MATCH_NAME,
    ContainerInfo,
    CrossBorderDeclared,
    Finding,
    FlagFacts,
    IinImpliesBirthDate,
    LocationUnknown,
    PolicyOperator,
    PolicyReport,
    PolicySummary,
    RetentionExceeded,
    ScanResult,
    StorageOutsideKz,
    UndeclaredCategory,
    Violation,
)
from derbes.scanner.policy.flags import FLAGS, INFO
from derbes.scanner.policy.location import UNKNOWN
from derbes.scanner.policy.model import WILDCARD, Policy

_ORDER = {fid: i for i, fid in enumerate(FLAGS)}
#: The English words for a retention breach's basis, in ``Violation.detail``.
_BASIS_TEXT = {
    BASIS_FIELD: "oldest timestamp with personal data in this field",
    BASIS_CONTAINER: "oldest timestamp in the container",
    BASIS_NEWEST: "newest timestamp of the container",
}
_NOT_ESTABLISHED = (UNKNOWN, "location not established")


def apply_policy(
    result: ScanResult,
    policy: Policy | None,
    locations: Mapping[str, tuple[str, str]],
    now: dt.datetime | None = None,
) -> ScanResult:
    """A copy of ``result`` with locations, ``declared`` and flags set, and a
    :class:`~derbes.scanner.model.PolicyReport` in ``result.policy``.

    ``locations`` maps source names to ``(country or "unknown", evidence)``, as
    :func:`derbes.scanner.policy.location.resolve_location` returns them. Without a policy only
    the location flags are set and ``declared`` stays ``None``. ``now`` (default: the current
    UTC time) is the reference for retention.
    """
    now = _aware(now or dt.datetime.now(dt.UTC))
    containers = {(c.source, c.container): c for c in result.containers}
    kinds = {s.name: s.kind for s in result.sources}
    raised: dict[tuple, Violation] = {}
    findings = []
    for f in result.findings:
        cc, evidence = locations.get(f.source, _NOT_ESTABLISHED)
        kind = kinds.get(f.source, f.source_kind)
        # A column only named like personal data, no value seen, is a schema hint for the
        # reader to check, never a violation.
        checks = [] if f.match_type == MATCH_NAME else _check(
            f, policy, cc, evidence, kind, containers.get((f.source, f.container)), now)
        for flag, facts, detail in checks:
            key = (flag, f.source, f.container, f.field, f.category)
            known = raised.get(key)
            if known is None:
                info = FLAGS[flag]
                raised[key] = Violation(
                    flag=flag, severity=info.severity, article=info.article, source=f.source,
                    container=f.container, field=f.field, category=f.category,
                    entities=(f.entity,), location=cc, facts=facts, detail=detail)
            elif f.entity not in known.entities:
                raised[key] = dataclasses.replace(known, entities=(*known.entities, f.entity))
        flags = tuple(sorted({flag for flag, _, _ in checks}, key=_ORDER.__getitem__))
        declared = policy.declares(f.category) if policy else None
        findings.append(dataclasses.replace(f, location=cc, declared=declared, flags=flags))

    sources = tuple(
        dataclasses.replace(s, location=cc, location_evidence=evidence)
        for s in result.sources
        for cc, evidence in [locations.get(s.name, _NOT_ESTABLISHED)]
    )
    ordered = sorted(raised.values(), key=lambda v: (
        _ORDER[v.flag], v.source, v.container, v.field or "", v.category))
    found = {f.category for f in result.findings}
    report = PolicyReport(
        checked_at=now.isoformat(timespec="seconds"),
        violations=tuple(v for v in ordered if v.severity != INFO),
        notices=tuple(v for v in ordered if v.severity == INFO),
        policy=_summary(policy) if policy else None,
        declared_not_found=tuple(
            e.category for e in (policy.categories if policy else ())
            if e.category != WILDCARD and e.category not in found),
    )
    return dataclasses.replace(result, findings=tuple(findings), sources=sources, policy=report)


def _summary(policy: Policy) -> PolicySummary:
    op = policy.operator
    return PolicySummary(
        path=policy.path,
        operator=PolicyOperator(name=op.name, bin=op.bin, website=op.website,
                                address=op.address, email=op.email),
        declared_categories=tuple(sorted(
            e.category for e in policy.categories if e.category != WILDCARD)),
        all_other_allowed=policy.wildcard is not None,
        data=policy.summary(),
    )


def _check(
    f: Finding,
    policy: Policy | None,
    cc: str,
    evidence: str,
    kind: str,
    container: ContainerInfo | None,
    now: dt.datetime,
) -> list[tuple[str, FlagFacts, str]]:
    """The flags of one finding, each with its facts and its detail in English."""
    out: list[tuple[str, FlagFacts, str]] = []
    if policy is not None and not policy.declares(f.category):
        excluded = f.category in policy.not_collected
        why = ("the policy lists it as not collected" if excluded
               else "the policy does not declare it")
        out.append(("UNDECLARED_CATEGORY", UndeclaredCategory(excluded), f"{f.category}: {why}"))

    if cc == UNKNOWN:
        out.append(("LOCATION_UNKNOWN", LocationUnknown(evidence), evidence))
    elif cc != "KZ":
        if policy is None:
            out.append(("STORAGE_OUTSIDE_KZ", StorageOutsideKz(cc, evidence, None),
                        f"rests in {cc} ({evidence}); no policy was given"))
        elif cc in policy.storage.countries:
            out.append(("CROSS_BORDER_DECLARED", CrossBorderDeclared(cc, evidence, "storage"),
                        f"rests in {cc}, a storage country of the policy"))
        elif cc in policy.transfer_countries(f.category):
            out.append(("CROSS_BORDER_DECLARED", CrossBorderDeclared(cc, evidence, "transfer"),
                        f"rests in {cc}; the policy declares a transfer of {f.category} there"))
        else:
            declared = tuple(sorted(policy.transfer_countries(f.category)))
            facts = StorageOutsideKz(cc, evidence, tuple(policy.storage.countries), declared)
            out.append(("STORAGE_OUTSIDE_KZ", facts,
                        f"rests in {cc} ({evidence}); the policy stores data in "
                        f"{', '.join(policy.storage.countries)} and declares transfers of "
                        f"{f.category} to {', '.join(declared) or 'no country'}"))

    if policy is not None:
        exceeded = _retention(f, policy, kind, container, now)
        if exceeded is not None:
            out.append(("RETENTION_EXCEEDED", exceeded,
                        f"{_BASIS_TEXT[exceeded.basis]} is {exceeded.oldest}, before "
                        f"{exceeded.cutoff} ({exceeded.declared_in} {exceeded.retention})"))
        if f.category == "iin" and not policy.declares("date_of_birth"):
            excluded = "date_of_birth" in policy.not_collected
            why = ("the policy lists date_of_birth as not collected" if excluded
                   else "date_of_birth is not declared")
            out.append(("IIN_IMPLIES_BIRTH_DATE", IinImpliesBirthDate(excluded), why))
    return out


def _retention(
    f: Finding, policy: Policy, kind: str, container: ContainerInfo | None, now: dt.datetime
) -> RetentionExceeded | None:
    """The facts of a retention breach, or ``None`` when there is none or nothing to go by."""
    rule = policy.retention_for(f.category, kind)
    if rule is None:
        return None
    # The finding's own oldest timestamp is best; a container's newest time (a file's mtime)
    # still proves everything in it is at least that old.
    candidates = (
        (f.oldest_seen, BASIS_FIELD),
        (container.oldest_timestamp if container else None, BASIS_CONTAINER),
        (container.newest_timestamp if container else None, BASIS_NEWEST),
    )
    for text, basis in candidates:
        moment = _parse_time(text)
        if moment is None:
            continue
        cutoff = rule.duration.before(now)
        if moment >= cutoff:
            return None
        by_column = (container is not None and basis == BASIS_CONTAINER
                     and container.age_column is not None)
        # A table's age read from a timestamp column: which one, and how.
        return RetentionExceeded(oldest=text, basis=basis, retention=rule.period,
                                 declared_in=rule.declared_in,
                                 cutoff=cutoff.date().isoformat(),
                                 age_column=container.age_column if by_column else None,
                                 age_method=container.age_method if by_column else None)
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
