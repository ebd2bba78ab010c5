"""Baselines: findings a team has reviewed and accepted, so that CI fails only on new ones.

A baseline is a versioned, self-describing JSON file. Each entry names a field and an entity
and carries a fingerprint: the SHA-256 of ``source, container, field, entity, category``.
It holds no value, so a baseline can be committed to a repository. Entries may carry a
``reason`` and an ``expires`` date (the last day the acceptance holds); an expired entry no
longer accepts anything, which forces a new review. Accepted findings stay in every report,
marked ``accepted``; only the exit code ignores them. Older file versions are upgraded on
load by the functions in :data:`UPGRADERS`, one step per version.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from derbes.reports._common import derbes_version
from derbes.reports._io import write_text
from derbes.scanner.allowlist import mark_reviewed_violations
from derbes.scanner.errors import ConfigError
from derbes.scanner.model import STATUS_ACCEPTED, STATUS_OPEN, Finding, ScanResult

BASELINE_VERSION = 1
_ENTRY_KEYS = ("fingerprint", "source", "container", "field", "entity", "category", "reason",
               "expires")
_TOP_KEYS = ("derbes_baseline", "created", "derbes_version", "entries")


class BaselineError(ConfigError):
    """A baseline file is unreadable or malformed. The message names the file and the entry."""


#: ``{version: function(doc) -> doc of version + 1}``. Add one when the format changes, e.g.
#: ``UPGRADERS[1] = _v1_to_v2``; :func:`load_baseline` applies them in turn.
UPGRADERS: dict[int, Callable[[dict], dict]] = {}


def fingerprint(finding: Finding) -> str:
    """A stable, value-free id of what a finding is about (hex SHA-256)."""
    return fingerprint_of(finding.source, finding.container, finding.field, finding.entity,
                          finding.category)


def fingerprint_of(source: str, container: str, field: str | None, entity: str,
                   category: str) -> str:
    """:func:`fingerprint` from its parts."""
    # Unit separator between parts: no two different tuples give the same string.
    text = "\x1f".join((source, container, "" if field is None else field, entity, category))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _iso_date(value: date | str | None, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as e:
        raise BaselineError(f"{what}: expires must be a date YYYY-MM-DD, got {value!r}") from e


def create_baseline(result: ScanResult, reason: str | None = None,
                    expires: date | str | None = None) -> dict:
    """A baseline accepting every finding of ``result``."""
    exp = _iso_date(expires, "create_baseline")
    entries = {}
    for f in result.findings:
        fp = fingerprint(f)
        entries[fp] = {
            "fingerprint": fp, "source": f.source, "container": f.container, "field": f.field,
            "entity": f.entity, "category": f.category, "reason": reason, "expires": exp,
        }
    return _new_baseline(entries)


def baseline_from_findings_file(path: str | os.PathLike[str], reason: str | None = None,
                                expires: date | str | None = None) -> dict:
    """A baseline accepting every finding of an earlier scan's ``findings.parquet``.

    Lets CI accept a reviewed report without scanning again. Raises :class:`BaselineError`.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = ["source", "container", "field", "entity", "category"]
    try:
        table = pq.read_table(path, columns=columns)
    except (OSError, pa.ArrowException) as e:
        raise BaselineError(f"{path}: cannot read findings: {e}") from e
    exp = _iso_date(expires, str(path))
    entries = {}
    for row in table.to_pylist():
        fp = fingerprint_of(row["source"], row["container"], row["field"], row["entity"],
                            row["category"])
        entries[fp] = {"fingerprint": fp, **row, "reason": reason, "expires": exp}
    return _new_baseline(entries)


def _new_baseline(entries: dict[str, dict]) -> dict:
    return {
        "derbes_baseline": BASELINE_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "derbes_version": derbes_version(),
        "entries": sorted(entries.values(), key=lambda e: (e["source"], e["container"],
                                                           e["field"] or "", e["entity"])),
    }


def write_baseline(baseline: dict, path: str | os.PathLike[str]) -> Path:
    """Write a baseline as JSON atomically, mode 0600 (check it before you commit it)."""
    return write_text(path, json.dumps(baseline, ensure_ascii=False, indent=2) + "\n")


