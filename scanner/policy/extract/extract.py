"""What a privacy policy declares, found by the rules in ``rules/``, each with its clause.

The document becomes clauses (a numbered paragraph, a lettered item), clauses become
sentences, and every finding keeps the clause number and a short quote, so a person can
check each proposed line against the document. Nothing here decides for the person: where
the document is silent or ambiguous the result says so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from derbes.detectors.kz_bin import KzBinRecognizer
from derbes.detectors.kz_iin import kz_checksum_ok

from .documents import BREAK, read_lines
from .rules import (
    GAP,
    CategoryRule,
    Hit,
    Matcher,
    category_matcher,
    category_rules,
    country_terms,
    phrase_matcher,
    rule_file,
    terms,
)
from .text import Sentence, Token, fold, language, normalize, sentences, tokenize

LANGS = ("ru", "kk", "en")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a finding comes from: the clause number and a short quote."""

    clause: str  # as printed («5.4 (г)»), or ¶N for the Nth paragraph before any number
    quote: str
    lang: str

    def cite(self) -> str:
        """``5.4 (г) «…quote…»``."""
        where = self.clause or "preamble"
        return f"{where} «{self.quote}»"


@dataclass(frozen=True, slots=True)
class Found:
    """A proposed value with its evidence."""

    value: str
    evidence: Evidence
    #: Rules (categories) the value is said of; empty when it is said of personal data.
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Transfer:
    """A transfer abroad: the country, the declared categories its sentence names."""

    country: str
    categories: tuple[str, ...]
    evidence: Evidence


@dataclass
class Extraction:
    """Everything found in one document."""

    source: str
    lang: str  # the language quotes and purposes are preferred in
    languages: tuple[str, ...]
    operator: dict[str, Found] = field(default_factory=dict)
    #: Problems with the operator's details (a BIN with a wrong check digit).
    operator_notes: list[str] = field(default_factory=list)
    #: Rule name -> mentions that declare it / that say it is not collected.
    declared: dict[str, list[Evidence]] = field(default_factory=dict)
    negated: dict[str, list[Evidence]] = field(default_factory=dict)
    storage: list[Found] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    #: Transfers abroad mentioned with no country named, and named regions that are not
    #: countries (the EU).
    transfer_notes: list[Found] = field(default_factory=list)
    retention: list[Found] = field(default_factory=list)
    logs_retention: list[Found] = field(default_factory=list)
    purposes: list[Found] = field(default_factory=list)

    @property
    def rules(self) -> dict[str, CategoryRule]:
        """The category rules, by name."""
        return category_rules()

    def categories(self) -> list[str]:
        """Declared derbes category ids (not also said to be not collected), in rule order."""
        return [self.rules[n].category for n in self.rules
                if n in self.declared and n not in self.negated and self.rules[n].category]

    def not_collected(self) -> list[str]:
        """Derbes category ids the document says are not collected or not stored."""
        return [self.rules[n].category for n in self.rules
                if n in self.negated and self.rules[n].category]

    def other_declared(self) -> list[str]:
        """Declared categories derbes has no id for (rule names)."""
        return [n for n in self.rules if n in self.declared and n not in self.negated
                and not self.rules[n].category]

    def other_not_collected(self) -> list[str]:
        """Not-collected categories derbes has no id for (rule names)."""
        return [n for n in self.rules if n in self.negated and not self.rules[n].category]

    def retention_value(self) -> Found | None:
        """The retention to propose: the longest period stated, else an event.

        «до отзыва согласия или в течение 3 лет» is P3Y: a period can be checked, an event
        cannot (see docs/policy.md).
        """
        return _pick([f for f in self.retention if not f.categories])

    def retention_for(self, rule: str) -> Found | None:
        """The retention of one category: a period said of it by name («файлы cookie
        хранятся 1 год»), else :meth:`retention_value`."""
        own = _pick([f for f in self.retention if rule in f.categories])
        return own or self.retention_value()


def _pick(found: list[Found]) -> Found | None:
    periods = [f for f in found if f.value.startswith("P")]
    if periods:
        return max(periods, key=lambda f: period_days(f.value))
    for event in ("until_consent_withdrawn", "unlimited", "until_purpose_achieved"):
        for f in found:
            if f.value == event:
                return f
    return None


