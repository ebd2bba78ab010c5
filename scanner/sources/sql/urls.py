"""Database URLs: parsing, the drivers derbes ships with, and keeping credentials out of
messages.

A URL's password and secret query values (``password``, ``token``...) never reach a message:
:func:`display_name` masks them for display and :func:`scrub` removes them from driver
messages, both through :mod:`derbes.scanner.urls`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, quote_plus

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url

from derbes.scanner.errors import ConfigError
from derbes.scanner.urls import SECRET_KEYS, mask_url, mask_urls


def display_name(url: str) -> str:
    """The URL with its password (and secret query values) masked: ``pg://u:***@h/db``."""
    parse_url(url)  # a ConfigError for what is not a database URL
    return mask_url(url)


def parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except (sa_exc.ArgumentError, ValueError) as e:  # ValueError: a port that is not a number
        shown = mask_url(url)
        raise ConfigError(f"not a database URL: {shown}") from e


def driver_url(url: URL) -> URL:
    """Map bare schemes to the drivers derbes ships with."""
    scheme = url.drivername
    if scheme in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if scheme.startswith("postgres+"):
        return url.set(drivername="postgresql" + scheme[len("postgres") :])
    if scheme == "mysql":
        return url.set(drivername="mysql+pymysql")
    if scheme == "mariadb":
        return url.set(drivername="mariadb+pymysql")
    return url


def family(url: URL) -> str:
    backend = url.get_backend_name()
    if backend == "postgresql":
        return "postgresql"
    if backend in ("mysql", "mariadb"):
        return "mysql"
    if backend == "sqlite":
        return "sqlite"
    return "generic"


def secrets_of(url: URL) -> list[str]:
    values = [url.password or ""] + [
        v if isinstance(v, str) else ",".join(v)
        for k, v in url.query.items()
        if k.lower() in SECRET_KEYS
    ]
    secrets: set[str] = set()
    for value in values:
        if value:
            secrets.update({value, quote_plus(value), quote(value, safe="")})
    return sorted(secrets, key=len, reverse=True)  # longest first: no partial replacements


def driver_defaults(url: URL, **values: Any) -> dict[str, Any]:
    """Driver arguments, unless the URL's query already sets them."""
    return {k: v for k, v in values.items() if k not in url.query}


def scrub(text: str, secrets: Sequence[str]) -> str:
    """``text`` without the URL's secrets and without any password in a URL it quotes."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return mask_urls(text)
