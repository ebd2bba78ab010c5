"""Numbers, shares, sizes and dates as a reader of each report language writes them.

Russian and Kazakh group thousands with a space and write a decimal comma (``8 000``,
``25,4 %``); English uses ``8,000`` and ``25.4%``. Dates follow the way they are written in
Kazakhstan, day first (``01.03.2025``), in all three languages; the English report adds
nothing that a reader in Kazakhstan would have to turn around. Spaces inside a number are
no-break spaces (U+00A0) so that a figure never wraps across lines.
"""

from __future__ import annotations

import datetime as dt

NBSP = "\u00a0"

_SIZE_UNITS = {
    "ru": ("Б", "КБ", "МБ", "ГБ"),
    "kk": ("Б", "КБ", "МБ", "ГБ"),
    "en": ("B", "KB", "MB", "GB"),
}


def _comma_lang(lang: str) -> bool:
    return lang in ("ru", "kk")


def number(value: int | float, lang: str, digits: int = 0) -> str:
    """``8000`` as ``8 000`` (ru, kk) or ``8,000`` (en); ``digits`` after the decimal sign."""
    text = f"{value:,.{digits}f}"
    if _comma_lang(lang):
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def percent(share: float, lang: str, digits: int = 1) -> str:
    """A share in ``[0, 1]`` as ``25,4 %`` (ru, kk) or ``25.4%`` (en).

    Trailing zeros go (``100 %``, not ``100,0 %``); a share above zero never shows as ``0``,
    and one below one never as ``100``: a reader must see that some, or not all, rows did.
    """
    pct = share * 100
    text = f"{pct:.{digits}f}"
    if share > 0 and float(text) == 0:
        text = f"<{10 ** -digits:.{digits}f}" if digits else "<1"
    elif share < 1 and float(text.lstrip("<")) >= 100:
        text = f">{100 - 10 ** -digits:.{digits}f}" if digits else ">99"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if _comma_lang(lang):
        return text.replace(".", ",") + NBSP + "%"
    return text + "%"


def size(n_bytes: int, lang: str) -> str:
    """A byte count in B/KB/MB/GB (Б/КБ/МБ/ГБ), one decimal above bytes."""
    units = _SIZE_UNITS.get(lang, _SIZE_UNITS["en"])
    value = float(n_bytes)
    for i, unit in enumerate(units):
        if value < 1024 or i == len(units) - 1:
            shown = number(value, lang, 0 if i == 0 else 1)
            return f"{shown}{NBSP}{unit}"
        value /= 1024
    raise AssertionError("unreachable")


def parse(iso: str | None) -> dt.datetime | None:
    """An ISO 8601 date or date-time, or ``None`` when it is not one."""
    if not iso:
        return None
    try:
        return dt.datetime.fromisoformat(str(iso).strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def date(iso: str | dt.date | None, lang: str) -> str:
    """``2025-03-01...`` as ``01.03.2025``; text that is not a date is returned as it is."""
    moment = iso if isinstance(iso, dt.date) else parse(iso)
    if moment is None:
        return "" if iso is None else str(iso)
    return f"{moment.day:02d}.{moment.month:02d}.{moment.year:04d}"


def date_time(iso: str | None, lang: str) -> str:
    """``01.03.2025 10:15:00 UTC``; the offset as ``UTC+05:00`` when it is not zero."""
    moment = parse(iso)
    if moment is None:
        return "" if iso is None else str(iso)
    text = f"{date(moment, lang)} {moment:%H:%M:%S}"
    offset = moment.utcoffset()
    if offset is None:
        return text
    if not offset:
        return text + " UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{text} UTC{sign}{hours:02d}:{rest:02d}"


def seconds(value: float, lang: str) -> str:
    """A duration in seconds with one decimal, in the language's decimal sign."""
    return number(value, lang, 1)


def plural(n: int, forms: str, lang: str) -> str:
    """The word for ``n`` things from ``"one|few|many"`` (Russian: 1 нарушение, 3 нарушения,
    5 нарушений; Kazakh keeps one form after a number; English: one, then many)."""
    one, few, many = forms.split("|")
    if lang == "en":
        return one if n == 1 else many
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many
