"""The draft policy file: what was extracted, as derbes policy YAML with its evidence.

Every proposed line carries a comment with the clause number and a short quote. What could
not be found is said in a comment and left out, so that ``derbes policy validate`` names
the key to fill in; what derbes has no category id for is kept as a commented line.
"""

from __future__ import annotations

import json

from derbes.detectors.categories import CATEGORIES

from .extract import Evidence, Extraction, Found, period_days

_T = {
    "ru": {
        "title": "Черновик политики derbes из «{src}» (derbes policy extract).",
        "review": "Каждая строка предложена правилом; в комментарии: пункт документа и цитата. "
                  "Сверьте всё с документом, затем: derbes policy validate {out}",
        "missing": "НЕ НАЙДЕНО в документе: впишите",
        "name": "наименование оператора (name)",
        "bin": "его БИН, 12 цифр в кавычках (bin)",
        "no_categories": "Категории данных не найдены: перечислите их (categories)",
        "other": "Категории, для которых в derbes нет идентификатора (оставлены для проверки):",
        "no_id": "нет категории derbes",
        "also": "также",
        "also_declared": "но также упомянуто как собираемое",
        "check": "проверьте",
        "retention_all": "Сроки хранения в документе",
        "retention_pick": "предложен самый длинный срок (событие derbes проверить не может)",
        "retention_event": "Срока в годах, месяцах или днях нет: предложено событие",
        "unlimited": "срок не ограничен: derbes не проверяет возраст данных",
        "no_retention": "Срок хранения не найден: добавьте retention к категориям",
        "purposes": "Цели обработки из документа (общие для всех категорий)",
        "no_storage": "Не найдено, что базы данных находятся на территории РК (ст. 12 п. 2 "
                      "Закона 94-V). Впишите, где они хранятся",
        "no_transfers": "Трансграничная передача не найдена",
        "transfer_no_country": "Трансграничная передача упомянута без указания стран; впишите "
                               "страны",
        "eu": "Назван Европейский союз: впишите страны (EU не страна)",
        "logs": "Срок хранения журналов",
        "same_sentence": "названы в том же предложении",
        "not_collected": "Документ говорит, что это не собирается или не хранится",
    },
    "kk": {
        "title": "«{src}» құжатынан derbes саясатының жобасы (derbes policy extract).",
        "review": "Әр жолды ереже ұсынды; түсініктемеде: құжат тармағы мен дәйексөз. Бәрін "
                  "құжатпен салыстырыңыз, содан кейін: derbes policy validate {out}",
        "missing": "құжатта ТАБЫЛМАДЫ: жазыңыз",
        "name": "оператордың атауы (name)",
        "bin": "оның БСН-і, тырнақшадағы 12 цифр (bin)",
        "no_categories": "Деректер санаттары табылмады: оларды тізіңіз (categories)",
        "other": "derbes-те идентификаторы жоқ санаттар (тексеру үшін қалдырылды):",
        "no_id": "derbes санаты жоқ",
        "also": "сондай-ақ",
        "also_declared": "бірақ жиналатын ретінде де аталған",
        "check": "тексеріңіз",
        "retention_all": "Құжаттағы сақтау мерзімдері",
        "retention_pick": "ең ұзақ мерзім ұсынылды (derbes оқиғаны тексере алмайды)",
        "retention_event": "Жылмен, аймен немесе күнмен берілген мерзім жоқ: оқиға ұсынылды",
        "unlimited": "мерзім шектелмеген: derbes деректердің жасын тексермейді",
        "no_retention": "Сақтау мерзімі табылмады: санаттарға retention қосыңыз",
        "purposes": "Құжаттағы өңдеу мақсаттары (барлық санаттарға ортақ)",
        "no_storage": "Дерекқорлардың ҚР аумағында екені табылмады (94-V Заңның 12-бабы "
                      "2-тармағы). Қайда сақталатынын жазыңыз",
        "no_transfers": "Трансшекаралық беру табылмады",
        "transfer_no_country": "Трансшекаралық беру елдері көрсетілмей аталған; елдерді "
                               "жазыңыз",
        "eu": "Еуропалық одақ аталған: елдерді жазыңыз (EU ел емес)",
        "logs": "Журналдарды сақтау мерзімі",
        "same_sentence": "сол сөйлемде аталған",
        "not_collected": "Құжат бойынша бұлар жиналмайды немесе сақталмайды",
    },
    "en": {
        "title": "Draft derbes policy from '{src}' (derbes policy extract).",
        "review": "Every line was proposed by a rule; its comment gives the clause and a quote. "
                  "Check each against the document, then: derbes policy validate {out}",
        "missing": "NOT FOUND in the document: fill in",
        "name": "the operator's name (name)",
        "bin": "its BIN, 12 digits in quotes (bin)",
        "no_categories": "No categories of data found: list them (categories)",
        "other": "Categories derbes has no id for (kept for review):",
        "no_id": "no derbes category",
        "also": "also",
        "also_declared": "but also mentioned as collected",
        "check": "check",
        "retention_all": "Retention stated in the document",
        "retention_pick": "the longest period is proposed (derbes cannot check an event)",
        "retention_event": "No period in years, months or days: an event is proposed",
        "unlimited": "no limit: derbes checks no age for it",
        "no_retention": "No retention found: add retention to the categories",
        "purposes": "Purposes of processing from the document (shared by all categories)",
        "no_storage": "Nothing says the databases are in Kazakhstan (Art. 12(2) of Law "
                      "94-V). Fill in where they are",
        "no_transfers": "No cross-border transfer found",
        "transfer_no_country": "A cross-border transfer is mentioned with no country; fill in "
                               "the countries",
        "eu": "The European Union is named: list the countries (EU is not a country)",
        "logs": "Retention of logs",
        "same_sentence": "named in the same sentence",
        "not_collected": "The document says these are not collected or not stored",
    },
}


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _best(evidence: list[Evidence], lang: str) -> Evidence:
    return next((e for e in evidence if e.lang == lang), evidence[0])


