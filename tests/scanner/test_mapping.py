"""Applying a policy to findings: each flag exactly where it belongs and nowhere else.

The findings are built by hand (the engine is tested elsewhere), so every expectation here
follows from the policy text and the fixture alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from derbes.scanner.model import (
    BASIS_FIELD,
    BASIS_NEWEST,
    ContainerInfo,
    CrossBorderDeclared,
    Finding,
    IinImpliesBirthDate,
    PolicyOperator,
    RetentionExceeded,
    ScanResult,
    SourceSummary,
    StorageOutsideKz,
    UndeclaredCategory,
)
from derbes.scanner.policy import FLAGS, apply_policy, load_policy
from derbes.scanner.policy.location import resolve_location

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)

BASE = """\
version: 1
operator:
  name: ТОО «Тест»
  bin: "940140000385"
categories:
  - category: email
    retention: P3Y
  - category: full_name
  - category: iin
  - category: ip_address
  - category: phone
{extra}
storage:
  countries: [KZ]
{tail}
logs:
  retention: P3Y
"""


def policy_file(tmp_path: Path, extra: str = "  - date_of_birth", tail: str = "") -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(BASE.format(extra=extra, tail=tail), encoding="utf-8")
    return path


def finding(source, kind, container, field, entity, category, **kw) -> Finding:
    return Finding(scan_id="s1", source=source, source_kind=kind, container=container,
                   field=field, entity=entity, category=category, match_type="value", hits=3,
                   rows_scanned=100, rows_with_hits=3, distinct_values=3, score_max=0.9,
                   score_mean=0.8, **kw)


def scan() -> ScanResult:
    findings = (
        finding("crm", "database", "public.orders", "card_number", "CREDIT_CARD",
                "payment_card"),
        finding("crm", "database", "public.users", "email", "EMAIL_ADDRESS", "email"),
        finding("crm", "database", "public.users", "iin", "KZ_IIN", "iin"),
        finding("shop_de", "database", "customers", "email", "EMAIL_ADDRESS", "email"),
        finding("nginx", "log", "access.log", None, "KZ_IIN", "iin",
                oldest_seen="2021-03-01T10:00:00+05:00"),
        finding("nginx", "log", "access.log", None, "IP_ADDRESS", "ip_address",
                oldest_seen="2024-12-01T00:00:00"),
        finding("nginx", "log", "access.log.9", None, "IP_ADDRESS", "ip_address"),
        finding("legacy", "database", "contacts", "tel", "PHONE_NUMBER", "phone"),
    )
    return ScanResult(
        scan_id="s1", started_at="2025-06-01T11:00:00Z", finished_at="2025-06-01T11:05:00Z",
        sources=(SourceSummary("crm", "database", "ok"),
                 SourceSummary("shop_de", "database", "ok"),
                 SourceSummary("nginx", "log", "ok"),
                 SourceSummary("legacy", "database", "ok")),
        findings=findings,
        containers=(ContainerInfo("nginx", "access.log.9", "file",
                                  newest_timestamp="2020-01-05T00:00:00+00:00"),),
    )


LOCATIONS = {
    "crm": ("KZ", "configured: crm=KZ"),
    "shop_de": ("DE", "configured: shop_de=DE"),
    "nginx": ("KZ", "configured: nginx=KZ"),
    "legacy": ("unknown", "a local database"),
}


def flag_map(result: ScanResult) -> dict[tuple, tuple[str, ...]]:
    return {(f.source, f.container, f.field, f.category): f.flags for f in result.findings}


def with_flags(result: ScanResult) -> dict[tuple, tuple[str, ...]]:
    return {k: v for k, v in flag_map(result).items() if v}


def test_each_flag_exactly_where_it_belongs(tmp_path):
    result = apply_policy(scan(), load_policy(policy_file(tmp_path)), LOCATIONS, now=NOW)
    assert with_flags(result) == {
        ("crm", "public.orders", "card_number", "payment_card"): ("UNDECLARED_CATEGORY",),
        ("shop_de", "customers", "email", "email"): ("STORAGE_OUTSIDE_KZ",),
        ("nginx", "access.log", None, "iin"): ("RETENTION_EXCEEDED",),
        ("nginx", "access.log.9", None, "ip_address"): ("RETENTION_EXCEEDED",),
        ("legacy", "contacts", "tel", "phone"): ("LOCATION_UNKNOWN",),
    }
    declared = {(f.container, f.field): f.declared for f in result.findings}
    assert declared[("public.orders", "card_number")] is False
    assert declared[("public.users", "email")] is True
    assert [f.location for f in result.findings] == [
        "KZ", "KZ", "KZ", "DE", "KZ", "KZ", "KZ", "unknown"]


def test_declared_transfer_to_germany_turns_error_into_notice(tmp_path):
    tail = "cross_border:\n  - country: DE\n    categories: [email]\n"
    result = apply_policy(scan(), load_policy(policy_file(tmp_path, tail=tail)), LOCATIONS,
                          now=NOW)
    flags = with_flags(result)
    assert flags[("shop_de", "customers", "email", "email")] == ("CROSS_BORDER_DECLARED",)
    assert sum("STORAGE_OUTSIDE_KZ" in v for v in flags.values()) == 0
    assert [n.flag for n in result.policy.notices] == ["CROSS_BORDER_DECLARED"]
    assert result.policy.notices[0].severity == "info"
    assert result.policy.notices[0].facts == CrossBorderDeclared(
        "DE", "configured: shop_de=DE", "transfer")


def test_transfer_of_another_category_does_not_cover(tmp_path):
    tail = "cross_border:\n  - country: DE\n    categories: [phone]\n"
    result = apply_policy(scan(), load_policy(policy_file(tmp_path, tail=tail)), LOCATIONS,
                          now=NOW)
    assert flag_map(result)[("shop_de", "customers", "email", "email")] == (
        "STORAGE_OUTSIDE_KZ",)


def test_storage_country_covers_every_category(tmp_path):
    path = policy_file(tmp_path)
    path.write_text(path.read_text().replace("[KZ]", "[KZ, DE]"))
    result = apply_policy(scan(), load_policy(path), LOCATIONS, now=NOW)
    assert flag_map(result)[("shop_de", "customers", "email", "email")] == (
        "CROSS_BORDER_DECLARED",)


def test_rds_host_in_frankfurt_is_outside_kz(tmp_path):
    host = "shop.c9akciq32.eu-central-1.rds.amazonaws.com"
    locations = dict(LOCATIONS)
    locations["shop_de"] = resolve_location("shop_de", "database", host, {})
    assert locations["shop_de"][0] == "DE"
    result = apply_policy(scan(), load_policy(policy_file(tmp_path)), locations, now=NOW)
    assert flag_map(result)[("shop_de", "customers", "email", "email")] == (
        "STORAGE_OUTSIDE_KZ",)
    source = next(s for s in result.sources if s.name == "shop_de")
    assert source.location == "DE" and "eu-central-1" in source.location_evidence


def test_iin_without_date_of_birth(tmp_path):
    result = apply_policy(scan(), load_policy(policy_file(tmp_path, extra="")), LOCATIONS,
                          now=NOW)
    assert with_flags(result) == {
        ("crm", "public.orders", "card_number", "payment_card"): ("UNDECLARED_CATEGORY",),
        ("crm", "public.users", "iin", "iin"): ("IIN_IMPLIES_BIRTH_DATE",),
        ("shop_de", "customers", "email", "email"): ("STORAGE_OUTSIDE_KZ",),
        ("nginx", "access.log", None, "iin"): ("RETENTION_EXCEEDED", "IIN_IMPLIES_BIRTH_DATE"),
        ("nginx", "access.log.9", None, "ip_address"): ("RETENTION_EXCEEDED",),
        ("legacy", "contacts", "tel", "phone"): ("LOCATION_UNKNOWN",),
    }


def test_date_of_birth_not_collected_still_flags_iin(tmp_path):
    path = policy_file(tmp_path, extra="not_collected: [date_of_birth]")
    result = apply_policy(scan(), load_policy(path), LOCATIONS, now=NOW)
    entry = next(v for v in result.policy.violations
                 if v.flag == "IIN_IMPLIES_BIRTH_DATE" and v.source == "crm")
    assert entry.detail == "the policy lists date_of_birth as not collected"
    assert entry.facts == IinImpliesBirthDate(not_collected=True)


def test_without_policy_only_location_flags():
    result = apply_policy(scan(), None, LOCATIONS, now=NOW)
    assert with_flags(result) == {
        ("shop_de", "customers", "email", "email"): ("STORAGE_OUTSIDE_KZ",),
        ("legacy", "contacts", "tel", "phone"): ("LOCATION_UNKNOWN",),
    }
    assert {f.declared for f in result.findings} == {None}
    assert result.policy.policy is None and result.policy.declared_not_found == ()
    assert result.policy.counts == {"error": 1, "warning": 1, "info": 0}
    abroad = result.policy.violations[0]
    assert abroad.facts == StorageOutsideKz("DE", "configured: shop_de=DE", storage_countries=None)


def test_missing_location_is_unknown():
    result = apply_policy(scan(), None, {}, now=NOW)
    assert {f.flags for f in result.findings} == {("LOCATION_UNKNOWN",)}
    assert {s.location for s in result.sources} == {"unknown"}


def test_wildcard_allows_everything_but_not_collected(tmp_path):
    extra = "  - date_of_birth\n  - '*'\nnot_collected: [bank_account]"
    result = scan()
    iban = finding("crm", "database", "public.orders", "iban", "IBAN_CODE", "bank_account")
    result = ScanResult(**{**{k: getattr(result, k) for k in result.__dataclass_fields__},
                           "findings": (*result.findings, iban)})
    mapped = apply_policy(result, load_policy(policy_file(tmp_path, extra=extra)), LOCATIONS,
                          now=NOW)
    flags = flag_map(mapped)
    assert flags[("crm", "public.orders", "card_number", "payment_card")] == ()
    assert flags[("crm", "public.orders", "iban", "bank_account")] == ("UNDECLARED_CATEGORY",)


def test_not_collected_wins_over_declaration_elsewhere(tmp_path):
    result = apply_policy(scan(), load_policy(policy_file(
        tmp_path, extra="  - date_of_birth\nnot_collected: [payment_card]")), LOCATIONS, now=NOW)
    entry = next(v for v in result.policy.violations if v.flag == "UNDECLARED_CATEGORY")
    assert entry.detail == "payment_card: the policy lists it as not collected"
    assert entry.facts == UndeclaredCategory(not_collected=True)
    assert entry.severity == "error"


def test_retention_boundary(tmp_path):
    policy = load_policy(policy_file(tmp_path))

    def flags_for(oldest: str) -> tuple[str, ...]:
        f = finding("crm", "database", "t", "email", "EMAIL_ADDRESS", "email", oldest_seen=oldest)
        base = scan()
        one = ScanResult(base.scan_id, base.started_at, base.finished_at, base.sources, (f,))
        return apply_policy(one, policy, LOCATIONS, now=NOW).findings[0].flags

    assert flags_for("2022-06-01T12:00:00+00:00") == ()          # exactly 3 years: kept
    assert flags_for("2022-06-01T11:59:59+00:00") == ("RETENTION_EXCEEDED",)
    assert flags_for("not a timestamp") == ()


def test_retention_tied_to_consent_falls_back_to_logs_only(tmp_path):
    path = policy_file(tmp_path)
    path.write_text(path.read_text().replace("  - category: phone",
                                             "  - category: phone\n"
                                             "    retention: until_consent_withdrawn"))
    policy = load_policy(path)
    old = "2019-01-01T00:00:00"
    db = finding("crm", "database", "t", "tel", "PHONE_NUMBER", "phone", oldest_seen=old)
    log = finding("nginx", "log", "app.log", None, "PHONE_NUMBER", "phone", oldest_seen=old)
    base = scan()
    result = apply_policy(ScanResult(base.scan_id, base.started_at, base.finished_at,
                                     base.sources, (db, log)), policy, LOCATIONS, now=NOW)
    assert [f.flags for f in result.findings] == [(), ("RETENTION_EXCEEDED",)]


def test_violations_one_entry_per_field_and_category(tmp_path):
    base = scan()
    mac = finding("legacy", "database", "devices", "hw", "MAC_ADDRESS", "device_id")
    imei = finding("legacy", "database", "devices", "hw", "IMEI", "device_id")
    result = apply_policy(
        ScanResult(base.scan_id, base.started_at, base.finished_at, base.sources, (mac, imei)),
        load_policy(policy_file(tmp_path)), LOCATIONS, now=NOW)
    keys = [(v.flag, v.container, v.field, v.category) for v in result.policy.violations]
    assert keys == [("UNDECLARED_CATEGORY", "devices", "hw", "device_id"),
                    ("LOCATION_UNKNOWN", "devices", "hw", "device_id")]
    assert result.policy.violations[0].entities == ("MAC_ADDRESS", "IMEI")


def test_policy_report(tmp_path):
    result = apply_policy(scan(), load_policy(policy_file(tmp_path)), LOCATIONS, now=NOW)
    report = result.policy
    assert report.counts == {"error": 2, "warning": 3, "info": 0}
    assert report.declared_not_found == ("full_name", "date_of_birth")
    retention = next(v for v in report.violations if v.container == "access.log")
    assert retention.flag == "RETENTION_EXCEEDED"
    assert retention.facts == RetentionExceeded(
        oldest="2021-03-01T10:00:00+05:00",
        basis=BASIS_FIELD,
        retention="P3Y", declared_in="logs.retention", cutoff="2022-06-01")
    by_mtime = next(v for v in report.violations if v.container == "access.log.9")
    assert by_mtime.facts.basis == BASIS_NEWEST
    assert by_mtime.detail.startswith("newest timestamp of the container is ")
    assert report.checked_at == "2025-06-01T12:00:00+00:00"
    summary = report.policy
    assert summary.path == str(tmp_path / "policy.yaml")
    assert summary.operator == PolicyOperator(name="ТОО «Тест»", bin="940140000385")
    assert summary.data["operator"]["bin"] == "940140000385"
    assert summary.declared_categories == ("date_of_birth", "email", "full_name", "iin",
                                           "ip_address", "phone")
    assert summary.all_other_allowed is False
    # The input is left as it was.
    assert scan().findings[0].flags == ()


@pytest.mark.parametrize("flag", list(FLAGS))
def test_flag_table(flag):
    info = FLAGS[flag]
    assert info.code == flag
    assert info.severity in ("error", "warning", "info")
    assert "94-V" in info.article
    for lang in ("ru", "kk", "en"):
        assert "94-V" in info.explanation.get(lang)
        assert info.title.get(lang) and info.next_step.get(lang)
    article = info.article.split("Art. ")[1].split("(")[0].split(";")[0]
    assert f"ст. {article}" in info.explanation.ru and f"{article}-ба" in info.explanation.kk


def test_flag_severities():
    assert {k: v.severity for k, v in FLAGS.items()} == {
        "UNDECLARED_CATEGORY": "error", "STORAGE_OUTSIDE_KZ": "error",
        "RETENTION_EXCEEDED": "warning", "IIN_IMPLIES_BIRTH_DATE": "warning",
        "LOCATION_UNKNOWN": "warning", "CROSS_BORDER_DECLARED": "info",
    }


def test_a_column_only_named_like_personal_data_is_no_violation(tmp_path):
    # No value was seen: a schema hint for the reader, not an undeclared category.
    hint = dataclasses.replace(
        finding("crm", "database", "public.orders", "card_no", "CREDIT_CARD", "payment_card"),
        match_type="name", hits=0, rows_with_hits=0, distinct_values=0, score_max=0.0)
    base = scan()
    result = apply_policy(dataclasses.replace(base, findings=(*base.findings, hint)),
                          load_policy(policy_file(tmp_path)), LOCATIONS, now=NOW)
    assert flag_map(result)[("crm", "public.orders", "card_no", "payment_card")] == ()
    assert not [v for v in result.policy.violations if v.field == "card_no"]
    # The real value finding next to it is still flagged.
    assert flag_map(result)[("crm", "public.orders", "card_number", "payment_card")] == (
        "UNDECLARED_CATEGORY",)
