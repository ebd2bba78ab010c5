"""PERSON by value: full names in Russian and Kazakh, by dictionary and name endings.

The names below are written by the team (common names in Kazakhstan, and surnames that are
not in the bundled list, so that endings, not the list, must carry them).
"""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from recognizer_cases import found_alone

from derbes.detectors import person_name
from derbes.detectors.person_name import PersonNameRecognizer, is_full_name, roles

CASES = [
    # Surname, given name, patronymic (ФИО), Russian and Kazakh
    ("Жолдасбекова Айгерім Серікқызы", ["Жолдасбекова Айгерім Серікқызы"]),
    ("Тлеубердиев Нурлан Маратович", ["Тлеубердиев Нурлан Маратович"]),
    ("ИСКАКОВА ДИНАРА ЕРЛАНОВНА", ["ИСКАКОВА ДИНАРА ЕРЛАНОВНА"]),
    ("Қуанышбаев Бауыржан Асқарұлы", ["Қуанышбаев Бауыржан Асқарұлы"]),
    # given name and surname, either order
    ("Айгерим Нурланова", ["Айгерим Нурланова"]),
    ("Сапарбаев Ержан", ["Сапарбаев Ержан"]),
    ("Оксана Петрова-Водкина", ["Оксана Петрова-Водкина"]),
    # a name inside a longer run of capitalised words, and in a sentence
    ("Заказ Иван Кравченко оформлен", ["Иван Кравченко"]),
    ("Получатель: Мухтаров Ерлан, тел. скрыт", ["Мухтаров Ерлан"]),
    ("Жіберуші Әсел Төлеуова қабылдады", ["Әсел Төлеуова"]),
    # Kazakh given names in Russian spelling, the soft sign after л (Айгүл: Айгуль)
    ("Серикова Айгуль Маратовна", ["Серикова Айгуль Маратовна"]),
    ("Жумабаева Гульнара Ерлановна", ["Жумабаева Гульнара Ерлановна"]),
    ("Кульпеисова Гульмира", ["Кульпеисова Гульмира"]),
    # a surname with initials
    ("менеджер Ахметова Д.К. одобрила возврат", ["Ахметова Д.К."]),
    ("Подписал: Д. К. Сапарбаев", ["Д. К. Сапарбаев"]),
    # streets named after people are addresses
    ("г. Алматы, пр. Д. Кунаева, 12", []),
    ("ул. Жибек Жолы, д. 50", []),
    ("г. Астана, ул. Сейфуллина 3", []),
    # two capitalised words that are not a name
    ("Республика Казахстан", []),
    ("Служба Поддержки", []),
    ("Алматы Астана", []),
    ("Казахстан Республикасы Ұлттық Банкі", []),
    # a lone word needs context
    ("Айгерим", []),
    ("Магазин Товаров", []),
    # Written in Windows-1251, which has no ә, ғ, қ, ң, ө, ұ, ү, һ: each a "?" (a 1C export)
    ("контрагент Байжанова Айг?л Данияр?ызы, ИИН", ["Байжанова Айг?л Данияр?ызы"]),
    ("?бенов Серік Н?рс?лтан?лы", ["?бенов Серік Н?рс?лтан?лы"]),
    ("Получатель: ??нанбаев Ерлан", ["??нанбаев Ерлан"]),
    ("Подписал: ?. К. Сапарбаев", ["?. К. Сапарбаев"]),
    # Korean surnames of Kazakhstan, which no ending tells
    ("сотрудник Ким Анна Сергеевна", ["Ким Анна Сергеевна"]),
    ("Пак Ерлан", ["Пак Ерлан"]),
    ("уже указан у сотрудника Цой Т.", ["Цой Т."]),
    # a given name with its surname's initial, as an e-mail's sender is shown; not with two
    ('Письмо от "Арман Б." <arman.b@mail.kz>', ["Арман Б."]),
    ("Айгерим Д.К. подписала", []),
    ("Алматы Б. Момышулы", []),
    # a question mark after a name is punctuation, and "?" in words that are no names
    ("Это Айгерим Нурланова? Да.", ["Айгерим Нурланова"]),
    ("GET /поиск?q=Иван HTTP/1.1", []),
    ("Что? Где? Когда?", []),
    ("Республика ?аза?стан", []),
    ("?????? ?????", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_names_in_text(text: str, expected: list[str]) -> None:
    assert found_alone(PersonNameRecognizer, text) == expected


@pytest.mark.parametrize(
    ("value", "column", "expected"),
    [
        ("Айгерім", "first_name", ["Айгерім"]),
        ("Жолдасбекова", "last_name", ["Жолдасбекова"]),
        ("Серікқызы", "әкесінің_аты", ["Серікқызы"]),
        ("Айгерім", "city", []),
        ("Алматы", "first_name", []),
    ],
)
def test_one_word_needs_a_name_column(value: str, column: str, expected: list[str]) -> None:
    assert found_alone(PersonNameRecognizer, value, [column]) == expected


def test_context_word_before_one_word() -> None:
    assert found_alone(PersonNameRecognizer, "клиент Ахметжанов позвонил") == ["Ахметжанов"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Нұрлан", "G"),  # Kazakh spelling
        ("Нурлан", "G"),  # Russian spelling of the same name
        ("Айгуль", "G"),  # Айгүл in Russian spelling: ль for a front vowel's л
        ("Игорь", "G"),  # a soft sign of the list's own names stays as it is
        ("Ильич", "P"),
        ("Руль", ""),
        ("Серікқызы", "PS"),  # patronymic ending, also a surname form in Kazakh
        ("Серік?ызы", "PS"),  # the same in Windows-1251: "?" each letter it may be
        ("Айг?л", "G"),
        ("?бенов", "S"),
        ("Н?рс?лтан?лы", "PS"),
        ("Н?р??л???", ""),  # more "?" than MAX_UNKNOWN: read as no name
        ("?", ""),
        ("Маратович", "P"),
        ("Жолдасбекова", "S"),
        ("Касымов", "S"),
        ("Поддержки", ""),
    ],
)
def test_roles(word: str, expected: str) -> None:
    assert roles(word) == expected


def _roles_by_readings(word: str) -> str:
    """The definition: the roles of every reading of a word's ``?`` (each letter of
    ``_UNKNOWN``), together."""
    w = person_name.fold(word)
    if w.count("?") > person_name.MAX_UNKNOWN:
        return ""
    found: set[str] = set()
    for letters in itertools.product(person_name._UNKNOWN, repeat=w.count("?")):
        reading = w
        for letter in letters:
            reading = reading.replace("?", letter, 1)
        found.update(roles(reading))
    return "".join(r for r in "GPS" if r in found)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(set().union(*person_name.name_lists()))),
       st.lists(st.integers(0, 30), max_size=5), st.sampled_from(["", "ов", "кызы", "ль"]))
