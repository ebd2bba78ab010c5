"""What a report says about a flag, in the report's language: the facts of each case, the
article of Law 94-V it rests on, where the data rests, and the next step with its owner.

The policy check records typed facts (a country, a date, a column: the records of
:mod:`derbes.scanner.model`) rather than sentences; the sentences are made here, once per
language, so that a Russian or Kazakh report carries no
English text. Evidence for a source's location comes from
:mod:`derbes.scanner.policy.location` as English text of a few known shapes; each is rewritten
here, and anything unknown is shown as a quoted technical value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup, escape

from derbes.reports import fmt
from derbes.reports.i18n import country_name
from derbes.scanner.model import (
    BASIS_CONTAINER,
    BASIS_FIELD,
    BASIS_NEWEST,
    CrossBorderDeclared,
    FlagFacts,
    IinImpliesBirthDate,
    LocationUnknown,
    RetentionExceeded,
    StorageOutsideKz,
    UndeclaredCategory,
)
from derbes.scanner.policy.flags import FLAGS, OWNERS

# -- Law 94-V citations --------------------------------------------------------------------

_ART = re.compile(r"Art\.\s*(\d+)(?:\((\d+)\))?")


def cite(article: str | None, lang: str) -> str:
    """``"Law 94-V, Art. 7; Art. 12(1)"`` as the language cites it.

    ru: ``Закон № 94-V, ст. 7; ст. 12 п. 1``; kk: ``№ 94-V Заң, 7-бап; 12-баптың 1-тармағы``.
    """
    if not article:
        return ""
    parts = _ART.findall(article)
    if not parts:
        return article
    if lang == "ru":
        return "Закон № 94-V, " + "; ".join(
            f"ст. {a}" + (f" п. {p}" if p else "") for a, p in parts)
    if lang == "kk":
        return "№ 94-V Заң, " + "; ".join(
            f"{a}-баптың {p}-тармағы" if p else f"{a}-бап" for a, p in parts)
    return "Law 94-V, " + "; ".join(f"Art. {a}" + (f"({p})" if p else "") for a, p in parts)


# -- retention periods ---------------------------------------------------------------------

_PERIOD = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")
_UNITS = {
    "ru": (("год", "года", "лет"), ("месяц", "месяца", "месяцев"), ("неделя", "недели", "недель"),
           ("день", "дня", "дней")),
    "kk": (("жыл",) * 3, ("ай",) * 3, ("апта",) * 3, ("күн",) * 3),
    "en": (("year", "years", "years"), ("month", "months", "months"),
           ("week", "weeks", "weeks"), ("day", "days", "days")),
}
_EVENTS = {
    "until_consent_withdrawn": {"ru": "до отзыва согласия",
                                "kk": "келісім кері қайтарылғанға дейін",
                                "en": "until consent is withdrawn"},
    "until_purpose_achieved": {"ru": "до достижения целей обработки",
                               "kk": "өңдеу мақсаттарына қол жеткізілгенге дейін",
                               "en": "until the purposes are achieved"},
}


def _plural_ru(n: int, forms: tuple[str, str, str]) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def retention(value: str | None, lang: str) -> str:
    """``P5Y`` as ``5 лет`` / ``5 жыл`` / ``5 years``; events in words; ``""`` for none."""
    if not value:
        return ""
    text = value.strip()
    if text.lower() in _EVENTS:
        return _EVENTS[text.lower()][lang]
    m = _PERIOD.fullmatch(text.upper())
    if not m or not any(m.groups()):
        return text
    out = []
    for n_text, forms in zip(m.groups(), _UNITS[lang], strict=True):
        if not n_text:
            continue
        n = int(n_text)
        word = _plural_ru(n, forms) if lang in ("ru", "kk") else forms[0 if n == 1 else 1]
        out.append(f"{n} {word}")
    return " ".join(out)


# -- location evidence ---------------------------------------------------------------------

_Rule = tuple[re.Pattern[str], Mapping[str, str]]
_EVIDENCE: tuple[_Rule, ...] = tuple((re.compile(p), t) for p, t in (
    (r"configured: (?P<src>.+)=(?P<cc>[A-Z]{2})$",
     {"ru": "задано в настройках: {src} = {cc}", "kk": "баптауларда көрсетілген: {src} = {cc}",
      "en": "configured: {src} = {cc}"}),
    (r"a local (?P<what>file|database \(file or socket\)): it rests wherever this machine's "
     r"disks are, which derbes cannot see; set it with --location (?P<src>.+)=CC$",
     {"ru": "локальный {what}: данные там, где диски этой машины, а этого derbes не видит; "
            "укажите страну: --location {src}=CC",
      "kk": "жергілікті {what}: деректер осы машинаның дискілері тұрған жерде, оны derbes "
            "көрмейді; елді көрсетіңіз: --location {src}=CC",
      "en": "a local {what}: it rests wherever this machine's disks are, which derbes cannot "
            "see; set it with --location {src}=CC"}),
    (r"(?P<host>\S+) is this machine; set its country with --location (?P<src>.+)=CC$",
     {"ru": "{host} — эта же машина; укажите страну: --location {src}=CC",
      "kk": "{host} — осы машина; елді көрсетіңіз: --location {src}=CC",
      "en": "{host} is this machine; set its country with --location {src}=CC"}),
    (r"(?P<host>\S+): AWS region (?P<region>\S+) in the host name$",
     {"ru": "{host}: регион AWS {region} в имени хоста",
      "kk": "{host}: хост атауындағы AWS {region} аймағы",
      "en": "{host}: AWS region {region} in the host name"}),
    (r"(?P<host>\S+): Google Cloud region (?P<region>\S+) in the host name$",
     {"ru": "{host}: регион Google Cloud {region} в имени хоста",
      "kk": "{host}: хост атауындағы Google Cloud {region} аймағы",
      "en": "{host}: Google Cloud region {region} in the host name"}),
    (r"(?P<host>\S+): DigitalOcean datacenter (?P<region>\S+) in the name$",
     {"ru": "{host}: дата-центр DigitalOcean {region} в имени",
      "kk": "{host}: атаудағы DigitalOcean {region} дата-орталығы",
      "en": "{host}: DigitalOcean datacenter {region} in the name"}),
    (r"(?P<host>\S+): Yandex Cloud (?P<rest>.+)$",
     {"ru": "{host}: управляемая база Yandex Cloud ({rest})",
      "kk": "{host}: Yandex Cloud басқарылатын дерекқоры ({rest})",
      "en": "{host}: Yandex Cloud {rest}"}),
    (r"IP geolocation.* places address (?P<ips>.+) in (?P<cc>[A-Z]{2});.*$",
     {"ru": "геолокация IP по базе GeoLite2 относит адрес {ips} к стране {cc}; это место "
            "анонса адреса, а не доказательство того, где стоят диски",
      "kk": "GeoLite2 базасы бойынша IP геолокациясы {ips} мекенжайын {cc} еліне жатқызады; "
            "бұл мекенжай жарияланған жер, дискілер тұрған жердің дәлелі емес",
      "en": "IP geolocation (GeoLite2) places address {ips} in {cc}; this is where the address "
            "is announced, not proof of where the disks are"}),
    (r"(?P<host>\S+) resolves to (?P<ips>.+), which IP geolocation.* places in "
     r"(?P<cc>[A-Z]{2});.*$",
     {"ru": "{host} указывает на {ips}, геолокация IP по базе GeoLite2 — {cc}; это место "
            "анонса адреса, а не доказательство того, где стоят диски",
      "kk": "{host} мекенжайы {ips}, GeoLite2 бойынша IP геолокациясы — {cc}; бұл мекенжай "
            "жарияланған жер, дискілер тұрған жердің дәлелі емес",
      "en": "{host} resolves to {ips}, which IP geolocation (GeoLite2) places in {cc}; this is "
            "where the address is announced, not proof of where the disks are"}),
    (r"host (?P<host>\S+) could not be resolved.*$",
     {"ru": "не удалось определить адрес хоста {host}",
      "kk": "{host} хостының мекенжайы анықталмады",
      "en": "host {host} could not be resolved"}),
    (r"(?P<host>\S+) is a (?:private|loopback) address.*$",
     {"ru": "{host} — внутренний адрес: страну по нему не определить; укажите её через "
            "--location",
      "kk": "{host} — ішкі мекенжай: ол бойынша елді анықтау мүмкін емес; оны --location "
            "арқылы көрсетіңіз",
      "en": "{host} is a private address: its country cannot be inferred; set it with "
            "--location"}),
    (r"location not established$",
     {"ru": "место хранения не установлено", "kk": "сақтау орны анықталмаған",
      "en": "location not established"}),
))


_LOCAL_WHAT = {"file": {"ru": "файл", "kk": "файл", "en": "file"},
               "database (file or socket)": {"ru": "базы данных (файл или сокет)",
                                             "kk": "дерекқор (файл немесе сокет)",
                                             "en": "database (file or socket)"}}


def evidence(text: str | None, lang: str) -> tuple[str, bool]:
    """Location evidence in ``lang``, and whether it was translated (else shown as a value)."""
    shown, translated = evidence_html(text, lang)
    return striptags(shown), translated


def evidence_html(text: str | None, lang: str) -> tuple[Markup, bool]:
    """:func:`evidence` as markup: host names, addresses and source names it quotes are
    ``<span class="value">``, the words around them the report's language."""
    if not text:
        return Markup(""), True
    for pattern, templates in _EVIDENCE:
        m = pattern.match(text.strip())
        if m:
            parts = {k: Markup('<span class="value">{}</span>').format(v)
                     for k, v in m.groupdict().items() if v is not None}
            if "what" in parts:
                parts["what"] = _LOCAL_WHAT[m.group("what")][lang]
            return Markup(escape(templates[lang])).format(**parts), True
    return Markup('<span class="value">{}</span>').format(text), lang == "en"


