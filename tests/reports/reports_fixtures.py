"""Scan results for the report tests: hand-built findings (the engine is tested elsewhere),
checked by the real policy check against ``data/policy.yaml``, so that the reports read what
the pipeline writes.

``RAW`` holds the raw personal values behind the fixture's hits. They must never appear in a
report unless ``show_values=True``; the masked examples are built so that none contains a
raw value as a substring.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from pathlib import Path

from derbes.scanner.model import (
    MATCH_BOTH,
    MATCH_NAME,
    MATCH_VALUE,
    ContainerInfo,
    Finding,
    Hit,
    ScanResult,
    SourceSummary,
)
from derbes.scanner.policy import apply_policy, load_policy

SCAN_ID = "20250301T101500Z-7f3a"
PG = "postgresql://app:***@db.internal:5432/crm"
MY = "mysql://reporting@analytics.eu-central-1.rds.amazonaws.com/bi"
LOG = "/var/log/nginx/access.log"
BROKEN = "postgresql://backup@10.1.2.3/archive"
XSS = "<script>alert(1)</script>"
POLICY = Path(__file__).parent / "data" / "policy.yaml"
#: Where each source rests, as the location step would say.
WHERE = {
    PG: ("KZ", "host db.internal resolves to 10.20.0.5 (Kazakhtelecom data centre, Astana), "
               "declared in policy"),
    MY: ("DE", "AWS RDS endpoint region eu-central-1 (Frankfurt)"),
    LOG: ("KZ", "local file on the scanning host"),
    BROKEN: ("unknown", "not reached"),
}
#: The policy check's clock: log data from 2019 is past the policy's one-year log retention.
CHECKED_AT = dt.datetime(2025, 3, 1, 10, 15, 7, tzinfo=dt.UTC)

#: entity -> raw values (fake people; IINs of the shape of the law's examples, not real ones).
RAW = {
    "KZ_IIN": ["870412350125", "910203450778"],
    "EMAIL_ADDRESS": ["aigerim.nurlanova@mail.kz", "d.sadykov@example.com"],
    "PHONE_NUMBER": ["+77015551234", "+77472223344"],
    "CREDIT_CARD": ["4400430180300003"],
    "IP_ADDRESS": ["95.56.14.201"],
    "PERSON": ["Нурланова Айгерим Сериковна"],
}
MASK = {
    "KZ_IIN": "**********25",
    "EMAIL_ADDRESS": "a***@***.kz",
    "PHONE_NUMBER": "+**********34",
    "CREDIT_CARD": "**** **** **** 0003",
    "IP_ADDRESS": "95.56.*.*",
    "PERSON": "Н*** ***",
}


def _hash(value: str) -> str:
    return "hmac-sha256:" + hashlib.sha256(b"test-key" + value.encode()).hexdigest()[:32]


def all_raw_values() -> list[str]:
    return [v for vs in RAW.values() for v in vs]


def finding(source: str, kind: str, container: str, field: str | None, entity: str,
            category: str, *, hits: int = 10, rows: int = 1000, with_hits: int = 10,
            score: float = 0.95, match: str = MATCH_VALUE) -> Finding:
    """A finding as the engine gives it: location, ``declared`` and flags are the policy
    check's to set. Log findings carry the time of their oldest line."""
    return Finding(
        scan_id=SCAN_ID, source=source, source_kind=kind, container=container, field=field,
        entity=entity, category=category, match_type=match, hits=hits, rows_scanned=rows,
        rows_with_hits=with_hits, distinct_values=min(hits, with_hits), score_max=score,
        score_mean=round(score - 0.1, 2), examples=(MASK[entity],) if entity in MASK else (),
        oldest_seen="2019-04-01T00:00:00Z" if kind == "log" else None,
    )


