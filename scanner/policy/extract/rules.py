"""The extraction rules: data files in ``rules/``, and the phrase matcher they are written for.

A *term* is a phrase of space-separated items, matched against the words of one sentence:

- ``слово``: the word as written, or (Russian) any word whose dictionary form it is
  (``имя`` finds «имени», ``год`` finds «лет»);
- ``стем*``: any word that starts with the stem (``телефон*``, ``мекенжай*``: Kazakh case
  endings follow the stem);
- ``a|b``: either;
- ``..``: up to three words in between (``дат* .. рождени*``: «дата и место рождения»).

Items are folded as the text is (:func:`derbes.scanner.policy.extract.text.fold`), so a rule
written with Kazakh letters also finds the word typed without them. Hyphens separate words
(``ip-адрес`` is ``ip адрес``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from derbes.detectors.categories import CATEGORIES

from .text import Token, fold

GAP = 3


@dataclass(frozen=True, slots=True)
class Item:
    """One word of a term: alternatives, each a folded word or stem."""

    alternatives: tuple[tuple[str, bool], ...]  # (folded text, is a stem)

    def matches(self, token: Token) -> bool:
        """Whether ``token`` is one of the alternatives."""
        for text, stem in self.alternatives:
            if (token.key.startswith(text) if stem else token.is_(text)):
                return True
        return False


@dataclass(frozen=True, slots=True)
class Term:
    """A phrase of a rule; ``None`` items are gaps."""

    text: str
    items: tuple[Item | None, ...]
    listed: bool = False  # counts only as an item of a list

    def match_at(self, tokens: list[Token], i: int) -> tuple[int, tuple[int, ...]] | None:
        """``(end, matched token indexes)`` when the term matches starting at ``tokens[i]``."""
        return _match(self.items, tokens, i, ())


def _match(items: tuple[Item | None, ...], tokens: list[Token], i: int,
           got: tuple[int, ...]) -> tuple[int, tuple[int, ...]] | None:
    if not items:
        return i, got
    head, rest = items[0], items[1:]
    if head is None:
        for skip in range(GAP + 1):
            found = _match(rest, tokens, i + skip, got)
            if found:
                return found
        return None
    if i < len(tokens) and head.matches(tokens[i]):
        return _match(rest, tokens, i + 1, (*got, i))
    return None


_SPLIT = re.compile(r"[\s\-‐–]+")


def compile_term(text: str, listed: bool = False) -> Term:
    """A term from its written form (see the module docstring)."""
    items: list[Item | None] = []
    for word in _SPLIT.split(text.strip()):
        if not word:
            continue
        if word == "..":
            items.append(None)
            continue
        alts = tuple((fold(a.rstrip("*")), a.endswith("*")) for a in word.split("|") if a)
        items.append(Item(alts))
    if not items or items[0] is None or items[-1] is None:
        raise ValueError(f"term '{text}': empty, or starts or ends with '..'")
    return Term(text, tuple(items), listed)


@dataclass(frozen=True, slots=True)
class Hit:
    """A term of a rule found in a sentence."""

    rule: str
    term: Term
    first: int  # token index
    end: int  # token index after the last
    covered: frozenset[int]  # the token indexes the term's words matched (not gaps)


class Matcher:
    """Finds the terms of several rules in a sentence's tokens; indexed by first word.

    ``exclusive``: a match wholly inside a longer one is dropped, and the ``""`` rule (the
    ignore list) wins over a match of the same words («адрес электронной почты» is an email,
    not also an address).
    """

    def __init__(self, rules: dict[str, list[Term]], exclusive: bool = False) -> None:
        self.exclusive = exclusive
        self._exact: dict[str, list[tuple[str, Term]]] = defaultdict(list)
        self._stems: dict[str, list[tuple[str, str, Term]]] = defaultdict(list)
        for rule, terms in rules.items():
            for term in terms:
                first = term.items[0]
                assert first is not None
                for text, stem in first.alternatives:
                    if stem:
                        self._stems[text[:1]].append((text, rule, term))
                    else:
                        self._exact[text].append((rule, term))

    def _candidates(self, token: Token) -> list[tuple[str, Term]]:
        out = list(self._exact.get(token.key, ()))
        for lemma in token.lemmas:
            if lemma != token.key:
                out.extend(self._exact.get(lemma, ()))
        out.extend((rule, term) for stem, rule, term in self._stems.get(token.key[:1], ())
                   if token.key.startswith(stem))
        return out

    def find(self, tokens: list[Token]) -> list[Hit]:
        """Every match (for an exclusive matcher, the longest ones)."""
        hits = []
        for i, token in enumerate(tokens):
            seen: set[tuple[str, str]] = set()
            for rule, term in self._candidates(token):
                if (rule, term.text) in seen:
                    continue
                seen.add((rule, term.text))
                found = term.match_at(tokens, i)
                if found:
                    end, got = found
                    hits.append(Hit(rule, term, i, end, frozenset(got)))
        unique: dict[tuple[str, frozenset[int]], Hit] = {}
        for h in hits:  # two terms of a rule on the same words are one match
            unique.setdefault((h.rule, h.covered), h)
        hits = list(unique.values())
        if not self.exclusive:
            return hits
        return [h for h in hits
                if not any(h.covered < o.covered for o in hits)
                and not (h.rule and any(not o.rule and o.covered == h.covered for o in hits))]


# --------------------------------------------------------------------------------------------
# The rule files


@dataclass(frozen=True)
class CategoryRule:
    """One file of ``rules/categories``: the terms of a category of personal data."""

    name: str  # the file's stem
    category: str | None  # derbes category id, or None when derbes has none yet
    terms: tuple[Term, ...]
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        """A name for comments: derbes' own label, else the file's."""
        if self.category:
            return CATEGORIES[self.category].label(lang)
        return self.labels.get(lang) or self.labels.get("en") or self.name


def _load(name: str) -> Any:
    return yaml.safe_load(resources.files(__package__).joinpath("rules", name).read_text(
        encoding="utf-8"))


def terms(values: list[str], listed: bool = False) -> tuple[Term, ...]:
    """Compiled terms from a rule file's list."""
    return tuple(compile_term(str(v), listed) for v in values or ())


