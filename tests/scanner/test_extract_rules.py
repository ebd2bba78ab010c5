"""Each extraction rule, negation and look-alike case, on short sentences written for it.

Every case names what it checks; removing the rule it checks makes it fail (a category
rule file, a negation form, a look-alike mapping, a country, a retention form).
"""

from __future__ import annotations

import pytest

from derbes.scanner.policy.extract import extract_lines
from derbes.scanner.policy.extract.rules import category_rules

RU = "1. Мы собираем следующие данные: {}."
KK = "1. Біз мына деректерді жинаймыз: {}."

#: rule file -> (a Russian phrase, a Kazakh phrase) that declare the category.
CATEGORY_CASES = {
    "full_name": ("фамилия, имя, отчество", "тегі, аты, әкесінің аты"),
    "iin": ("ИИН", "ЖСН"),
    "bin": ("БИН", "БСН"),
    "phone": ("абонентский номер телефона", "ұялы телефон нөмірі"),
    "email": ("адрес электронной почты", "электрондық пошта мекенжайы"),
    "ip_address": ("IP-адрес", "IP-мекенжайы"),
    "device_id": ("идентификатор устройства", "құрылғы идентификаторы"),
    "payment_card": ("номер банковской карты", "банк картасының нөмірі"),
    "bank_account": ("номер банковского счета", "банктік шот нөмірі"),
    "date_of_birth": ("дата рождения", "туған күні"),
    "sex": ("возраст, пол, рост", "жынысы"),
    "address": ("адрес проживания", "тұрғылықты мекенжайы"),
    "identity_document": ("паспортные данные", "жеке куәлік деректері"),
    "place_of_birth": ("место рождения", "туған жері"),
    "geolocation": ("геолокация", "орналасқан жері"),
    "browser_os": ("информация о браузере", "операциялық жүйе түрі"),
    "usage_data": ("время доступа к сайту", "іздеу сұратулары"),
    "payment_info": ("история платежей", "төлем ақпараты"),
    "biometric": ("биометрические данные", "биометриялық деректер"),
    "photo": ("фотографии", "фотосуреті"),
    "citizenship": ("гражданство", "азаматтығы"),
    "employment": ("место работы и должность", "жұмыс орны"),
    "education": ("сведения об образовании", "білімі туралы мәліметтер"),
    "family": ("семейное положение", "отбасылық жағдайы"),
    "health": ("состояние здоровья", "денсаулық жағдайы"),
    "credentials": ("логин и пароль", "құпиясөз"),
}


def test_every_category_rule_file_has_a_case():
    assert set(CATEGORY_CASES) == set(category_rules())


@pytest.mark.parametrize("rule", sorted(CATEGORY_CASES))
@pytest.mark.parametrize(("lang", "template"), [("ru", RU), ("kk", KK)])
def test_category_rule(rule, lang, template):
    phrase = CATEGORY_CASES[rule][0 if lang == "ru" else 1]
    result = extract_lines([template.format(phrase)])
    assert set(result.declared) == {rule}, (phrase, result.declared)
    assert not result.negated
    cid = category_rules()[rule].category
    if cid:
        assert result.categories() == [cid]
    else:  # no derbes id: kept for a commented line
        assert result.other_declared() == [rule]
    assert result.declared[rule][0].clause == "1"


@pytest.mark.parametrize("text", ["1. Мы собираем: дата и место рождения.",
                                  "1. Біз жинаймыз: туған күні мен жері."])
def test_date_and_place_of_birth_in_one_phrase(text):
    """A gap in the terms («дат* .. рождени*», «туған .. жер*») finds both in one phrase."""
    assert set(extract_lines([text]).declared) == {"date_of_birth", "place_of_birth"}


@pytest.mark.parametrize(("text", "rule"), [
    ("Компания не собирает ИИН пользователей.", "iin"),
    ("Мы не храним данные кредитных карт.", "payment_card"),
    ("Оператор не будет запрашивать паспортные данные.", "identity_document"),
    ("Данные банковских карт не хранятся.", "payment_card"),  # the negation comes after
    ("Оператор ЖСН жинамайды.", "iin"),
    ("Компания Пайдаланушының кредиттік картасының деректерін сақтамайды.", "payment_card"),
    ("Біз төлқұжат деректерін сұратпаймыз, жеке куәлік деректерін сұратпаймыз.",
     "identity_document"),
    ("Туған күні өңделмейді.", "date_of_birth"),
    ("We do not collect passport data.", "identity_document"),
    ("Обрабатываются общедоступные данные, за исключением биометрических.", "biometric"),
    ("Биометриялық деректерді қоспағанда, кез келген деректер өңделеді.", "biometric"),
])
def test_negation_makes_not_collected(text, rule):
    result = extract_lines([text])
    assert set(result.negated) == {rule}, result.negated
    assert rule not in result.declared
    cid = category_rules()[rule].category
    assert result.not_collected() == ([cid] if cid else [])