def test_a_word_with_question_marks_has_the_roles_of_its_readings(name, at, ending) -> None:
    """Read at once (the lists' masks, endings that take a "?"), as every reading would be."""
    chars = list(name + ending)
    for i in at:
        if i < len(chars):
            chars[i] = "?"
    word = "".join(chars)
    assert roles(word) == _roles_by_readings(word), word


def test_two_given_names_alone_are_not_a_full_name() -> None:
    assert not is_full_name(["Айгерим", "Динара"])
    assert is_full_name(["Айгерим", "Нурланова"])


class _Decoded(str):
    """A line read decoded comes to the recognizer as a str subclass."""


# Capitals of every kind the names take (Russian, Ё, І, the Kazakh ones), the lower-case
# letters around them, and what may stand before a name or glue a word to it; a letter and
# a sign beyond the BMP (strings of each width, read in place when compiled).
_NAME_TEXT = st.text(alphabet=list("АЯЁІӘҚҰӨаяёіәқұөZz09_-. ,:«?\t\U0001d400\U0001f600"),
                     max_size=60)


@settings(max_examples=500, deadline=None)
@given(_NAME_TEXT)
def test_names_are_tried_only_where_a_name_can_begin(text):
    """The runs of words and the initials found from the capitals :func:`_name_starts`
    gives are those ``finditer`` finds (the definition), in either build."""
    for line in (text, _Decoded(text)):
        starts = person_name._name_starts(str(line))
        for rx in (person_name._RUN, person_name._WITH_INITIALS):
            found = [m.span() for m in person_name._matches_at(rx, line, starts)]
            assert found == [m.span() for m in rx.finditer(line)], rx.pattern
    assert PersonNameRecognizer().candidates(_Decoded(text)) == (
        PersonNameRecognizer().candidates(text))


def _runs_are_the_regex_runs(text: str) -> None:
    """:func:`_runs` (in C when compiled) gives the words of each ``_RUN`` match, as
    ``finditer`` and ``_WORD`` find them (the definition); the initials' gate is never shut
    before a line that holds initials."""
    starts = person_name._name_starts(text)
    expected = [[(m.start() + run.start(), m.end() + run.start())
                 for m in person_name._WORD.finditer(run.group())]
                for run in person_name._RUN.finditer(text)]
    assert person_name._runs(text, starts) == expected
    if any(True for _ in person_name._WITH_INITIALS.finditer(text)):
        assert person_name._initial_at_a_start(text, starts)


@settings(max_examples=500, deadline=None)
@given(_NAME_TEXT)
def test_runs_read_from_the_starts_are_the_regex_runs(text):
    _runs_are_the_regex_runs(text)


@pytest.mark.parametrize("text", [
    "Иван Петров", "Иван Петров2", "Анна-Мария Ким", "Анна-мария Ким", "Анна- Ким",
    "Иван Петров Сидоров Ким Ли", "Иван Петров-", "Иван  Петров", "Ахметова Д.К.",
    "Д. К. Ахметова", "ул. Д. Кунаева", "Иванz Петров", "И", "Ия", "Ә.Ә.", "-Иван Петров",
    # Letters written "?" (Windows-1251 has no Kazakh ones): first, inside, never last.
    "?бенов Серік Н?рс?лтан?лы", "Айг?л? Да", "Иван?", "Иван ?", "?? ?а", "Что?Иван Петров",
    "А-?ля", "А-? Ким", "?. ?. ?бенова", "Ахметова ?.К.", "Н??", "x?Иван",
])
def test_runs_on_the_edges_of_a_word(text):
    _runs_are_the_regex_runs(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=list("АБВЁЕӘҒҚҢӨҰҮҺІаяеёәғқңөұүһіzZß-"), max_size=12))
def test_fold_translates_as_its_table_does(word):
    """:func:`fold` (which skips the table where no letter of it occurs) is
    ``casefold().translate(_FOLD)``."""
    assert person_name.fold(word) == word.casefold().translate(person_name._FOLD)


def test_name_letters_are_the_patterns_classes():
    """The letters read in C are those of ``_UPPER`` and ``_LOWER`` (the patterns' classes),
    for every character of the Basic Multilingual Plane."""
    capital = re.compile(f"[{person_name._UPPER}]")
    letter = re.compile(f"[{person_name._LOWER}{person_name._UPPER}]")
    word = re.compile(r"[\w-]")
    for code in range(0x10000):
        c = chr(code)
        assert person_name._is_capital(c) == bool(capital.fullmatch(c)), hex(code)
        assert person_name._is_letter(c) == bool(letter.fullmatch(c)), hex(code)
        assert person_name._is_word_char(c) == bool(word.fullmatch(c)), hex(code)
