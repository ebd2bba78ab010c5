"""XML element paths over a raw line agree with the parsed document (ElementTree)."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.scanner.xmlpaths import value_spans

_NAME = st.sampled_from(["data", "iin", "Сотрудник", "ФИО", "lastName", "x-y", "n.1", "x"])
_TEXT = st.text(alphabet=st.sampled_from('ab <>&"\'ИИН 12@.'), max_size=10)


@st.composite
def _elements(draw, depth: int = 0) -> ET.Element:
    element = ET.Element(draw(_NAME))
    for key in draw(st.lists(_NAME, max_size=3, unique=True)):
        element.set(key, draw(_TEXT))
    element.text = draw(_TEXT)
    if depth < 3:
        for _ in range(draw(st.integers(0, 3))):
            child = draw(_elements(depth + 1))
            child.tail = draw(_TEXT)
            element.append(child)
    return element


def _walk(element: ET.Element, path: list[str]) -> list[tuple[str, str]]:
    """``(path, value)`` of each attribute and each stretch of text, in document order:
    the definition the reader is held to, from the parsed document."""
    here = [*path, element.tag]
    out = [(".".join([*here, key]), value) for key, value in element.attrib.items() if value]
    if element.text and element.text.strip():
        out.append((".".join(here), element.text.strip()))
    for child in element:
        out += _walk(child, here)
        if child.tail and child.tail.strip():
            out.append((".".join(here), child.tail.strip()))
    return out


@settings(max_examples=500, deadline=None)
@given(root=_elements(), prefix=st.sampled_from(["", "2026-11-20 10:15:02 INFO body: "]))
def test_spans_give_the_documents_values_and_paths(root: ET.Element, prefix: str) -> None:
    # ElementTree writes the document on one line (escaping <, & and quotes as it must); the
    # values read from the raw line, unescaped, are those of the document it parses back to.
    line = prefix + ET.tostring(root, encoding="unicode")
    parsed = ET.fromstring(line[len(prefix):])
    got = [(path, html.unescape(line[s:e])) for s, e, path in value_spans(line)]
    # Attribute values as written (an empty one is none); texts without the spaces around.
    assert got == _walk(parsed, [])


def test_a_soap_message_in_a_log_line() -> None:
    line = ('2026-11-20 10:15:02,114 INFO [shep] request: <soapenv:Envelope '
            'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
            '<ns2:SendMessage xmlns:ns2="http://bip.bee.kz/SyncChannel/v10/Types"><request>'
            '<data><iin> 860904350504 </iin><phone>+77011234567</phone></data></request>'
            '</ns2:SendMessage></soapenv:Body></soapenv:Envelope>')
    assert [(line[s:e], p) for s, e, p in value_spans(line)] == [
        ("860904350504", "SendMessage.request.data.iin"),
        ("+77011234567", "SendMessage.request.data.phone")]


def test_attributes_comments_cdata_and_stray_markup() -> None:
    line = ('<Сотрудник Код="0001" ФИО=\'Иванов Иван\' xmlns:x="urn:x"><!-- <a>no</a> -->'
            '<x:Телефон><![CDATA[8 701 123 45 67]]></x:Телефон>a < b<br/>c</Сотрудник> tail')
    assert [(line[s:e], p) for s, e, p in value_spans(line)] == [
        ("0001", "Сотрудник.Код"), ("Иванов Иван", "Сотрудник.ФИО"),
        ("8 701 123 45 67", "Сотрудник.Телефон"), ("a < b", "Сотрудник"), ("c", "Сотрудник")]


def test_a_line_of_a_pretty_printed_document_and_no_xml() -> None:
    line = "      <ИИН>860904350504</ИИН>"
    assert [(line[s:e], p) for s, e, p in value_spans(line)] == [("860904350504", "ИИН")]
    assert value_spans("if a < b and c > d: x") == []
    # HTML: a web page or a statement saved as .xls names no fields.
    assert value_spans("<tr><td>Петров</td><td>p@example.kz</td></tr>") == []
    assert value_spans("<HTML><body><x>1</x></body></HTML>") == []
    assert value_spans("<unclosed attr=\"v") == []


_PIECES = st.sampled_from([*'<>/="\' !?-[]{}:,\\abИН1\t', "<![CDATA[", "]]>", "<!--", "-->",
                           "<?", "?>", "xmlns:a", "</a>", "<a>", "<ns:b c='d'>"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_line_reads_without_an_error_and_spans_lie_in_it(line: str) -> None:
    # What a log holds is anything: the reader never fails, and its spans lie in the line,
    # in order (20,000 examples ran clean when it was written).
    spans = value_spans(line)
    assert all(0 <= s < e <= len(line) for s, e, _ in spans)
    assert [s for s, _, _ in spans] == sorted(s for s, _, _ in spans)