@cache
def category_rules() -> dict[str, CategoryRule]:
    """Every category rule, by file name."""
    out = {}
    folder = resources.files(__package__).joinpath("rules", "categories")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        name = entry.name.removesuffix(".yaml")
        category = data.get("category")
        if category is not None and category not in CATEGORIES:
            raise ValueError(f"rules/categories/{entry.name}: unknown category '{category}'")
        out[name] = CategoryRule(
            name, category,
            terms(data.get("terms")) + terms(data.get("list_terms"), listed=True),
            dict(data.get("label") or {}))
    return out


@cache
def rule_file(name: str) -> dict[str, Any]:
    """A rule file of ``rules/`` other than the categories, as plain data."""
    return _load(f"{name}.yaml")


@cache
def country_terms() -> dict[str, tuple[Term, ...]]:
    """Country terms by ISO code (``EU`` too)."""
    return {code: terms(values) for code, values in rule_file("countries").items()}


@cache
def category_matcher() -> Matcher:
    """A matcher for every category rule and the ``ignore`` phrases (rule ``""``)."""
    rules: dict[str, list[Term]] = {name: list(r.terms) for name, r in category_rules().items()}
    rules[""] = list(terms(rule_file("ignore")["terms"]))
    return Matcher(rules, exclusive=True)


def phrase_matcher(groups: dict[str, list[str]]) -> Matcher:
    """A matcher for ad-hoc groups of terms (``{"cue": [...], ...}``)."""
    return Matcher({k: list(terms(v)) for k, v in groups.items()})