@pytest.mark.parametrize(("text", "declared", "negated"), [
    # «не используется для»: limits a purpose, the data is still collected.
    ("IP-адрес не используется для установления личности.", {"ip_address"}, set()),
    # Not transferred is not «not collected».
    ("Адрес электронной почты не передается третьим лицам.", {"email"}, set()),
    ("Электрондық пошта мекенжайы үшінші тұлғаларға берілмейді.", {"email"}, set()),
    # A contrast word ends the negation.
    ("Мы не храним данные карт, но собираем номер телефона.", {"phone"}, {"payment_card"}),
    ("Біз ЖСН жинамаймыз, бірақ телефон нөмірін сақтаймыз.", {"phone"}, {"iin"}),
])
def test_what_is_not_a_negation(text, declared, negated):
    result = extract_lines([text])
    assert set(result.declared) == declared
    assert set(result.negated) == negated


@pytest.mark.parametrize(("text", "rule"), [
    ("Телефон: +7 727 000 00 00", None),  # the operator's phone: a value follows
    ("Пишите на адрес электронной почты Компании.", None),  # the operator's own
    ("Жазыңыз: info@example.kz электрондық пошта мекенжайына.", None),
    ("Сайт доступен по адресу www.example.kz.", None),  # a web address
    ("Сайт https://example.kz желілік мекенжайы бойынша қолжетімді.", None),
    ("Действует от имени Компании.", None),  # «от имени» is not a name
    ("Перечень доменных имен Компании, принадлежащих ей.", None),
    ("Мы собираем имя, фамилию.", "full_name"),  # a bare «имя» in a list is
    ("Мы собираем ваше имя.", "full_name"),
])
def test_mentions_that_are_not_declarations(text, rule):
    declared = set(extract_lines([text]).declared)
    assert declared == ({rule} if rule else set())


def test_operator_bin_and_address_are_not_categories():
    r = extract_lines(["1.1. ТОО «Пример», БИН 250140000013, адрес: Республика Казахстан, "
                       "г. Алматы, ул. Абая, 1."])
    assert not r.declared
    assert r.operator["bin"].value == "250140000013"
    assert r.operator["address"].value == "Республика Казахстан, г. Алматы, ул. Абая, 1"
    assert r.operator["name"].value == "ТОО «Пример»"


@pytest.mark.parametrize(("text", "name"), [
    ("Товарищество с ограниченной ответственностью «Альфа Бета», БИН 250140000013.",
     "ТОО «Альфа Бета»"),
    ("«Альфа Бета» жауапкершілігі шектеулі серіктестігі, БСН 250140000013.",
     "«Альфа Бета» ЖШС"),
    ("Оператор: АО «Гамма».", "АО «Гамма»"),
])
def test_operator_name(text, name):
    assert extract_lines([text]).operator["name"].value == name


def test_bin_with_a_wrong_check_digit_is_not_proposed():
    r = extract_lines(["1. ТОО «Пример», БИН 250140000014."])
    assert "bin" not in r.operator
    assert "250140000014" in r.operator_notes[0]


# --------------------------------------------------------------------------------------------
# Look-alike letters


@pytest.mark.parametrize(("text", "rule"), [
    ("1. Біз жинаймыз: əкесінің атын.", "full_name"),  # Latin schwa ə for ә
    ("1. Мы собираем: тeлeфoн.", "phone"),  # Latin e and o in a Cyrillic word
    ("1. Мы собираем: пaспорт.", "identity_document"),  # Latin a
    ("1. Мы собираем: паспоpт.", "identity_document"),  # Latin p
    ("1. Мы собираем: адрес электронной почты.".replace("с", "c", 1), "email"),  # Latin c
    ("1. Мы собираем: гражданствo.", "citizenship"),  # Latin o at the end
    ("1. Біз жинаймыз: тегi.", "full_name"),  # Latin i for the Kazakh і
    ("1. Сайт использует сookies.", "device_id"),  # Cyrillic с in a Latin word
    ("1. Біз ІР-мекенжайды жинаймыз.", "ip_address"),  # Cyrillic І and Р for IP
    # Kazakh typed without Kazakh letters: қ, ң, ү, і as к, н, у, и.
    ("1. Біз туган куни мен телефон номирин жинаймыз.", "date_of_birth"),
])
def test_look_alike_letters(text, rule):
    assert rule in extract_lines([text]).declared


