"""Checking a scan against the policy: which findings are declared, and what is flagged.

:func:`apply_policy` is a pure function of a :class:`ScanResult`, a :class:`Policy` and the
sources' locations. Flag ids are a public contract; :data:`FLAGS` holds each flag's severity,
the article of Law 94-V it rests on and its explanation in Russian, Kazakh and English.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from derbes.detectors.categories import CATEGORIES
from derbes.scanner.location import UNKNOWN
from derbes.scanner.model import MATCH_NAME, ContainerInfo, Finding, ScanResult
from derbes.scanner.policy import WILDCARD, Policy

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True, slots=True)
class FlagInfo:
    """What a flag means: severity, legal ground and a short explanation in three languages."""

    id: str
    severity: str
    article: str
    ru: str
    kk: str
    en: str
    #: A short name per language, for headings.
    title: dict[str, str] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The explanation in ``lang`` (``ru``, ``kk`` or ``en``)."""
        return {"ru": self.ru, "kk": self.kk}.get(lang, self.en)

    def as_dict(self) -> dict:
        """Severity, article, title and explanation as plain data, for reports."""
        return {"severity": self.severity, "article": self.article, "title": dict(self.title),
                "explanation": {"ru": self.ru, "kk": self.kk, "en": self.en}}


_FLAGS = (
    FlagInfo(
        "UNDECLARED_CATEGORY", ERROR, "Law 94-V, Art. 7; Art. 12(1)",
        "Категория персональных данных не заявлена в политике, или политика прямо говорит, что "
        "её не собирают. Собирать можно только данные, необходимые и достаточные для заявленных "
        "целей, с согласия субъекта (Закон № 94-V, ст. 7, ст. 12 п. 1).",
        "Дербес деректер санаты саясатта көрсетілмеген немесе саясатта ол жиналмайды деп "
        "жазылған. Мәлімделген мақсаттарға қажетті және жеткілікті деректер ғана, субъектінің "
        "келісімімен жиналады (№ 94-V Заң, 7-бап, 12-баптың 1-тармағы).",
        "The category is not declared in the policy, or the policy says it is not collected. "
        "Only data necessary and sufficient for the declared purposes may be collected, with the "
        "subject's consent (Law 94-V, Art. 7, Art. 12(1)).",
        {"ru": "Категория не заявлена в политике", "kk": "Санат саясатта көрсетілмеген",
         "en": "Category not declared in the policy"},
    ),
    FlagInfo(
        "STORAGE_OUTSIDE_KZ", ERROR, "Law 94-V, Art. 12(2); Art. 16",
        "Данные хранятся за пределами Казахстана, а политика не заявляет ни хранения в этой "
        "стране, ни трансграничной передачи туда этой категории. База персональных данных должна "
        "находиться на территории РК (Закон № 94-V, ст. 12 п. 2); трансграничная передача — по "
        "ст. 16.",
        "Деректер Қазақстаннан тыс жерде сақталады, ал саясатта бұл елде сақтау да, осы санатты "
        "сол елге трансшекаралық беру де көрсетілмеген. Дербес деректер базасы ҚР аумағында "
        "болуы тиіс (№ 94-V Заң, 12-баптың 2-тармағы); трансшекаралық беру — 16-бап бойынша.",
        "The data rests outside Kazakhstan and the policy declares neither storage in that "
        "country nor a cross-border transfer of this category there. Personal databases must be "
        "kept on the territory of the RK (Law 94-V, Art. 12(2)); cross-border transfer is "
        "governed by Art. 16.",
        {"ru": "Хранение за пределами РК", "kk": "ҚР-дан тыс сақтау",
         "en": "Stored outside Kazakhstan"},
    ),
    FlagInfo(
        "RETENTION_EXCEEDED", WARNING, "Law 94-V, Art. 12",
        "Персональные данные хранятся дольше заявленного срока. Срок хранения определяется "
        "датой достижения целей сбора и обработки (Закон № 94-V, ст. 12).",
        "Дербес деректер мәлімделген мерзімнен ұзақ сақталып тұр. Сақтау мерзімі деректерді "
        "жинау және өңдеу мақсаттарына қол жеткізілген күнмен айқындалады (№ 94-V Заң, 12-бап).",
        "Personal data is kept longer than the declared retention. The storage period ends when "
        "the purposes of collection and processing are achieved (Law 94-V, Art. 12).",
        {"ru": "Превышен срок хранения", "kk": "Сақтау мерзімі асып кеткен",
         "en": "Retention period exceeded"},
    ),
    FlagInfo(
        "IIN_IMPLIES_BIRTH_DATE", WARNING, "Law 94-V, Art. 1(2); Art. 12(1)",
        "ИИН содержит дату рождения и пол владельца, а дата рождения не заявлена в политике. "
        "Храня ИИН, оператор обрабатывает и дату рождения (персональные данные по ст. 1 п. 2 "
        "Закона № 94-V): заявите её или не храните ИИН (ст. 12 п. 1).",
        "ЖСН иесінің туған күні мен жынысын қамтиды, ал туған күні саясатта көрсетілмеген. ЖСН "
        "сақтай отырып, оператор туған күнді де өңдейді (№ 94-V Заңның 1-бабының 2-тармағы "
        "бойынша дербес деректер): оны саясатта көрсетіңіз немесе ЖСН сақтамаңыз (12-баптың "
        "1-тармағы).",
        "An IIN encodes its holder's date of birth and sex, and the policy does not declare date "
        "of birth. Storing IINs is processing birth dates (personal data under Law 94-V, "
        "Art. 1(2)): declare it, or stop storing IINs (Art. 12(1)).",
        {"ru": "ИИН раскрывает дату рождения", "kk": "ЖСН туған күнді ашады",
         "en": "IIN reveals the date of birth"},
    ),
    FlagInfo(
        "LOCATION_UNKNOWN", WARNING, "Law 94-V, Art. 12(2)",
        "Не удалось установить, в какой стране хранятся эти данные. Укажите её (--location "
        "ИСТОЧНИК=KZ или location в derbes.yaml), чтобы проверить требование о хранении на "
        "территории РК (Закон № 94-V, ст. 12 п. 2).",
        "Бұл деректер қай елде сақталатыны анықталмады. ҚР аумағында сақтау талабын (№ 94-V "
        "Заң, 12-баптың 2-тармағы) тексеру үшін елді көрсетіңіз (--location КӨЗ=KZ немесе "
        "derbes.yaml ішіндегі location).",
        "Where this data rests could not be established. Set it (--location SOURCE=KZ, or "
        "location in derbes.yaml) so that storage on the territory of the RK (Law 94-V, "
        "Art. 12(2)) can be checked.",
        {"ru": "Место хранения неизвестно", "kk": "Сақтау орны белгісіз",
         "en": "Storage location unknown"},
    ),
    FlagInfo(
        "CROSS_BORDER_DECLARED", INFO, "Law 94-V, Art. 16; Art. 12(2)",
        "Данные находятся в другой стране, и политика это заявляет (хранение там или "
        "трансграничная передача, Закон № 94-V, ст. 16). Основная база при этом должна "
        "оставаться на территории РК (ст. 12 п. 2).",
        "Деректер басқа елде орналасқан және саясатта бұл көрсетілген (сол елде сақтау немесе "
        "трансшекаралық беру, № 94-V Заң, 16-бап). Негізгі база бәрібір ҚР аумағында болуы тиіс "
        "(12-баптың 2-тармағы).",
        "The data rests in another country and the policy declares it (storage there or a "
        "cross-border transfer, Law 94-V, Art. 16). The primary database must still be kept in "
        "the RK (Art. 12(2)).",
        {"ru": "Заявленная трансграничная передача", "kk": "Мәлімделген трансшекаралық беру",
         "en": "Declared cross-border transfer"},
    ),
)

