"""What several writers share: reading ``ScanResult.policy`` defensively, and small helpers.

The policy mapping fills ``result.policy``; its exact shape is documented in
``docs/reports.md``. Writers read it through these functions only, so an absent or partial
policy (a scan run without ``--policy``) still gives a complete report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import metadata
from typing import Any

from derbes.detectors.categories import CATEGORIES
from derbes.scanner.errors import ConfigError
from derbes.scanner.model import STATUS_OPEN, Finding, ScanResult

LANGS = ("ru", "kk", "en")

# Option keys whose values must never reach a report (an HMAC key, a database password).
_SECRET_KEY = re.compile(r"pass|secret|token|key|credential|dsn", re.IGNORECASE)
# user:password@ in a URL.
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<user>[^:/@\s]*):[^@/\s]*@",
                           re.IGNORECASE)


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


def text_in(value: Any, lang: str) -> str:
    """A translated text: ``value`` is a ``{ru, kk, en}`` dict or a plain string."""
    if isinstance(value, dict):
        for key in (lang, "en", "ru", "kk"):
            text = value.get(key)
            if isinstance(text, str) and text:
                return text
        return next((v for v in value.values() if isinstance(v, str)), "")
    return value if isinstance(value, str) else ""


def mask_url_password(text: str) -> str:
    """``scheme://user:secret@host`` becomes ``scheme://user:***@host``."""
    return _URL_PASSWORD.sub(r"\g<scheme>\g<user>:***@", text)


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
        return mask_url_password(options)
    if options is None or isinstance(options, bool | int | float):
        return options
    return mask_url_password(str(options))


def _policy(result: ScanResult) -> dict:
    return result.policy if isinstance(result.policy, dict) else {}


def policy_name(result: ScanResult) -> str | None:
    """The policy's display name (its ``name`` or ``path``), if a policy was applied."""
    p = _policy(result)
    for key in ("name", "title", "path", "file"):
        if isinstance(p.get(key), str) and p[key]:
            return p[key]
    return None


_BIN_LABEL = {"ru": "БИН", "kk": "БСН", "en": "BIN"}


def operator(result: ScanResult, lang: str = "en") -> str | None:
    """The data operator named by the policy: a string, or ``{name, bin}``."""
    op = _policy(result).get("operator")
    if isinstance(op, str):
        return op or None
    if isinstance(op, dict):
        name = op.get("name")
        name = text_in(name, lang) if isinstance(name, dict) else name
        parts = [str(name)] if name else []
        if op.get("bin"):
            parts.append(f"{_BIN_LABEL.get(lang, 'BIN')} {op['bin']}")
        return " · ".join(parts) or None
    return None


def declared_categories(result: ScanResult, source: str | None = None) -> set[str] | None:
    """Categories the policy declares (for ``source`` when declared per source), or ``None``.

    ``policy["declared_categories"]`` is a list of category ids for all sources, or a dict
    ``{source name: [ids]}`` (key ``"*"`` applies to every source).
    """
    declared = _policy(result).get("declared_categories")
    if isinstance(declared, list | tuple | set):
        return {str(c) for c in declared}
    if isinstance(declared, dict):
        cats: set[str] = set()
        found = False
        for key in ("*", source):
            value = declared.get(key) if key is not None else None
            if isinstance(value, list | tuple | set):
                cats |= {str(c) for c in value}
                found = True
        if source is None:
            for value in declared.values():
                if isinstance(value, list | tuple | set):
                    cats |= {str(c) for c in value}
                    found = True
        return cats if found else None
    return None


def declared_per_source(result: ScanResult) -> bool:
    """Whether the policy declares categories per source (a dict) rather than for all."""
    return isinstance(_policy(result).get("declared_categories"), dict)


def flag_info(result: ScanResult, flag: str) -> dict:
    """What the policy says about ``flag`` (``policy["flags"][flag]``): title, article, severity."""
    flags = _policy(result).get("flags")
    info = flags.get(flag) if isinstance(flags, dict) else None
    return info if isinstance(info, dict) else {}