def period_days(value: str) -> int:
    """Roughly how many days an ISO period (``P3Y``) is, to compare periods."""
    m = re.fullmatch(r"P(\d+)([YMWD])", value)
    if not m:
        return 0
    return int(m.group(1)) * {"Y": 365, "M": 30, "W": 7, "D": 1}[m.group(2)]


# --------------------------------------------------------------------------------------------
# Clauses


@dataclass
class Clause:
    """A numbered paragraph or list item of the document."""

    number: str
    text: str
    lang: str
    heading: bool = False
    section: str = ""  # the text of the heading it is under
    _sentences: list[Sentence] | None = None

    @property
    def sentences(self) -> list[Sentence]:
        """The clause's sentences (and ``;``-separated items), computed once."""
        if self._sentences is None:
            self._sentences = sentences(self.text)
        return self._sentences


_NUM = re.compile(r"^\s*(?:п\.\s*)?(\d{1,2}(?:\.\d{1,3}){1,4})\.?(?=\s|$)|^\s*(\d{1,2})\.(?=\s|$)")
_SUB = re.compile(r"^\s*(?:\(([^\W\d_])\)|([^\W\d_])\)|(\d{1,2})\))(?=\s)")


_ENDS = re.compile(r"[.;:!?][»\")]*\s*$")


def build_clauses(lines: list[str]) -> list[Clause]:
    """The document's lines grouped into clauses by the numbers that start them.

    An empty line ends a clause only after a sentence end (text from PDFs has empty lines
    in the middle of sentences); :data:`BREAK` always does.
    """
    out: list[Clause] = []
    number, sub = "", ""
    buf: list[str] = []
    gap = False

    def flush() -> None:
        if not buf:
            return
        text = buf[0]
        for line in buf[1:]:
            text = text + line if text.endswith("-") else f"{text} {line}"
        buf.clear()
        text = " ".join(text.split())
        if text:
            # Before any printed number, a paragraph is cited by its place: ¶3.
            cite = f"{number} {sub}".strip() if sub else (number or f"¶{len(out) + 1}")
            out.append(Clause(cite, text, language(text)))

    for raw in lines:
        if raw == BREAK:
            flush()
            continue
        line = normalize(raw).strip()
        if not line:
            gap = True
            continue
        if gap and buf and _ENDS.search(buf[-1]):
            flush()
        gap = False
        m = _NUM.match(line)
        if m:
            flush()
            number, sub = m.group(1) or m.group(2), ""
        else:
            s = _SUB.match(line)
            if s:
                flush()
                sub = f"({s.group(1) or s.group(2) or s.group(3)})"
        buf.append(line)
    flush()
    section = ""
    for clause in out:
        body = _NUM.sub("", clause.text).strip()
        if _NUM.match(clause.text) and len(body) < 100 and not body.endswith((".", ";", ",", ":")):
            clause.heading = True
            section = body
        clause.section = section
    return out


# --------------------------------------------------------------------------------------------
# Helpers


def _quote(sentence: Sentence, start: int, end: int, width: int = 30) -> str:
    """A short quote of ``sentence`` around clause offsets ``start``-``end``."""
    text = sentence.text
    a = max(0, start - sentence.start - width)
    b = min(len(text), end - sentence.start + width)
    if a > 0:
        a = text.find(" ", a) + 1 or a
    if b < len(text):
        cut = text.rfind(" ", 0, b)
        b = cut if cut > end - sentence.start else b
    quote = " ".join(text[a:b].split()).strip(" ,;")
    quote = quote.replace("«", "\"").replace("»", "\"")
    return ("…" if a > 0 else "") + quote + ("…" if b < len(text.rstrip(" .;")) else "")


def _evidence(clause: Clause, sentence: Sentence, first: Token, last: Token) -> Evidence:
    return Evidence(clause.number, _quote(sentence, first.start, last.end), clause.lang)


@cache
def _context() -> dict:
    data = rule_file("context")
    return {
        "owner_after": phrase_matcher({"o": data["owner_after"]}),
        "owner_before": {fold(w) for w in data["owner_before"]},
        "conj": {fold(w) for w in data["conjunctions"]},
        "own": {fold(w) for w in data["possessives"]},
    }