#: Every flag by id, in report order (most serious first).
FLAGS: dict[str, FlagInfo] = {f.id: f for f in _FLAGS}
_ORDER = {fid: i for i, fid in enumerate(FLAGS)}
_NOT_ESTABLISHED = (UNKNOWN, "location not established")


def apply_policy(
    result: ScanResult,
    policy: Policy | None,
    locations: Mapping[str, tuple[str, str]],
    now: dt.datetime | None = None,
) -> ScanResult:
    """A copy of ``result`` with locations, ``declared`` and flags set, and ``result.policy``.

    ``locations`` maps source names to ``(country or "unknown", evidence)``, as
    :func:`derbes.scanner.location.resolve_location` returns them. Without a policy only the
    location flags are set and ``declared`` stays ``None``. ``now`` (default: the current UTC
    time) is the reference for retention.
    """
    now = _aware(now or dt.datetime.now(dt.UTC))
    containers = {(c.source, c.container): c for c in result.containers}
    kinds = {s.name: s.kind for s in result.sources}
    entries: dict[tuple, dict] = {}
    findings = []
    for f in result.findings:
        cc, evidence = locations.get(f.source, _NOT_ESTABLISHED)
        kind = kinds.get(f.source, f.source_kind)
        # A column only named like personal data, no value seen, is a schema hint for the
        # reader to check, never a violation.
        checks = [] if f.match_type == MATCH_NAME else _check(
            f, policy, cc, evidence, kind, containers.get((f.source, f.container)), now)
        for flag, detail in checks:
            key = (flag, f.source, f.container, f.field, f.category)
            entry = entries.get(key)
            if entry is None:
                entries[key] = _entry(flag, f, cc, detail)
            elif f.entity not in entry["entities"]:
                entry["entities"].append(f.entity)
        flags = tuple(sorted({flag for flag, _ in checks}, key=_ORDER.__getitem__))
        declared = policy.declares(f.category) if policy else None
        findings.append(dataclasses.replace(f, location=cc, declared=declared, flags=flags))

    sources = tuple(
        dataclasses.replace(s, location=cc, location_evidence=evidence)
        for s in result.sources
        for cc, evidence in [locations.get(s.name, _NOT_ESTABLISHED)]
    )
    ordered = sorted(entries.values(), key=lambda e: (
        _ORDER[e["flag"]], e["source"], e["container"], e["field"] or "", e["category"]))
    found = {f.category for f in result.findings}
    declared_not_found = [
        {"category": e.category, "labels": _labels(e.category)}
        for e in (policy.categories if policy else ())
        if e.category != WILDCARD and e.category not in found
    ]
    counts = {sev: sum(1 for e in ordered if e["severity"] == sev)
              for sev in (ERROR, WARNING, INFO)}
    report = {
        "policy": policy.summary() if policy else None,
        # Flat keys the report writers read (derbes.reports._common).
        "path": policy.path if policy else None,
        "operator": policy.operator.model_dump(exclude_none=True) if policy else None,
        "declared_categories": sorted(
            e.category for e in policy.categories if e.category != WILDCARD) if policy else None,
        "all_other_allowed": policy.wildcard is not None if policy else None,
        "flags": {fid: info.as_dict() for fid, info in FLAGS.items()},
        "checked_at": now.isoformat(timespec="seconds"),
        "violations": [e for e in ordered if e["severity"] != INFO],
        "notices": [e for e in ordered if e["severity"] == INFO],
        "declared_not_found": declared_not_found,
        "counts": counts,
    }
    return dataclasses.replace(result, findings=tuple(findings), sources=sources, policy=report)