def striptags(markup: Markup) -> str:
    """Markup as plain text."""
    return Markup(markup).striptags()


# -- the facts of each flag ----------------------------------------------------------------

def _country(cc: str | None, lang: str) -> str:
    return country_name(cc, lang) or "—" if cc else "—"


def _undeclared(e: UndeclaredCategory, lang: str) -> str:
    listed = e.not_collected
    return {
        "ru": "Политика прямо говорит, что эти данные не собираются." if listed
        else "Политика не заявляет эту категорию.",
        "kk": "Саясатта бұл деректер жиналмайды деп жазылған." if listed
        else "Саясат бұл санатты мәлімдемейді.",
        "en": "The policy says this data is not collected." if listed
        else "The policy does not declare this category.",
    }[lang]


def _outside(e: StorageOutsideKz, lang: str) -> str:
    where = _country(e.country, lang)
    return {"ru": f"Данные находятся в стране: {where}; политика не заявляет ни хранения там, "
                  "ни передачи туда этой категории.",
            "kk": f"Деректер мына елде: {where}; саясатта онда сақтау да, бұл санатты сонда "
                  "беру де мәлімделмеген.",
            "en": f"The data rests in {where}; the policy declares neither storage there nor a "
                  "transfer of this category there."}[lang]


def _declared_abroad(e: CrossBorderDeclared, lang: str) -> str:
    where = _country(e.country, lang)
    return {"ru": f"Данные находятся в стране: {where}; политика это заявляет.",
            "kk": f"Деректер мына елде: {where}; саясатта бұл мәлімделген.",
            "en": f"The data rests in {where}; the policy declares it."}[lang]


