"""Where a source rests: explicit settings, cloud host names, DNS and the bundled GeoIP data.

No test reaches the network: DNS is replaced by a stub wherever a name would be resolved.
"""

from __future__ import annotations

import importlib.util

import pytest

from derbes.scanner.errors import ConfigError
from derbes.scanner.policy.location import (
    AWS_REGIONS,
    AZURE_REGIONS,
    DO_REGIONS,
    GCP_REGIONS,
    UNKNOWN,
    countries,
    normalize_country,
    parse_location_option,
    resolve_location,
)


def no_dns(host: str, timeout: float):
    raise AssertionError(f"DNS must not be used for {host}")


def dns(answers: dict[str, tuple[str | None, list[str]]]):
    def resolver(host: str, timeout: float):
        if host not in answers:
            raise OSError("Name or service not known")
        return answers[host]
    return resolver


def geo(table: dict[str, str]):
    return lambda address: table.get(address)


def locate(host, *, explicit=None, resolver=no_dns, geoip=None, kind="database", name="db"):
    return resolve_location(name, kind, host, explicit or {}, resolver=resolver,
                            geoip=geoip or geo({}))


def test_explicit_setting_wins_over_host_name():
    cc, evidence = locate("crm.abc123.eu-central-1.rds.amazonaws.com", explicit={"db": "kz"})
    assert (cc, evidence) == ("KZ", "configured: db=KZ")


def test_explicit_setting_must_be_a_country():
    with pytest.raises(ConfigError, match=r"location of source db: 'UK'.*GB"):
        locate("h", explicit={"db": "UK"})


@pytest.mark.parametrize(
    "host, cc",
    [
        ("crm.c9akciq32.eu-central-1.rds.amazonaws.com", "DE"),
        ("shop.cluster-c9akciq32.us-east-1.rds.amazonaws.com", "US"),
        ("shop.cluster-ro-c9akciq32.ap-south-1.rds.amazonaws.com", "IN"),
        ("db.proxy-c9akciq32.eu-west-2.rds.amazonaws.com", "GB"),
        ("db.xyz.rds.cn-north-1.amazonaws.com.cn", "CN"),
        ("wh.abc.eu-north-1.redshift.amazonaws.com", "SE"),
        ("ec2-3-120-1-1.eu-central-1.compute.amazonaws.com", "DE"),
        ("ec2-54-1-1-1.compute-1.amazonaws.com", "US"),
        # The customer's name looks like a region; the real one sits next to the service.
        ("us-east-1.c9akciq32.eu-west-1.rds.amazonaws.com", "IE"),
    ],
)
def test_aws_region_in_host_name(host, cc):
    found, evidence = locate(host)
    assert found == cc
    assert "AWS" in evidence


def test_aws_unknown_region_is_unknown_not_guessed():
    cc, evidence = locate("db.abc.xx-middle-9.rds.amazonaws.com")
    assert cc == UNKNOWN and "xx-middle-9" in evidence


@pytest.mark.parametrize("table", [AWS_REGIONS, GCP_REGIONS, AZURE_REGIONS, DO_REGIONS])
def test_region_tables_name_real_countries(table):
    assert set(table.values()) <= set(countries())


def test_a_few_region_mappings():
    assert AWS_REGIONS["eu-central-1"] == "DE" and AWS_REGIONS["us-east-1"] == "US"
    assert AWS_REGIONS["ap-south-1"] == "IN" and AWS_REGIONS["eu-west-1"] == "IE"
    assert GCP_REGIONS["europe-west3"] == "DE" and AZURE_REGIONS["westeurope"] == "NL"


def test_azure_without_region_is_unknown():
    resolver = dns({"crm.postgres.database.azure.com": (None, ["20.50.2.1"])})
    cc, evidence = locate("crm.postgres.database.azure.com", resolver=resolver,
                          geoip=geo({"20.50.2.1": "NL"}))
    assert cc == UNKNOWN
    assert "Azure" in evidence and "--location db=CC" in evidence


def test_azure_region_in_server_name():
    cc, evidence = locate("crm-germanywestcentral.postgres.database.azure.com")
    assert cc == "DE" and "confirm it" in evidence


def test_azure_region_in_dns_alias():
    resolver = dns({"billing.database.windows.net":
                    ("cr5.westeurope1-a.control.database.windows.net", ["104.40.168.105"])})
    cc, evidence = locate("billing.database.windows.net", resolver=resolver)
    assert cc == "NL"
    assert "alias of cr5.westeurope1-a.control.database.windows.net" in evidence


@pytest.mark.parametrize(
    "host, cc",
    [
        ("rc1a-abcdef123.mdb.yandexcloud.net", "RU"),
        ("c-c9q1234.rw.mdb.yandexcloud.net", "RU"),
        ("kz1a-abcdef123.mdb.yandexcloud.net", "KZ"),
        ("db1.mdb.yandexcloud.kz", "KZ"),
        ("a1b2.c3d4.europe-west3.sql.goog", "DE"),
        ("db-postgresql-fra1-12345-do-user-1.b.db.ondigitalocean.com", "DE"),
        ("storage.yandexcloud.kz", "KZ"),  # Yandex Object Storage's endpoints
        ("storage.yandexcloud.net", "RU"),
    ],
)
def test_other_clouds(host, cc):
    assert locate(host)[0] == cc


def test_cloud_sql_without_region():
    assert locate("a1b2.c3d4.sql.goog")[0] == UNKNOWN


def test_kz_domain_is_not_proof():
    resolver = dns({"db.shop.kz": (None, ["10.0.0.7"])})
    cc, evidence = locate("db.shop.kz", resolver=resolver)
    assert cc == UNKNOWN
    assert "private address" in evidence and ".kz domain name says nothing" in evidence


