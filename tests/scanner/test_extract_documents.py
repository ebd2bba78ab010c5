"""Policy extraction reads text, HTML, DOCX and PDF alike, in Russian, Kazakh or both.

Every input is generated here from the short invented policies in ``extract_docs``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from extract_docs import EXPECTED, KK, RU, write_docx, write_html, write_pdf, write_text

from derbes.scanner.errors import DocumentError
from derbes.scanner.policy.extract import extract_file
from derbes.scanner.policy.extract.documents import read_lines

WRITERS = {"txt": write_text, "html": write_html, "docx": write_docx, "pdf": write_pdf}


def summary(path: Path, lang: str | None = None) -> dict:
    r = extract_file(path, lang=lang)
    retention = r.retention_value()
    logs = r.logs_retention[0].value if r.logs_retention else None
    return {
        "categories": set(r.categories()),
        "not_collected": set(r.not_collected()),
        "retention": retention.value if retention else None,
        "logs": logs,
        "transfers": {t.country for t in r.transfers},
        "bin": r.operator["bin"].value if "bin" in r.operator else None,
        "storage": {f.value for f in r.storage},
    }


@pytest.mark.parametrize("fmt", list(WRITERS))
@pytest.mark.parametrize(("lang", "text"), [("ru", RU), ("kk", KK)])
def test_every_format_and_language_gives_the_same_policy(tmp_path, fmt, lang, text):
    path = WRITERS[fmt](tmp_path / f"policy.{fmt}", text)
    got = summary(path)
    assert got == EXPECTED | {"bin": "250140000013", "storage": {"KZ"}}


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_side_by_side_bilingual_table(tmp_path, fmt):
    """Russian | Kazakh in two columns: each cell is read on its own, clause by clause."""
    path = WRITERS[fmt](tmp_path / f"policy.{fmt}", RU, side_by_side=KK)
    r = extract_file(path)
    assert set(r.categories()) == EXPECTED["categories"]
    assert set(r.languages) == {"ru", "kk"}
    # Both columns are cited: the Kazakh cell of row 2.2 negates card data too.
    langs = {e.lang for e in r.negated["payment_card"]}
    assert langs == {"ru", "kk"}
    assert {e.clause for e in r.negated["payment_card"]} == {"2.2"}


def test_bilingual_one_after_the_other(tmp_path):
    path = write_text(tmp_path / "policy.txt", RU + KK)
    r = extract_file(path, lang="kk")
    assert set(r.categories()) == EXPECTED["categories"]
    assert r.lang == "kk"
    assert r.operator["name"].value == "«Тест Дерек» ЖШС"
    assert all(p.evidence.lang == "kk" for p in r.purposes)
    assert extract_file(path, lang="ru").operator["name"].value == "ТОО «Тест Дерек»"


def test_html_skips_scripts_and_reads_ordered_lists_as_clauses(tmp_path):
    path = tmp_path / "p.html"
    path.write_text("<html><body><script>document.write('ИИН')</script><ol>"
                    "<li>Мы собираем номер телефона.</li>"
                    "<li>Компания не хранит данные кредитной карты.</li></ol></body></html>",
                    encoding="utf-8")
    r = extract_file(path)
    assert r.categories() == ["phone"]
    assert r.not_collected() == ["payment_card"]
    assert r.negated["payment_card"][0].clause == "2"


def test_text_with_html_cells_pasted_from_page_source(tmp_path):
    """Tab-separated columns holding HTML paragraphs, as text copied from a page's source."""
    path = tmp_path / "p.txt"
    path.write_text("<p>1.1. Мы собираем IP-адрес.</p>\t<p>1.1. Біз ЖСН жинамаймыз.</p>\n",
                    encoding="utf-8")
    lines = [x for x in read_lines(path) if x.strip()]
    assert lines == ["1.1. Мы собираем IP-адрес.", "1.1. Біз ЖСН жинамаймыз."]
    r = extract_file(path)
    assert r.categories() == ["ip_address"]
    assert r.not_collected() == ["iin"]


def test_windows_1251_text(tmp_path):
    path = tmp_path / "p.txt"
    path.write_bytes("1. Мы собираем адрес электронной почты.".encode("cp1251"))
    assert extract_file(path).categories() == ["email"]


def test_unreadable_documents_raise_document_error_naming_the_file(tmp_path):
    with pytest.raises(DocumentError, match=r"missing\.pdf: cannot read"):
        read_lines(tmp_path / "missing.pdf")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DocumentError, match=r"broken\.docx"):
        read_lines(broken)
    bad_pdf = tmp_path / "bad.pdf"
    bad_pdf.write_bytes(b"%PDF-1.4\n garbage")
    with pytest.raises(DocumentError, match=r"bad\.pdf"):
        read_lines(bad_pdf)


def test_pdf_without_text_layer_says_so(tmp_path):
    write_pdf(tmp_path / "probe.pdf", ["x"])  # skips when the font is missing
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(DocumentError, match="no text layer"):
        read_lines(tmp_path / "scan.pdf")