def _cite(evidence: list[Evidence], lang: str, also: str) -> str:
    best = _best(evidence, lang)
    others = list(dict.fromkeys(e.clause or "preamble" for e in evidence
                                if e.clause != best.clause))
    more = f"; {also} {', '.join(others[:6])}" if others else ""
    return best.cite() + more


def _clauses(found: list[Found], most: int = 6) -> str:
    where = list(dict.fromkeys(f.evidence.clause or "preamble" for f in found))
    return ", ".join(where[:most]) + (", …" if len(where) > most else "")


def render(result: Extraction, out: str = "policy.yaml", lang: str | None = None) -> str:
    """The draft policy as YAML text with comments, in ``lang`` (default: the document's)."""
    lang = lang or result.lang
    t = _T.get(lang, _T["en"])
    lines = [f"# {t['title'].format(src=result.source)}",
             f"# {t['review'].format(out=out)}",
             "version: 1", ""]

    # Operator
    op = result.operator
    fields = [k for k in ("name", "bin", "website", "address", "email") if k in op]
    indent = "  " if fields else ""
    if fields:
        lines.append("operator:")
    for key in ("name", "bin"):
        if key not in op:
            lines.append(f"{indent}# {key}: {t['missing']} {t[key]}")
    for note in result.operator_notes:
        lines.append(f"{indent}# {note}")
    if not fields:
        lines.append("operator: {}")
    for key in fields:
        found = op[key]
        value = found.value if key in ("website", "email") else _q(found.value)
        lines.append(f"  {key}: {value}   # {found.evidence.cite()}")
    lines.append("")

    # Retention, shared by every category unless the document gives no period
    if result.retention:
        groups: dict[str, list[Found]] = {}
        for f in result.retention:
            groups.setdefault(f.value, []).append(f)
        summary = "; ".join(f"{v} ({_clauses(fs)})" for v, fs in groups.items())
        general = result.retention_value()
        pick = t["retention_pick"] if general is None or general.value.startswith("P") else (
            t["retention_event"])
        lines.append(f"# {t['retention_all']}: {summary}. {pick[0].upper()}{pick[1:]}.")
    else:
        lines.append(f"# {t['no_retention']}.")

    def retention_line(rule: str) -> list[str]:
        found = result.retention_for(rule)
        if found is None:
            return []
        value = "until_consent_withdrawn" if found.value == "unlimited" else found.value
        note = f" ({t['unlimited']})" if found.value == "unlimited" else ""
        return [f"    retention: {value}   # {found.evidence.cite()}{note}"]

    # Categories
    ids = result.categories()
    ids.sort(key=list(CATEGORIES).index)
    by_id = {r.category: n for n, r in result.rules.items() if r.category}
    if ids:
        lines.append("categories:")
    else:
        lines += [f"# {t['no_categories']}.", "categories: []"]
    for i, cid in enumerate(ids):
        evidence = result.declared[by_id[cid]]
        label = CATEGORIES[cid].label(lang)
        lines.append(f"  - category: {cid}   # {label}: {_cite(evidence, lang, t['also'])}")
        lines += retention_line(by_id[cid])
        if result.purposes:
            if i == 0:
                lines.append(f"    purposes: &purposes   # {t['purposes']}")
                lines += [f"      - {_q(p.value)}   # {p.evidence.clause or 'preamble'}"
                          for p in result.purposes]
            else:
                lines.append(f"    purposes: *purposes   # {t['purposes']}")
    others = result.other_declared()
    if others:
        lines.append(f"  # {t['other']}")
        for name in others:
            rule = result.rules[name]
            cite = _cite(result.declared[name], lang, t["also"])
            lines.append(f"  # - {name} ({rule.label(lang)}; {t['no_id']})   # {cite}")
    lines.append("")

    # Not collected
    negated = result.not_collected()
    other_negated = result.other_not_collected()
    if negated or other_negated:
        lines.append(f"# {t['not_collected']}.")
        lines.append("not_collected:" if negated else "# not_collected:")
        for cid in sorted(negated, key=list(CATEGORIES).index):
            name = by_id[cid]
            lines.append(f"  - {cid}   # {_cite(result.negated[name], lang, t['also'])}")
            if name in result.declared:
                where = _best(result.declared[name], lang).cite()
                lines.append(f"    # {t['also_declared']}: {where}; {t['check']}")
        for name in other_negated:
            rule = result.rules[name]
            cite = _cite(result.negated[name], lang, t["also"])
            lines.append(f"  # - {name} ({rule.label(lang)}; {t['no_id']})   # {cite}")
        lines.append("")

    # Storage
    if result.storage:
        first = next((f for f in result.storage if f.evidence.lang == lang), result.storage[0])
        lines += ["storage:", f"  countries: [KZ]   # {first.evidence.cite()}", ""]
    else:
        lines += [f"# {t['no_storage']}:", "# storage:", "#   countries: [KZ]", ""]

    # Cross-border transfers
    transfers: dict[str, list] = {}
    for tr in result.transfers:
        transfers.setdefault(tr.country, []).append(tr)
    declared = set(ids)
    if transfers:
        lines.append("cross_border:")
        for country, found in transfers.items():
            best = next((f for f in found if f.evidence.lang == lang), found[0])
            lines.append(f"  - country: {country}   # {best.evidence.cite()}")
            named = [c for c in dict.fromkeys(c for f in found for c in f.categories)
                     if c in declared]
            if named and all(f.categories for f in found):
                lines.append(f"    categories: [{', '.join(named)}]   # {t['same_sentence']}")
    for note in result.transfer_notes:
        text = t["eu"] if note.value == "EU" else t["transfer_no_country"]
        lines.append(f"# {text}: {note.evidence.cite()}")
    if not transfers and not result.transfer_notes:
        lines.append(f"# {t['no_transfers']}.")
    lines.append("")

    # Logs
    if result.logs_retention:
        longest = max(result.logs_retention, key=lambda f: period_days(f.value))
        lines += [f"# {t['logs']}.", "logs:",
                  f"  retention: {longest.value}   # {longest.evidence.cite()}", ""]
    return "\n".join(lines)

