"""Full names (ФИО; тегі, аты, әкесінің аты) by value: «Нұрланова Айгерім Серікқызы».

No checksum tells a name from two capitalised words, so a name is read the way a clerk reads
it: a given name from a dictionary (``data/person_names.txt``: Faker's ru_RU lists and common
Kazakh names) next to a surname or a patronymic, known or recognised by its ending:

* patronymics: Russian -ович/-евич/-ич, -овна/-евна/-ична; Kazakh -ұлы/-улы, -қызы/-кызы;
* surnames: -ов/-ев/-ин/-ын and their feminine forms, -ский/-ская, -енко, -баев, -ұлы...

A surname with initials (``Ахметова Д.К.``) counts as two words. Three words (surname,
name, patronymic) score higher than two; one word alone (``Айгерім``
in a ``first_name`` column) needs a name word nearby or a name column (``CONTEXT_REQUIRED``).
Cyrillic only: Latin transliterations are too close to ordinary English words.

Reference: Law of the RK «О документах, удостоверяющих личность» (фамилия, имя, отчество);
Kazakh patronymics with -ұлы/-қызы as in the Ministry of Justice rules of civil registration.
"""

from __future__ import annotations

import re
from functools import cache
from typing import ClassVar

from derbes.detectors import values
from derbes.detectors.base import DerbesRecognizer, Pattern, bundled_text, string_memo

_UPPER = "А-ЯЁӘҒҚҢӨҰҮҺІ"
_LOWER = "а-яёәғқңөұүһі"
# A letter its writer's code page lacks, written "?": Windows-1251 has no ә, ғ, қ, ң, ө, ұ, ү,
# һ, and 1C and other Windows programs write «Нұрланова Айгүл Даниярқызы» in it as «Н?рланова
# Айг?л Данияр?ызы». In a word of a name a "?" is a letter where one may stand: first, or
# before another letter (or "?"); never last, where it is a question mark.
_PART = f"[{_UPPER}?][{_LOWER}{_UPPER}?]*[{_LOWER}{_UPPER}]"
_TOKEN = f"{_PART}(?:-{_PART})?"
# No letter, digit or hyphen glued on either side: a whole run of words.
_BEFORE = r"(?<![\w-])"
_AFTER = r"(?![\w-])"
_RUN = re.compile(f"{_BEFORE}{_TOKEN}(?: {_TOKEN}){{0,3}}{_AFTER}")
_WORD = re.compile(_TOKEN)
# A surname with initials, either side: «Ахметова Д.К.», «Д. К. Ахметова».
_INITIAL = f"[{_UPPER}?]\\."
_INITIALS = f"{_INITIAL}(?: ?{_INITIAL})?"
_WITH_INITIALS = re.compile(
    f"{_BEFORE}(?:(?P<after>{_TOKEN}) {_INITIALS}(?![\\w-])"
    f"|{_INITIALS} ?(?P<before>{_TOKEN}){_AFTER})"
)

# Kazakh letters read as their Russian look-alikes, so that Нұрлан and Нурлан are one name.
_FOLD = str.maketrans("әғқңөұүһіё", "агкноууhие")

_PATRONYMIC = re.compile(r"(?:ович|евич|ьич|овна|евна|ична|инична|улы|кызы)$")
_SURNAME = re.compile(
    r"(?:ов|ев|ин|ын|ова|ева|ина|ына|ский|ская|цкий|цкая|енко|баев|баева|бек|бекова|улы|кызы)$"
)

