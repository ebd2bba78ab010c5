"""The scan configuration file, ``derbes.yaml``: what to scan, against which policy, and how.

Loaded strictly (unknown keys are errors) and completely before a scan starts; every error
names the file and line. ``${NAME}`` in a source's ``url`` or ``path`` is replaced by the
environment variable ``NAME``; its value never appears in a message. Relative paths are
relative to the directory of the configuration file. See ``docs/policy.md``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    ValidationError,
    field_validator,
    model_validator,
)

from derbes.reports import FORMATS, LANGS
from derbes.reports.ci import check_fail_on
from derbes.scanner.errors import ConfigError
from derbes.scanner.policy.flags import FLAGS, SEVERITIES
from derbes.scanner.policy.model import Category, Country
from derbes.scanner.policy.yamldoc import YamlDoc, load_yaml, pydantic_messages
from derbes.scanner.sources import DB_SCHEMES
from derbes.scanner.sources.remote import is_remote
from derbes.scanner.urls import mask_url, url_host

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


def _check_url(url: str) -> str:
    if "://" not in url:
        # Not echoed: without '://' there is no telling where a password would be.
        raise ValueError("this is not a database URL (expected "
                         "scheme://user:password@host:port/database)")
    shown = mask_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise ValueError(f"'{shown}' is a malformed URL: {e}") from e
    scheme = parts.scheme.lower()
    if scheme not in DB_SCHEMES and is_remote(url):
        # Files on an object store (s3://bucket/logs/): credentials come from the environment.
        if "@" in parts.netloc:
            raise ValueError(f"'{shown}': credentials in a storage URL are refused; give them "
                             "through the environment (AWS_PROFILE, AWS_ACCESS_KEY_ID...)")
        return url
    if scheme not in DB_SCHEMES:
        raise ValueError(f"unsupported URL scheme '{parts.scheme}' in '{shown}'; use one of "
                         f"{', '.join(DB_SCHEMES)} (files and logs go under path:, or url: "
                         "s3://... for an object store)")
    if scheme == "sqlite":
        if parts.netloc:
            raise ValueError(f"'{shown}': an SQLite URL has no host (sqlite:///relative.db or "
                             "sqlite:////absolute.db)")
        return url
    if port == 0:
        raise ValueError(f"'{shown}': port 0 is not a port")
    if "@" in parts.netloc and not parts.hostname:
        raise ValueError(f"'{shown}': no host after '@'")
    return url


def _format(value: str) -> str:
    if value not in FORMATS:
        raise ValueError(f"unknown report format '{value}'; choose from {', '.join(FORMATS)}")
    return value


Format = Annotated[str, AfterValidator(_format)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SourceConfig(_Strict):
    """One database (``url``) or set of files (``path``, a glob allowed) to scan."""

    name: str = Field(pattern=_NAME)
    #: With credentials filled in from the environment; shown only through :attr:`display`.
    url: str | None = Field(default=None, repr=False)
    path: Path | None = None
    location: Country | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include_columns: tuple[str, ...] = ()
    exclude_columns: tuple[str, ...] = ()
    sample_rows: PositiveInt | None = None
    seed: int | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _check_url(value)

    @model_validator(mode="after")
    def _one_target(self) -> SourceConfig:
        if (self.url is None) == (self.path is None):
            raise ValueError("give exactly one of url (a database) or path (files)")
        return self

    @property
    def display(self) -> str:
        """The URL with its password masked, or the path."""
        return mask_url(self.url) if self.url else str(self.path)

    @property
    def host(self) -> str | None:
        """The database host, or ``None`` for files, SQLite and local sockets."""
        return url_host(self.url) if self.url else None


class OutputConfig(_Strict):
    """Where reports go, in which formats and language."""

    # None: not given here; the command line's value, else the default, applies.
    dir: Path | None = None
    formats: tuple[Format, ...] | None = None
    lang: str | None = None

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str | None) -> str | None:
        if value is not None and value not in LANGS:
            raise ValueError(f"'{value}' is not a report language; choose from {', '.join(LANGS)}")
        return value


class OptionsConfig(_Strict):
    """Scan options; the command line overrides them."""

    sample_rows: PositiveInt | None = None
    connections: PositiveInt | None = Field(default=None, le=64)
    hits: bool | None = None
    min_score: float | None = Field(default=None, ge=0.0, le=1.0)
    fail_on: tuple[str, ...] | None = None
    categories: tuple[Category, ...] = ()

    @field_validator("fail_on")
    @classmethod
    def _fail_on(cls, values: tuple[str, ...] | None) -> tuple[str, ...] | None:
        """Flag ids, with a severity word expanded to the flags of that severity."""
        if values is None:
            return None
        try:
            words = check_fail_on(values)
        except ConfigError as e:
            raise ValueError(str(e).removeprefix("fail_on: ")) from e
        flags: list[str] = []
        for word in words:
            if word in SEVERITIES:
                flags += [f for f, info in FLAGS.items() if info.severity == word]
            else:
                flags.append(word)
        return tuple(dict.fromkeys(flags))


class AllowConfig(_Strict):
    """One rule of the ``allow:`` list: places (globs) and/or values (keyed hashes) that a
    team has reviewed; their findings stay in the reports as ``allowed`` (see
    :mod:`derbes.scanner.allowlist`)."""

    #: Why these are allowed; shown next to every finding the rule allows.
    reason: str = Field(min_length=1)
    #: Globs on a table or file (``public.audit_*``), a field (``*.barcode``: every field
    #: called barcode) or ``container.field``.
    where: tuple[str, ...] = ()
    #: Only findings of these entities (``CREDIT_CARD``); all when empty.
    entities: tuple[str, ...] = ()
    #: Only in these sources (their names in this file); all when empty.
    sources: tuple[str, ...] = ()
    #: Values by their keyed hash, the ``value_hash`` of ``hits.parquet`` made with the same
    #: ``DERBES_HASH_KEY``; never the values themselves. A finding whose every hit is one of
    #: them is allowed, wherever it is.
    values: tuple[str, ...] = ()

    @field_validator("where", "entities", "sources", "values", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @field_validator("values", mode="before")
    @classmethod
    def _hashes(cls, values: Any) -> Any:
        for v in values if isinstance(values, list | tuple) else ():
            if not isinstance(v, str) or not re.fullmatch(r"[0-9a-f]{32}", v):
                # Not echoed: it may be the raw value pasted by mistake.
                raise ValueError("a value is given by its value_hash (32 hex digits from "
                                 "hits.parquet, in quotes), never as the value itself")
        return values

    @model_validator(mode="after")
    def _names_something(self) -> AllowConfig:
        places = self.where or self.entities or self.sources
        if not (places or self.values):
            raise ValueError("give where, entities or sources (places), or values: what is "
                             "allowed")
        if places and self.values:
            raise ValueError("a rule allows places (where, entities, sources) or values, "
                             "not both: write two rules")
        return self

    def rule(self):
        """The rule as :class:`derbes.scanner.allowlist.AllowRule`."""
        from derbes.scanner.allowlist import AllowRule

        return AllowRule(reason=self.reason, where=self.where, entities=self.entities,
                         sources=self.sources, values=frozenset(self.values))


class DaskConfig(_Strict):
    """A Dask cluster to run the scan on (``docs/scale.md``); ``--dask`` overrides it."""

    #: The scheduler's address, ``tcp://scheduler:8786`` (or ``tls://``).
    scheduler: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9+]*://\S+$")
    #: Where workers write large hit sets: a path every worker and this machine see, or an
    #: fsspec URL (``s3://bucket/derbes-parts``). By default the output folder.
    parts: str | None = None


class ScanConfig(_Strict):
    """A scan configuration, checked at load time."""

    version: Literal[1] = 1
    sources: tuple[SourceConfig, ...] = Field(min_length=1)
    policy: Path | None = None
    output: OutputConfig = OutputConfig()
    options: OptionsConfig = OptionsConfig()
    #: Reviewed places and values: their findings stay visible, marked ``allowed``.
    allow: tuple[AllowConfig, ...] = ()
    dask: DaskConfig | None = None

    def locations(self) -> dict[str, str]:
        """``{source name: country}`` for sources whose location is configured."""
        return {s.name: s.location for s in self.sources if s.location}

    def source(self, name: str) -> SourceConfig:
        """The source called ``name``; ``KeyError`` if there is none."""
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)


def _expand(value: str, loc: tuple, doc: YamlDoc, errors: list[str], secrets: set[str], *,
            url: bool) -> str:
    """``${NAME}`` replaced by the environment; a value inside a URL's user:password is
    percent-encoded so that characters like ``@`` or ``/`` in a password stay in it."""
    userinfo_end = -1
    if url and "://" in value:
        start = value.index("://") + 3
        authority_end = next((i for i in range(start, len(value)) if value[i] in "/?#"),
                             len(value))
        userinfo_end = value.rfind("@", start, authority_end)

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in os.environ:
            errors.append(doc.message(loc, f"environment variable {name} is not set"))
            return ""
        text = os.environ[name]
        if m.start() < userinfo_end:
            text = quote(text, safe="")
        secrets.add(text)
        return text

    return _ENV.sub(sub, value)


def _prepare(doc: YamlDoc, base: Path, errors: list[str], secrets: set[str]) -> Any:
    """Raw data with variables expanded and relative paths made absolute."""
    data = doc.data
    if not isinstance(data, dict):
        return data
    data = dict(data)

    def absolute(text: str) -> str:
        p = Path(text).expanduser()
        return str(p if p.is_absolute() else base / p)

    if isinstance(data.get("sources"), list):
        sources = []
        for i, raw in enumerate(data["sources"]):
            if isinstance(raw, dict):
                raw = dict(raw)
                if isinstance(raw.get("url"), str):
                    url = _expand(raw["url"], ("sources", i, "url"), doc, errors, secrets,
                                  url=True)
                    raw["url"] = _sqlite_absolute(url, base)
                if isinstance(raw.get("path"), str):
                    path = _expand(raw["path"], ("sources", i, "path"), doc, errors, secrets,
                                   url=False)
                    raw["path"] = absolute(path)
            sources.append(raw)
        data["sources"] = sources
    if isinstance(data.get("policy"), str):
        data["policy"] = absolute(data["policy"])
    if isinstance(data.get("output"), dict) and isinstance(data["output"].get("dir"), str):
        data["output"] = data["output"] | {"dir": absolute(data["output"]["dir"])}
    return data


def _sqlite_absolute(url: str, base: Path) -> str:
    # sqlite:///rel.db is relative to the working directory in SQLAlchemy; here it is
    # relative to the configuration file, like every other path in it.
    if not url.lower().startswith("sqlite:///") or url.lower().startswith("sqlite:////"):
        return url
    rest = url[len("sqlite:///"):]
    if not rest or rest.startswith(":memory:"):
        return url
    return f"sqlite:///{base / rest}"


def _load(path: str | Path) -> tuple[ScanConfig | None, list[str]]:
    doc = load_yaml(path, ConfigError)
    errors = list(doc.problems)
    if not isinstance(doc.data, dict):
        what = ("a scan configuration is a mapping of keys (sources, policy, output, options, "
                "allow)")
        return None, [*errors, doc.message((), what)]
    base = Path(path).resolve().parent
    secrets: set[str] = set()
    data = _prepare(doc, base, errors, secrets)
    try:
        config = ScanConfig.model_validate(data)
    except ValidationError as e:
        return None, _scrub(errors + pydantic_messages(doc, e, ScanConfig), secrets)
    seen: dict[str, int] = {}
    for i, source in enumerate(config.sources):
        if source.name in seen:
            first = doc.line(("sources", seen[source.name]))
            errors.append(doc.message(("sources", i, "name"),
                                      f"source name '{source.name}' is used twice (first at "
                                      f"line {first})"))
        seen.setdefault(source.name, i)
    for i, rule in enumerate(config.allow):
        for name in rule.sources:
            if name not in seen:
                errors.append(doc.message(("allow", i, "sources"),
                                          f"no source is called '{name}' (sources: "
                                          f"{', '.join(seen)})"))
    return (None if errors else config), _scrub(errors, secrets)


def _scrub(errors: list[str], secrets: set[str]) -> list[str]:
    # A second guard after masking: no value read from the environment is ever shown.
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        errors = [e.replace(secret, "***") for e in errors]
    return errors


def validate_config_file(path: str | Path) -> list[str]:
    """Every error in a scan configuration, each as ``FILE:LINE: where: what``."""
    try:
        return _load(path)[1]
    except ConfigError as e:
        return [str(e)]


def load_config(path: str | Path) -> ScanConfig:
    """Load and check ``derbes.yaml``; raises ``ConfigError`` listing every error with its line."""
    config, errors = _load(path)
    if config is None:
        err = ConfigError("\n".join(errors))
        err.errors = errors  # type: ignore[attr-defined]
        raise err
    return config