def _check(doc: dict, where: str) -> dict:
    doc = copy.deepcopy(doc)  # expires is normalised in place below; leave the caller's alone
    unknown = set(doc) - set(_TOP_KEYS)
    if unknown:
        raise BaselineError(f"{where}: unknown keys {sorted(unknown)}")
    if not isinstance(doc.get("entries"), list):
        raise BaselineError(f"{where}: 'entries' must be a list")
    for i, e in enumerate(doc["entries"]):
        at = f"{where}: entries[{i}]"
        if not isinstance(e, dict):
            raise BaselineError(f"{at}: must be an object")
        unknown = set(e) - set(_ENTRY_KEYS)
        if unknown:
            raise BaselineError(f"{at}: unknown keys {sorted(unknown)}")
        for key in ("fingerprint", "source", "container", "entity", "category"):
            if not isinstance(e.get(key), str) or not e[key]:
                raise BaselineError(f"{at}: {key!r} must be a non-empty string")
        if e.get("field") is not None and not isinstance(e["field"], str):
            raise BaselineError(f"{at}: 'field' must be a string or null")
        if e.get("reason") is not None and not isinstance(e["reason"], str):
            raise BaselineError(f"{at}: 'reason' must be a string or null")
        e["expires"] = _iso_date(e.get("expires"), at)
        expected = fingerprint_of(e["source"], e["container"], e.get("field"), e["entity"],
                                  e["category"])
        if e["fingerprint"] != expected:
            # A hand-edited entry whose parts no longer match would silently suppress nothing.
            raise BaselineError(f"{at}: fingerprint does not match source/container/field/"
                                f"entity/category (edited by hand?)")
    return doc


def parse_baseline(doc: object, where: str = "baseline") -> dict:
    """Validate and upgrade a baseline already parsed from JSON."""
    if not isinstance(doc, dict):
        raise BaselineError(f"{where}: must be a JSON object")
    version = doc.get("derbes_baseline")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BaselineError(f"{where}: not a derbes baseline (no integer 'derbes_baseline')")
    if version > BASELINE_VERSION:
        raise BaselineError(f"{where}: version {version} is newer than this derbes supports "
                            f"({BASELINE_VERSION}); upgrade derbes")
    while version < BASELINE_VERSION:
        upgrade = UPGRADERS.get(version)
        if upgrade is None:
            raise BaselineError(f"{where}: version {version} is not supported")
        doc = upgrade(doc)
        version = doc["derbes_baseline"]
    return _check(doc, where)


def load_baseline(path: str | os.PathLike[str]) -> dict:
    """Read, validate and upgrade a baseline file. Raises :class:`BaselineError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise BaselineError(f"{path}: cannot read baseline: {e}") from e
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise BaselineError(f"{path}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from e
    return parse_baseline(doc, str(path))


def _today(today: date | str | None) -> date:
    if today is None:
        return datetime.now(UTC).date()
    return date.fromisoformat(today) if isinstance(today, str) else today


def active_fingerprints(baseline: dict, today: date | str | None = None) -> set[str]:
    """Fingerprints of entries that have not expired on ``today`` (default: today, UTC)."""
    day = _today(today).isoformat()
    return {e["fingerprint"] for e in baseline["entries"]
            if e.get("expires") is None or e["expires"] >= day}


def apply_baseline(result: ScanResult, baseline: dict,
                   today: date | str | None = None) -> tuple[ScanResult, int]:
    """``result`` with the findings the baseline accepts marked ``accepted``, and their count.

    A baseline changes what fails the build, never what the inventory says: accepted findings
    stay, with the entry's reason and expiry (:attr:`Finding.status`), and so do their hits.
    The policy's violations about their field and category are marked ``accepted`` (unless
    another, open finding in the same field has that category), so they fail no build.
    Expired entries accept nothing. ``options["baseline_accepted"]`` records the count.
    """
    active = active_fingerprints(baseline, today)
    entries = {e["fingerprint"]: e for e in baseline["entries"] if e["fingerprint"] in active}
    findings, accepted = [], []
    for f in result.findings:
        entry = entries.get(fingerprint(f)) if f.status == STATUS_OPEN else None
        if entry is not None:
            f = dataclasses.replace(f, status=STATUS_ACCEPTED, status_reason=entry.get("reason"),
                                    status_expires=entry.get("expires"))
            accepted.append(f)
        findings.append(f)
    if not accepted:
        return result, 0
    new = dataclasses.replace(result, findings=tuple(findings),
                              policy=mark_reviewed_violations(result.policy, findings),
                              options={**result.options, "baseline_accepted": len(accepted)})
    return new, len(accepted)