# UTF-8 capital Cyrillic letters (Russian and Kazakh), and cp1251 capitals (legacy logs).
_CAP_UTF8 = rb"(?:\xd0[\x81\x86\x90-\xaf]|\xd2[\x92\x9a\xa2\xae\xb0\xba]|\xd3[\x98\xa8])"
_CAP_1251 = rb"[\xa8\xb2\xc0-\xdf]"
# The letter after a cp1251 capital: А-я, or і/ё before another letter. UTF-8 Cyrillic never
# has two bytes of \xc0-\xff in a row, so this keeps most UTF-8 text (whose lead bytes are
# cp1251 capitals) out of the cp1251 prefilters. (Log files reach the fast path as UTF-8; these
# prefilters hold the recognizer's promise for bytes in cp1251 too.)
_NEXT_1251 = rb"(?:[\xc0-\xff]|[\xb3\xb8][\xc0-\xff])"
# A letter written "?" (``_PART``), in either encoding: a capital's place may be a "?", and a
# word's first letters "?" before a letter («?бенов», «А?жол?ызы»).
_CAPQ_UTF8 = rb"(?:" + _CAP_UTF8 + rb"|\?)"
_CAPQ_1251 = rb"(?:" + _CAP_1251 + rb"|\?)"
# A word of a name before a space: a capital and what follows (at least one byte), or "?"s
# and a letter first.
_WORD_UTF8 = (rb"(?:" + _CAP_UTF8 + rb"[\x80-\xbf\xd0-\xd3?-]+|\?+[\xd0-\xd3]"
              rb"[\x80-\xbf\xd0-\xd3?-]*)")
# cp1251: a capital (or "?"s) and a letter, as _NEXT_1251 reads one, then what follows.
_START_1251 = rb"(?:" + _CAP_1251 + rb"\?*" + _NEXT_1251 + rb"|\?+" + _NEXT_1251 + rb")"


