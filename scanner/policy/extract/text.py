"""Text as the rules see it: look-alike letters undone, words folded and lemmatised, clauses.

Policies are typed on keyboards without Kazakh letters, pasted from PDFs and converted
between fonts, so the same word arrives as «әкесінің», «əкесінің» (Latin schwa), «экесинин»
or with a Latin ``e`` in the middle. :func:`normalize` maps look-alike letters back;
:func:`fold` then reduces a word to the key the
rules are written in: lower case, ``ё`` as ``е``, and each Kazakh letter as the Russian letter
it is typed as without a Kazakh keyboard (ә→а, ғ→г, қ→к, ң→н, ө→о, ұ/ү→у, һ→х, і→и).
Russian words also get their dictionary forms from pymorphy3, so a rule written as «имя»
finds «имени» and «именем», and «год» finds «лет».
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# --------------------------------------------------------------------------------------------
# Look-alike letters

#: Latin letters that stand for a Cyrillic one inside a Cyrillic word. ``i`` is the Kazakh і.
_LATIN_TO_CYR = dict(zip("aeopcxyikhABEKMHOPCTXYI", "аеорсхуікһАВЕКМНОРСТХУІ", strict=True))
#: Cyrillic letters that stand for a Latin one inside a Latin word («сookies», «ІР»).
_CYR_TO_LATIN = dict(zip("аеорсхуікАВЕКМНОРСТХІ", "aeopcxyikABEKMHOPCTXI", strict=True))
#: Letters from other alphabets that stand for a Kazakh letter whatever the word is.
_ALWAYS = {"ə": "ә", "Ə": "Ә", "ǝ": "ә", "Ǝ": "Ә"}

#: Words written wholly in letters both alphabets share are taken as Latin when they spell
#: one of these (a Kazakh «ІР-мекенжай» is an IP address), else as Cyrillic.
LATIN_WORDS = frozenset({"ip", "id", "imei", "mac", "os", "sim", "cookie", "ok"})

_WORD = re.compile(r"[^\W\d_]+")
_CYR = re.compile(r"[\u0400-\u04ff]")


def _is_cyr(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _fix_word(word: str) -> str:
    word = "".join(_ALWAYS.get(ch, ch) for ch in word)
    cyr_only = any(_is_cyr(ch) and ch not in _CYR_TO_LATIN for ch in word)
    latin_only = any(ch.isascii() and ch not in _LATIN_TO_CYR for ch in word)
    if cyr_only and not latin_only:
        return "".join(_LATIN_TO_CYR.get(ch, ch) for ch in word)
    if latin_only and not cyr_only:
        return "".join(_CYR_TO_LATIN.get(ch, ch) for ch in word)
    if not cyr_only and not latin_only:  # every letter is shared by both alphabets
        as_latin = "".join(_CYR_TO_LATIN.get(ch, ch) for ch in word)
        if as_latin.lower() in LATIN_WORDS:
            return as_latin
        if any(_is_cyr(ch) for ch in word):
            return "".join(_LATIN_TO_CYR.get(ch, ch) for ch in word)
    return word


def normalize(text: str) -> str:
    """``text`` with look-alike letters mapped to the alphabet of their word.

    Every later step works on the normalised text, so its offsets are the ones quoted.
    """
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u00ad", "")
    return _WORD.sub(lambda m: _fix_word(m.group()), text)


# --------------------------------------------------------------------------------------------
# Folding and lemmas

_KK_FOLD = str.maketrans("әғқңөұүһіё", "агкноуухие")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """The matching key of a word: lower case, ``ё`` as ``е``, Kazakh letters as Russian."""
    return word.casefold().translate(_KK_FOLD)


_KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=65536)
def lemmas(word: str) -> frozenset[str]:
    """Folded dictionary forms of a Russian word (every reading pymorphy3 knows)."""
    if not _CYR.search(word) or _KAZAKH_LETTERS.intersection(word):
        return frozenset()
    return frozenset(fold(p.normal_form) for p in _morph().parse(word.lower()))


# --------------------------------------------------------------------------------------------
# Tokens, sentences, clauses


@dataclass(frozen=True, slots=True)
class Token:
    """A word or number of a sentence, with its offsets in the clause text."""

    text: str
    start: int
    end: int
    key: str
    lemmas: frozenset[str]

    def is_(self, key: str) -> bool:
        """Whether the word is ``key`` (folded), as written or as a dictionary form."""
        return key == self.key or key in self.lemmas


_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words and numbers of ``text``; hyphenated words are split (``IP-адрес``: two words)."""
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        out.append(Token(word, offset + m.start(), offset + m.end(), fold(word),
                         lemmas(word) if not word.isdigit() else frozenset()))
    return out


# Abbreviations after which a full stop does not end a sentence.
_ABBREV = frozenset({"т", "ч", "е", "д", "п", "пп", "ст", "г", "гг", "ул", "пр", "им", "см",
                     "др", "мкр", "каб", "тел", "корп", "б", "обл", "р", "к", "қ", "э", "ж",
                     "т.б", "бл", "оф", "д.б", "etc", "e.g", "i.e", "no", "art"})
_SENTENCE_END = re.compile(r"[.!?]+(?=\s+[«\"(]?[^\W\d_a-zа-яёәғқңөұүһі]|\s*$)|;")


@dataclass
class Sentence:
    """A sentence (or a ``;``-separated item) of a clause."""

    text: str
    start: int  # offset in the clause text
    tokens: list[Token] = field(default_factory=list)


def sentences(text: str) -> list[Sentence]:
    """``text`` split at sentence ends and semicolons, keeping offsets."""
    out: list[Sentence] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        before = text[start:m.start()].rsplit(None, 1)
        last = before[-1].lower().rstrip(".") if before else ""
        if m.group().startswith(".") and (last in _ABBREV or len(last) == 1):
            continue
        out.append(_sentence(text, start, m.end()))
        start = m.end()
    if text[start:].strip():
        out.append(_sentence(text, start, len(text)))
    return [s for s in out if s.tokens]


def _sentence(text: str, start: int, end: int) -> Sentence:
    return Sentence(text[start:end], start, tokenize(text[start:end], start))


_KK_WORDS = frozenset({"және", "мен", "үшін", "бойынша", "деректер", "деректерді", "дербес",
                       "немесе", "туралы", "жеке", "болып", "табылады", "осы", "сондай",
                       "жəне", "оның", "ішінде", "арқылы", "қазақстан", "республикасының"})


def language(text: str) -> str:
    """``kk``, ``ru`` or ``en``: Kazakh letters or words, else Cyrillic, else Latin."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "en"
    cyr = sum(1 for ch in letters if _is_cyr(ch))
    if cyr * 2 < len(letters):
        return "en"
    kazakh = sum(1 for ch in letters if ch in _KAZAKH_LETTERS or ch in "əƏ")
    words = {w.lower() for w in _WORD.findall(text)}
    if (kazakh >= 2 and kazakh * 100 >= cyr) or len(words & _KK_WORDS) >= 2:
        return "kk"
    return "ru"
