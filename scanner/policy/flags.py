"""The compliance flags, each defined once: code, severity, legal ground, and its title,
explanation and next step in Russian, Kazakh and English.

Flag codes are a public contract (reports, baselines and CI configurations name them). Reports
take every text about a flag from here.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING, INFO = "error", "warning", "info"
#: Severities, most serious first; ``fail_on`` may name one to mean all its flags.
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True, slots=True)
class Text:
    """One text in Russian, Kazakh and English."""

    ru: str
    kk: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang``; English for a language it is not written in."""
        return self.ru if lang == "ru" else self.kk if lang == "kk" else self.en

    def as_dict(self) -> dict[str, str]:
        """``{"ru": ..., "kk": ..., "en": ...}``."""
        return {"ru": self.ru, "kk": self.kk, "en": self.en}


@dataclass(frozen=True, slots=True)
class FlagInfo:
    """What a flag means: severity, legal ground, and what to read and do, in three languages."""

    code: str
    severity: str
    article: str
    #: A short name, for headings.
    title: Text
    explanation: Text
    #: What the operator should do about it, and who usually does it (a key of
    #: :data:`OWNERS`).
    next_step: Text
    owner: str

    def as_dict(self) -> dict:
        """Severity, article and the texts as plain data, for the JSON report."""
        return {"severity": self.severity, "article": self.article,
                "title": self.title.as_dict(), "explanation": self.explanation.as_dict(),
                "next_step": self.next_step.as_dict(), "owner": OWNERS[self.owner].as_dict()}



#: Who usually owns a flag's next step.
OWNERS: dict[str, Text] = {
    "dpo": Text(
        ru="ответственный за организацию обработки персональных данных",
        kk="дербес деректерді өңдеуді ұйымдастыруға жауапты адам",
        en="the person responsible for personal data processing (DPO)",
    ),
    "data_owner": Text(
        ru="владелец системы и администратор базы данных",
        kk="жүйе иесі және дерекқор әкімшісі",
        en="the system owner and the database administrator",
    ),
    "infra": Text(
        ru="руководитель ИТ-инфраструктуры и юрист",
        kk="АТ-инфрақұрылымы басшысы және заңгер",
        en="the head of IT infrastructure and the lawyer",
    ),
    "scan_owner": Text(
        ru="тот, кто запускает сканирование",
        kk="сканерлеуді іске қосатын адам",
        en="whoever runs the scan",
    ),
}