def test_look_alike_letter_in_a_negation():
    # Latin x in «xранит»
    assert set(extract_lines(["Компания не xранит данные карт."]).negated) == {"payment_card"}


def test_kazakh_typed_without_kazakh_letters_in_storage():
    r = extract_lines(["Деректер Казакстан Республикасынын аумагында сакталады."])
    assert [f.value for f in r.storage] == ["KZ"]


# --------------------------------------------------------------------------------------------
# Storage and cross-border transfers


@pytest.mark.parametrize(("text", "kz"), [
    ("Персональные данные хранятся на территории Республики Казахстан.", True),
    ("Базы данных расположены на территории РК.", True),
    ("Дербес деректер Қазақстан Республикасының аумағында сақталады.", True),
    ("Информация хранится в соответствии с законодательством Республики Казахстан.", False),
    ("Компания зарегистрирована на территории Республики Казахстан.", False),  # no keeping
    ("Серверы компании расположены в г. Алматы.", True),
    ("Офис компании расположен в г. Алматы.", False),  # a city, but no servers
])
def test_storage_in_kazakhstan(text, kz):
    assert bool(extract_lines([text]).storage) is kz


@pytest.mark.parametrize(("text", "country"), [
    ("Данные передаются в США.", "US"),
    ("Деректер Ресей Федерациясына беріледі.", "RU"),
    ("Деректер Ұлыбританияға жіберіледі.", "GB"),
    ("Данные хранятся на серверах в Ирландии.", "IE"),
    ("Деректер Германияға беріледі.", "DE"),
    ("Данные передаются в Российскую Федерацию.", "RU"),
    ("Деректер АҚШ-қа жіберіледі.", "US"),
    ("Данные передаются в Соединённое Королевство.", "GB"),
    ("Оператор поручает обработку данных Amazon Web Services (США).", "US"),
])
def test_cross_border_countries_in_any_case(text, country):
    assert [t.country for t in extract_lines([text]).transfers] == [country]


def test_transfer_names_its_categories():
    r = extract_lines(["Адрес электронной почты и IP-адрес передаются в США."])
    assert r.transfers[0].categories == ("email", "ip_address")


def test_country_without_a_transfer_is_not_one():
    r = extract_lines(["Пользователь может быть гражданином России или Германии."])
    assert not r.transfers


def test_transfer_notes_eu_and_no_country():
    r = extract_lines(["1. Данные передаются в страны Европейского союза.",
                       "2. Трансграничная передача осуществляется с согласия субъекта."])
    assert [(n.value, n.evidence.clause) for n in r.transfer_notes] == [("EU", "1"), ("", "2")]
    assert not r.transfers


# --------------------------------------------------------------------------------------------
# Retention


@pytest.mark.parametrize(("text", "value"), [
    ("Персональные данные хранятся в течение 3 лет.", "P3Y"),
    ("Персональные данные хранятся не менее пяти лет.", "P5Y"),
    ("Дербес деректер кемінде бес жыл сақталады.", "P5Y"),
    ("Данные хранятся в течение года.", "P1Y"),
    ("Данные хранятся 30 календарных дней.", "P30D"),
    ("Деректер 6 ай сақталады.", "P6M"),
    ("Данные хранятся три (3) года.", "P3Y"),
    ("Данные хранятся двадцать пять лет.", "P25Y"),
    ("Персональные данные обрабатываются до отзыва согласия.", "until_consent_withdrawn"),
    ("Дербес деректер келісімді кері қайтарып алғанға дейін өңделеді.",
     "until_consent_withdrawn"),
    ("Дербес деректерді өңдеу мерзімі шектеусіз.", "unlimited"),
    ("Срок хранения данных бессрочный.", "unlimited"),
    ("Данные обрабатываются до достижения целей обработки.", "until_purpose_achieved"),
])
def test_retention(text, value):
    assert [f.value for f in extract_lines([text]).retention] == [value]


@pytest.mark.parametrize("text", [
    "Ответ на запрос о данных направляется в течение 10 рабочих дней.",
    "Согласие отзывается не менее чем за 10 дней до прекращения использования данных.",
    "Данные обрабатываются по Закону от 21 мая 2013 года.",
    "Саясат мерзімсіз жұмыс істейді.",  # the policy, not the data
    "Пользователь старше 18 лет предоставляет данные.",  # an age
])
def test_what_is_not_retention(text):
    assert not extract_lines([text]).retention


def test_a_period_said_of_a_category_is_its_own():
    r = extract_lines(["1. Мы собираем адрес электронной почты и файлы cookie.",
                       "2. Персональные данные хранятся 3 года.",
                       "3. Файлы cookie хранятся 1 год."])
    assert r.retention_value().value == "P3Y"
    assert r.retention_for("device_id").value == "P1Y"
    assert r.retention_for("email").value == "P3Y"


