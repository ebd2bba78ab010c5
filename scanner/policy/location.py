"""Where each source rests: the country its data is stored in, with the evidence for it.

Art. 12(2) of Law 94-V wants personal databases on the territory of Kazakhstan, so every
finding carries the country of its source. The order of evidence, strongest first:

1. an explicit setting (``location:`` in ``derbes.yaml`` or ``--location SOURCE=CC``);
2. the cloud region written in a managed database's host name (AWS, Google Cloud SQL,
   Yandex Cloud, DigitalOcean), or an Azure region the server's name or DNS alias carries;
   for an S3 bucket, its region (the file sources ask the store: ``remote.storage_host``)
   or its store's endpoint (Yandex Object Storage: ``storage.yandexcloud.kz`` or ``.net``);
3. the country of the host's public IP address in the GeoLite2 country database that the
   ``geoip2fast`` package ships (offline; only local DNS resolution is done).

Private, loopback and local (file, socket) sources stay ``unknown`` unless configured: the
machine derbes runs on says nothing about where its disks are. A ``.kz`` domain name is no
proof either, and is never taken as one.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from functools import cache
from importlib import resources
from pathlib import Path

from derbes.scanner.errors import ConfigError

UNKNOWN = "unknown"
#: Schemes of object stores' sources (``s3://bucket/...``), which do not rest on this machine.
_STORES = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "oss"})

#: AWS region -> ISO country (https://docs.aws.amazon.com/general/latest/gr/rande.html).
AWS_REGIONS: dict[str, str] = {
    "us-east-1": "US", "us-east-2": "US", "us-west-1": "US", "us-west-2": "US",
    "us-gov-east-1": "US", "us-gov-west-1": "US",
    "ca-central-1": "CA", "ca-west-1": "CA", "mx-central-1": "MX", "sa-east-1": "BR",
    "eu-central-1": "DE", "eu-central-2": "CH", "eu-west-1": "IE", "eu-west-2": "GB",
    "eu-west-3": "FR", "eu-north-1": "SE", "eu-south-1": "IT", "eu-south-2": "ES",
    "eusc-de-east-1": "DE",
    "il-central-1": "IL", "me-south-1": "BH", "me-central-1": "AE", "af-south-1": "ZA",
    "ap-east-1": "HK", "ap-east-2": "TW", "ap-south-1": "IN", "ap-south-2": "IN",
    "ap-northeast-1": "JP", "ap-northeast-2": "KR", "ap-northeast-3": "JP",
    "ap-southeast-1": "SG", "ap-southeast-2": "AU", "ap-southeast-3": "ID",
    "ap-southeast-4": "AU", "ap-southeast-5": "MY", "ap-southeast-6": "NZ",
    "ap-southeast-7": "TH",
    "cn-north-1": "CN", "cn-northwest-1": "CN",
}
_AWS_REGION_SHAPE = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]?|sc)?(?:-[a-z]{2})?-[a-z]+-\d+")

#: Google Cloud region -> ISO country (https://cloud.google.com/about/locations).
GCP_REGIONS: dict[str, str] = {
    "us-central1": "US", "us-east1": "US", "us-east4": "US", "us-east5": "US",
    "us-south1": "US", "us-west1": "US", "us-west2": "US", "us-west3": "US", "us-west4": "US",
    "northamerica-northeast1": "CA", "northamerica-northeast2": "CA",
    "northamerica-south1": "MX", "southamerica-east1": "BR", "southamerica-west1": "CL",
    "europe-west1": "BE", "europe-west2": "GB", "europe-west3": "DE", "europe-west4": "NL",
    "europe-west6": "CH", "europe-west8": "IT", "europe-west9": "FR", "europe-west10": "DE",
    "europe-west12": "IT", "europe-central2": "PL", "europe-north1": "FI",
    "europe-north2": "SE", "europe-southwest1": "ES",
    "asia-east1": "TW", "asia-east2": "HK", "asia-northeast1": "JP", "asia-northeast2": "JP",
    "asia-northeast3": "KR", "asia-south1": "IN", "asia-south2": "IN",
    "asia-southeast1": "SG", "asia-southeast2": "ID",
    "australia-southeast1": "AU", "australia-southeast2": "AU",
    "me-west1": "IL", "me-central1": "QA", "me-central2": "SA", "africa-south1": "ZA",
}

#: Azure region -> ISO country (https://learn.microsoft.com/azure/reliability/regions-list).
AZURE_REGIONS: dict[str, str] = {
    "eastus": "US", "eastus2": "US", "centralus": "US", "northcentralus": "US",
    "southcentralus": "US", "westcentralus": "US", "westus": "US", "westus2": "US",
    "westus3": "US", "canadacentral": "CA", "canadaeast": "CA", "brazilsouth": "BR",
    "mexicocentral": "MX", "northeurope": "IE", "westeurope": "NL", "uksouth": "GB",
    "ukwest": "GB", "francecentral": "FR", "francesouth": "FR",
    "germanywestcentral": "DE", "germanynorth": "DE", "switzerlandnorth": "CH",
    "switzerlandwest": "CH", "norwayeast": "NO", "norwaywest": "NO", "swedencentral": "SE",
    "polandcentral": "PL", "italynorth": "IT", "spaincentral": "ES",
    "uaenorth": "AE", "uaecentral": "AE", "qatarcentral": "QA", "israelcentral": "IL",
    "southafricanorth": "ZA", "southafricawest": "ZA", "centralindia": "IN",
    "southindia": "IN", "westindia": "IN", "eastasia": "HK", "southeastasia": "SG",
    "japaneast": "JP", "japanwest": "JP", "koreacentral": "KR", "koreasouth": "KR",
    "australiaeast": "AU", "australiasoutheast": "AU", "australiacentral": "AU",
    "newzealandnorth": "NZ", "indonesiacentral": "ID", "malaysiawest": "MY",
}
_AZURE_SUFFIXES = (
    ".database.azure.com", ".database.windows.net", ".documents.azure.com",
    ".cosmos.azure.com", ".cache.windows.net",
)

#: DigitalOcean datacenter -> ISO country (managed databases put it in the host name).
DO_REGIONS: dict[str, str] = {
    "nyc1": "US", "nyc2": "US", "nyc3": "US", "sfo1": "US", "sfo2": "US", "sfo3": "US",
    "atl1": "US", "tor1": "CA", "lon1": "GB", "ams2": "NL", "ams3": "NL", "fra1": "DE",
    "sgp1": "SG", "blr1": "IN", "syd1": "AU",
}

_NO_KZ_PROOF = " (a .kz domain name says nothing about where the server stands)"

#: ``resolver(host, timeout) -> (canonical name or None, addresses)``; raises OSError.
Resolver = Callable[[str, float], tuple[str | None, list[str]]]
#: ``geoip(address) -> ISO country or None``.
GeoIp = Callable[[str], str | None]


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English short name (bundled list of the 249 codes)."""
    text = resources.files("derbes.scanner").joinpath("data/iso3166-1.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {code: name for code, name in rows}


def normalize_country(code: object) -> str:
    """An upper-case ISO 3166-1 alpha-2 code, or ``ValueError`` saying what is wrong."""
    if isinstance(code, bool) or not isinstance(code, str):
        raise ValueError(f"{code!r} is not a country code; use ISO 3166-1 alpha-2 like KZ, DE")
    cc = code.strip().upper()
    if cc in countries():
        return cc
    if cc == "UK":
        raise ValueError("'UK' is not an ISO 3166-1 code; the United Kingdom is GB")
    if cc == "EU":
        raise ValueError("'EU' is not a country; list the member states (e.g. DE, IE, NL)")
    raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 country code (like KZ, DE, US)")


def parse_location_option(text: str) -> tuple[str, str]:
    """``"SOURCE=CC"`` (the ``--location`` option) -> ``(source, CC)``; raises ``ConfigError``."""
    name, sep, code = text.rpartition("=")
    if not sep or not name.strip() or not code.strip():
        raise ConfigError(f"--location {text}: expected SOURCE=CC, e.g. crm=KZ")
    try:
        return name.strip(), normalize_country(code)
    except ValueError as e:
        raise ConfigError(f"--location {text}: {e}") from e


def resolve_location(
    source_name: str,
    kind: str,
    host: str | None,
    explicit: Mapping[str, str],
    *,
    resolver: Resolver | None = None,
    geoip: GeoIp | None = None,
    timeout: float = 2.0,
) -> tuple[str, str]:
    """The country a source's data rests in (ISO code or ``"unknown"``) and the evidence.

    ``explicit`` maps source names to configured countries and wins over everything else.
    ``resolver`` and ``geoip`` default to the system's DNS and the bundled GeoLite2 data;
    tests pass their own. Nothing beyond local DNS resolution touches the network.
    """
    if source_name in explicit:
        try:
            cc = normalize_country(explicit[source_name])
        except ValueError as e:
            raise ConfigError(f"location of source {source_name}: {e}") from e
        return cc, f"configured: {source_name}={cc}"
    if not host:
        if kind in ("log", "file") and source_name.split("://", 1)[0].lower() in _STORES:
            return UNKNOWN, ("an object store whose bucket's region derbes could not read (it "
                             "asks the store: s3:GetBucketLocation); set it with --location "
                             f"{source_name}=CC")
        what = "a local file" if kind in ("log", "file") else "a local database (file or socket)"
        return UNKNOWN, (f"{what}: it rests wherever this machine's disks are, which derbes "
                         f"cannot see; set it with --location {source_name}=CC")
    host = host.strip().strip("[]").rstrip(".").lower()
    found = cloud_location(host)
    if found is not None:
        return found
    ip = _ip(host)
    if ip is not None:
        return _geolocate(host, [host], geoip)
    if host == "localhost" or host.endswith(".localhost"):
        return UNKNOWN, f"{host} is this machine; set its country with --location {source_name}=CC"
    try:
        canonical, addresses = (resolver or _system_resolver)(host, timeout)
    except OSError as e:
        note = _NO_KZ_PROOF if host.endswith(".kz") else ""
        return UNKNOWN, f"host {host} could not be resolved ({e}){note}"
    if canonical and canonical.rstrip(".").lower() != host:
        found = cloud_location(canonical.rstrip(".").lower())
        if found is not None:
            return found[0], f"{host} is an alias of {canonical}: {found[1]}"
    if _is_azure(host):
        return UNKNOWN, (f"{host} is an Azure managed database; its name carries no region. "
                         f"Set it with --location {source_name}=CC (Azure portal: server "
                         "overview, Location)")
    return _geolocate(host, addresses, geoip)


def resolve_locations(
    sources: Iterable[tuple[str, str, str | None]],
    explicit: Mapping[str, str],
    **kwargs: object,
) -> dict[str, tuple[str, str]]:
    """``{name: (country, evidence)}`` for ``(name, kind, host)`` triples."""
    return {name: resolve_location(name, kind, host, explicit, **kwargs)  # type: ignore[arg-type]
            for name, kind, host in sources}


def cloud_location(host: str) -> tuple[str, str] | None:
    """The country a managed-database host name names, or ``None`` if it is no such name."""
    labels = host.split(".")
    if host.endswith((".amazonaws.com", ".amazonaws.com.cn", ".amazonaws.eu")):
        if "compute-1" in labels:
            return "US", f"{host}: AWS us-east-1 (compute-1) host name"
        # From the right: the region sits next to the service, the left is the customer's name.
        for label in reversed(labels):
            if label in AWS_REGIONS:
                return AWS_REGIONS[label], f"{host}: AWS region {label} in the host name"
        for label in reversed(labels):
            if _AWS_REGION_SHAPE.fullmatch(label):
                return UNKNOWN, f"{host}: AWS region {label} is not in derbes' table of regions"
        return None
    if host.endswith(".sql.goog"):
        for label in labels:
            if label in GCP_REGIONS:
                return GCP_REGIONS[label], f"{host}: Google Cloud region {label} in the host name"
        return UNKNOWN, f"{host}: a Google Cloud SQL host name without a region"
    if host == "storage.yandexcloud.kz":
        return "KZ", f"{host}: Yandex Object Storage, Kazakhstan (region kz1)"
    if host == "storage.yandexcloud.net":
        return "RU", f"{host}: Yandex Object Storage, region ru-central1 (Russia)"
    if host.endswith(".mdb.yandexcloud.kz"):
        return "KZ", f"{host}: Yandex Cloud Kazakhstan (region kz1) managed database domain"
    if host.endswith(".mdb.yandexcloud.net"):
        zone = labels[0].split("-")[0]
        if zone.startswith("kz1"):
            return "KZ", f"{host}: Yandex Cloud zone {zone} (region kz1, Kazakhstan)"
        if zone.startswith("rc1"):
            return "RU", f"{host}: Yandex Cloud zone {zone} (region ru-central1, Russia)"
        return "RU", (f"{host}: Yandex Cloud managed database domain .mdb.yandexcloud.net, "
                      "which serves region ru-central1 (Russia)")
    if host.endswith(".db.ondigitalocean.com"):
        for token in re.split(r"[-.]", host):
            if token in DO_REGIONS:
                return DO_REGIONS[token], f"{host}: DigitalOcean datacenter {token} in the name"
        return None
    if _is_azure(host):
        for token in re.split(r"[-_.]", host):
            region = token.rstrip("0123456789")
            if region in AZURE_REGIONS:
                return AZURE_REGIONS[region], (
                    f"{host}: the Azure name contains region {region}; a server's name is chosen "
                    "by whoever created it, so confirm it in the Azure portal")
        return None
    return None


def _is_azure(host: str) -> bool:
    return host.endswith(_AZURE_SUFFIXES)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _geolocate(host: str, addresses: list[str], geoip: GeoIp | None) -> tuple[str, str]:
    """The country of a host's addresses: one country if all public ones agree."""
    public: list[str] = []
    local: list[str] = []
    for address in dict.fromkeys(addresses):
        ip = _ip(address)
        if ip is None:
            continue
        (public if ip.is_global else local).append(address)
    note = _NO_KZ_PROOF if host.endswith(".kz") else ""
    if not public:
        if local:
            what = "a loopback" if all(_ip(a).is_loopback for a in local) else "a private"
            return UNKNOWN, (f"{host} is {what} address ({', '.join(local)}): where it stands "
                             f"cannot be inferred; set it with --location{note}")
        return UNKNOWN, f"{host} has no usable address{note}"
    lookup = geoip or _bundled_geoip()
    if lookup is None:
        return UNKNOWN, (f"{host} resolves to {', '.join(public)}, but no IP-to-country "
                         "database is installed (pip install geoip2fast)")
    found: dict[str, list[str]] = {}
    for address in public:
        cc = lookup(address)
        found.setdefault(cc if cc in countries() else UNKNOWN, []).append(address)
    via = "" if geoip else f" ({_geoip_source()})"
    if len(found) == 1 and UNKNOWN not in found:
        (cc, addrs), = found.items()
        shown = addrs[0] + (f" and {len(addrs) - 1} more" if len(addrs) > 1 else "")
        said = (f"IP geolocation{via} places address {shown} in {cc}" if addrs == [host] else
                f"{host} resolves to {shown}, which IP geolocation{via} places in {cc}")
        return cc, (f"{said}; "
                    "this is where the address is announced, not proof of where the disks are"
                    f"{note}")
    parts = "; ".join(f"{cc}: {', '.join(a)}" for cc, a in sorted(found.items()))
    return UNKNOWN, f"{host} resolves to addresses that geolocate differently ({parts}){note}"


def _system_resolver(host: str, timeout: float) -> tuple[str | None, list[str]]:
    """DNS through the system resolver, bounded by ``timeout`` seconds."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        future = pool.submit(socket.getaddrinfo, host, None, 0, socket.SOCK_STREAM, 0,
                             socket.AI_CANONNAME)
        infos = future.result(timeout=timeout)
    except FutureTimeout as e:
        raise OSError(f"no answer within {timeout:g} s") from e
    except socket.gaierror as e:
        raise OSError(e.strerror or str(e)) from e
    finally:
        # The lookup thread cannot be interrupted; let it finish in the background.
        pool.shutdown(wait=False)
    canonical = next((info[3] for info in infos if info[3]), None)
    return canonical, [str(info[4][0]) for info in infos]


@cache
def _geoip_reader() -> object | None:
    try:
        import geoip2fast
        from geoip2fast import GeoIP2Fast
    except ImportError:
        return None
    # A full path: given a bare name the package would look in the working directory first.
    data = Path(geoip2fast.__file__).with_name("geoip2fast-ipv6.dat.gz")
    return GeoIP2Fast(geoip2fast_data_file=str(data) if data.exists() else "")


def _bundled_geoip() -> GeoIp | None:
    reader = _geoip_reader()
    if reader is None:
        return None

    def lookup(address: str) -> str | None:
        return reader.lookup(address).country_code or None  # type: ignore[attr-defined]

    return lookup


def _geoip_source() -> str:
    reader = _geoip_reader()
    if reader is None:
        return "no database"
    try:
        info = reader.get_database_info()["source_info"]  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError):
        info = "GeoLite2"
    return f"geoip2fast, {info}"