@cache
def _negation() -> dict:
    data = rule_file("negation")
    return {
        "particles": {fold(w) for w in data["particles"]},
        "verbs": phrase_matcher({"v": data["verbs"]}),
        "kk": [re.compile(p) for p in data["negative_verbs"]],
        "except_before": phrase_matcher({"e": data["except_before"]}),
        "except_after": phrase_matcher({"e": data["except_after"]}),
        "purpose_after": phrase_matcher({"p": data["purpose_after"]}),
        "contrast": {fold(w) for w in data["contrast"]},
    }


def _starts(matcher: Matcher, tokens: list[Token], i: int) -> int | None:
    """The end of a term of ``matcher`` that starts at ``tokens[i]``, or None."""
    ends = [h.end for h in matcher.find(tokens[i:i + 6]) if h.first == 0]
    return i + max(ends) if ends else None


def _has(matcher: Matcher, tokens: list[Token], group: str | None = None) -> list[Hit]:
    return [h for h in matcher.find(tokens) if group is None or h.rule == group]


_VALUE_AFTER = re.compile(
    r"^[\s:№(«\")]*(?:\+?\d[\d\s()\-]{5,}|[\w.+-]+@[\w-]+\.|https?://|www\.)|^\s*:")
# «info@x.kz электрондық пошта мекенжайына»: the value first, then up to two words.
_VALUE_BEFORE = re.compile(
    r"(?:[\w.+-]+@[\w-]+\.[\w.]+|https?://\S+|www\.\S+|\+?\d[\d\s()\-]{6,})"
    r"(?:[\s.,:\-–]+[^\W\d_]+){0,2}[\s.,:\-–]*$")
_LIST_END = re.compile(r"^\s*(?:[,;.)(/]|$)")
_LIST_START = re.compile(r"(?:^|[,;:(/•\-–—]|\d[.)])\s*$")


# --------------------------------------------------------------------------------------------
# Categories


@dataclass
class _Negation:
    start: int
    end: int
    backward: bool  # a Kazakh negative verb, which follows what it negates


def _negations(tokens: list[Token]) -> tuple[list[_Negation], list[int], list[int]]:
    """Negations, and the ends of «за исключением» / starts of «қоспағанда» phrases."""
    neg = _negation()
    found: list[_Negation] = []
    before: list[int] = []
    after: list[int] = []
    for i, token in enumerate(tokens):
        if token.key in neg["particles"]:
            for j in range(i + 1, min(i + 3, len(tokens))):
                end = _starts(neg["verbs"], tokens, j)
                if end is not None:
                    if _starts(neg["purpose_after"], tokens, end) is None:
                        found.append(_Negation(i, end, False))
                    break
        elif any(p.search(token.key) for p in neg["kk"]):
            found.append(_Negation(i, i + 1, True))
        end = _starts(neg["except_before"], tokens, i)
        if end is not None:
            before.append(end)
        if _starts(neg["except_after"], tokens, i) is not None:
            after.append(i)
    return found, before, after


def _blocked(tokens: list[Token], a: int, b: int) -> bool:
    """Whether a contrast word («но», «бірақ») stands between token indexes a and b."""
    contrast = _negation()["contrast"]
    return any(t.key in contrast for t in tokens[a:b])


def _is_negated(tokens: list[Token], hit: Hit, hits: list[Hit],
                negs: tuple[list[_Negation], list[int], list[int]]) -> bool:
    found, before, after = negs
    if any(0 <= hit.first - end <= GAP for end in before):
        return True
    if any(0 <= start - hit.end <= GAP for start in after):
        return True
    for n in found:
        ahead = hit.first >= n.end and not _blocked(tokens, n.end, hit.first)
        behind = hit.end <= n.start and not _blocked(tokens, hit.end, n.start)
        if n.backward and behind:
            return True
        if not n.backward:
            if ahead:
                return True
            # «Данные карт не хранятся»: with nothing after it, a negation reaches back.
            if behind and not any(h.first >= n.end for h in hits):
                return True
    return False


