"""A commented policy template in Russian (with Kazakh and English hints), Kazakh or English."""

from __future__ import annotations

import textwrap

from derbes.scanner.errors import PolicyError

# The BIN below is a made-up number with a valid check digit, so the template validates as is.
_TEMPLATE_BIN = "250140000013"

_T = {
    "ru": {
        "title": "Политика обработки персональных данных для derbes (Закон РК № 94-V)",
        "how": "Перенесите сюда то, что написано в вашей опубликованной политике. Проверка: "
               "derbes policy validate policy.yaml",
        "operator": "Оператор: юридическое лицо из политики",
        "bin": "БИН: 12 цифр, в кавычках",
        "categories": "Какие данные собираются. Категории: iin, bin, phone, email, ip_address, "
                      "device_id, payment_card, bank_account, full_name, date_of_birth, "
                      "address, identity_document (или названия: «ФИО», «ИИН», ...)",
        "retention": "Срок хранения: P3Y = 3 года, P6M = 6 месяцев, P30D = 30 дней, или "
                     "until_consent_withdrawn (до отзыва согласия)",
        "transfer_to": "Страны, куда эти данные передаются (ISO-коды)",
        "bare": "Можно просто название категории",
        "wildcard": "«Иные персональные данные»: разрешить всё остальное",
        "not_collected": "Что политика прямо НЕ собирает (напр. «не хранит данные карты»)",
        "storage": "Где хранятся базы; KZ обязателен (ст. 12 п. 2)",
        "cross_border": "Трансграничная передача (ст. 16)",
        "logs": "Сколько хранятся журналы (логи) сервера",
        "p_reg": "регистрация на сайте", "p_service": "оказание услуг",
        "p_news": "рассылка новостей", "p_stats": "статистика посещений",
        "p_mail": "почтовый сервис", "name": "ТОО «Пример»",
        "address": "Республика Казахстан, г. Астана, ул. Примерная, 1",
    },
    "kk": {
        "title": "derbes үшін дербес деректерді өңдеу саясаты (ҚР № 94-V Заңы)",
        "how": "Жарияланған саясатыңызда жазылғанды осында көшіріңіз. Тексеру: "
               "derbes policy validate policy.yaml",
        "operator": "Оператор: саясатта көрсетілген заңды тұлға",
        "bin": "БСН: 12 цифр, тырнақшаға алыңыз",
        "categories": "Қандай деректер жиналады. Санаттар: iin, bin, phone, email, ip_address, "
                      "device_id, payment_card, bank_account, full_name, date_of_birth, "
                      "address, identity_document (немесе атаулары: «ЖСН», ...)",
        "retention": "Сақтау мерзімі: P3Y = 3 жыл, P6M = 6 ай, P30D = 30 күн, немесе "
                     "until_consent_withdrawn (келісім кері қайтарылғанға дейін)",
        "transfer_to": "Деректер берілетін елдер (ISO кодтары)",
        "bare": "Санаттың атауын ғана жазуға болады",
        "wildcard": "«Өзге дербес деректер»: қалғанның бәріне рұқсат",
        "not_collected": "Саясат бойынша жиналмайтын деректер (мыс. «карта деректерін "
                         "сақтамайды»)",
        "storage": "Дерекқорлар қай елде; KZ міндетті (12-баптың 2-тармағы)",
        "cross_border": "Трансшекаралық беру (16-бап)",
        "logs": "Сервер журналдары қанша уақыт сақталады",
        "p_reg": "сайтта тіркелу", "p_service": "қызмет көрсету",
        "p_news": "жаңалықтар жіберу", "p_stats": "сайтқа кіру статистикасы",
        "p_mail": "пошта қызметі", "name": "«Мысал» ЖШС",
        "address": "Қазақстан Республикасы, Астана қ., Мысал к-сі, 1",
    },
    "en": {
        "title": "Personal-data policy for derbes (Law of the RK No. 94-V)",
        "how": "Copy here what your published privacy policy says. Check it with: "
               "derbes policy validate policy.yaml",
        "operator": "Operator: the legal entity the policy names",
        "bin": "BIN: 12 digits, quoted",
        "categories": "What is collected. Categories: iin, bin, phone, email, ip_address, "
                      "device_id, payment_card, bank_account, full_name, date_of_birth, "
                      "address, identity_document (or names such as 'full name')",
        "retention": "Retention: P3Y = 3 years, P6M = 6 months, P30D = 30 days, or "
                     "until_consent_withdrawn",
        "transfer_to": "Countries this data is sent to (ISO codes)",
        "bare": "A bare category name is enough",
        "wildcard": "'Other personal data': allow everything else",
        "not_collected": "What the policy says is NOT collected (e.g. card data)",
        "storage": "Where the databases are; KZ is required (Art. 12(2))",
        "cross_border": "Cross-border transfers (Art. 16)",
        "logs": "How long server logs are kept",
        "p_reg": "registration on the site", "p_service": "providing the service",
        "p_news": "newsletters", "p_stats": "visit statistics",
        "p_mail": "mail service", "name": "Example LLP",
        "address": "Republic of Kazakhstan, Astana, 1 Example street",
    },
}
# Hints in the other languages after section comments, so a Russian template still helps a
# reader who looks for the Kazakh or English word.
_HINT = {"categories": "kk: санаттар · en: categories",
         "not_collected": "kk: жиналмайды · en: not collected",
         "storage": "kk: сақтау · en: storage",
         "cross_border": "kk: трансшекаралық беру · en: cross-border transfer",
         "logs": "kk: журналдар · en: logs"}


def policy_template(lang: str = "ru") -> str:
    """A commented policy template in ``ru`` (default, with kk/en hints), ``kk`` or ``en``."""
    if lang not in _T:
        raise PolicyError(f"no policy template in '{lang}'; choose ru, kk or en")
    t = _T[lang]

    def c(key: str) -> str:
        hint = f"  ({_HINT[key]})" if lang == "ru" and key in _HINT else ""
        return "\n".join(f"# {line}" for line in textwrap.wrap(t[key] + hint, 96))

    return "\n".join([
        f"# {t['title']}",
        f"# {t['how']}",
        "version: 1",
        "",
        c("operator"),
        "operator:",
        f"  name: \"{t['name']}\"",
        f"  bin: \"{_TEMPLATE_BIN}\"   {c('bin')}",
        "  website: https://www.example.com",
        f"  address: \"{t['address']}\"",
        "  email: privacy@example.com",
        "",
        c("categories"),
        "categories:",
        "  - category: full_name",
        f"    purposes: [\"{t['p_reg']}\", \"{t['p_service']}\"]",
        f"    retention: P3Y   {c('retention')}",
        "  - category: email",
        f"    purposes: [\"{t['p_reg']}\", \"{t['p_news']}\"]",
        "    retention: until_consent_withdrawn",
        f"    transfer_to: [US]   {c('transfer_to')}",
        "  - category: phone",
        f"    purposes: [\"{t['p_service']}\"]",
        "    retention: P3Y",
        f"  - ip_address   {c('bare')}",
        f"  # - \"*\"   {c('wildcard')}",
        "",
        c("not_collected"),
        "not_collected:",
        "  - payment_card",
        "",
        c("storage"),
        "storage:",
        "  countries: [KZ]",
        "",
        c("cross_border"),
        "cross_border:",
        "  - country: US",
        "    categories: [email]",
        f"    purpose: \"{t['p_mail']}\"",
        "",
        c("logs"),
        "logs:",
        "  retention: P3Y",
        "",
    ])
