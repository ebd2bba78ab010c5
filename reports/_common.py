"""What several writers share: the policy check's records as reports need them, and small
helpers.

The policy check fills ``result.policy`` with a :class:`~derbes.scanner.model.PolicyReport`
(``None`` when it did not run); a scan checked without a policy has violations about
locations only, and no operator or declared categories.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import metadata
from typing import Any

from derbes.detectors.categories import CATEGORIES
from derbes.reports.i18n import LANGS
from derbes.scanner.errors import ConfigError
from derbes.scanner.model import Finding, ScanResult, Violation
from derbes.scanner.urls import mask_urls

# Option keys whose values must never reach a report (an HMAC key, a database password).
_SECRET_KEY = re.compile(r"pass|secret|token|key|credential|dsn", re.IGNORECASE)


def derbes_version() -> str:
    """The installed derbes version, or ``"unknown"`` when running from a bare checkout."""
    try:
        return metadata.version("derbes")
    except metadata.PackageNotFoundError:
        return "unknown"


def category_label(category: str, lang: str) -> str:
    """A category's name in ``lang``; unknown ids are shown as they are."""
    cat = CATEGORIES.get(category)
    return cat.label(lang) if cat else category


def check_lang(lang: str) -> None:
    """Raise ConfigError unless ``lang`` is a report language (one of :data:`LANGS`)."""
    if lang not in LANGS:
        raise ConfigError(f"unknown report language {lang!r}; use one of {', '.join(LANGS)}")


def safe_options(options: Any) -> Any:
    """Scan options fit for a report: secret-looking keys and URL passwords replaced."""
    if isinstance(options, dict):
        return {
            str(k): "***" if _SECRET_KEY.search(str(k)) and v not in (None, "", False)
            else safe_options(v)
            for k, v in options.items()
        }
    if isinstance(options, list | tuple | set | frozenset):
        return [safe_options(v) for v in options]
    if isinstance(options, str):
        return mask_urls(options)
    if options is None or isinstance(options, bool | int | float):
        return options
    return mask_urls(str(options))


def policy_name(result: ScanResult) -> str | None:
    """The file of the policy that was applied, if one was."""
    report = result.policy
    return report.policy.path if report and report.policy else None


_BIN_LABEL = {"ru": "БИН", "kk": "БСН", "en": "BIN"}


def operator(result: ScanResult, lang: str = "en") -> str | None:
    """The data operator the policy names, with its BIN (``name · BIN 123``), if any."""
    report = result.policy
    if report is None or report.policy is None:
        return None
    op = report.policy.operator
    return f"{op.name} · {_BIN_LABEL.get(lang, 'BIN')} {op.bin}"


def declared_categories(result: ScanResult) -> set[str] | None:
    """Categories the policy declares, or ``None`` when no policy was applied."""
    report = result.policy
    if report is None or report.policy is None:
        return None
    return set(report.policy.declared_categories)


def violations(result: ScanResult) -> tuple[Violation, ...]:
    """Every violation (severity ``error`` or ``warning``) the policy check raised."""
    return result.policy.violations if result.policy else ()


def notices(result: ScanResult) -> tuple[Violation, ...]:
    """Flags of severity ``info`` (a declared transfer abroad): notices, not violations."""
    return result.policy.notices if result.policy else ()


class Covering:
    """The violations about each flag of a finding (the flag, on the finding's source,
    container, field and category), found by key rather than by a walk through all of them
    for each flag of each finding (a folder of 1,000 logs: 10,639 findings and as many
    violations, 90 million comparisons, 34 s of SARIF)."""

    def __init__(self, items: Iterable[Violation]) -> None:
        self._by_key: dict[tuple, list[int]] = {}
        for i, v in enumerate(items):
            self._by_key.setdefault(
                (v.flag, v.source, v.container, v.field, v.category), []).append(i)

    def __call__(self, flag: str, f: Finding) -> list[int]:
        """The indexes (in the order given) of the violations ``flag`` on ``f``'s field and
        category."""
        return self._by_key.get((flag, f.source, f.container, f.field, f.category), [])


def violations_for(finding: Finding, items: Iterable[Violation]) -> list[Violation]:
    """The violations about one finding's field and category."""
    return [
        v for v in items
        if v.source == finding.source and v.container == finding.container
        and v.field == finding.field and v.category == finding.category
    ]


def first_hit_rows(result: ScanResult) -> dict[tuple, int]:
    """The smallest hit row per ``(source, container, field, entity)``."""
    rows: dict[tuple, int] = {}
    for h in result.hits:
        key = (h.source, h.container, h.field, h.entity)
        if key not in rows or h.row < rows[key]:
            rows[key] = h.row
    return rows
