"""Allowlists: places and values a team has reviewed and allows, as gitleaks and detect-secrets
users expect. They come from the ``allow:`` list of ``derbes.yaml``.

An allowed finding is never removed: it stays in every report with ``status: allowed`` and
the rule's reason, and its violations fail no build. A rule names places by globs (a table,
a file, ``*.barcode`` for every field called ``barcode``), entities and sources; or values by
their keyed hashes (the ``value_hash`` of ``hits.parquet``, made with the ``DERBES_HASH_KEY``
the scan uses). Place rules apply to findings (:func:`apply_allowlist`); value rules apply in
the engine, which allows a finding whose every hit is an allowed value
(``ScanOptions.allowed_values``, from :func:`allowed_values`).
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from derbes.scanner.model import STATUS_ALLOWED, STATUS_OPEN, Finding, PolicyReport, ScanResult


@dataclass(frozen=True)
class AllowRule:
    """One rule: where (globs), which entities, which values (keyed hashes), and why."""

    reason: str
    where: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    values: frozenset[str] = frozenset()

    def places(self, f: Finding) -> bool:
        """Whether ``f`` is in a place this rule names (any place when it names none)."""
        if self.sources and f.source not in self.sources:
            return False
        if self.entities and f.entity not in self.entities:
            return False
        if not self.where:
            return True
        names = [f.container] + ([f"{f.container}.{f.field}", f.field] if f.field else [])
        return any(fnmatch.fnmatchcase(n, glob) for n in names for glob in self.where)


def allowed_values(rules: Sequence[AllowRule]) -> dict[str, str]:
    """``{value hash: reason}`` of every value some rule allows, for the engine."""
    out: dict[str, str] = {}
    for rule in rules:
        for h in sorted(rule.values):
            out.setdefault(h, rule.reason)
    return out


def apply_allowlist(result: ScanResult, rules: Sequence[AllowRule]) -> ScanResult:
    """``result`` with the findings in the places the rules name marked ``allowed`` (with the
    rule's reason), and their violations marked accepted. Findings the engine allowed by
    their values keep that; their violations are marked here too."""
    findings: list[Finding] = []
    changed = any(f.status == STATUS_ALLOWED for f in result.findings)
    for f in result.findings:
        rule = _rule_for(f, rules) if f.status == STATUS_OPEN else None
        if rule is not None:
            f = dataclasses.replace(f, status=STATUS_ALLOWED, status_reason=rule.reason)
            changed = True
        findings.append(f)
    if not changed:
        return result
    return dataclasses.replace(result, findings=tuple(findings),
                               policy=mark_reviewed_violations(result.policy, findings))


def _rule_for(f: Finding, rules: Sequence[AllowRule]) -> AllowRule | None:
    return next((r for r in rules if not r.values and r.places(f)), None)


def mark_reviewed_violations(policy: PolicyReport | None,
                             findings: Iterable[Finding]) -> PolicyReport | None:
    """``policy`` with each violation about a field and category whose findings are all
    accepted or allowed marked ``accepted``."""
    if policy is None:
        return None
    open_keys, reviewed = set(), set()
    for f in findings:
        key = (f.source, f.container, f.field, f.category)
        (open_keys if f.status == STATUS_OPEN else reviewed).add(key)
    done = reviewed - open_keys
    return dataclasses.replace(policy, violations=tuple(
        dataclasses.replace(v, accepted=True)
        if (v.source, v.container, v.field, v.category) in done else v
        for v in policy.violations))
