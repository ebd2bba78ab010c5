"""XML element paths over a raw line agree with the parsed document (ElementTree)."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from hypothesis import example, given, settings
from hypothesis import strategies as st

from derbes.scanner.xmlpaths import REACH, XmlStack, value_spans

_NAME = st.sampled_from(["data", "iin", "Сотрудник", "ФИО", "lastName", "x-y", "n.1", "x",
                         "Свойство", "field", "Имя", "name", "Значение", "value"])
_TEXT = st.text(alphabet=st.sampled_from('ab <>&"\'ИИН 12@.'), max_size=10)


@st.composite
def _elements(draw, names=_NAME, depth: int = 0, deepest: int = 3, attributes: int = 3
              ) -> ET.Element:
    element = ET.Element(draw(names))
    for key in draw(st.lists(names, max_size=attributes, unique=True)):
        element.set(key, draw(_TEXT))
    element.text = draw(_TEXT)
    if depth < deepest:
        for _ in range(draw(st.integers(0, 3))):
            child = draw(_elements(names, depth + 1, deepest, attributes))
            child.tail = draw(_TEXT)
            element.append(child)
    return element


def _walk(element: ET.Element, path: list[str], in_named: bool = False
          ) -> list[tuple[str, str]]:
    """``(path, value)`` of each attribute and each stretch of text, in document order:
    the definition the reader is held to, from the parsed document. A property element
    (``Свойство``, ``field``) with a word for its ``Имя`` (else ``name``) stands as that word,
    the naming attribute no value; its ``Значение``/``value`` (child or attribute) is no
    segment of the path."""
    naming = None
    if element.tag in ("Свойство", "field"):
        naming = next((key for key in ("Имя", "name") if re.fullmatch(
            r"[^\W\d][\w-]{0,63}", element.attrib.get(key, ""))), None)
    if naming is not None:
        here = [*path, element.attrib[naming]]
    elif in_named and element.tag in ("Значение", "value"):
        here = path
    else:
        here = [*path, element.tag]
    out = []
    for key, value in element.attrib.items():
        if value and key != naming:
            wrapper = naming is not None and key in ("Значение", "value")
            out.append((".".join(here if wrapper else [*here, key]), value))
    if element.text and element.text.strip():
        out.append((".".join(here), element.text.strip()))
    for child in element:
        out += _walk(child, here, naming is not None)
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


def test_properties_named_by_an_attribute_stand_as_their_names() -> None:
    def read(line: str) -> list[tuple[str, str]]:
        return [(line[s:e], p) for s, e, p in value_spans(line)]

    # 1C's exchange: the property's name is its path's last name; its value's wrapper none.
    assert read('<Объект Нпп="7"><Свойство Имя="ИИН" Тип="Строка"><Значение>860904350504'
                "</Значение></Свойство></Объект>") == [
        ("7", "Объект.Нпп"), ("Строка", "Объект.ИИН.Тип"), ("860904350504", "Объект.ИИН")]
    # A SAML attribute: its FriendlyName (a word) before its Name (a URN, no name for a path).
    assert read('<AttributeStatement><saml:Attribute Name="urn:oid:0.9.2342.19200300.100.1.3" '
                'FriendlyName="mail"><saml:AttributeValue>a@mail.kz</saml:AttributeValue>'
                "</saml:Attribute></AttributeStatement>") == [
        ("urn:oid:0.9.2342.19200300.100.1.3", "AttributeStatement.mail.Name"),
        ("a@mail.kz", "AttributeStatement.mail")]
    # Spring's value attribute, Java's properties, mysqldump's fields.
    assert read('<bean id="ds"><property name="password" value="s3cret"/></bean>') == [
        ("ds", "bean.id"), ("s3cret", "bean.password")]
    assert read('<properties><entry key="phone">+77011234567</entry></properties>') == [
        ("+77011234567", "properties.phone")]
    assert read('\t\t<field name="email">a@mail.kz</field>') == [("a@mail.kz", "email")]
    # Not a property element, or a name that is no word: the attribute is a value.
    assert read('<user name="Айгерим Нурланова" email="a@mail.kz"/>') == [
        ("Айгерим Нурланова", "user.name"), ("a@mail.kz", "user.email")]
    assert read('<field name="Дата рождения">1987-10-08</field>') == [
        ("Дата рождения", "field.name"), ("1987-10-08", "field")]
    # A wrapper outside a named property is an element like any other.
    assert read("<data><value>42</value></data>") == [("42", "data.value")]


_WORD_NAME = st.sampled_from(["data", "iin", "Сотрудник", "ФИО", "lastName", "x-y", "Свойство",
                              "field", "Имя", "name", "Значение", "value"])


def _pretty() -> st.SearchStrategy[ET.Element]:
    """Documents of names without dots (a path's segments stay countable), deeper."""
    return _elements(_WORD_NAME, deepest=4, attributes=2)


@settings(max_examples=500, deadline=None)
@given(root=_pretty())
def test_a_pretty_printed_document_read_a_line_at_a_time(root: ET.Element) -> None:
    # The same values as the document on one line, in order; each named by the end of its
    # path there (two names at least, where it has two).
    whole = ET.tostring(root, encoding="unicode")
    one = [(path, html.unescape(whole[s:e])) for s, e, path in value_spans(whole)]
    ET.indent(root)
    stack = XmlStack()
    pretty = []
    for line in ET.tostring(root, encoding="unicode").split("\n"):
        pretty += [(path, html.unescape(line[s:e])) for s, e, path in value_spans(line, stack)]
    assert [value for _, value in pretty] == [value for _, value in one]
    for (path, _), (full, _) in zip(pretty, one, strict=True):
        assert full == path or full.endswith("." + path), (path, full)
        assert path.count(".") >= min(1, full.count(".")), (path, full)


def test_a_pretty_printed_1c_file_names_values_by_their_properties() -> None:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<ФайлОбмена ВерсияФормата="2.0">',
        '\t<Объект Нпп="1" Тип="СправочникСсылка.ФизическиеЛица">',
        '\t\t<Свойство Имя="ИИН" Тип="Строка">',
        "\t\t\t<Значение>860904350504</Значение>",
        "\t\t</Свойство>",
        "\t</Объект>",
    ]
    stack = XmlStack()
    got = [[(line[s:e], p) for s, e, p in value_spans(line, stack)] for line in lines]
    assert got == [[], [("2.0", "ФайлОбмена.ВерсияФормата")],
                   [("1", "ФайлОбмена.Объект.Нпп"),
                    ("СправочникСсылка.ФизическиеЛица", "ФайлОбмена.Объект.Тип")],
                   [("Строка", "Объект.ИИН.Тип")], [("860904350504", "Объект.ИИН")], [], []]
    assert stack.names == ["ФайлОбмена"]


