"""A Faker provider of Kazakh personal data, for tests, demos and benchmarks.

Every number it makes is *valid* by construction (check digits computed), so detectors
must find it; it never reuses a real person's data beyond chance. Use it with Faker:

    >>> from faker import Faker
    >>> fake = Faker(); fake.add_provider(KazakhProvider); fake.seed_instance(1)
    >>> len(fake.iin())
    12

It is not a source of test vectors for the checksums: those come from independent
registries (see ``tests/detectors/test_vectors.py``).
"""

from __future__ import annotations

import datetime as dt

from faker.providers import BaseProvider
from stdnum import iban as std_iban
from stdnum import luhn

from derbes.detectors.kz_iin import kz_check_digit

#: The written forms of Kazakh numbers that ``kz_phone`` picks from.
PHONE_STYLES: tuple[str, ...] = (
    "plus_spaced",  # +7 701 123 45 67
    "plus_dashed",  # +7 (701) 123-45-67
    "trunk_spaced",  # 8 701 123 4567
    "trunk_compact",  # 87011234567
    "e164",  # +77011234567
    "landline",  # 8 (7172) 55-12-34
)
_MOBILE_CODES = (
    "700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778",
)
# Regional centres' area codes with six-digit subscriber numbers (Almaty's 727 has seven).
_AREA_CODES = (
    "7172", "7212", "7252", "7132", "7122", "7292", "7182", "7232", "7142", "7152", "7162",
    "7262", "7242", "7112", "7222", "7282",
)
_BANK_CODES = ("601", "722", "998", "826", "914", "856", "070", "125", "551", "949")

_KZ_MALE = (
    "Ерлан", "Нұрлан", "Асқар", "Дәурен", "Ержан", "Бауыржан", "Айдос", "Арман", "Серік",
    "Мұрат", "Ғалым", "Қайрат", "Жандос", "Нұрсұлтан", "Әлихан", "Темірлан", "Данияр",
    "Ақжол", "Берік", "Санжар",
)
_KZ_FEMALE = (
    "Айгүл", "Гүлнар", "Әсел", "Динара", "Жанар", "Мөлдір", "Айжан", "Сәуле", "Ақмарал",
    "Балжан", "Назерке", "Ләззат", "Аружан", "Томирис", "Гүлжан", "Дана", "Іңкәр", "Айым",
)
_KZ_SURNAMES = (
    "Нұрланов", "Сейітов", "Жұмабаев", "Ахметов", "Қасымов", "Оспанов", "Әбенов",
    "Серікбаев", "Бекмұхамбетов", "Исабеков", "Төлеуов", "Байжанов", "Құдайбергенов",
    "Мұхамедиев", "Ибраев", "Сәрсенбаев", "Тұрсынов", "Есенов",
)
_RU_MALE = (
    "Иван", "Сергей", "Алексей", "Дмитрий", "Андрей", "Николай", "Михаил", "Владимир",
    "Павел", "Евгений", "Виктор", "Олег", "Игорь", "Константин",
)
_RU_FEMALE = (
    "Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Мария", "Екатерина",
    "Светлана", "Юлия", "Людмила", "Галина",
)
_RU_SURNAMES = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Лебедев", "Козлов", "Егоров", "Павлов",
)
# Father's name -> (patronymic of a son, of a daughter); Павел and Михаил are irregular.
_RU_PATRONYMICS = {
    "Иван": ("Иванович", "Ивановна"), "Сергей": ("Сергеевич", "Сергеевна"),
    "Алексей": ("Алексеевич", "Алексеевна"), "Андрей": ("Андреевич", "Андреевна"),
    "Николай": ("Николаевич", "Николаевна"), "Михаил": ("Михайлович", "Михайловна"),
    "Владимир": ("Владимирович", "Владимировна"), "Павел": ("Павлович", "Павловна"),
    "Виктор": ("Викторович", "Викторовна"), "Олег": ("Олегович", "Олеговна"),
    "Игорь": ("Игоревич", "Игоревна"), "Петр": ("Петрович", "Петровна"),
}
_IMEI_TACS = ("35417803", "35332510", "86769204", "35391110", "35875805", "01326300")
_HEX = "0123456789abcdef"


def _feminine(surname: str) -> str:
    """Нұрланов -> Нұрланова, Жұмабаев -> Жұмабаева."""
    return surname + "а" if surname.endswith(("ов", "ев", "ин")) else surname