def _check(
    f: Finding,
    policy: Policy | None,
    cc: str,
    evidence: str,
    kind: str,
    container: ContainerInfo | None,
    now: dt.datetime,
) -> list[tuple[str, dict]]:
    """The flags of one finding, each with the facts behind it."""
    out: list[tuple[str, dict]] = []
    if policy is not None and not policy.declares(f.category):
        why = ("the policy lists it as not collected" if f.category in policy.not_collected
               else "the policy does not declare it")
        out.append(("UNDECLARED_CATEGORY", {"detail": f"{f.category}: {why}"}))

    if cc == UNKNOWN:
        out.append(("LOCATION_UNKNOWN", {"evidence": evidence, "detail": evidence}))
    elif cc != "KZ":
        if policy is None:
            out.append(("STORAGE_OUTSIDE_KZ", {
                "country": cc, "evidence": evidence,
                "detail": f"rests in {cc} ({evidence}); no policy was given"}))
        elif cc in policy.storage.countries:
            out.append(("CROSS_BORDER_DECLARED", {
                "country": cc, "evidence": evidence,
                "detail": f"rests in {cc}, a storage country of the policy"}))
        elif cc in policy.transfer_countries(f.category):
            out.append(("CROSS_BORDER_DECLARED", {
                "country": cc, "evidence": evidence,
                "detail": f"rests in {cc}; the policy declares a transfer of {f.category} there"}))
        else:
            declared = sorted(policy.transfer_countries(f.category))
            out.append(("STORAGE_OUTSIDE_KZ", {
                "country": cc, "evidence": evidence,
                "detail": f"rests in {cc} ({evidence}); the policy stores data in "
                          f"{', '.join(policy.storage.countries)} and declares transfers of "
                          f"{f.category} to {', '.join(declared) or 'no country'}"}))

    if policy is not None:
        exceeded = _retention(f, policy, kind, container, now)
        if exceeded is not None:
            out.append(("RETENTION_EXCEEDED", exceeded))
        if f.category == "iin" and not policy.declares("date_of_birth"):
            why = ("the policy lists date_of_birth as not collected"
                   if "date_of_birth" in policy.not_collected
                   else "date_of_birth is not declared")
            out.append(("IIN_IMPLIES_BIRTH_DATE", {"detail": why}))
    return out