def _key(flag: str, source: Any, container: Any, field: Any, category: Any) -> tuple:
    return (flag, source, container, field, category)


def _entries(result: ScanResult, key: str) -> list[dict]:
    out = []
    raw = _policy(result).get(key)
    for v in raw if isinstance(raw, list) else ():
        if not isinstance(v, dict) or not isinstance(v.get("flag"), str):
            continue  # malformed: skipped rather than failing the whole report
        info = flag_info(result, v["flag"])
        out.append({
            "flag": v["flag"],
            "severity": v.get("severity") or info.get("severity"),
            "source": v.get("source"),
            "container": v.get("container"),
            "field": v.get("field"),
            "category": v.get("category"),
            "explanation": v.get("explanation") or info.get("explanation"),
            "article": v.get("article") or info.get("article"),
            # Specifics in English (dates, countries), when the policy mapping gives them.
            "detail": v.get("detail") if isinstance(v.get("detail"), str) else None,
            # Accepted by a baseline or an allowlist: listed, but fails no build.
            "accepted": v.get("accepted") is True,
        })
    return out


def _from_flags(result: ScanResult, listed: list[dict], info_flags: bool) -> list[dict]:
    """Finding flags that no listed entry covers, as entries (severity ``info`` or not)."""
    out: list[dict] = []
    seen = {_key(v["flag"], v["source"], v["container"], v["field"], v["category"])
            for v in listed}
    coarse = [v for v in listed
              if v["field"] is None or v["container"] is None or v["category"] is None]
    for f in result.findings:
        for flag in f.flags:
            info = flag_info(result, flag)
            if (str(info.get("severity") or "").lower() == "info") != info_flags:
                continue
            key = _key(flag, f.source, f.container, f.field, f.category)
            if key in seen or any(covers(v, flag, f) for v in coarse):
                continue
            seen.add(key)
            out.append({
                "flag": flag, "severity": info.get("severity"), "source": f.source,
                "container": f.container, "field": f.field, "category": f.category,
                "explanation": info.get("explanation"), "article": info.get("article"),
                "detail": None, "accepted": f.status != STATUS_OPEN,
            })
    return out


def violations(result: ScanResult) -> list[dict]:
    """Every violation: ``policy["violations"]`` plus finding flags the policy list lacks.

    Each is a dict with ``flag, severity, source, container, field, category, explanation,
    article, detail, accepted`` (``accepted``: by a baseline or an allowlist, failing
    nothing); missing values are ``None``. Malformed entries (no ``flag``) are skipped.
    Flags of severity ``info`` are notices, not violations (see :func:`notices`).
    """
    listed = _entries(result, "violations") + _entries(result, "notices")
    own = [v for v in _entries(result, "violations")
           if str(v["severity"] or "").lower() != "info"]
    return own + _from_flags(result, listed, info_flags=False)


def notices(result: ScanResult) -> list[dict]:
    """Entries of severity ``info`` (``policy["notices"]``, e.g. a declared transfer abroad)."""
    listed = _entries(result, "violations") + _entries(result, "notices")
    own = [v for v in listed if str(v["severity"] or "").lower() == "info"]
    return own + _from_flags(result, listed, info_flags=True)


def covers(v: dict, flag: str, f: Finding) -> bool:
    """Whether violation ``v`` is about ``flag`` on finding ``f``'s field (``None`` = any)."""
    return v["flag"] == flag and v["source"] == f.source and all(
        v[k] is None or v[k] == getattr(f, k) for k in ("container", "field", "category"))


def violations_for(finding: Finding, items: Iterable[dict]) -> list[dict]:
    """The violations about one finding's field and category."""
    return [
        v for v in items
        if v["source"] == finding.source and v["container"] == finding.container
        and v["field"] == finding.field and v["category"] in (finding.category, None)
    ]


def first_hit_rows(result: ScanResult) -> dict[tuple, int]:
    """The smallest hit row per ``(source, container, field, entity)``."""
    rows: dict[tuple, int] = {}
    for h in result.hits:
        key = (h.source, h.container, h.field, h.entity)
        if key not in rows or h.row < rows[key]:
            rows[key] = h.row
    return rows