_BASIS = {
    BASIS_FIELD: {"ru": "самая ранняя отметка времени с этими данными",
              "kk": "осы деректері бар ең ерте уақыт белгісі",
              "en": "oldest timestamp with this data"},
    BASIS_CONTAINER: {"ru": "самая ранняя отметка времени в таблице или файле",
                  "kk": "кестедегі не файлдағы ең ерте уақыт белгісі",
                  "en": "oldest timestamp in the table or file"},
    BASIS_NEWEST: {"ru": "файл не менялся с этой даты",
               "kk": "файл осы күннен бері өзгермеген",
               "en": "the file has not changed since"},
}
_METHOD = {
    "min_index": {"ru": "MIN() по индексу", "kk": "индекс бойынша MIN()",
                  "en": "MIN() over an index"},
    "min_scan": {"ru": "MIN() по всей таблице", "kk": "бүкіл кесте бойынша MIN()",
                 "en": "MIN() over the whole table"},
    "sample": {"ru": "по выборке строк", "kk": "жолдар іріктемесі бойынша",
               "en": "from the sampled rows"},
}


def _retention_exceeded(e: RetentionExceeded, lang: str) -> str:
    oldest = fmt.date(e.oldest, lang)
    cutoff = fmt.date(e.cutoff, lang)
    period = retention(e.retention, lang)
    what = _BASIS[e.basis][lang]
    column = Markup('<span class="value">{}</span>').format(e.age_column) \
        if e.age_column else None
    method = _METHOD.get(e.age_method or "", {}).get(lang)
    how = ""
    if column:
        tail = ", {method})" if method else ")"
        how = Markup({"ru": " (столбец {column}", "kk": " ({column} бағаны",
                      "en": " (column {column}"}[lang] + tail).format(
            column=column, method=method or "")
    text = {"ru": "{what} — {oldest}{how}, раньше {cutoff}: срок хранения по политике {period}.",
            "kk": "{what} — {oldest}{how}, бұл {cutoff} күнінен ерте: саясат бойынша сақтау "
                  "мерзімі {period}.",
            "en": "{what}: {oldest}{how}, before {cutoff}; the policy keeps it {period}."}[lang]
    return Markup(text).format(what=what.capitalize(), oldest=oldest, how=how, cutoff=cutoff,
                               period=period)


