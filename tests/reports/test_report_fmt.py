"""Numbers, shares, sizes and dates in each report language."""

from __future__ import annotations

import pytest

from derbes.reports import fmt

S = "\u00a0"  # the no-break space that keeps a figure on one line


@pytest.mark.parametrize(("lang", "expected"), [("ru", f"8{S}000"), ("kk", f"8{S}000"),
                                                ("en", "8,000")])
def test_thousands(lang: str, expected: str) -> None:
    assert fmt.number(8000, lang) == expected


@pytest.mark.parametrize(("share", "lang", "expected"), [
    (0.254, "ru", f"25,4{S}%"), (0.254, "en", "25.4%"), (1.0, "kk", f"100{S}%"),
    (0.0, "en", "0%"), (0.00001, "ru", f"<0,1{S}%"), (0.99999, "en", ">99.9%"),
])
def test_percent(share: float, lang: str, expected: str) -> None:
    assert fmt.percent(share, lang) == expected


def test_sizes_and_dates() -> None:
    assert fmt.size(0, "ru") == f"0{S}Б"
    assert fmt.size(2_400_000, "ru") == f"2,3{S}МБ"
    assert fmt.size(2_400_000, "en") == f"2.3{S}MB"
    assert fmt.date("2025-03-01T10:15:00+00:00", "kk") == "01.03.2025"
    assert fmt.date_time("2025-03-01T10:15:07.4+00:00", "ru") == "01.03.2025 10:15:07 UTC"
    assert fmt.date_time("2025-03-01T10:15:00+05:00", "en") == "01.03.2025 10:15:00 UTC+05:00"
    assert fmt.date("not a date", "ru") == "not a date"


@pytest.mark.parametrize(("n", "lang", "word"), [
    (1, "ru", "нарушение"), (3, "ru", "нарушения"), (5, "ru", "нарушений"),
    (11, "ru", "нарушений"), (21, "ru", "нарушение"), (13, "kk", "бұзушылық"),
    (1, "en", "error"), (4, "en", "errors"),
])
def test_counted_words(n: int, lang: str, word: str) -> None:
    from derbes.reports.i18n import LABELS

    assert fmt.plural(n, LABELS[lang]["errors_label"], lang) == word
