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

A property named by an attribute is named by it. Many formats keep their fields as
generic elements whose name is an attribute's value: a 1C exchange file's ``<Свойство
Имя="ИИН"><Значение>...</Значение></Свойство>``, ``mysqldump --xml``'s ``<field
name="email">``, a SAML assertion's ``<Attribute FriendlyName="mail"><AttributeValue>``,
Java's ``<entry key="phone">``, Spring's ``<property name="..." value="..."/>``. Such an
element (one of ``keyed.PROPERTY_ELEMENTS``, named by the first of
``keyed.NAMING_ATTRIBUTES`` it has, the name a word) stands in the path as its name
(``ФайлОбмена.Объект.ИИН``), its name attribute is no value, and its value's wrapper
(``Значение``, ``value``, ``AttributeValue``: element or attribute) is not in the path.
Elsewhere ``name`` is a value like any other (``<user name="Айгерим Нурланова">``).

A line is read alone, or (a pretty-printed document, an element a line) in the elements
the lines before it left open (:class:`XmlStack`): then its values are named by the
elements it opens after the innermost of those open above it (``Объект.ИИН``). A line that
is no well-formed XML gives the spans read before the fault; text outside any element (the
log line's own time and words before the message) has none.
"""

from __future__ import annotations

import re

from derbes.detectors.keyed import NAMING_ATTRIBUTES, PROPERTY_ELEMENTS

#: A start or empty-element tag's name and what follows it up to ``>``.
#: (Possessive: what is read is not read again, as the lazy form read each character.)
_TAG = re.compile(r"<([^\s<>/!?][^\s<>/]*+)((?:[^<>\"'/]++|\"[^\"]*+\"|'[^']*+'|/(?!>))*+)"
                  r"(/?)>")
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


#: Elements that hold one property each, named by an attribute (``derbes.detectors.keyed``).
_PROPERTIES = frozenset(PROPERTY_ELEMENTS)
#: The attributes that name such an element, the first present counting: a SAML
#: attribute's ``Name`` is a URN, its ``FriendlyName`` the word.
_NAMING = NAMING_ATTRIBUTES
#: What wraps a named property's value, as its child element or its attribute.
_WRAPPERS = frozenset({"значение", "value", "attributevalue"})
#: A name that can stand in a path: a word (letters, digits, ``_``, ``-``), not a URN.
_WORD = re.compile(r"[^\W\d][\w-]{0,63}")


#: The most elements a document read a line at a time keeps open (deeper ones are dropped
#: from the bottom: only the innermost name a line's values).
MAX_DEPTH = 64
#: How many lines back an element opened before a line may be to name that line's values:
#: as many as a byte range of the file reads before its first line (``--jobs``:
#: ``structure.MAX_BLOCK_LINES``), so that a range names them as a scan in one piece does.
REACH = 2000


class XmlStack:
    """The elements left open by the lines of an XML document read so far, which its next
    line goes on in (``value_spans(line, stack)``): a pretty-printed document, an element a
    line, as a 1C exchange file or a SOAP message logged with ``prettyLogging`` is written.

    A value on such a line is named by the elements the line opens, after as many of those
    open before it as make two names at least (``Объект.ИИН``, ``data.iin``), of those opened
    within :data:`REACH` lines: what a reader that starts within the document (a byte range
    of the file, ``--jobs``) knows too, so that where a file is cut changes no name.
    """

    __slots__ = ("html", "line", "named", "names", "opened", "segments")

    def __init__(self) -> None:
        self.names: list[str] = []  # the open elements' names, to close them
        self.segments: list[str | None] = []  # what each stands as in a path
        self.named: list[bool] = []  # whether each is a named property
        self.opened: list[int] = []  # the line each was opened on
        self.line = 0  # the lines read
        #: The document is an HTML page: its lines name no fields.
        self.html = False


def value_spans(line: str, stack: XmlStack | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, path)`` of each element text and attribute value on ``line``, in line
    order; a text's span leaves out the spaces around it.

    ``stack``: the elements the lines before left open (:class:`XmlStack`), updated to those
    this line leaves open; None: the line alone, each path whole from its outermost element.
    """
    spans: list[tuple[int, int, str]] = []
    if stack is None:
        stack = XmlStack()
    stack.line += 1
    # The open elements' names (to close them), and what each stands as in the path: its
    # name, a property's name, or nothing (a named property's value wrapper).
    names, segments, named = stack.names, stack.segments, stack.named
    carried = len(names)  # the elements opened on the lines before, still open
    # The first of them opened within REACH lines: those before it name nothing here.
    reach = 0
    while reach < carried and stack.line - stack.opened[reach] >= REACH:
        reach += 1
    html = stack.html  # whether the line is (in) an HTML page: then it names no fields
    text_from = 0  # where the text after the last markup starts
    at = line.find("<")
    size = len(line)
    while at >= 0:
        # An end tag, a comment, CDATA, a declaration start "</", "<!" or "<?"; a tag not.
        if at + 1 < size and line[at + 1] in "/!?":
            other, tag = _OTHER.match(line, at), None
        else:
            other, tag = None, _TAG.match(line, at)
        if other is None and tag is None:  # a "<" of the text ("a < b"): part of it
            at = line.find("<", at + 1)
            continue
        if names and not stack.html:
            _text(line, text_from, at, segments, reach, carried, spans)
        if other is not None:
            end_name = other.group(1)
            if end_name is not None:
                name = _local(end_name)
                if name in names:  # a stray end tag leaves the stack as it is
                    depth = len(names) - 1 - names[::-1].index(name)
                    del names[depth:], segments[depth:], named[depth:], stack.opened[depth:]
                    carried = min(carried, depth)
                    reach = min(reach, carried)
                    if not names:
                        stack.html = False  # the document ends: what follows is read afresh
            elif other.group(2) is not None and names and not stack.html:  # CDATA: its text
                _text(line, other.start(2), other.end(2), segments, reach, carried, spans)
            text_from = other.end()
        else:
            name = _local(tag.group(1))
            if not names and name.lower() in _HTML:
                stack.html = html = True
            if stack.html:
                if not tag.group(3):
                    _push(stack, name, name, False)
                text_from = tag.end()
                at = line.find("<", text_from)
                continue
            body = tag.group(2)
            attributes = [
                (_local(a.group(1)), a.start(2 if a.group(2) is not None else 3),
                 a.end(2 if a.group(2) is not None else 3))
                for a in _ATTRIBUTE.finditer(body)
                if a.group(1) != "xmlns" and not a.group(1).startswith("xmlns:")
            ] if "=" in body else []
            offset = tag.start(2)
            naming = _naming(name, attributes, body) if attributes else None
            if naming is not None:
                segment: str | None = body[naming[1]:naming[2]]
            elif named and named[-1] and name.casefold() in _WRAPPERS:
                segment = None
            else:
                segment = name
            path = None  # the element's, for its attributes: made when one has a value
            for key, start, end in attributes:
                if end > start and (key, start, end) != naming:
                    if path is None:
                        path = _path([*segments, segment], reach, carried)
                    wrapper = naming is not None and key.casefold() in _WRAPPERS
                    spans.append((offset + start, offset + end,
                                  path if wrapper else f"{path}.{key}"))
            if not tag.group(3):
                dropped = _push(stack, name, segment, naming is not None)
                carried = max(carried - dropped, 0)
                reach = max(reach - dropped, 0)
            text_from = tag.end()
        at = line.find("<", text_from)
    if names and not stack.html:
        _text(line, text_from, len(line), segments, reach, carried, spans)
    return [] if html else spans


def _push(stack: XmlStack, name: str, segment: str | None, named: bool) -> int:
    """Opens an element; returns how many of the outermost were dropped (past MAX_DEPTH)."""
    stack.names.append(name)
    stack.segments.append(segment)
    stack.named.append(named)
    stack.opened.append(stack.line)
    if len(stack.names) <= MAX_DEPTH:
        return 0
    del stack.names[0], stack.segments[0], stack.named[0], stack.opened[0]
    return 1


def _naming(name: str, attributes: list[tuple[str, int, int]], tag: str
            ) -> tuple[str, int, int] | None:
    """The attribute that names a property element ``name``, if it is one and is named."""
    if name.casefold() not in _PROPERTIES:
        return None
    by_key = {key.casefold(): (key, start, end) for key, start, end in reversed(attributes)}
    for key in _NAMING:
        attribute = by_key.get(key)
        if attribute is not None and _WORD.fullmatch(tag, attribute[1], attribute[2]):
            return attribute
    return None


def _text(line: str, start: int, end: int, segments: list[str | None], reach: int,
          carried: int, spans: list) -> None:
    """The element text ``line[start:end]``, spaces around it left out, if it holds any."""
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end, _path(segments, reach, carried)))


def _path(segments: list[str | None], reach: int, carried: int) -> str:
    """The elements' path segments joined by dots: on a line alone (``carried`` 0) all of
    them, a SOAP envelope's two left out; else those the line opened, after as many of the
    ``carried`` ones (opened on the lines before; from ``reach`` on, within REACH lines) as
    make two names at least."""
    if carried:
        local = [s for s in segments[carried:] if s is not None]
        if len(local) >= 2:
            return ".".join(local)
        before = [s for s in segments[reach:carried] if s is not None]
        return ".".join(before[max(len(before) - (2 - len(local)), 0):] + local)
    names = [s for s in segments if s is not None]
    if len(names) > 2 and names[0] == "Envelope" and names[1] in ("Body", "Header"):
        names = names[2:]
    return ".".join(names)


def _local(name: str) -> str:
    """A name without its namespace prefix (``soapenv:Body``: ``Body``)."""
    return name.rpartition(":")[2] or name
