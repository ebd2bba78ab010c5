"""Policy extraction on three real Kazakh privacy policies (read from ``../shared/seeds``).

The documents are not part of the project and their text is not copied here; the test
skips when the folder is absent. The expected labels were written by reading each document
(clause numbers given as printed in it), not from the extractor's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from derbes.scanner.policy import validate_policy_file
from derbes.scanner.policy.extract import draft_policy, extract_file

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

LABELS = {
    # Russian then Kazakh, one after the other (text taken from a PDF): an online-courses
    # operator. Its BIN is printed in 1.1 and 5.1. Declared: first and last name (5.3 (а)),
    # email and mobile number (5.3 (б)), the IIN of a payer (5.4), IP address, cookies and
    # device information, geolocation, site-visit and usage information (5.4 (г), 10.1:
    # also browser and OS type, access date and time), payment transactions (5.4).
    # «does not store credit card data» (5.4, 9.2). Databases on Kazakh territory (8.4 (а)).
    # Retention: 3 years (7.1, 7.3), until consent is withdrawn (5.5, 7.1), until the purposes
    # are achieved (6.1, 7.3). «except biometric and genetic» data (5.2). No country abroad.
    "000_62984a1497d70a65.txt": {
        "categories": {"full_name", "email", "phone", "iin", "ip_address", "device_id"},
        "other_required": {"geolocation", "browser_os"},
        "other_allowed": {"geolocation", "browser_os", "usage_data", "payment_info"},
        "not_collected": {"payment_card"},
        "other_not_collected_allowed": {"biometric"},
        "storage_kz": True,
        "retention": {"P3Y", "until_consent_withdrawn", "until_purpose_achieved"},
        "proposed_retention": "P3Y",
        "bin": "210140019844",
        "transfers": set(),
    },
    # Kazakh only, typed with the Latin schwa for ә; no operator name or BIN. Declared
    # (section 2's list): surname, name, patronymic; email address; phone numbers; year,
    # month, day and place of birth; cookies of analytics services. Processing period «not
    # limited», consent can be withdrawn at any time (6.4). Cross-border transfer spoken
    # of in general (section 7), no country named; nothing on storage in Kazakhstan.
    "002_3ead8df0ec3a5f47.txt": {
        "categories": {"full_name", "email", "phone", "date_of_birth", "device_id"},
        "other_required": {"place_of_birth"},
        "other_allowed": {"place_of_birth"},
        "not_collected": set(),
        "other_not_collected_allowed": set(),
        "storage_kz": False,
        "retention": {"unlimited"},
        "proposed_retention": "unlimited",
        "bin": None,
        "transfers": set(),
    },
    # Russian and Kazakh side by side (HTML cells pasted as text, then Markdown); the
    # operator is «the Administration», no name or BIN. Declared: surname, name, phone,
    # email (2.1.1); IP address, MAC, device ID, IMEI/MEID, cookies, browser, operating
    # system, access time, search queries (2.1.2); location data from mobile apps (3.2).
    # «stored in accordance with the law of the RK» (4.1) says nothing of where. No
    # retention period (the 10 days in 1.3 are a notice period for withdrawing consent).
    "004_564ccfdecc8c3bde.txt": {
        "categories": {"full_name", "phone", "email", "ip_address", "device_id"},
        "other_required": {"browser_os", "geolocation", "usage_data"},
        "other_allowed": {"browser_os", "geolocation", "usage_data"},
        "not_collected": set(),
        "other_not_collected_allowed": set(),
        "storage_kz": False,
        "retention": set(),
        "proposed_retention": None,
        "bin": None,
        "transfers": set(),
    },
}


def _seed(name: str) -> Path:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the seeds live outside the project)")
    return path


@pytest.mark.parametrize("name", sorted(LABELS))
def test_seed_extraction_matches_the_labels(name):
    label = LABELS[name]
    r = extract_file(_seed(name))
    assert set(r.categories()) == label["categories"]
    others = set(r.other_declared())
    assert label["other_required"] <= others <= label["other_allowed"]
    assert set(r.not_collected()) == label["not_collected"]
    assert set(r.other_not_collected()) <= label["other_not_collected_allowed"]
    assert bool(r.storage) is label["storage_kz"]
    assert {f.value for f in r.storage} <= {"KZ"}
    assert {f.value for f in r.retention} == label["retention"]
    picked = r.retention_value()
    assert (picked.value if picked else None) == label["proposed_retention"]
    assert (r.operator["bin"].value if "bin" in r.operator else None) == label["bin"]
    assert {t.country for t in r.transfers} == label["transfers"]


@pytest.mark.parametrize("name", sorted(LABELS))
def test_seed_draft_validates_or_names_what_to_fill_in(name, tmp_path):
    label = LABELS[name]
    path = tmp_path / "policy.yaml"
    path.write_text(draft_policy(_seed(name), out=str(path)), encoding="utf-8")
    errors = validate_policy_file(path)
    missing = set()
    if label["bin"] is None:
        missing |= {"operator.name", "operator.bin"}
    if not label["storage_kz"]:
        missing.add("storage")
    assert {e.split(": ")[1] for e in errors} == missing, errors
    assert all(e.endswith("required key is missing") for e in errors)
