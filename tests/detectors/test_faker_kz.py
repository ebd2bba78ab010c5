"""The Faker provider makes values the recognizers accept, in every written form."""

from __future__ import annotations

import datetime as dt

import pytest
from faker import Faker
from recognizer_cases import found_alone

from derbes.detectors.credit_card import CreditCardRecognizer
from derbes.detectors.device_id import DeviceIdRecognizer
from derbes.detectors.faker_kz import PHONE_STYLES, KazakhProvider
from derbes.detectors.iban import IbanRecognizer
from derbes.detectors.imei import ImeiRecognizer
from derbes.detectors.kz_bin import KzBinRecognizer
from derbes.detectors.kz_iin import KzIinRecognizer, decode_iin
from derbes.detectors.mac_address import MacAddressRecognizer
from derbes.detectors.phone import PhoneRecognizer

N = 200


@pytest.fixture
def fake() -> Faker:
    f = Faker()
    f.add_provider(KazakhProvider)
    f.seed_instance(94)
    return f


def _all_found(cls, values, prefix=""):
    missed = [v for v in values if found_alone(cls, f"{prefix}{v}") != [v]]
    assert not missed, missed[:5]


def test_iin_and_bin(fake: Faker) -> None:
    _all_found(KzIinRecognizer, [fake.iin() for _ in range(N)])
    _all_found(KzBinRecognizer, [fake.bin() for _ in range(N)])


def test_iin_encodes_requested_birth_date_and_sex(fake: Faker) -> None:
    info = decode_iin(fake.iin(dt.date(2004, 2, 29), "F"))
    assert info is not None and (info.birth_date, info.sex) == (dt.date(2004, 2, 29), "F")


@pytest.mark.parametrize("style", PHONE_STYLES)
def test_phone_styles(fake: Faker, style: str) -> None:
    _all_found(PhoneRecognizer, [fake.kz_phone(style) for _ in range(N)], "тел. ")
    assert fake.kz_mobile_e164().startswith("+77")


def test_device_and_payment_values(fake: Faker) -> None:
    _all_found(ImeiRecognizer, [fake.imei() for _ in range(N)], "imei ")
    _all_found(ImeiRecognizer, [fake.imei(dashed=True) for _ in range(N)])
    _all_found(IbanRecognizer, [fake.kz_iban() for _ in range(N)])
    _all_found(IbanRecognizer, [fake.kz_iban(grouped=True) for _ in range(N)])
    _all_found(CreditCardRecognizer, [fake.card_number() for _ in range(N)])
    _all_found(CreditCardRecognizer, [fake.card_number(grouped=True) for _ in range(N)])
    _all_found(MacAddressRecognizer, [fake.mac() for _ in range(N)])
    _all_found(DeviceIdRecognizer, [fake.android_id() for _ in range(N)], "android_id=")
    _all_found(DeviceIdRecognizer, [fake.idfa() for _ in range(N)], "idfa=")


def test_names(fake: Faker) -> None:
    kk = [fake.kazakh_name() for _ in range(50)]
    ru = [fake.russian_name() for _ in range(50)]
    assert all(len(n.split()) == 3 for n in kk + ru)
    assert any(n.endswith(("ұлы", "қызы")) for n in kk)
    assert any(n.endswith(("вич", "вна")) for n in ru)


def test_seeded_provider_is_deterministic() -> None:
    def run() -> list[str]:
        f = Faker()
        f.add_provider(KazakhProvider)
        f.seed_instance(7)
        return [f.iin(), f.bin(), f.kz_phone(), f.imei(), f.kz_iban(), f.idfa()]

    assert run() == run()