def _retention(
    f: Finding, policy: Policy, kind: str, container: ContainerInfo | None, now: dt.datetime
) -> dict | None:
    """The facts of a retention breach, or ``None`` when there is none or nothing to go by."""
    limit = policy.retention_for(f.category, kind)
    if limit is None:
        return None
    duration, origin = limit
    # The finding's own oldest timestamp is best; a container's newest time (a file's mtime)
    # still proves everything in it is at least that old.
    candidates = (
        (f.oldest_seen, "oldest timestamp with personal data in this field"),
        (container.oldest_timestamp if container else None, "oldest timestamp in the container"),
        (container.newest_timestamp if container else None, "newest timestamp of the container"),
    )
    for text, what in candidates:
        moment = _parse_time(text)
        if moment is None:
            continue
        cutoff = duration.before(now)
        if moment >= cutoff:
            return None
        how = {}
        if container is not None and text == container.oldest_timestamp and container.age_column:
            # A table's age read from a timestamp column: which one, and how.
            how = {"age_column": container.age_column, "age_method": container.age_method}
        return {
            **how,
            "oldest": text, "basis": what, "retention": origin.rsplit(" ", 1)[1],
            "cutoff": cutoff.date().isoformat(),
            "detail": f"{what} is {text}, before {cutoff.date().isoformat()} ({origin})",
        }
    return None


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return _aware(moment)


def _aware(moment: dt.datetime) -> dt.datetime:
    # Naive timestamps in logs are taken as UTC; an hour either way does not move a
    # retention of days or years.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _labels(category: str) -> dict[str, str] | None:
    c = CATEGORIES.get(category)
    return {lang: c.label(lang) for lang in ("ru", "kk", "en")} if c else None


def _entry(flag: str, f: Finding, cc: str, facts: dict) -> dict:
    info = FLAGS[flag]
    return {
        "flag": flag,
        "severity": info.severity,
        "article": info.article,
        "source": f.source,
        "container": f.container,
        "field": f.field,
        "category": f.category,
        "category_labels": _labels(f.category),
        "entities": [f.entity],
        "location": cc,
        **facts,
        "explanation": {"ru": info.ru, "kk": info.kk, "en": info.en},
    }
