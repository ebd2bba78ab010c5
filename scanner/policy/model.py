"""The operator's personal-data policy as a strict YAML file: the model, loading and checks.

A policy says what the operator's published privacy policy says, in a form a scan can be
checked against: which categories are collected, for what, for how long, where they are
stored and where they are sent. The format is documented in ``docs/policy.md``; a commented
template comes from :func:`policy_template`. Errors name the file, the line and what is wrong.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from derbes.detectors.categories import CATEGORIES, resolve_category
from derbes.detectors.kz_iin import kz_checksum_ok
from derbes.scanner.errors import PolicyError
from derbes.scanner.policy.location import normalize_country
from derbes.scanner.policy.yamldoc import YamlDoc, describe, load_yaml, pydantic_messages

WILDCARD = "*"
#: Retention values that name an event rather than a period; they cannot be checked by age.
OPEN_RETENTION = ("until_consent_withdrawn", "until_purpose_achieved")
ART_12_2 = "Art. 12(2) of Law 94-V requires personal databases on Kazakh territory"


@dataclass(frozen=True, slots=True)
class Duration:
    """An ISO 8601 period of whole days or longer (``P3Y``, ``P6M``, ``P2W``, ``P1Y6M``)."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def before(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` minus this period, in calendar terms (29 Feb minus P1Y is 28 Feb)."""
        months = moment.year * 12 + moment.month - 1 - (self.years * 12 + self.months)
        year, month = divmod(months, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        shifted = moment.replace(year=year, month=month + 1, day=day)
        return shifted - dt.timedelta(weeks=self.weeks, days=self.days)


_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


class RetentionRule(NamedTuple):
    """A retention period that applies, as the policy writes it and where."""

    duration: Duration
    #: The period as written (``P3Y``).
    period: str
    #: Where the policy says it (``categories[email].retention``, ``logs.retention``).
    declared_in: str


def parse_duration(text: str) -> Duration:
    """``"P3Y"`` -> ``Duration(years=3)``; ``ValueError`` with a hint when malformed."""
    value = text.strip().upper()
    m = _DURATION.fullmatch(value)
    if not m or value == "P":
        if "T" in value and value.startswith("P"):
            raise ValueError(f"'{text}': derbes checks retention in days or longer; use Y, M, W "
                             "or D (e.g. P30D)")
        raise ValueError(f"'{text}' is not an ISO 8601 duration; write e.g. P3Y, P6M, P30D, "
                         f"or one of {', '.join(OPEN_RETENTION)}")
    duration = Duration(*(int(g or 0) for g in m.groups()))
    if duration == Duration():
        raise ValueError(f"'{text}' is a zero duration")
    return duration


def _retention(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(
            f"{describe(value)} is not a duration; write it as ISO 8601 text, e.g. P3Y"
        )
    if value.strip().lower() in OPEN_RETENTION:
        return value.strip().lower()
    parse_duration(value)
    return value.strip().upper()


def _country(value: Any) -> str:
    return normalize_country(value)


def _category(value: Any, *, wildcard: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{describe(value)} is not a category name")
    if wildcard and value.strip() == WILDCARD:
        return WILDCARD
    found = resolve_category(value)
    if found is None:
        close = difflib.get_close_matches(value.strip().lower(), list(CATEGORIES), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ValueError(f"unknown category '{value}'; {hint}known: {', '.join(CATEGORIES)} "
                         "(or a Russian/Kazakh/English name such as 'ФИО')")
    return found


def _bin(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"{describe(value)} is not a BIN")
    number = value.replace(" ", "")
    if len(number) != 12 or not number.isdigit():
        raise ValueError(f"'{value}': a BIN is 12 digits")
    if not 1 <= int(number[2:4]) <= 12:
        raise ValueError(f"'{value}': digits 3-4 of a BIN are the month of registration (01-12)")
    if number[4] not in "456":
        raise ValueError(f"'{value}': the 5th digit of a BIN is 4 (resident legal entity), 5 "
                         "(non-resident) or 6 (joint entrepreneurship); an IIN is not a BIN")
    if number[5] not in "0123":
        raise ValueError(f"'{value}': the 6th digit of a BIN is 0-3 (head office, branch, "
                         "representative office, peasant farm)")
    if not kz_checksum_ok(number):
        raise ValueError(f"'{value}': the check digit of this BIN is wrong")
    return number


_NOT_FOREIGN = "KZ is not a cross-border transfer; list foreign countries only"

Country = Annotated[str, BeforeValidator(_country)]
Category = Annotated[str, BeforeValidator(_category)]
Retention = Annotated[str, BeforeValidator(_retention)]
Bin = Annotated[str, BeforeValidator(_bin)]


# --------------------------------------------------------------------------------------------
# The policy model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Operator(_Strict):
    """Who processes the data: the legal entity the published policy names."""

    name: str = Field(min_length=1)
    bin: Bin
    website: str | None = None
    address: str | None = None
    email: str | None = None

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^\s/]+\.[^\s]+$", value):
            raise ValueError(f"'{value}' is not a web address (https://...)")
        return value


class CategoryEntry(_Strict):
    """A declared category; ``category: "*"`` declares every category not named elsewhere."""

    category: str
    purposes: tuple[str, ...] = ()
    retention: Retention | None = None
    transfer_to: tuple[Country, ...] = ()
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value: Any) -> Any:
        # A bare string item is shorthand for {category: <it>}.
        return {"category": value} if isinstance(value, str) else value

    @field_validator("category", mode="before")
    @classmethod
    def _resolve(cls, value: Any) -> str:
        return _category(value, wildcard=True)

    @field_validator("transfer_to")
    @classmethod
    def _not_kz(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if "KZ" in value:
            raise ValueError(_NOT_FOREIGN)
        return value

    @property
    def checkable_retention(self) -> Duration | None:
        """The retention as a period, or ``None`` when absent or tied to an event."""
        if self.retention is None or self.retention in OPEN_RETENTION:
            return None
        return parse_duration(self.retention)


class Storage(_Strict):
    """Where the operator keeps its databases of personal data."""

    countries: tuple[Country, ...] = Field(min_length=1)

    @field_validator("countries")
    @classmethod
    def _kz(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if "KZ" not in value:
            raise ValueError(f"KZ must be listed ({ART_12_2})")
        return value


class Transfer(_Strict):
    """A cross-border transfer (Art. 16): to whom, of which categories (none = all declared)."""

    country: Country
    categories: tuple[Category, ...] = ()
    purpose: str | None = None
    recipient: str | None = None

    @field_validator("country")
    @classmethod
    def _foreign(cls, value: str) -> str:
        if value == "KZ":
            raise ValueError(_NOT_FOREIGN)
        return value


class Logs(_Strict):
    """How long log files keep personal data (IP addresses, identifiers in requests)."""

    retention: Retention

    @field_validator("retention")
    @classmethod
    def _period(cls, value: str) -> str:
        if value in OPEN_RETENTION:
            raise ValueError("logs need a period (e.g. P3Y), not an event")
        return value


class Policy(_Strict):
    """A personal-data policy, checked at load time. See ``docs/policy.md``."""

    version: Literal[1] = 1
    operator: Operator
    categories: tuple[CategoryEntry, ...] = Field(min_length=1)
    not_collected: tuple[Category, ...] = ()
    storage: Storage
    cross_border: tuple[Transfer, ...] = ()
    logs: Logs | None = None
    _path: str | None = PrivateAttr(default=None)

    @property
    def path(self) -> str | None:
        """The file the policy was loaded from, as given to :func:`load_policy`."""
        return self._path

    @property
    def wildcard(self) -> CategoryEntry | None:
        """The ``category: "*"`` entry, if the policy allows any other personal data."""
        return next((e for e in self.categories if e.category == WILDCARD), None)

    def entry(self, category: str) -> CategoryEntry | None:
        """The entry that declares ``category`` (its own, else the wildcard), or ``None``."""
        if category in self.not_collected:
            return None
        own = next((e for e in self.categories if e.category == category), None)
        return own or self.wildcard

    def declares(self, category: str) -> bool:
        """Whether the policy allows collecting ``category``."""
        return self.entry(category) is not None

    def transfer_countries(self, category: str) -> frozenset[str]:
        """Foreign countries the policy declares ``category`` may be sent to."""
        entry = self.entry(category)
        countries = set(entry.transfer_to) if entry else set()
        countries.update(t.country for t in self.cross_border
                         if not t.categories or category in t.categories)
        return frozenset(countries)

    def retention_for(self, category: str, source_kind: str) -> RetentionRule | None:
        """The period ``category`` may be kept in a source of ``source_kind``, and its origin.

        The category's own period wins; log sources fall back to ``logs.retention``.
        """
        entry = self.entry(category)
        if entry is not None and entry.checkable_retention is not None:
            where = "categories[*]" if entry.category == WILDCARD else f"categories[{category}]"
            return RetentionRule(entry.checkable_retention, entry.retention, f"{where}.retention")
        if source_kind == "log" and self.logs is not None:
            return RetentionRule(parse_duration(self.logs.retention), self.logs.retention,
                                 "logs.retention")
        return None

    def summary(self) -> dict:
        """The policy as plain data, for reports."""
        def labels(cid: str) -> dict[str, str] | None:
            c = CATEGORIES.get(cid)
            return {lang: c.label(lang) for lang in ("ru", "kk", "en")} if c else None

        return {
            "version": self.version,
            "path": self.path,
            "operator": self.operator.model_dump(exclude_none=True),
            "categories": [
                {"category": e.category, "labels": labels(e.category),
                 "purposes": list(e.purposes), "retention": e.retention,
                 "transfer_to": list(e.transfer_to)}
                for e in self.categories
            ],
            "all_other_allowed": self.wildcard is not None,
            "not_collected": [{"category": c, "labels": labels(c)} for c in self.not_collected],
            "storage_countries": list(self.storage.countries),
            "cross_border": [t.model_dump(exclude_none=True) | {"categories": list(t.categories)}
                             for t in self.cross_border],
            "logs_retention": self.logs.retention if self.logs else None,
        }


def _semantic(policy: Policy, doc: YamlDoc) -> list[str]:
    """Errors across entries, which field validators cannot see."""
    out = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(policy.categories):
        if entry.category in seen:
            first = doc.line(("categories", seen[entry.category]))
            what = "the wildcard '*'" if entry.category == WILDCARD else f"'{entry.category}'"
            out.append(doc.message(("categories", i, "category"),
                                   f"{what} is declared twice (first at line {first})"))
        else:
            seen[entry.category] = i
    for i, cid in enumerate(policy.not_collected):
        if cid in seen:
            first = doc.line(("categories", seen[cid]))
            out.append(doc.message(("not_collected", i), f"'{cid}' is declared at line {first} "
                                   "and listed as not collected; keep one"))
    for i, transfer in enumerate(policy.cross_border):
        for j, cid in enumerate(transfer.categories):
            if not policy.declares(cid):
                out.append(doc.message(("cross_border", i, "categories", j),
                                       f"'{cid}' is transferred but not declared in categories"))
    return out


def _prepare(doc: YamlDoc) -> Any:
    """The raw data with YAML's integer reading of a BIN undone (it drops leading zeros)."""
    data = doc.data
    if isinstance(data, dict) and isinstance(data.get("operator"), dict):
        number = data["operator"].get("bin")
        if isinstance(number, int) and not isinstance(number, bool):
            raw = doc.raw.get(("operator", "bin"))
            data = data | {"operator": data["operator"] | {"bin": raw or str(number)}}
    return data


def _load(path: str | Path) -> tuple[Policy | None, list[str]]:
    doc = load_yaml(path, PolicyError)
    errors = list(doc.problems)
    if not isinstance(doc.data, dict):
        what = "a policy is a mapping of keys (operator, categories, storage, ...)"
        return None, [*errors, doc.message((), what)]
    try:
        policy = Policy.model_validate(_prepare(doc))
    except ValidationError as e:
        return None, errors + pydantic_messages(doc, e, Policy)
    errors += _semantic(policy, doc)
    policy._path = doc.path
    return (None if errors else policy), errors


def validate_policy_file(path: str | Path) -> list[str]:
    """Every error in a policy file, each as ``FILE:LINE: where: what``; empty when valid."""
    try:
        return _load(path)[1]
    except PolicyError as e:
        return [str(e)]


def load_policy(path: str | Path) -> Policy:
    """Load and check a policy file; raises ``PolicyError`` listing every error with its line."""
    policy, errors = _load(path)
    if policy is None:
        err = PolicyError("\n".join(errors))
        err.errors = errors  # type: ignore[attr-defined]
        raise err
    return policy