@cache
def name_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Given names, surnames and patronymics of the bundled list, folded (see :func:`fold`)."""
    text = bundled_text("person_names.txt")
    kinds: dict[str, set[str]] = {"G": set(), "S": set(), "P": set()}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            kind, name = line.split(" ", 1)
            kinds[kind].add(fold(name))
    return frozenset(kinds["G"]), frozenset(kinds["S"]), frozenset(kinds["P"])


# The letters _FOLD changes: str.translate looks a table up at every character (0.8 us a
# word); most names hold none of these letters, and one search tells (0.1 us).
_FOLDED = re.compile("[" + "".join(map(chr, _FOLD)) + "]")


def fold(word: str) -> str:
    """Lower case, Kazakh letters as their Russian look-alikes, ё as е."""
    folded = word.casefold()
    return folded.translate(_FOLD) if _FOLDED.search(folded) else folded


@string_memo(1 << 14)  # the words of a log's templates and its people recur
def roles(word: str) -> str:
    """What a word can be in a name: ``G`` given name, ``S`` surname, ``P`` patronymic.

    A ``?`` in it (a letter its writer's code page lacks, see ``_PART``) is each letter it
    may have been, folded (:data:`_UNKNOWN`): the word's roles are those of all its readings,
    «Данияр?ызы» a patronymic as «Даниярқызы» is; at most :data:`MAX_UNKNOWN` of them. Read
    at once, not reading by reading (8 ** 4 of them, 5 ms a new word): against the lists by
    their names' skeletons (:func:`_lists_by_skeleton`), and endings that take a ``?`` for such a
    letter."""
    w = fold(word)
    if "?" not in w:
        return _roles_in(w, name_lists(), _PATRONYMIC, _SURNAME)
    if w.count("?") > MAX_UNKNOWN:
        return ""
    return _roles_in(w, _lists_by_skeleton(), _PATRONYMIC_Q, _SURNAME_Q)


#: The letters a "?" in a name's word may stand for, folded (:func:`fold`): those of the
#: Kazakh alphabet Windows-1251 lacks (ә ғ қ ң ө ұ ү һ), and і, which cp866 lacks.
_UNKNOWN = "агкноуhи"
#: A word is read with this many "?" at most.
MAX_UNKNOWN = 4


def _roles_in(w: str, lists: tuple, patronymic: re.Pattern, surname: re.Pattern) -> str:
    """:func:`roles` of a folded word, by ``lists`` (given names, surnames, patronymics) and
    the endings ``patronymic`` and ``surname``."""
    given, surnames, patronymics = lists
    out = ""
    # A Kazakh name's л after a front vowel is ль in Russian spelling (Айгүл, Айгуль; Әсел,
    # Асель; Гүлмира, Гульмира): a given name is looked up without that soft sign too. (A "?"
    # stands for neither letter: the same in a word that holds one.)
    if w in given or ("ль" in w and w.replace("ль", "л") in given):
        out += "G"
    if w in patronymics or (len(w) > 5 and patronymic.search(w)):
        out += "P"
    if w in surnames or (len(w) > 3 and surname.search(w)):
        out += "S"
    return out


def _with_unknown(pattern: str) -> str:
    """An ending's pattern (letters, ``(?:``, ``|``, ``)$``) where each letter of
    :data:`_UNKNOWN` may also be a ``?``."""
    return "".join(f"[{c}?]" if c in _UNKNOWN else c for c in pattern)


_PATRONYMIC_Q = re.compile(_with_unknown(_PATRONYMIC.pattern))
_SURNAME_Q = re.compile(_with_unknown(_SURNAME.pattern))


@cache
def _lists_by_skeleton() -> tuple[_WithUnknown, _WithUnknown, _WithUnknown]:
    """:func:`name_lists` that a word with ``?`` is looked up in: it is in a list exactly when
    one of its readings is (made on the first such word)."""
    return tuple(_WithUnknown(group) for group in name_lists())  # type: ignore[return-value]


#: A name's skeleton: its letters of :data:`_UNKNOWN` written ``?``.
_SKELETON = str.maketrans(dict.fromkeys(_UNKNOWN, "?"))


class _WithUnknown:
    """Names by their skeleton: a word with ``?`` has the skeleton of every name it may be
    read as, and is one where each of its other letters is the name's."""

    def __init__(self, names: frozenset[str]) -> None:
        self.by_skeleton: dict[str, list[str]] = {}
        for name in names:
            self.by_skeleton.setdefault(name.translate(_SKELETON), []).append(name)

    def __contains__(self, word: str) -> bool:
        for name in self.by_skeleton.get(word.translate(_SKELETON), ()):
            if all(a == b or a == "?" for a, b in zip(word, name, strict=True)):
                return True
        return False


def is_full_name(words: list[str]) -> bool:
    """Two or three words, each a name word, one a given name, another a surname or patronymic."""
    return 2 <= len(words) <= 3 and reads_as_name([roles(w) for w in words])


def reads_as_name(found: list[str]) -> bool:
    """:func:`is_full_name` of the words whose :func:`roles` are ``found``."""
    if not 2 <= len(found) <= 3 or not all(found):
        return False
    for i, r in enumerate(found):
        if "G" in r and any(("S" in o or "P" in o) for j, o in enumerate(found) if j != i):
            return True
    return False


#: Whether Cython compiled this module (``person_name.pxd``): then :func:`_name_starts`
#: reads a line in C; as Python, ``finditer`` is the faster.
_COMPILED = not __file__.endswith(".py")
#: The same, as a C flag when compiled (``person_name.pxd``): tested at every character.
_IN_PLACE = _COMPILED


def _name_starts(text: str) -> list[int]:
    """Where a run of capitalised words, or initials, may begin in ``text``: a capital of
    ``_UPPER`` with no word character (``\\w``: a letter, digit or underscore) or hyphen
    before it, what both ``_RUN`` and ``_WITH_INITIALS`` begin with.

    ``re`` tries those patterns at every character of a line (their lookbehind comes first):
    about half the recognizer's time on lines of Russian text. This reads the line once (in C
    when compiled, ``person_name.pxd``) and the patterns are tried here only."""
    if _IN_PLACE:
        # The characters read in place (PyUnicode_READ of the string's kind and data), where
        # text[i] checks the index and the kind again at every character.
        kind = PyUnicode_KIND(text)  # noqa: F821
        data = PyUnicode_DATA(text)  # noqa: F821
    out = []
    word = False  # whether the character before is a word character or a hyphen
    n = len(text)
    for i in range(n):
        c = PyUnicode_READ(kind, data, i) if _IN_PLACE else text[i]  # noqa: F821
        code = ord(c)
        # _UPPER: А-Я, then Ё, І and the Kazakh capitals (a literal: compiled, a C switch);
        # or a "?" standing for one (``_PART``): a letter, a "?" or an initial's full stop
        # after it.
        if not word and (0x410 <= code <= 0x42F or c in "ЁӘҒҚҢӨҰҮҺІ" or (
                c == "?" and i + 1 < n and _may_follow_unknown(text[i + 1]))):
            out.append(i)
        word = _is_word_char(c)
    return out


def _may_follow_unknown(c: str) -> bool:
    """What may follow a "?" that begins a word of a name or an initial (``_PART``,
    ``_INITIAL``): a letter, another "?", a full stop."""
    return c == "?" or c == "." or _is_letter(c)


def _initial_at_a_start(text: str, starts: list[int]) -> bool:
    """Whether a capital of ``starts`` (:func:`_name_starts`) has a full stop after it: every
    match of ``_WITH_INITIALS`` holds one (its first initial begins it, or follows the space
    after the surname), so a line with none has no initials to try."""
    n = len(text)
    for i in starts:  # noqa: SIM110 (compiled, a C loop; any() of a generator is not)
        if i + 1 < n and text[i + 1] == ".":
            return True
    return False


def _is_capital(c: str) -> bool:
    """A character of ``_UPPER`` (a literal: compiled, a C switch)."""
    code = ord(c)
    return 0x410 <= code <= 0x42F or c in "ЁӘҒҚҢӨҰҮҺІ"


def _is_letter(c: str) -> bool:
    """A character of ``_LOWER`` or ``_UPPER``: what a word of a name is made of."""
    code = ord(c)
    return 0x410 <= code <= 0x44F or c in "ЁёӘҒҚҢӨҰҮҺІәғқңөұүһі"


def _word_end(text: str, i: int, n: int) -> int:
    """Where the word ``_TOKEN`` that begins at ``i`` ends (its letters and a hyphenated
    second part, each as far as they go: ``re`` takes them greedily, and an end before a
    letter or a hyphen ends no run), or -1 when none begins there."""
    j = _part_end(text, i, n)
    if j < 0:
        return -1
    if j + 2 < n and text[j] == "-":
        k = _part_end(text, j + 1, n)
        if k >= 0:
            j = k
    return j


def _part_end(text: str, i: int, n: int) -> int:
    """Where ``_PART`` that begins at ``i`` ends, or -1: a capital or a "?", then letters and
    "?" as far as they go, given back to the last letter (``re`` backtracks to it)."""
    if i >= n or not (_is_capital(text[i]) or text[i] == "?"):
        return -1
    j = i + 1
    while j < n and (_is_letter(text[j]) or text[j] == "?"):
        j += 1
    while j > i + 1 and text[j - 1] == "?":
        j -= 1
    return j if j > i + 1 else -1


def _is_word_char(c: str) -> bool:
    """``\\w`` or a hyphen: what ``_BEFORE`` forbids before a run and ``_AFTER`` after it."""
    code = ord(c)
    if code < 128:
        # ASCII by comparisons: str.isalnum() is four calls of Unicode's tables for a
        # character that is none (a space), 70 of the 100 instructions a character of
        # _name_starts.
        return (48 <= code <= 57 or 65 <= code <= 90 or 97 <= code <= 122 or code == 95
                or code == 45)
    return c.isalnum()


def _runs(text: str, starts: list[int]) -> list[list[tuple[int, int]]]:
    """The words of each match of ``_RUN`` in ``text``, as ``finditer`` finds them, from the
    capitals where a run may begin (:func:`_name_starts`); read in C when compiled.

    From a start, words (``_TOKEN``) are read while one space and another word follow, four
    at most; a run ends at the last word with no word character or hyphen after it (the
    regex gives words back until ``_AFTER`` holds, and before a space it always does). A
    word ends where its letters do: ``re`` could end it sooner only before a letter, which
    neither a space nor ``_AFTER`` allows. The next run is looked for past this one, as
    ``finditer`` resumes."""
    n = len(text)
    out = []
    end = 0
    for i in starts:
        if i < end:
            continue
        words = []
        at = i
        while len(words) < 4:
            stop = _word_end(text, at, n)
            if stop < 0:
                break
            words.append((at, stop))
            if stop + 1 < n and text[stop] == " ":
                at = stop + 1
            else:
                break
        if words and words[-1][1] < n and _is_word_char(text[words[-1][1]]):
            # The last word is glued to what follows: the run ends within it, before a "?"
            # (``re`` gives letters back to one), or before it.
            last = _end_before_unknown(text, words[-1][0], words[-1][1])
            if last > 0:
                words[-1] = (words[-1][0], last)
            else:
                words.pop()
        if words:
            out.append(words)
            end = words[-1][1]
    return out


def _end_before_unknown(text: str, start: int, end: int) -> int:
    """The longest word ``_TOKEN`` within ``text[start:end]`` (a word that begins at
    ``start`` and ends there) that a "?" follows, or -1: where it ends."""
    hyphen = text.find("-", start, end)
    j = end - 1
    while j >= start + 2:
        if text[j] == "?" and _is_letter(text[j - 1]) and (
                hyphen < 0 or j < hyphen or j >= hyphen + 3):
            return j
        j -= 1
    return -1


def _initials_name(m: re.Match) -> bool:
    """Whether a match of ``_WITH_INITIALS`` is a name: a surname with initials («Ахметова
    Д.К.», «Д. К. Ахметова»), or a given name with its surname's initial after it («Арман
    Б.», as an e-mail's sender or a chat's author is shown)."""
    word = m.group("after")
    if word is None:
        return "S" in roles(m.group("before"))
    found = roles(word)
    return "S" in found or ("G" in found and m.end() - m.start() == len(word) + 3)


def _matches_at(rx: re.Pattern, text: str, starts: list[int] | None) -> list[re.Match]:
    """``rx.finditer(text)`` for a pattern whose every match begins at one of ``starts``
    (:func:`_name_starts`), found by ``rx.match`` there, from where the last match ended
    (as ``finditer`` resumes); None: ``finditer`` itself."""
    if starts is None:
        return list(rx.finditer(text))
    out = []
    end = 0
    for i in starts:
        if i >= end:
            m = rx.match(text, i)
            if m is not None:
                out.append(m)
                end = m.end()
    return out


class PersonNameRecognizer(DerbesRecognizer):
    """A person's full name in Cyrillic, recognised by a name dictionary and name endings."""

    ENTITY = "PERSON"
    MASK = staticmethod(values.person_mask)
    PATTERNS = (
        Pattern("fio", f"{_BEFORE}{_TOKEN} {_TOKEN} {_TOKEN}{_AFTER}", 0.7),
        Pattern("name", f"{_BEFORE}{_TOKEN} {_TOKEN}{_AFTER}", 0.55),
        Pattern("single", f"{_BEFORE}{_TOKEN}{_AFTER}", 0.3),
        Pattern("initials", _WITH_INITIALS.pattern, 0.55),
    )
    PREFILTERS = (
        # Two capitalised words: a capital, letters (or a hyphen), a space, a capital. A
        # letter may be a "?" (``_PART``).
        _WORD_UTF8 + rb" " + _CAPQ_UTF8,
        _START_1251 + rb"[\xa8\xb2\xb3\xb8\xc0-\xff?-]* " + _START_1251,
        # One word: a capital (or "?"s) and a letter.
        _CAPQ_UTF8 + rb"\?*[\xd0-\xd3]",
        _START_1251,
        # A surname and initials («Ахметова Д.», «Д. К. Ахметова»).
        _WORD_UTF8 + rb" " + _CAPQ_UTF8 + rb"\.",
        _CAPQ_UTF8 + rb"\. ?(?:" + _CAPQ_UTF8 + rb"\. ?)?" + _CAPQ_UTF8,
        _START_1251 + rb"[\xa8\xb2\xb3\xb8\xc0-\xff?-]* " + _CAPQ_1251 + rb"\.",
        _CAPQ_1251 + rb"\. ?(?:" + _CAPQ_1251 + rb"\. ?)?" + _CAPQ_1251,
    )
    PATTERN_PREFILTERS: ClassVar[dict[str, tuple[int, ...]]] = {
        "fio": (0, 1), "name": (0, 1), "single": (2, 3), "initials": (4, 5, 6, 7),
    }
    # The cp1251 ones. In UTF-8 text their capital is a lead or continuation byte: the gated
    # one-word form matched 983 times in the dense benchmark corpus, each a line the
    # recognizer then read in vain, and it cost Hyperscan a tenth of its pass over the public
    # Loghub lines, where it never matched.
    LEGACY_PREFILTERS = frozenset({1, 3, 6, 7})
    CONTEXT_REQUIRED = frozenset({"single"})
    CONTEXT = (
        # Not a bare "аты": context words match as prefixes, and it begins "Атырау".
        "фио", "имя", "фамилия", "отчество", "тегі", "әкесінің аты", "әкесінің_аты", "аты-жөні",
        "аты_",
        "name", "first_name", "last_name", "surname", "patronymic", "fio", "full_name",
        "клиент", "получатель", "отправитель", "сотрудник", "владелец", "customer", "client",
        "recipient", "holder",
    )
    # Streets and places are named after people: «ул. Д. Кунаева», «им. Абая» are addresses.
    NEGATIVE_CONTEXT = (
        "ул.", "улица", "пр.", "проспект", "пер.", "переулок", "мкр", "микрорайон", "бульвар",
        "им.", "имени", "көшесі", "даңғылы", "street", "avenue",
    )
    NEGATIVE_CONTEXT_KILLS = True
    CONTEXT_WINDOW = 32
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "Two or three capitalised Cyrillic words: a given name from the bundled Russian "
              "and Kazakh list next to a surname or patronymic (-ович, -овна, -ұлы, -қызы, "
              "-ов, -ева...). One word alone only beside a name word or in a name column.",
        "ru": "Два-три слова кириллицей с заглавной буквы: имя из встроенного русского и "
              "казахского списка рядом с фамилией или отчеством (-ович, -овна, -ұлы, -қызы, "
              "-ов, -ева...). Одно слово - только рядом со словом «имя» или в столбце имени.",
        "kk": "Бас әріппен жазылған екі-үш кирилл сөзі: кіріктірілген орыс және қазақ "
              "тізіміндегі есім мен тегі немесе әкесінің аты (-ович, -овна, -ұлы, -қызы, "
              "-ов, -ева...). Жалғыз сөз тек есім сөзінің жанында немесе есім бағанында.",
    }

    def candidates(self, text, patterns=None, once=frozenset()):
        """Runs of capitalised words; in each, the longest window that reads as a name.

        A run ``Заказ Иван Петров`` holds the name ``Иван Петров``: the windows of three,
        then two words are tried at each word, and a single word is a candidate of its own
        (``single``, which needs context).
        """
        out = []
        want = {"fio", "name", "single", "initials"} if patterns is None else patterns
        # Both patterns match only at a capital with no word character or hyphen before it.
        # (The reader takes an exact str: a decoded line comes as a subclass.)
        starts = None
        line = text if type(text) is str else str(text)
        if _COMPILED:
            starts = _name_starts(line)
        if "initials" in want and (starts is None or _initial_at_a_start(line, starts)):
            for m in _matches_at(_WITH_INITIALS, text, starts):
                if _initials_name(m):
                    out.append((m.start(), m.end(), self._score("initials"), "initials"))
        if starts is None:  # as Python, the regex itself is the faster
            runs = [[(m.start() + run.start(), m.end() + run.start())
                     for m in _WORD.finditer(run.group())] for run in _RUN.finditer(text)]
        else:
            runs = _runs(line, starts)
        for words in runs:
            if len(words) == 1 and "single" not in want:
                continue  # one word, and no window of two or three
            # Each word's roles once, for every window it is in.
            found = [roles(text[s:e]) for s, e in words]
            i = 0
            while i < len(words):
                for size, kind in ((3, "fio"), (2, "name")):
                    if kind in want and i + size <= len(words) and reads_as_name(
                            found[i:i + size]):
                        out.append((words[i][0], words[i + size - 1][1],
                                    self._score(kind), kind))
                        i += size
                        break
                else:
                    s, e = words[i]
                    if "single" in want and found[i]:
                        out.append((s, e, self._score("single"), "single"))
                    i += 1
        return out

    def _score(self, kind: str) -> float:
        return next(p.score for p in self.PATTERNS if p.name == kind)

    def validate_result(self, pattern_text: str) -> bool | None:
        """For Presidio's own path: the words read as a name (never certain: no checksum)."""
        m = _WITH_INITIALS.fullmatch(pattern_text)
        if m is not None:
            return None if _initials_name(m) else False
        words = pattern_text.split(" ")
        ok = is_full_name(words) if len(words) > 1 else bool(roles(pattern_text))
        return None if ok else False
