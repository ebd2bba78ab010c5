"""The compliance flags: each one's id, severity, legal ground and explanation in ru/kk/en.

Flag ids are a public contract (reports, baselines and CI configurations name them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