def make_result(with_values: bool = False) -> ScanResult:
    """A scan of four sources: Kazakh CRM, a BI database abroad, a log, one that failed."""
    findings = (
        finding(PG, "database", "public.customers", "iin", "KZ_IIN", "iin", hits=980,
                with_hits=980, match=MATCH_BOTH),
        finding(PG, "database", "public.customers", "email", "EMAIL_ADDRESS", "email", hits=940,
                with_hits=940),
        finding(PG, "database", "public.customers", "phone", "PHONE_NUMBER", "phone", hits=700,
                with_hits=690, score=0.75),
        finding(PG, "database", "public.customers", "full_name", "PERSON", "full_name",
                hits=0, with_hits=0, score=0.6, match=MATCH_NAME),
        finding(PG, "database", "public.payments", "card_number", "CREDIT_CARD", "payment_card",
                hits=412, rows=500, with_hits=412),
        finding(PG, "database", "public.audit", XSS, "EMAIL_ADDRESS", "email", hits=3, rows=200,
                with_hits=3, score=0.4),
        finding(MY, "database", "bi.customers", "email", "EMAIL_ADDRESS", "email", hits=5000,
                rows=5000, with_hits=5000),
        finding(LOG, "log", LOG, None, "IP_ADDRESS", "ip_address", hits=18000, rows=20000,
                with_hits=18000),
        finding(LOG, "log", LOG, None, "PHONE_NUMBER", "phone", hits=12, rows=20000,
                with_hits=12, score=0.55),
    )
    hits = []
    for f in findings:
        for i, value in enumerate(RAW.get(f.entity, [])[:2]):
            hits.append(Hit(
                source=f.source, container=f.container, field=f.field,
                row=17 + i * 40 if f.source_kind == "log" else i + 1, start=0, end=len(value),
                entity=f.entity, score=f.score_max, masked=MASK[f.entity],
                value_hash=_hash(value), value=value if with_values else None))
    # Locations are the policy check's to set (LOCATIONS).
    sources = (
        SourceSummary(PG, "database", "ok", containers=3, rows_scanned=1700,
                      bytes_scanned=2_400_000, seconds=3.2),
        SourceSummary(MY, "database", "ok", containers=1, rows_scanned=5000,
                      bytes_scanned=900_000, seconds=1.4),
        SourceSummary(LOG, "log", "ok", containers=1, rows_scanned=20000,
                      bytes_scanned=5_100_000, seconds=0.8),
        SourceSummary(BROKEN, "database", "failed",
                      errors=("connection refused (10.1.2.3:5432)",)),
    )
    containers = (
        ContainerInfo(PG, "public.customers", "table", rows_scanned=1000, sampled=True),
        ContainerInfo(PG, "public.payments", "table", rows_scanned=500),
        ContainerInfo(PG, "public.audit", "table", rows_scanned=200),
        ContainerInfo(MY, "bi.customers", "table", rows_scanned=5000),
        ContainerInfo(LOG, LOG, "file", rows_scanned=20000, bytes_scanned=5_100_000),
    )
    bare = ScanResult(
        scan_id=SCAN_ID, started_at="2025-03-01T10:15:00+00:00",
        finished_at="2025-03-01T10:15:07.400000+00:00", sources=sources, findings=findings,
        containers=containers, hits=tuple(hits),
        options={"sample_rows": 1000, "hmac_key": "super-secret-key",
                 "urls": ["postgresql://app:hunter2@db.internal/crm"]},
    )
    return apply_policy(bare, load_policy(POLICY), WHERE, now=CHECKED_AT)


def clean_result() -> ScanResult:
    """A complete scan with findings but no violation."""
    r = make_result()
    findings = tuple(f for f in r.findings if not f.flags)
    return dataclasses.replace(r, findings=findings, sources=r.sources[:1],
                               policy=dataclasses.replace(r.policy, violations=()))


POLICY_YAML = """\
version: 1
operator:
  name: ТОО «Пример Маркет»
  bin: "210140019844"
categories:
  - category: iin
    purposes: [исполнение договора]
    retention: P5Y
  - category: email
    purposes: [рассылка]
    retention: until_consent_withdrawn
  - category: phone
    purposes: [связь с клиентом]
    retention: P3Y
  - category: full_name
    purposes: [исполнение договора]
    retention: P5Y
  - address
not_collected:
  - payment_card
storage:
  countries: [KZ]
logs:
  retention: P1Y
"""

#: Where each source rests, with evidence in the shapes derbes.scanner.policy.location writes.
LOCATIONS = {
    PG: ("KZ", f"configured: {PG}=KZ"),
    MY: ("DE", "analytics.eu-central-1.rds.amazonaws.com: AWS region eu-central-1 in the "
               "host name"),
    LOG: ("unknown", f"a local file: it rests wherever this machine's disks are, which derbes "
                     f"cannot see; set it with --location {LOG}=CC"),
}


def mapped_result(tmp_path, findings_per_table: int = 0) -> ScanResult:
    """The fixture scan checked against a real policy by ``apply_policy``: the shapes the
    pipeline writes, not hand-made ones. ``findings_per_table`` adds that many email fields
    to one PostgreSQL table (for paging and printing)."""
    import datetime as dt

    from derbes.scanner.policy import load_policy
    from derbes.scanner.policy.check import apply_policy

    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML, encoding="utf-8")
    base = make_result()
    findings = [dataclasses.replace(f, flags=(), declared=None, location=None)
                for f in base.findings]
    findings += [finding(PG, "database", "public.wide", f"email_{i:04d}", "EMAIL_ADDRESS",
                         "email", hits=i + 1, with_hits=i + 1)
                 for i in range(findings_per_table)]
    containers = (*base.containers,
                  ContainerInfo(PG, "public.wide", "table", rows_scanned=1000, sampled=True,
                                rows_estimated=2_000_000),
                  ContainerInfo(PG, "public.orders_archive", "table", rows_scanned=1000,
                                sampled=True, rows_estimated=5_400,
                                oldest_timestamp="2016-02-03T00:00:00+00:00",
                                age_column="created_at", age_method="min_index"))
    # A table's age comes from its timestamp column, not from the values.
    findings.append(dataclasses.replace(
        finding(PG, "database", "public.orders_archive", "buyer_iin", "KZ_IIN", "iin",
                hits=800, with_hits=800), oldest_seen=None))
    scan = dataclasses.replace(base, findings=tuple(findings), containers=containers,
                               policy=None)
    # Relative to the working folder, as a user would give it (the report shows it).
    return apply_policy(scan, load_policy(os.path.relpath(path)), LOCATIONS,
                        now=dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC))
