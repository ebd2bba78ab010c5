"""Dates of birth in JSON values under a birth-date key: ``"birth_date": "1987-10-08"``.

A date alone is not personal data; under ``birth_date``, ``dob`` or ``дата_рождения`` it is.
The value must read as a calendar date (ISO ``YYYY-MM-DD`` or ``DD.MM.YYYY``, with ``/`` or
``-`` too), optionally followed by a time.

Reference: ISO 8601 calendar dates; RFC 8259 (JSON members).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

from derbes.detectors import values
from derbes.detectors.keyed import KeyedValueRecognizer

_ISO = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[T ][\d:.+Z-]{0,20})?")
_DMY = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})")


class BirthDateByKeyRecognizer(KeyedValueRecognizer):
    """A date of birth as the value of a birth-date key in JSON."""

    ENTITY = "DATE_OF_BIRTH"
    WHOLE_IN_COLUMN = True
    COLUMN_NAMES = (
        "birth_date", "birthdate", "birthday", "dob", "date_of_birth", "born", "дата_рождения",
        "др", "туған_күні", "туылған_күні",
    )
    MASK = staticmethod(values.shape_mask)
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "The value of a JSON key, XML element or XML attribute named for a birth date "
              "(birth_date, dob...) that is a real calendar date after 1900.",
        "ru": "Значение JSON-ключа, XML-элемента или XML-атрибута даты рождения (birth_date, "
              "dob...), являющееся реальной датой после 1900 года.",
        "kk": "Туған күн кілтінің JSON, XML элементі немесе атрибуты мәні (birth_date, dob...), "
              "1900 жылдан кейінгі нақты күн.",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """A real date, born after 1900 and not in the future."""
        text = pattern_text.strip()
        m = _ISO.fullmatch(text)
        if m:
            y, mo, d = (int(x) for x in m.groups())
        elif m := _DMY.fullmatch(text):
            d, mo, y = (int(x) for x in m.groups())
        else:
            return False
        try:
            born = dt.date(y, mo, d)
        except ValueError:
            return False
        return None if dt.date(1900, 1, 1) <= born <= dt.date.today() else False
