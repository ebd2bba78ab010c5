"""XML values by element path, on one line: ``Envelope.Body.data.iin``, ``Сотрудник.ФИО``.

A log line may carry an XML message (a SOAP request to an e-government service, logged by
the integration that sent it), and an XML file may hold one element a line (a 1C exchange
file). :func:`value_spans` maps the text of each element and the value of each attribute on
one line to its path, as :func:`derbes.scanner.jsonpaths.value_spans` does for a JSON line:
the names of the elements open around it on that line, from the outermost, without their
namespace prefixes (``soapenv:Body`` is ``Body``), and an attribute's name after its
element's (``Сотрудник.ФИО``). A SOAP message's ``Envelope.Body.`` (or ``Envelope.Header.``),
which every message has, is left out: ``SendMessage.request.data.iin``. Namespace
declarations (``xmlns``), comments, processing instructions and declarations are not values;
the text of a CDATA section is.

HTML is no data format with field names: a line whose outermost element is one of HTML's
own (``<html>``, ``<tr>``, ``<td>``, ``<div>``...: a web page, a bank's statement saved as
``.xls``) gives no spans.

Only the line is read: elements opened on the lines above it are not in its paths (a value
of a pretty-printed document is named from the element it stands in, ``ИИН``). A line that
is no well-formed XML gives the spans read before the fault; text outside any element (the
log line's own time and words before the message) has none.
"""

from __future__ import annotations

import re

#: A start or empty-element tag's name and what follows it up to ``>``.
_TAG = re.compile(r"<([^\s<>/!?][^\s<>/]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>")
#: An attribute in a tag: its name, and its value in double or single quotes.
_ATTRIBUTE = re.compile(r"([^\s=<>\"'/]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
#: What is not an element's text: an end tag, a comment, a CDATA section, a processing
#: instruction or a declaration, each read whole.
_OTHER = re.compile(r"</([^\s<>]+)\s*>|<!--.*?-->|<!\[CDATA\[(.*?)\]\]>|<\?.*?\?>|<![^<>]*>",
                    re.DOTALL)


#: HTML's own elements (those no data format is likely to name its fields so).
_HTML = frozenset({
    "a", "b", "blockquote", "body", "br", "button", "caption", "center", "dd", "div", "dl",
    "dt", "em", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr",
    "html", "i", "iframe", "img", "input", "li", "link", "meta", "nav", "ol", "p", "pre",
    "script", "select", "small", "span", "strong", "style", "sub", "sup", "table", "tbody",
    "td", "textarea", "tfoot", "th", "thead", "tr", "u", "ul",
})


def value_spans(line: str) -> list[tuple[int, int, str]]:
    """``(start, end, path)`` of each element text and attribute value on ``line``, in line
    order; a text's span leaves out the spaces around it."""
    spans: list[tuple[int, int, str]] = []
    stack: list[str] = []
    text_from = 0  # where the text after the last markup starts
    at = line.find("<")
    while at >= 0:
        other = _OTHER.match(line, at)
        tag = _TAG.match(line, at) if other is None else None
        if other is None and tag is None:  # a "<" of the text ("a < b"): part of it
            at = line.find("<", at + 1)
            continue
        if stack:
            _text(line, text_from, at, stack, spans)
        if other is not None:
            end_name = other.group(1)
            if end_name is not None:
                name = _local(end_name)
                if name in stack:  # a stray end tag leaves the stack as it is
                    del stack[len(stack) - 1 - stack[::-1].index(name):]
            elif other.group(2) is not None and stack:  # CDATA: text of its element
                _text(line, other.start(2), other.end(2), stack, spans)
            text_from = other.end()
        else:
            name = _local(tag.group(1))
            if not stack and name.lower() in _HTML:
                return []  # HTML: no field names
            path = _path([*stack, name])
            for attribute in _ATTRIBUTE.finditer(tag.group(2)):
                key = attribute.group(1)
                if key == "xmlns" or key.startswith("xmlns:"):
                    continue
                group = 2 if attribute.group(2) is not None else 3
                start = tag.start(2) + attribute.start(group)
                end = tag.start(2) + attribute.end(group)
                if end > start:
                    spans.append((start, end, f"{path}.{_local(key)}"))
            if not tag.group(3):
                stack.append(name)
            text_from = tag.end()
        at = line.find("<", text_from)
    if stack:
        _text(line, text_from, len(line), stack, spans)
    return spans


def _text(line: str, start: int, end: int, stack: list[str], spans: list) -> None:
    """The element text ``line[start:end]``, spaces around it left out, if it holds any."""
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end, _path(stack)))


def _path(names: list[str]) -> str:
    """The elements' names joined by dots, a SOAP envelope's two left out."""
    if len(names) > 2 and names[0] == "Envelope" and names[1] in ("Body", "Header"):
        names = names[2:]
    return ".".join(names)


def _local(name: str) -> str:
    """A name without its namespace prefix (``soapenv:Body``: ``Body``)."""
    return name.rpartition(":")[2] or name