def _is_list_item(sentence: Sentence, tokens: list[Token], hit: Hit) -> bool:
    """Whether the words stand alone between list separators («фамилия, имя, телефон»)."""
    conj = _context()["conj"]
    rest = sentence.text[tokens[hit.end - 1].end - sentence.start:]
    after = bool(_LIST_END.match(rest)) or (hit.end < len(tokens)
                                            and tokens[hit.end].key in conj)
    lead = sentence.text[:tokens[hit.first].start - sentence.start]
    before = (bool(_LIST_START.search(lead)) or hit.first == 0
              or tokens[hit.first - 1].key in conj | _context()["own"])
    return after and before


def _not_personal(clause: Clause, sentence: Sentence, tokens: list[Token], hit: Hit) -> bool:
    """The operator's own details: a value printed next to the word, or the operator named."""
    start, end = tokens[hit.first].start, tokens[hit.end - 1].end
    if _VALUE_AFTER.match(clause.text[end:end + 40]):
        return True
    if _VALUE_BEFORE.search(clause.text[max(sentence.start, start - 60):start]):
        return True
    ctx = _context()
    if hit.end < len(tokens) and _starts(ctx["owner_after"], tokens, hit.end) is not None:
        return True
    return any(t.key in ctx["owner_before"] for t in tokens[max(0, hit.first - 2):hit.first])


def _mentions(clause: Clause, sentence: Sentence) -> list[tuple[Hit, bool]]:
    """The category mentions of a sentence that count, each with whether it is negated."""
    tokens = sentence.tokens
    hits = [h for h in category_matcher().find(tokens) if h.rule]
    if not hits:
        return []
    negs = _negations(tokens)
    out = []
    for hit in hits:
        if hit.term.listed and not _is_list_item(sentence, tokens, hit):
            continue
        if _not_personal(clause, sentence, tokens, hit):
            continue
        out.append((hit, _is_negated(tokens, hit, hits, negs)))
    return out


def _categories(clauses: list[Clause], result: Extraction) -> None:
    for clause in clauses:
        for sentence in clause.sentences:
            tokens = sentence.tokens
            for hit, negated in _mentions(clause, sentence):
                ev = _evidence(clause, sentence, tokens[hit.first], tokens[hit.end - 1])
                found = (result.negated if negated else result.declared).setdefault(
                    hit.rule, [])
                if ev not in found:
                    found.append(ev)


# --------------------------------------------------------------------------------------------
# Storage and transfers


@cache
def _countries() -> Matcher:
    return Matcher({code: list(t) for code, t in country_terms().items()}, exclusive=True)


@cache
def _storage() -> Matcher:
    data = rule_file("storage")
    return phrase_matcher({"kz": data["territory_kz"], "cue": data["cues"],
                           "city": data["cities_kz"], "server": data["server_cues"]})


@cache
def _transfer() -> Matcher:
    data = rule_file("transfer")
    return phrase_matcher({"cue": data["cues"], "general": data["general"]})


@cache
def _definitions() -> Matcher:
    return phrase_matcher({"d": ["термин*", "определени*", "понят*", "ұғым*", "анықтама*",
                                 "терминдер*", "definition*", "terms"]})


def _places(clauses: list[Clause], result: Extraction) -> None:
    for clause in clauses:
        definitions = bool(_has(_definitions(), tokenize(clause.section)))
        for sentence in clause.sentences:
            tokens = sentence.tokens
            storage = _has(_storage(), tokens)
            groups = {h.rule for h in storage}
            place = "kz" if {"kz", "cue"} <= groups else (
                "city" if {"city", "server"} <= groups else None)
            if place:
                kz = next(h for h in storage if h.rule == place)
                result.storage.append(Found("KZ", _evidence(
                    clause, sentence, tokens[kz.first], tokens[kz.end - 1])))
            transfer = {h.rule for h in _has(_transfer(), tokens)}
            countries = [h for h in _countries().find(tokens) if h.rule != "KZ"]
            if countries and "cue" in transfer:
                named = tuple(dict.fromkeys(
                    result.rules[h.rule].category for h, negated in _mentions(clause, sentence)
                    if not negated and result.rules[h.rule].category))
                for hit in countries:
                    ev = _evidence(clause, sentence, tokens[hit.first], tokens[hit.end - 1])
                    if hit.rule == "EU":
                        result.transfer_notes.append(Found("EU", ev))
                    else:
                        result.transfers.append(Transfer(hit.rule, named, ev))
            elif "general" in transfer and not definitions and not clause.heading:
                hit = next(h for h in _has(_transfer(), tokens) if h.rule == "general")
                result.transfer_notes.append(Found("", _evidence(
                    clause, sentence, tokens[hit.first], tokens[hit.end - 1])))