class KazakhProvider(BaseProvider):
    """Kazakh IINs, BINs, phones, names, IBANs and device and card numbers."""

    def _digits(self, n: int) -> str:
        return "".join(str(self.random_int(0, 9)) for _ in range(n))

    def iin(self, birth_date: dt.date | None = None, sex: str | None = None) -> str:
        """A valid IIN for a birth date (random 1940-2012) and sex (``M``/``F``, random)."""
        born = birth_date or dt.date(1940, 1, 1) + dt.timedelta(days=self.random_int(0, 26298))
        sex = sex or self.random_element(("M", "F"))
        century = {18: 1, 19: 3, 20: 5}[born.year // 100] + (sex == "F")
        while True:
            head = f"{born:%y%m%d}{century}{self._digits(4)}"
            check = kz_check_digit(head)
            if check is not None:
                return f"{head}{check}"

    def bin(self) -> str:
        """A valid BIN: registration month 1995-2025, entity kind 4-6, attribute 0-3."""
        while True:
            head = (
                f"{self.random_int(1995, 2025) % 100:02d}{self.random_int(1, 12):02d}"
                f"{self.random_element('456')}{self.random_element('0123')}{self._digits(5)}"
            )
            check = kz_check_digit(head)
            if check is not None:
                return f"{head}{check}"

    def kz_phone(self, style: str | None = None) -> str:
        """A Kazakh number in one of :data:`PHONE_STYLES` (random when not given)."""
        style = style or self.random_element(PHONE_STYLES)
        if style == "landline":
            if self.random_int(0, 4) == 0:
                sub = f"{self.random_element('2379')}{self._digits(6)}"
                return f"8 (727) {sub[:3]}-{sub[3:5]}-{sub[5:]}"
            sub = f"{self.random_int(2, 6)}{self._digits(5)}"
            return f"8 ({self.random_element(_AREA_CODES)}) {sub[:2]}-{sub[2:4]}-{sub[4:]}"
        code, sub = self.random_element(_MOBILE_CODES), self._digits(7)
        return {
            "plus_spaced": f"+7 {code} {sub[:3]} {sub[3:5]} {sub[5:]}",
            "plus_dashed": f"+7 ({code}) {sub[:3]}-{sub[3:5]}-{sub[5:]}",
            "trunk_spaced": f"8 {code} {sub[:3]} {sub[3:]}",
            "trunk_compact": f"8{code}{sub}",
            "e164": f"+7{code}{sub}",
        }[style]

    def kz_mobile_e164(self) -> str:
        """A Kazakh mobile number as ``+77011234567``."""
        return self.kz_phone("e164")

    def kz_msisdn(self) -> str:
        """A Kazakh mobile number as operators' systems store it: ``77011234567``."""
        return self.kz_phone("e164")[1:]

    def kazakh_name(self, sex: str | None = None) -> str:
        """«Тегі Аты Әкесінің аты» with a Kazakh patronymic (``-ұлы``/``-қызы``)."""
        sex = sex or self.random_element(("M", "F"))
        surname = self.random_element(_KZ_SURNAMES)
        father = self.random_element(_KZ_MALE)
        if sex == "M":
            return f"{surname} {self.random_element(_KZ_MALE)} {father}ұлы"
        return f"{_feminine(surname)} {self.random_element(_KZ_FEMALE)} {father}қызы"

    def russian_name(self, sex: str | None = None) -> str:
        """«Фамилия Имя Отчество» in Russian."""
        sex = sex or self.random_element(("M", "F"))
        surname = self.random_element(_RU_SURNAMES)
        son, daughter = _RU_PATRONYMICS[self.random_element(tuple(_RU_PATRONYMICS))]
        if sex == "M":
            return f"{surname} {self.random_element(_RU_MALE)} {son}"
        return f"{_feminine(surname)} {self.random_element(_RU_FEMALE)} {daughter}"

    def imei(self, dashed: bool = False) -> str:
        """A Luhn-valid IMEI, bare or as ``35-417803-685978-9``."""
        body = self.random_element(_IMEI_TACS) + self._digits(6)
        number = body + luhn.calc_check_digit(body)
        if dashed:
            return f"{number[:2]}-{number[2:8]}-{number[8:14]}-{number[14]}"
        return number

    def kz_iban(self, grouped: bool = False) -> str:
        """A Kazakh IBAN with valid check digits, compact or in groups of four."""
        account = ("KZT" + self._digits(10)) if self.random_int(0, 1) else self._digits(13)
        bban = self.random_element(_BANK_CODES) + account
        number = "KZ" + std_iban.calc_check_digits("KZ00" + bban) + bban
        if grouped:
            return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
        return number

    def card_number(self, scheme: str | None = None, grouped: bool = False) -> str:
        """A Luhn-valid card number of Visa, Mastercard, Mir, UnionPay or Amex."""
        scheme = scheme or self.random_element(("visa", "mastercard", "mir", "unionpay", "amex"))
        prefix, length = {
            "visa": ("4" + self._digits(5), 16),
            "mastercard": (str(self.random_int(51, 55)) + self._digits(4), 16),
            "mir": (str(self.random_int(2200, 2204)) + self._digits(2), 16),
            "unionpay": ("62" + self._digits(4), 16),
            "amex": (self.random_element(("34", "37")) + self._digits(4), 15),
        }[scheme]
        body = prefix + self._digits(length - len(prefix) - 1)
        number = body + luhn.calc_check_digit(body)
        if not grouped:
            return number
        if length == 15:
            return f"{number[:4]} {number[4:10]} {number[10:]}"
        return " ".join(number[i : i + 4] for i in range(0, length, 4))

    def mac(self, style: str | None = None) -> str:
        """A unicast MAC address: ``colon``, ``dash`` or ``cisco`` style (random)."""
        style = style or self.random_element(("colon", "colon_upper", "dash", "cisco"))
        octets = [self.random_int(0, 255) for _ in range(6)]
        octets[0] &= 0xFE  # unicast, so never the broadcast address
        octets[1] |= 0x01  # never all zero
        hexes = [f"{o:02x}" for o in octets]
        if style == "cisco":
            flat = "".join(hexes)
            return f"{flat[:4]}.{flat[4:8]}.{flat[8:]}"
        if style == "dash":
            return "-".join(hexes)
        text = ":".join(hexes)
        return text.upper() if style == "colon_upper" else text

    def android_id(self) -> str:
        """A 64-bit ``Settings.Secure.ANDROID_ID`` as 16 lower-case hex digits."""
        while True:
            value = "".join(self.random_element(_HEX) for _ in range(16))
            if not value.isdigit():  # a 64-bit random id is all-decimal once in 2000
                return value

    def idfa(self) -> str:
        """An Apple advertising identifier: an upper-case version-4 UUID."""
        h = "".join(self.random_element(_HEX) for _ in range(32)).upper()
        variant = self.random_element("89AB")
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"

    def gaid(self) -> str:
        """A Google advertising id: a lower-case version-4 UUID."""
        return self.idfa().lower()