def test_an_element_opened_farther_back_than_a_range_reads_names_nothing() -> None:
    # The root opened REACH lines before names no value: a byte range of the file starting
    # after it would not know it (it reads REACH lines before its first).
    stack = XmlStack()
    value_spans("<Выгрузка>", stack)
    line = '\t<Объект Нпп="1"><ИИН>860904350504</ИИН></Объект>'
    assert [p for _, _, p in value_spans(line, stack)] == ["Выгрузка.Объект.Нпп", "Объект.ИИН"]
    for _ in range(REACH - 3):  # the line below is the REACH-th after the root's: in reach
        value_spans("\t<Объект/>", stack)
    assert [p for _, _, p in value_spans(line, stack)] == ["Выгрузка.Объект.Нпп", "Объект.ИИН"]
    assert [p for _, _, p in value_spans(line, stack)] == ["Объект.Нпп", "Объект.ИИН"]
    # An HTML page's lines name nothing, read one at a time too.
    page = XmlStack()
    assert [value_spans(x, page) for x in ("<html>", "<body>", "<td>860904350504</td>")] == [
        [], [], []]


#: A tag as first written (each character tried lazily): the definition the possessive
#: form in ``xmlpaths._TAG`` is held to.
_LAZY_TAG = re.compile(r"<([^\s<>/!?][^\s<>/]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>")


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join), st.integers(0, 40))
@example('<a href=x/y title="a/>b">', 0)  # a slash inside, and one in quotes before >
@example("<a b / c/ >", 0)
@example("<br/><a x='1'/>", 5)
def test_the_tag_pattern_reads_as_its_lazy_definition(line: str, at: int) -> None:
    from derbes.scanner.xmlpaths import _TAG

    lazy, fast = _LAZY_TAG.match(line, at), _TAG.match(line, at)
    assert (lazy is None) == (fast is None)
    if lazy is not None:
        assert lazy.groups() == fast.groups() and lazy.span() == fast.span()