def test_docx_automatic_numbers_are_clause_numbers(tmp_path):
    """Word's list numbers are not in the text; they are rebuilt from the numbering."""
    import docx

    document = docx.Document()
    document.add_paragraph("Политика конфиденциальности")
    for text in ("Мы собираем номер телефона.", "Компания не хранит данные карт."):
        document.add_paragraph(text, style="List Number")
    document.save(str(tmp_path / "p.docx"))
    r = extract_file(tmp_path / "p.docx")
    assert r.declared["phone"][0].clause == "1"
    assert r.negated["payment_card"][0].clause == "2"


def test_paragraphs_before_any_number_are_cited_by_place(tmp_path):
    path = write_html(tmp_path / "p.html", ["Политика", "Мы собираем номер телефона.",
                                             "1. Мы собираем ИИН."])
    r = extract_file(path)
    assert r.declared["phone"][0].cite().startswith("¶2 «")
    assert r.declared["iin"][0].clause == "1"


POLICIES = Path(__file__).resolve().parent.parent / "data" / "policies"


@pytest.mark.parametrize("suffix", ["doc", "odt", "rtf"])
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_a_policy_saved_as_doc_odt_or_rtf_reads_as_its_docx(lang, suffix):
    # LibreOffice's Word 97, OpenDocument and RTF of the DOCX write_docx makes
    # (tests/data/policies/README.md): the same policy, found the same way.
    got = summary(POLICIES / f"policy_{lang}.{suffix}")
    assert got == EXPECTED | {"bin": "250140000013", "storage": {"KZ"}}


def _numbered(path: Path) -> list[tuple[str, str]]:
    """``(number, text)`` of each line of a policy read as its clauses are: the number a
    list item opens with ("" for none), and its first words."""
    out = []
    number = ""
    for line in (str(x).strip() for x in read_lines(path)):
        if not line or line == "\x0c":
            continue
        if re.fullmatch(r"\d+(?:\.\d+)*\.|•", line):  # RTF: the number drawn, on its own
            number = "" if line == "•" else line
            continue
        found = re.match(r"(\d+(?:\.\d+)*\.) (.*)", line)
        if found:
            number, line = found.groups()
        out.append((number, line[:12]))
        number = ""
    return out


@pytest.mark.parametrize("suffix", ["docx", "odt", "html"])
def test_list_numbers_are_the_ones_the_document_shows(suffix):
    # One policy with a list inside a list, a list that goes on after a paragraph, and
    # bullets, that LibreOffice read as HTML and saved as DOCX, ODT and RTF
    # (tests/data/policies/README.md). The RTF holds the numbers LibreOffice drew
    # (\listtext): the others' numbers, rebuilt from their list definitions, must be those.
    drawn = _numbered(POLICIES / "numbered.rtf")
    assert [n for n, _ in drawn] == ["", "1.", "2.", "1.", "2.", "3.", "", "4.", ""]
    assert _numbered(POLICIES / f"numbered.{suffix}") == drawn


def test_a_word_97_policy_reads_its_list_items_without_numbers():
    # Its automatic numbers are in binary list tables this reader does not read
    # (docs/policy.md): the items' text is all there, cited by place.
    drawn = _numbered(POLICIES / "numbered.rtf")
    assert _numbered(POLICIES / "numbered.doc") == [("", text) for _, text in drawn]


def test_word_list_levels_follow_their_definitions(tmp_path):
    """A DOCX level's w:lvlText and w:numFmt (legal numbering, letters, Roman numerals; a
    level of bullets has no number), with a start override: as Word draws them."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    levels = [("%1.", "upperRoman", ""), ("%1.%2.", "decimal", "<w:isLgl/>"),
              ("%1.%2.%3)", "lowerLetter", ""), ("•", "bullet", "")]
    numbering.append(parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">' + "".join(
            f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{form}"/>{legal}'
            f'<w:lvlText w:val="{text}"/></w:lvl>'
            for k, (text, form, legal) in enumerate(levels))
        + "</w:abstractNum>"))
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(
        f'<w:num {w} w:numId="91"><w:abstractNumId w:val="90"/><w:lvlOverride w:ilvl="0">'
        '<w:startOverride w:val="4"/></w:lvlOverride></w:num>'))
    for num, level, text in [(90, 0, "a"), (90, 1, "b"), (90, 2, "c"), (90, 2, "d"),
                             (90, 3, "e"), (90, 1, "f"), (90, 0, "g"), (91, 0, "h")]:
        p = document.add_paragraph(text)
        p._p.get_or_add_pPr().get_or_add_numPr().get_or_add_ilvl().val = level
        p._p.pPr.numPr.get_or_add_numId().val = num
    document.save(str(tmp_path / "levels.docx"))
    lines = [str(x) for x in read_lines(tmp_path / "levels.docx") if str(x).strip()]
    # Legal numbering (level 2) writes the Roman I as 1; level 3 keeps each level's format.
    assert lines == ["I. a", "1.1. b", "I.1.a) c", "I.1.b) d", "e", "1.2. f", "II. g", "IV. h"]


@pytest.mark.parametrize(("head", "what"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "not a readable Word document"),  # damaged
    (b"\x89PNG\r\n\x1a\n", "OCR")])
def test_formats_it_cannot_read_are_named(tmp_path, head, what):
    path = tmp_path / "policy.bin"
    path.write_bytes(head + b"\0" * 64)
    with pytest.raises(DocumentError, match=what):
        read_lines(path)
