"""Which column of a table says when its rows were written, and its values as ISO 8601: the
rules the database source and the file tables share (``sources.sql.table_age``,
``sources.tabular``).

Retention (Law 94-V, Art. 12) is checked against the age of the oldest rows that hold
personal data. A table says when its rows were written in a timestamp column: one named so
(``created_at``, ``registered_at``, ``updated_at``, ``дата_создания`` ...) or typed as a date
or time. Birth dates and expiry dates are dates too, but not of the row: they are never
taken.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

#: Column names that record when a row was written, strongest first.
_CREATED = re.compile(
    r"(?:^|_)(?:created|creation|inserted|registered|registration|signup|signed_up|added|"
    r"date_created|create_date|created_on|reg_date)(?:_?(?:at|on|date|time|ts|dt))?$|"
    r"^(?:дата|время)_(?:создания|регистрации|добавления)$|"
    r"^(?:құрылған|тіркелген)_(?:күні|уақыты)$",
    re.IGNORECASE)
_UPDATED = re.compile(
    r"(?:^|_)(?:updated|modified|changed|last_login|last_seen)(?:_?(?:at|on|date|time|ts))?$|"
    r"^(?:дата|время)_(?:изменения|обновления)$",
    re.IGNORECASE)
#: Dates that are not the row's: a person's birth, a document's expiry...
_NOT_ROW_DATE = re.compile(
    r"birth|dob|born|expir|valid|until|deadline|due|рожд|туған|срок|мерзім", re.IGNORECASE)
_DATE_TYPE = re.compile(r"\b(?:date|datetime|timestamp|timestamptz|time with time zone)\b",
                        re.IGNORECASE)


def candidates(columns: Sequence[tuple[str, str]]) -> list[str]:
    """Timestamp columns of a table, from ``(name, type)`` pairs, the likeliest first:
    creation times, then update times, then any other date-typed column."""
    ranked = [(r, name) for name, typ in columns if (r := rank(name, typ)) is not None]
    return [name for _, name in sorted(ranked, key=lambda r: r[0])]


def rank(name: str, typ: str | None) -> int | None:
    """How likely a column says when its row was written: 0 a creation time, 1 an update
    time, 2 any other date-typed column; None for none (a birth date neither)."""
    if _NOT_ROW_DATE.search(name):
        return None
    if _CREATED.search(name):
        return 0
    if _UPDATED.search(name):
        return 1
    return 2 if _DATE_TYPE.search(typ or "") else None


def iso(value: object) -> str | None:
    """A date, time or ISO text as ISO 8601; ``None`` for anything else."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
        except ValueError:
            return None
    return None