# --------------------------------------------------------------------------------------------
# Retention


@cache
def _retention() -> dict:
    data = rule_file("retention")
    units = {unit: terms(words) for unit, words in data["units"].items()}
    numbers: dict[str, int] = {}
    for value, words in data["numbers"].items():
        for w in words:
            numbers[fold(w)] = int(value)
    return {
        "cue": phrase_matcher({"cue": data["cues"], "data": data["data_words"],
                               "logs": data["logs"], "deadline": data["deadline_words"],
                               "keep": data["keeping"]}),
        "units": Matcher({u: list(t) for u, t in units.items()}),
        "numbers": numbers,
        "one_before": {fold(w) for w in data["one_before"]},
        "not_after": {fold(w) for w in data["not_after"]},
        "not_with": phrase_matcher({"x": data["not_with"]}),
        "modifiers": phrase_matcher({"m": ["календарн*", "полн*", "последовательн*",
                                           "күнтізбелік*", "calendar", "full"]}),
        "events": phrase_matcher(data["events"]),
    }


def _number(tokens: list[Token], end: int) -> tuple[int | None, int]:
    """The number written just before ``tokens[end]`` and the index where it starts.

    «3 (трех) лет»: 3; «пяти лет»: 5; «двадцать пять лет»: 25; «он екі ай»: 12.
    """
    numbers = _retention()["numbers"]
    i = end
    digits: int | None = None
    words = 0
    while i > 0:
        t = tokens[i - 1]
        if t.text.isdigit():
            if digits is not None:
                break
            digits = int(t.text)
        else:
            value = numbers.get(t.key) or next((numbers[w] for w in t.lemmas if w in numbers),
                                              None)
            if value is None:
                break
            words += value
        i -= 1
    if digits is not None:
        return digits, i
    return (words or None), i


def _periods(sentence: Sentence) -> list[tuple[str, int, int]]:
    """``(ISO period, first token, end token)`` for every period in the sentence."""
    r = _retention()
    tokens = sentence.tokens
    out = []
    for hit in r["units"].find(tokens):
        end = hit.first
        if end > 0 and _starts(r["not_with"], tokens, end - 1) is not None:
            continue
        if end > 0 and _starts(r["modifiers"], tokens, end - 1) is not None:
            end -= 1
        if end > 0 and _starts(r["not_with"], tokens, end - 1) is not None:
            continue
        n, start = _number(tokens, end)
        if n is None:
            if end > 0 and tokens[end - 1].key in r["one_before"]:
                n, start = 1, end - 1
            else:
                continue
        if not 1 <= n <= 99:  # «2013 жылғы» is a date
            continue
        t = tokens[start]
        if t.text.isdigit() and sentence.text[t.end - sentence.start:][:1] in (".", ")"):
            continue  # «4. Жыл, айы, күні»: a clause number before a list item
        if start > 0 and tokens[start - 1].key in r["not_after"]:
            continue
        out.append((hit.rule.replace("{n}", str(n)), start, hit.end))
    return out


def _retentions(clauses: list[Clause], result: Extraction) -> None:
    r = _retention()
    for clause in clauses:
        heading = {h.rule for h in r["cue"].find(tokenize(clause.section))}
        for sentence in clause.sentences:
            tokens = sentence.tokens
            groups = {h.rule for h in r["cue"].find(tokens)}
            named: tuple[str, ...] = ()
            if "keep" in groups and "logs" not in groups:
                # «Файлы cookie хранятся 1 год»: a period said of named categories.
                named = tuple(dict.fromkeys(
                    h.rule for h, negated in _mentions(clause, sentence) if not negated))
            if not ({"cue", "data"} <= groups or {"cue", "logs"} <= groups or named
                    or {"cue", "data"} <= heading):
                continue
            for value, first, end in _periods(sentence):
                if value.endswith("D") and "deadline" in groups:
                    continue
                found = Found(value, _evidence(clause, sentence, tokens[first], tokens[end - 1]),
                              named)
                (result.logs_retention if "logs" in groups else result.retention).append(found)
            events: dict[str, Hit] = {}
            for hit in r["events"].find(tokens):
                events.setdefault(hit.rule, hit)
            for rule, hit in events.items():
                result.retention.append(Found(rule, _evidence(
                    clause, sentence, tokens[hit.first], tokens[hit.end - 1])))


