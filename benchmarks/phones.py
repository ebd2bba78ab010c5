"""A phone-dense log for the benchmark: every line holds one phone number, most of them
Kazakh or Russian, as an SMS gateway's, an OTP service's and a PBX's logs hold them.

The numbers are libphonenumber's own (each country's example mobile number with its last four
digits drawn at random), not derbes' generator's: they take the paths a real log's numbers
take (a Kazakh number its own fast path, a Russian one and the rest libphonenumber's metadata,
each country's patterns compiled at its first number). Written as each country writes them
(E.164, international, a Kazakh number also nationally with its trunk 8), in three line
formats: a Java service's log line, a JSON event, Asterisk's syslog line.
"""

from __future__ import annotations

import random
from pathlib import Path

#: The countries of the numbers and their shares, in percent: what a Kazakh operator's logs
#: hold is mostly Kazakh and Russian numbers (one country code, +7), then neighbours'.
COUNTRIES = (("KZ", 60), ("RU", 25), ("UZ", 3), ("KG", 3), ("TR", 2), ("CN", 2), ("DE", 1),
             ("US", 1), ("GB", 1), ("AE", 1), ("UA", 1))


def write_phones_corpus(path: Path, lines: int = 40_000, seed: int = 94) -> Path:
    """``lines`` lines with a phone number each at ``path`` (reused when there)."""
    stamp = path.with_suffix(path.suffix + f".{seed}.{lines}")
    if path.exists() and stamp.exists():
        return path
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType

    rng = random.Random(seed)
    regions = [region for region, share in COUNTRIES for _ in range(share)]
    examples = {region: phonenumbers.format_number(
        phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE),
        PhoneNumberFormat.E164) for region, _ in COUNTRIES}
    out = []
    for i in range(lines):
        region = rng.choice(regions)
        e164 = examples[region][:-4] + f"{rng.randrange(10_000):04d}"
        forms = [PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL]
        if region == "KZ":
            forms.append(PhoneNumberFormat.NATIONAL)
        number = phonenumbers.format_number(phonenumbers.parse(e164, None), rng.choice(forms))
        minute, second = i // 60 % 60, i % 60
        kind = i % 3
        if kind == 0:
            out.append(f"2026-03-01 10:{minute:02d}:{second:02d},{i % 1000:03d} INFO  "
                       f"[sms-gw-{i % 4}] k.s.SmsSender - delivered to {number} "
                       f"status=DELIVRD id={rng.getrandbits(40):010x}")
        elif kind == 1:
            out.append(f'{{"ts": "2026-03-01T10:{minute:02d}:{second:02d}+05:00", '
                       f'"event": "otp_sent", "phone": "{number}", "channel": "sms", '
                       f'"attempt": {i % 3 + 1}}}')
        else:
            out.append(f"Mar  1 10:{minute:02d}:{second:02d} pbx-01 asterisk[2211]: NOTICE"
                       f"[2290]: chan_sip.c: Call from '{number}' to extension '1002' "
                       f"answered")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    for old in path.parent.glob(path.name + ".*"):
        old.unlink()
    stamp.write_text("")
    return path