_FLAGS = (
    FlagInfo(
        code="UNDECLARED_CATEGORY", severity=ERROR, article="Law 94-V, Art. 7; Art. 12(1)",
        title=Text(
            ru="Категория не заявлена в политике",
            kk="Санат саясатта көрсетілмеген",
            en="Category not declared in the policy",
        ),
        explanation=Text(
            ru="Категория персональных данных не заявлена в политике, или политика прямо говорит, "
               "что её не собирают. Собирать можно только данные, необходимые и достаточные для "
               "заявленных целей, с согласия субъекта (Закон № 94-V, ст. 7, ст. 12 п. 1).",
            kk="Дербес деректер санаты саясатта көрсетілмеген немесе саясатта ол жиналмайды деп "
               "жазылған. Мәлімделген мақсаттарға қажетті және жеткілікті деректер ғана, "
               "субъектінің келісімімен жиналады (№ 94-V Заң, 7-бап, 12-баптың 1-тармағы).",
            en="The category is not declared in the policy, or the policy says it is not "
               "collected. Only data necessary and sufficient for the declared purposes may be "
               "collected, with the subject's consent (Law 94-V, Art. 7, Art. 12(1)).",
        ),
        next_step=Text(
            ru="Заявите категорию в политике с целями и сроком хранения и получите согласие "
               "субъектов, либо перестаньте собирать эти данные и удалите их.",
            kk="Санатты саясатта мақсаттарымен және сақтау мерзімімен мәлімдеп, субъектілердің "
               "келісімін алыңыз, не бұл деректерді жинауды тоқтатып, оларды жойыңыз.",
            en="Declare the category in the policy with its purposes and retention and obtain "
               "consent, or stop collecting this data and delete it.",
        ),
        owner="dpo",
    ),
    FlagInfo(
        code="STORAGE_OUTSIDE_KZ", severity=ERROR, article="Law 94-V, Art. 12(2); Art. 16",
        title=Text(
            ru="Хранение за пределами РК",
            kk="ҚР-дан тыс сақтау",
            en="Stored outside Kazakhstan",
        ),
        explanation=Text(
            ru="Данные хранятся за пределами Казахстана, а политика не заявляет ни хранения в "
               "этой стране, ни трансграничной передачи туда этой категории. База персональных "
               "данных должна находиться на территории РК (Закон № 94-V, ст. 12 п. 2); "
               "трансграничная передача — по ст. 16.",
            kk="Деректер Қазақстаннан тыс жерде сақталады, ал саясатта бұл елде сақтау да, осы "
               "санатты сол елге трансшекаралық беру де көрсетілмеген. Дербес деректер базасы ҚР "
               "аумағында болуы тиіс (№ 94-V Заң, 12-баптың 2-тармағы); трансшекаралық беру — "
               "16-бап бойынша.",
            en="The data rests outside Kazakhstan and the policy declares neither storage in that "
               "country nor a cross-border transfer of this category there. Personal databases "
               "must be kept on the territory of the RK (Law 94-V, Art. 12(2)); cross-border "
               "transfer is governed by Art. 16.",
        ),
        next_step=Text(
            ru="Перенесите базу в дата-центр на территории Казахстана или заявите трансграничную "
               "передачу в политике (ст. 16) с согласием субъектов.",
            kk="Дерекқорды Қазақстан аумағындағы дата-орталыққа көшіріңіз немесе трансшекаралық "
               "беруді саясатта мәлімдеңіз (16-бап), субъектілердің келісімімен.",
            en="Move the database to a data centre in Kazakhstan, or declare the cross-border "
               "transfer in the policy (Art. 16) with the subjects' consent.",
        ),
        owner="infra",
    ),
    FlagInfo(
        code="RETENTION_EXCEEDED", severity=WARNING, article="Law 94-V, Art. 12",
        title=Text(
            ru="Превышен срок хранения",
            kk="Сақтау мерзімі асып кеткен",
            en="Retention period exceeded",
        ),
        explanation=Text(
            ru="Персональные данные хранятся дольше заявленного срока. Срок хранения определяется "
               "датой достижения целей сбора и обработки (Закон № 94-V, ст. 12).",
            kk="Дербес деректер мәлімделген мерзімнен ұзақ сақталып тұр. Сақтау мерзімі "
               "деректерді жинау және өңдеу мақсаттарына қол жеткізілген күнмен айқындалады (№ "
               "94-V Заң, 12-бап).",
            en="Personal data is kept longer than the declared retention. The storage period ends "
               "when the purposes of collection and processing are achieved (Law 94-V, Art. 12).",
        ),
        next_step=Text(
            ru="Удалите или обезличьте записи старше даты отсечения и настройте их регулярную "
               "очистку; если срок в политике неверен, исправьте политику.",
            kk="Шекті күннен ескі жазбаларды жойыңыз немесе иесіздендіріңіз және оларды тұрақты "
               "тазалауды баптаңыз; саясаттағы мерзім қате болса, саясатты түзетіңіз.",
            en="Delete or anonymise the rows older than the cutoff and schedule their regular "
               "removal; if the policy's period is wrong, correct the policy.",
        ),
        owner="data_owner",
    ),
    FlagInfo(
        code="IIN_IMPLIES_BIRTH_DATE", severity=WARNING, article="Law 94-V, Art. 1(2); Art. 12(1)",
        title=Text(
            ru="ИИН раскрывает дату рождения",
            kk="ЖСН туған күнді ашады",
            en="IIN reveals the date of birth",
        ),
        explanation=Text(
            ru="ИИН содержит дату рождения и пол владельца, а дата рождения не заявлена в "
               "политике. Храня ИИН, оператор обрабатывает и дату рождения (персональные данные "
               "по ст. 1 п. 2 Закона № 94-V): заявите её или не храните ИИН (ст. 12 п. 1).",
            kk="ЖСН иесінің туған күні мен жынысын қамтиды, ал туған күні саясатта көрсетілмеген. "
               "ЖСН сақтай отырып, оператор туған күнді де өңдейді (№ 94-V Заңның 1-бабының "
               "2-тармағы бойынша дербес деректер): оны саясатта көрсетіңіз немесе ЖСН сақтамаңыз "
               "(12-баптың 1-тармағы).",
            en="An IIN encodes its holder's date of birth and sex, and the policy does not "
               "declare date of birth. Storing IINs is processing birth dates (personal data "
               "under Law 94-V, Art. 1(2)): declare it, or stop storing IINs (Art. 12(1)).",
        ),
        next_step=Text(
            ru="Заявите дату рождения в политике или перестаньте хранить ИИН там, где он не "
               "нужен.",
            kk="Туған күнді саясатта мәлімдеңіз немесе ЖСН қажет емес жерде оны сақтамаңыз.",
            en="Declare date of birth in the policy, or stop storing IINs where they are not "
               "needed.",
        ),
        owner="dpo",
    ),
    FlagInfo(
        code="LOCATION_UNKNOWN", severity=WARNING, article="Law 94-V, Art. 12(2)",
        title=Text(
            ru="Место хранения неизвестно",
            kk="Сақтау орны белгісіз",
            en="Storage location unknown",
        ),
        explanation=Text(
            ru="Не удалось установить, в какой стране хранятся эти данные. Укажите её (--location "
               "ИСТОЧНИК=KZ или location в derbes.yaml), чтобы проверить требование о хранении на "
               "территории РК (Закон № 94-V, ст. 12 п. 2).",
            kk="Бұл деректер қай елде сақталатыны анықталмады. ҚР аумағында сақтау талабын (№ "
               "94-V Заң, 12-баптың 2-тармағы) тексеру үшін елді көрсетіңіз (--location КӨЗ=KZ "
               "немесе derbes.yaml ішіндегі location).",
            en="Where this data rests could not be established. Set it (--location SOURCE=KZ, or "
               "location in derbes.yaml) so that storage on the territory of the RK (Law 94-V, "
               "Art. 12(2)) can be checked.",
        ),
        next_step=Text(
            ru="Укажите страну источника (--location ИСТОЧНИК=KZ или location в derbes.yaml) и "
               "повторите сканирование.",
            kk="Дереккөздің елін көрсетіңіз (--location КӨЗ=KZ немесе derbes.yaml ішіндегі "
               "location) және сканерлеуді қайталаңыз.",
            en="Set the source's country (--location SOURCE=KZ, or location in derbes.yaml) and "
               "scan again.",
        ),
        owner="scan_owner",
    ),
    FlagInfo(
        code="CROSS_BORDER_DECLARED", severity=INFO, article="Law 94-V, Art. 16; Art. 12(2)",
        title=Text(
            ru="Заявленная трансграничная передача",
            kk="Мәлімделген трансшекаралық беру",
            en="Declared cross-border transfer",
        ),
        explanation=Text(
            ru="Данные находятся в другой стране, и политика это заявляет (хранение там или "
               "трансграничная передача, Закон № 94-V, ст. 16). Основная база при этом должна "
               "оставаться на территории РК (ст. 12 п. 2).",
            kk="Деректер басқа елде орналасқан және саясатта бұл көрсетілген (сол елде сақтау "
               "немесе трансшекаралық беру, № 94-V Заң, 16-бап). Негізгі база бәрібір ҚР "
               "аумағында болуы тиіс (12-баптың 2-тармағы).",
            en="The data rests in another country and the policy declares it (storage there or a "
               "cross-border transfer, Law 94-V, Art. 16). The primary database must still be "
               "kept in the RK (Art. 12(2)).",
        ),
        next_step=Text(
            ru="Проверьте, что у субъектов есть согласие на передачу и с получателем заключён "
               "договор; основная база должна оставаться в Казахстане.",
            kk="Субъектілердің беруге келісімі бар екенін және алушымен шарт жасалғанын "
               "тексеріңіз; негізгі база Қазақстанда қалуы тиіс.",
            en="Check that the subjects consented to the transfer and that a contract with the "
               "recipient exists; the primary database must stay in Kazakhstan.",
        ),
        owner="dpo",
    ),
)

#: Every flag by code, in report order (most serious first).
FLAGS: dict[str, FlagInfo] = {f.code: f for f in _FLAGS}