# --------------------------------------------------------------------------------------------
# Purposes


@cache
def _purpose_rules() -> dict:
    data = rule_file("purposes")
    return {"heading": phrase_matcher({"h": data["headings"]}),
            "skip": phrase_matcher({"s": data["skip"]})}


_LEAD = re.compile(r"^\s*(?:п\.\s*)?(?:\d{1,2}(?:\.\d{1,3})*\.?|\(?[^\W\d_]\)|\d{1,2}\))\s*")
_TAIL = re.compile(r"\s+[–—-]\s+(?=[^–—]*?(?:\bлет\b|\bгод|дней|месяц|отзыв|удален|жыл|"
                   r"дейін|бойы|\d))")


_LINKS = re.compile(r"(?:mailto:|https?://)\S+")


def _purposes(clauses: list[Clause], result: Extraction) -> None:
    rules = _purpose_rules()
    found: list[Found] = []
    for clause in clauses:
        if clause.heading or not clause.section:
            continue
        if not _has(rules["heading"], tokenize(clause.section)):
            continue
        body = _LEAD.sub("", clause.text)
        if body.rstrip().endswith(":"):
            continue  # «Компания обрабатывает данные в целях:» introduces the list
        for sentence in sentences(_LINKS.sub("", body)):
            if _has(rules["skip"], sentence.tokens):
                continue
            text = _TAIL.split(sentence.text.strip(" ;.,"), maxsplit=1)[0].strip(" ;.,")
            text = " ".join(text.split())
            if len(text) < 12:
                continue
            if len(text) > 160:
                text = text[:160].rsplit(" ", 1)[0] + "…"
            found.append(Found(text, Evidence(clause.number, "", clause.lang)))
    preferred = [f for f in found if f.evidence.lang == result.lang]
    result.purposes = (preferred or found)[:25]


# --------------------------------------------------------------------------------------------
# The operator


@cache
def _operator_rules() -> dict:
    data = rule_file("operator")
    name = r"[«\"“„]([^«»\"“”„]{2,80}(?:«[^»]{1,40}»[^«»\"“”]{0,40})?)[»\"”]"
    before = [(short, re.compile(rf"(?<!\w)(?:{'|'.join(forms)})\s*{name}"))
              for short, forms in data["before"].items()]
    after = [(short, re.compile(rf"{name}\s*(?:{'|'.join(forms)})(?!\w)"))
             for short, forms in data["after"].items()]
    labels = "|".join(data["bin_labels"])
    return {
        "before": before, "after": after,
        "bin": re.compile(rf"(?<!\w)(?:{labels})\W{{0,5}}(\d{{12}})(?!\d)"),
        "address": re.compile(
            rf"(?<!\w)(?:{'|'.join(data['address_labels'])})\s*[:\-–]\s*(.{{10,250}})",
            re.I | re.S),
        "address_words": re.compile("|".join(data["address_words"])),
    }


_BIN_SHAPE = re.compile(KzBinRecognizer.PATTERNS[0].regex)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://[^\s/]+\.[^\s,;»\")]+")
_ADDRESS_END = re.compile(
    r"\s*\((?:далее|бұдан)|\.\s*\(|;|\.\s*$|\.\s+(?=[А-ЯЁA-ZӘҒҚҢӨҰҮҺІ][^\W\d_]{3})")


def _address_end(text: str) -> str:
    """``text`` up to the end of the address: «(далее», «;», or a full stop that ends a
    sentence (not the one of «г.», «ул.», «пр.», «қ.»)."""
    for m in _ADDRESS_END.finditer(text):
        word = re.search(r"([^\W\d_]+)$", text[:m.start()])
        if m.group().startswith(".") and word and len(word.group(1)) <= 3 and (
                word.group(1).islower()):
            continue
        return text[:m.start()]
    return text