def test_public_address_geolocates():
    resolver = dns({"db.shop.kz": (None, ["95.56.1.10", "95.56.1.11"])})
    cc, evidence = locate("db.shop.kz", resolver=resolver,
                          geoip=geo({"95.56.1.10": "KZ", "95.56.1.11": "KZ"}))
    assert cc == "KZ"
    assert "95.56.1.10 and 1 more" in evidence and "not proof" in evidence


def test_addresses_in_two_countries_are_unknown():
    resolver = dns({"db.example.com": (None, ["1.1.1.1", "2.2.2.2"])})
    cc, evidence = locate("db.example.com", resolver=resolver,
                          geoip=geo({"1.1.1.1": "DE", "2.2.2.2": "US"}))
    assert cc == UNKNOWN and "DE: 1.1.1.1" in evidence and "US: 2.2.2.2" in evidence


def test_unresolvable_host_is_unknown_with_reason():
    cc, evidence = locate("nowhere.invalid", resolver=dns({}))
    assert cc == UNKNOWN and "could not be resolved (Name or service not known)" in evidence


def test_ip_literal_needs_no_dns():
    assert locate("5.6.7.8", geoip=geo({"5.6.7.8": "DE"}))[0] == "DE"
    assert locate("[2a00:1450:4001::1]", geoip=geo({"2a00:1450:4001::1": "DE"}))[0] == "DE"


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "10.1.2.3", "192.168.0.5", "localhost"])
def test_local_and_private_hosts_are_unknown(host):
    cc, evidence = locate(host)
    assert cc == UNKNOWN and "--location" in evidence


@pytest.mark.parametrize("kind", ["log", "file", "database"])
def test_local_sources_are_unknown(kind):
    cc, evidence = locate(None, kind=kind, name="nginx")
    assert cc == UNKNOWN and "--location nginx=CC" in evidence


def test_geoip_answer_that_is_no_country_is_unknown():
    assert locate("5.6.7.8", geoip=geo({"5.6.7.8": "--"}))[0] == UNKNOWN


@pytest.mark.skipif(importlib.util.find_spec("geoip2fast") is None, reason="geoip2fast missing")
@pytest.mark.parametrize(
    "address, cc",
    [
        ("8.8.8.8", "US"),       # Google Public DNS
        ("2.133.0.1", "KZ"),     # 2.132.0.0/14, JSC Kazakhtelecom
        ("95.56.0.1", "KZ"),     # 95.56.0.0/14, JSC Kazakhtelecom
    ],
)
def test_bundled_geoip(address, cc):
    found, evidence = resolve_location("db", "database", address, {}, resolver=no_dns)
    assert found == cc
    assert "GeoLite2" in evidence


def test_parse_location_option():
    assert parse_location_option("crm=kz") == ("crm", "KZ")
    assert parse_location_option(" shop = DE ") == ("shop", "DE")
    for bad in ("crm", "=KZ", "crm=", "crm=Kazakhstan"):
        with pytest.raises(ConfigError, match="--location"):
            parse_location_option(bad)


def test_normalize_country():
    assert normalize_country("no") == "NO"
    assert len(countries()) == 249
    for bad in (False, 7, "UK", "EU", "KAZ"):
        with pytest.raises(ValueError):
            normalize_country(bad)


# -- object stores: where an s3:// source's bucket rests (sources.remote.storage_host) -------


class FakeS3:
    """What storage_host reads of s3fs: GetBucketLocation's answer and the endpoint."""

    def __init__(self, answer, endpoint="https://s3.amazonaws.com"):
        self.answer = answer
        self.s3 = type("Client", (), {"meta": type("Meta", (), {"endpoint_url": endpoint})})

    def call_s3(self, method, **kwargs):
        assert method == "get_bucket_location" and kwargs == {"Bucket": "lake"}
        if isinstance(self.answer, Exception):
            raise self.answer
        return {"LocationConstraint": self.answer}


@pytest.mark.parametrize(("answer", "endpoint", "host", "cc"), [
    ("eu-central-1", "https://s3.amazonaws.com", "s3.eu-central-1.amazonaws.com", "DE"),
    (None, "https://s3.amazonaws.com", "s3.us-east-1.amazonaws.com", "US"),  # no constraint
    ("EU", "https://s3.eu-west-1.amazonaws.com", "s3.eu-west-1.amazonaws.com", "IE"),
    # Another store: its endpoint says, whatever it answers (or refuses).
    (PermissionError("denied"), "https://storage.yandexcloud.kz", "storage.yandexcloud.kz",
     "KZ"),
    ("ru-central1", "https://storage.yandexcloud.net", "storage.yandexcloud.net", "RU"),
])
def test_an_s3_bucket_rests_where_its_region_is(monkeypatch, answer, endpoint, host, cc):
    import fsspec

    from derbes.scanner.sources.remote import storage_host

    monkeypatch.setattr(fsspec.core, "url_to_fs",
                        lambda url: (FakeS3(answer, endpoint), url.split("://", 1)[1]))
    assert storage_host("s3://lake/exports/2026/") == host
    assert locate(host)[0] == cc


def test_a_bucket_whose_region_cannot_be_read_says_so(monkeypatch):
    import fsspec

    from derbes.scanner.sources.remote import storage_host

    monkeypatch.setattr(fsspec.core, "url_to_fs",
                        lambda url: (FakeS3(PermissionError("denied")), "lake/exports"))
    assert storage_host("s3://lake/exports") is None
    cc, evidence = locate(None, kind="log", name="s3://lake/exports")
    assert cc == UNKNOWN and "object store" in evidence and "local file" not in evidence
    assert "--location s3://lake/exports=CC" in evidence
