"""YAML with line numbers, shared by the policy and the scan configuration.

:func:`load_yaml` parses with YAML 1.2 booleans (``NO`` stays Norway) and records the line of
every key and item, so that errors (:func:`pydantic_messages` turns a pydantic error into
lines) name the file, the line and what is wrong.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ValidationError

from derbes.scanner.errors import DerbesError


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: ``NO`` stays Norway, ``on``/``yes`` stay strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

Loc = tuple[str | int, ...]


@dataclass
class YamlDoc:
    """A parsed YAML file with the line of every mapping key and sequence item."""

    path: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    #: The source text of every scalar, for values YAML would mangle (a BIN with a leading 0).
    raw: dict[Loc, str] = field(default_factory=dict)
    #: Errors found while parsing (duplicate keys), already formatted with their line.
    problems: list[str] = field(default_factory=list)

    def line(self, loc: Loc) -> int:
        """The line of ``loc``, or of its nearest enclosing key when it is absent."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)

    def message(self, loc: Loc, text: str, line: int | None = None) -> str:
        """``FILE:LINE: dotted.loc: text``."""
        where = dotted(loc)
        return f"{self.path}:{line or self.line(loc)}: {where + ': ' if where else ''}{text}"


def dotted(loc: Loc) -> str:
    """``("categories", 2, "retention")`` -> ``categories[2].retention``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load_yaml(path: str | Path, error: type[DerbesError]) -> YamlDoc:
    """Parse a YAML file keeping line numbers; raises ``error`` for unreadable or bad YAML."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise error(f"{shown}: cannot read: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise error(f"{shown}: not UTF-8 text (byte {e.start})") from e
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        what = e.problem or e.context or "malformed YAML"
        if e.context and e.context_mark and e.problem_mark and e.context_mark.line != mark.line:
            what += f" ({e.context} at line {e.context_mark.line + 1})"
        raise error(f"{shown}:{line}: malformed YAML: {what}") from e
    except yaml.YAMLError as e:
        raise error(f"{shown}: malformed YAML: {e}") from e
    finally:
        loader.dispose()
    doc = YamlDoc(shown, data)
    if node is not None:
        doc.lines[()] = node.start_mark.line + 1
        _walk(node, (), doc, set())
    return doc


def _walk(node: yaml.Node, loc: Loc, doc: YamlDoc, active: set[int]) -> None:
    if id(node) in active:  # an alias cycle
        return
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in seen:
                doc.problems.append(doc.message(
                    (*loc, key), f"duplicate key (first at line {seen[key]})", line))
                continue
            seen[key] = line
            doc.lines[(*loc, key)] = line
            _walk(value_node, (*loc, key), doc, active)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            doc.lines[(*loc, i)] = item.start_mark.line + 1
            _walk(item, (*loc, i), doc, active)
    elif isinstance(node, yaml.ScalarNode):
        doc.raw[loc] = node.value
    active.discard(id(node))


def pydantic_messages(doc: YamlDoc, exc: ValidationError, model: type[BaseModel]) -> list[str]:
    """Pydantic's errors as ``FILE:LINE: loc: what`` lines."""
    out = []
    for err in exc.errors(include_url=False):
        loc: Loc = tuple(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            allowed = _allowed_keys(model, loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
            text = f"unknown key ({hint})"
        elif kind == "missing":
            text = "required key is missing"
        elif kind in ("value_error", "assertion_error"):
            text = str(err["ctx"]["error"])
        elif kind in ("model_type", "dict_type", "model_attributes_type"):
            text = f"expected a mapping of keys, found {describe(err['input'])}"
        else:
            text = err["msg"]
        out.append(doc.message(loc, text))
    return out


def describe(value: Any) -> str:
    """What kind of value this is, in words, for messages."""
    if value is None:
        return "nothing"
    return {str: "text", int: "a number", float: "a number", bool: "true/false",
            list: "a list"}.get(type(value), type(value).__name__)


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the model at ``loc`` (a path of keys and indexes) accepts."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            return []
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    """The BaseModel inside ``X | None``, ``tuple[X, ...]``, ``list[X]``, ``dict[str, X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _inner_model(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, tuple, list, dict):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None