def valid_bin(number: str) -> bool:
    """Whether ``number`` is a BIN by derbes' own BIN recognizer: shape and check digit."""
    return bool(_BIN_SHAPE.fullmatch(number)) and kz_checksum_ok(number)


def _clause_quote(clause: Clause, start: int, end: int) -> Evidence:
    for sentence in clause.sentences:
        if sentence.start <= start < sentence.start + len(sentence.text):
            return Evidence(clause.number, _quote(sentence, start, end), clause.lang)
    return Evidence(clause.number, clause.text[start:end][:80], clause.lang)


def _operator(clauses: list[Clause], result: Extraction) -> None:
    rules = _operator_rules()
    names: Counter[str] = Counter()
    first: dict[str, Found] = {}
    for clause in clauses:
        text = clause.text
        for short, rx in rules["before"]:
            for m in rx.finditer(text):
                value = f"{short} «{m.group(1).strip()}»"
                names[m.group(1).strip()] += 1
                first.setdefault(value, Found(value, _clause_quote(clause, m.start(), m.end())))
        for short, rx in rules["after"]:
            for m in rx.finditer(text):
                value = f"«{m.group(1).strip()}» {short}"
                names[m.group(1).strip()] += 1
                first.setdefault(value, Found(value, _clause_quote(clause, m.start(), m.end())))
        if "bin" not in result.operator:
            for m in rules["bin"].finditer(text):
                if valid_bin(m.group(1)):
                    result.operator["bin"] = Found(m.group(1), _clause_quote(
                        clause, m.start(), m.end()))
                    break
                note = (f"{clause.number or 'preamble'}: the BIN printed as {m.group(1)} "
                        "fails the BIN check (shape or check digit); verify it")
                if note not in result.operator_notes:
                    result.operator_notes.append(note)
        if "address" not in result.operator:
            for m in rules["address"].finditer(text):
                value = _address_end(m.group(1)).strip(" ,.")
                if rules["address_words"].search(value) and not _EMAIL.search(value) and (
                        not _URL.search(value)):
                    result.operator["address"] = Found(value, _clause_quote(
                        clause, m.start(), m.start() + 60))
                    break
    if names:
        top = names.most_common(1)[0][0]
        options = [f for v, f in first.items() if f"«{top}»" in v]
        preferred = [f for f in options if f.evidence.lang == result.lang]
        result.operator["name"] = (preferred or options)[0]
    emails: Counter[str] = Counter()
    urls: list[Found] = []
    where: dict[str, Found] = {}
    for clause in clauses:
        for m in _EMAIL.finditer(clause.text):
            value = m.group().rstrip(".")
            emails[value] += 1
            where.setdefault(value, Found(value, _clause_quote(clause, m.start(), m.end())))
        for m in _URL.finditer(clause.text):
            urls.append(Found(m.group().rstrip("."), _clause_quote(clause, m.start(), m.end())))
    if emails:
        result.operator["email"] = where[emails.most_common(1)[0][0]]
    if urls:
        result.operator["website"] = urls[0]


# --------------------------------------------------------------------------------------------
# Entry point


def extract_lines(lines: list[str], source: str = "<text>", lang: str | None = None
                  ) -> Extraction:
    """Extract from a document already read as lines (see :mod:`.documents`)."""
    clauses = build_clauses(lines)
    sizes: Counter[str] = Counter()
    for clause in clauses:
        sizes[clause.lang] += len(clause.text)
    total = sum(sizes.values()) or 1
    languages = tuple(code for code in LANGS if sizes[code] * 20 >= total)
    if lang is None:
        lang = "ru" if sizes["ru"] * 10 >= total * 3 else (
            sizes.most_common(1)[0][0] if sizes else "ru")
    result = Extraction(source, lang, languages)
    _operator(clauses, result)
    _categories(clauses, result)
    _places(clauses, result)
    _retentions(clauses, result)
    _purposes(clauses, result)
    return result


def extract_file(path: str | Path, lang: str | None = None, fmt: str | None = None
                 ) -> Extraction:
    """Extract from a document file: text, HTML, DOCX, PDF, DOC, ODT or RTF (see
    :func:`read_lines`)."""
    return extract_lines(read_lines(path, fmt), str(path), lang)