def _birth_date(e: IinImpliesBirthDate, lang: str) -> str:
    listed = e.not_collected
    return {"ru": "Политика прямо говорит, что дата рождения не собирается." if listed
            else "Дата рождения не заявлена в политике.",
            "kk": "Саясатта туған күн жиналмайды деп жазылған." if listed
            else "Туған күн саясатта мәлімделмеген.",
            "en": "The policy says date of birth is not collected." if listed
            else "Date of birth is not declared in the policy."}[lang]


def _unknown_location(e: LocationUnknown, lang: str) -> str:
    return evidence_html(e.evidence, lang)[0]


_DETAILS: dict[str, Callable[[Any, str], str]] = {
    "UNDECLARED_CATEGORY": _undeclared,
    "STORAGE_OUTSIDE_KZ": _outside,
    "CROSS_BORDER_DECLARED": _declared_abroad,
    "RETENTION_EXCEEDED": _retention_exceeded,
    "IIN_IMPLIES_BIRTH_DATE": _birth_date,
    "LOCATION_UNKNOWN": _unknown_location,
}


def detail(flag: str, facts: FlagFacts, lang: str) -> Markup:
    """The facts of one case of ``flag`` as a sentence in ``lang`` (markup: the values it
    quotes are ``<span class="value">``); empty for none."""
    make = _DETAILS.get(flag)
    return Markup(escape(make(facts, lang))) if make else Markup("")


# -- what to do next, and who usually does it ----------------------------------------------

def next_step(flag: str, lang: str) -> tuple[str, str]:
    """(what to do, who usually does it) for ``flag`` in ``lang``; empty for unknown flags."""
    info = FLAGS.get(flag)
    if info is None:
        return "", ""
    return info.next_step.get(lang), OWNERS[info.owner].get(lang)