def test_logs_retention():
    r = extract_lines(["Журналы сервера хранятся 1 год."])
    assert [f.value for f in r.logs_retention] == ["P1Y"]
    assert not r.retention


def test_longest_period_is_proposed_over_an_event():
    r = extract_lines(["7. Цели обработки персональных данных",
                       "(а) рассылка – до отзыва согласия или в течение 3 лет;",
                       "(б) аналитика – в течение 1 года."])
    assert r.retention_value().value == "P3Y"
    assert {f.value for f in r.retention} == {"until_consent_withdrawn", "P3Y", "P1Y"}


# --------------------------------------------------------------------------------------------
# Purposes and clauses


def test_purposes_are_the_items_of_the_purposes_section():
    r = extract_lines(["3. Цели обработки персональных данных",
                       "3.1. Компания обрабатывает данные в целях:",
                       "(а) оказания услуг – в течение 3 лет;",
                       "(б) рассылки новостей;",
                       "(в) предложения услуг на основании предпочтений;",
                       "3.2. Основанием обработки является согласие.",
                       "4. Хранение",
                       "4.1. Данные хранятся в Казахстане."])
    assert [(p.value, p.evidence.clause) for p in r.purposes] == [
        ("оказания услуг", "3.1 (а)"), ("рассылки новостей", "3.1 (б)"),
        ("предложения услуг на основании предпочтений", "3.1 (в)")]


def test_clause_numbers_cite_the_document():
    r = extract_lines(["1. Общие положения", "", "2.1. Мы собираем",
                       "", "номер телефона.", "(б) и ИИН;"])
    assert r.declared["phone"][0].clause == "2.1"
    assert r.declared["iin"][0].clause == "2.1 (б)"
    assert "номер телефона" in r.declared["phone"][0].quote


#: ISO code -> the country as a Russian and a Kazakh sentence would name a destination.
COUNTRY_CASES = {
    "US": ("в США", "АҚШ-қа"), "RU": ("в Россию", "Ресейге"),
    "GB": ("в Великобританию", "Ұлыбританияға"), "IE": ("в Ирландию", "Ирландияға"),
    "DE": ("в Германию", "Германияға"), "NL": ("в Нидерланды", "Нидерландыға"),
    "FR": ("во Францию", "Францияға"), "FI": ("в Финляндию", "Финляндияға"),
    "SE": ("в Швецию", "Швецияға"), "PL": ("в Польшу", "Польшаға"),
    "CH": ("в Швейцарию", "Швейцарияға"), "AT": ("в Австрию", "Австрияға"),
    "IT": ("в Италию", "Италияға"), "ES": ("в Испанию", "Испанияға"),
    "CZ": ("в Чехию", "Чехияға"), "EE": ("в Эстонию", "Эстонияға"),
    "LV": ("в Латвию", "Латвияға"), "LT": ("в Литву", "Литваға"),
    "CY": ("на Кипр", "Кипрге"), "TR": ("в Турцию", "Түркияға"),
    "AE": ("в ОАЭ", "Біріккен Араб Әмірліктеріне"), "CN": ("в Китай", "Қытайға"),
    "JP": ("в Японию", "Жапонияға"), "KR": ("в Южную Корею", "Оңтүстік Кореяға"),
    "IN": ("в Индию", "Үндістанға"), "SG": ("в Сингапур", "Сингапурға"),
    "IL": ("в Израиль", "Израильге"), "CA": ("в Канаду", "Канадаға"),
    "AU": ("в Австралию", "Австралияға"), "KG": ("в Кыргызстан", "Қырғызстанға"),
    "UZ": ("в Узбекистан", "Өзбекстанға"), "BY": ("в Беларусь", "Беларуське"),
    "AM": ("в Армению", "Арменияға"), "GE": ("в Грузию", "Грузияға"),
    "AZ": ("в Азербайджан", "Әзірбайжанға"), "UA": ("в Украину", "Украинаға"),
}


def test_every_country_has_a_case():
    from derbes.scanner.policy.extract.rules import country_terms

    assert set(COUNTRY_CASES) == set(country_terms()) - {"KZ", "EU"}


@pytest.mark.parametrize("code", sorted(COUNTRY_CASES))
def test_country_names(code):
    ru, kk = COUNTRY_CASES[code]
    for text in (f"Данные передаются {ru}.", f"Деректер {kk} жіберіледі."):
        assert [t.country for t in extract_lines([text]).transfers] == [code], text


def test_individual_is_not_india():
    """«индивидуальный» starts like «Индия»: Russian country names match as dictionary forms."""
    assert not extract_lines(["Данные передаются индивидуальным предпринимателям."]).transfers
