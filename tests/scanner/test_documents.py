"""Documents read for their text (``derbes.scanner.sources.documents``): a contract that
LibreOffice saved as PDF, DOCX, ODT and Word 97 (``tests/data/documents``), and PDFs pypdf
writes here (no text layer, encrypted)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.sources import documents, open_source

DOCS = Path(__file__).resolve().parent.parent / "data" / "documents"
IIN = "860904350504"


def _found(result, root: Path) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for f in result.findings:
        key = (f.container.removeprefix(f"{root}/"), f.entity)
        out[key] = out.get(key, 0) + f.hits
    return out


@pytest.mark.parametrize("name", ["contract.pdf", "contract.docx", "contract.odt",
                                  "contract.rtf", "contract.doc", "contract.html"])
def test_a_documents_text_holds_its_paragraphs_and_table_rows(name: str) -> None:
    with (DOCS / name).open("rb") as f:
        found, why = documents.text(f, documents.kind(name) or "")
    assert why is None and found is not None
    assert f"ИИН {IIN}" in found and "a.serikova@example.kz" in found
    assert found.count(IIN) == 3 and "+7 705 111 22 33" in found


def test_documents_in_a_folder_are_scanned_and_what_holds_no_text_is_said(
        tmp_path: Path) -> None:
    from pypdf import PdfWriter

    for name in ("contract.pdf", "contract.docx", "contract.odt", "contract.rtf",
                 "contract.doc"):
        shutil.copy(DOCS / name, tmp_path / name)
    scan_pdf = PdfWriter()  # a scanned page: no text layer
    scan_pdf.add_blank_page(595, 842)
    scan_pdf.write(tmp_path / "passport-scan.pdf")
    locked = PdfWriter(clone_from=DOCS / "contract.pdf")
    locked.encrypt(user_password="s3cret", algorithm="AES-128")
    locked.write(tmp_path / "locked.pdf")
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    found = _found(result, tmp_path)
    for name in ("contract.pdf", "contract.docx", "contract.odt", "contract.rtf",
                 "contract.doc"):
        assert found[(name, "KZ_IIN")] == 3, name
        assert found[(name, "PHONE_NUMBER")] == 3, name
        assert found[(name, "EMAIL_ADDRESS")] == 1, name
    assert dict(result.sources[0].skipped) == {
        str(tmp_path / "passport-scan.pdf"): documents.SCANNED_PDF,
        str(tmp_path / "locked.pdf"): documents.ENCRYPTED_PDF,
    }


def test_a_document_in_an_archive_is_read(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "hr.zip", "w") as z:
        z.write(DOCS / "contract.docx", "2026/contract.docx")
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    assert _found(result, tmp_path)[("hr.zip!/2026/contract.docx", "KZ_IIN")] == 3


@pytest.mark.parametrize("name", ["contract.docx", "contract.odt", "contract.rtf",
                                  "contract.doc", "contract.html"])
def test_a_tables_values_are_found_in_its_columns(tmp_path: Path, name: str) -> None:
    """The table under its header row (ФИО, ИИН, Телефон): each value is found in its column,
    as a spreadsheet's are; the paragraph's, in the document."""
    shutil.copy(DOCS / name, tmp_path / name)
    result = scan([open_source(str(tmp_path / name))], ScanOptions(jobs=1))
    got = {(f.field, f.entity): f.hits for f in result.findings}
    assert got[("ИИН", "KZ_IIN")] == 2 and got[(None, "KZ_IIN")] == 1
    assert got[("Телефон", "PHONE_NUMBER")] == 2 and got[(None, "PHONE_NUMBER")] == 1
    assert got[("ФИО", "PERSON")] == 2
    assert {f.match_type for f in result.findings if f.field == "ИИН"} == {"value+name"}


def test_an_html_page_and_a_statement_named_xls_read_as_their_text(tmp_path: Path) -> None:
    # A bank's statement as web applications export it: an HTML table named .xls, in
    # Windows-1251 as its charset says; a page with a script and a style, in UTF-8 with a
    # byte order mark. Their tables' values are found in their columns; what the script
    # holds is no text of the page.
    table = ("<html><head><meta http-equiv='Content-Type' content='text/html; "
             "charset=windows-1251'><style>td {color: red}</style></head><body>"
             "<h1>Выписка</h1><table><tr><th>ФИО</th><th>ИИН</th><th>Телефон</th></tr>"
             f"<tr><td>Петров&nbsp;Пётр</td><td>{IIN}</td><td>+7 705 111 22 33</td></tr>"
             "</table></body></html>")
    (tmp_path / "statement.xls").write_bytes(table.encode("cp1251"))
    page = ("<!DOCTYPE html><html><head><script>var admin = 'root@example.kz';</script>"
            "</head><body><p>Контакт: ops@example.kz &amp; support</p></body></html>")
    (tmp_path / "page.htm").write_bytes(b"\xef\xbb\xbf" + page.encode("utf-8"))
    with (tmp_path / "statement.xls").open("rb") as f:
        assert documents.text(f, "html") == (
            f"Выписка\nФИО\tИИН\tТелефон\nПетров Пётр\t{IIN}\t+7 705 111 22 33", None)
    # The charset a page names is the one read (KOI8-R: Windows-1251 would read it wrong).
    koi = table.replace("windows-1251", "koi8-r").encode("koi8-r")
    assert documents.text(io.BytesIO(koi), "html")[0].startswith("Выписка\nФИО\tИИН")
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    got = {(Path(f.container).name, f.field, f.entity): f.hits for f in result.findings}
    assert got == {("statement.xls", "ИИН", "KZ_IIN"): 1,
                   ("statement.xls", "Телефон", "PHONE_NUMBER"): 1,
                   ("statement.xls", "ФИО", "PERSON"): 1,
                   ("page.htm", None, "EMAIL_ADDRESS"): 1}
    # Sent in a ZIP, the statement is told by its first bytes there too.
    with zipfile.ZipFile(tmp_path / "bank.zip", "w") as z:
        z.write(tmp_path / "statement.xls", "2026-11/statement.xls")
    zipped = scan([open_source(str(tmp_path / "bank.zip"))], ScanOptions(jobs=1))
    assert {(Path(f.container).name, f.field, f.entity): f.hits
            for f in zipped.findings} == {k: n for k, n in got.items() if k[0] != "page.htm"}


@settings(max_examples=1000, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_read_as_an_html_page_without_an_error(data: bytes) -> None:
    # A page cut short, binary named .html: text of some sort, never an error (5,000
    # examples ran clean when the reader was written).
    found, why = documents.text(io.BytesIO(data), "html")
    assert isinstance(found, str) and why is None


def test_a_damaged_document_is_an_error_naming_it(tmp_path: Path) -> None:
    data = (DOCS / "contract.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[:200])
    (tmp_path / "not.docx").write_text("plain text named .docx\n")
    (tmp_path / "app.log").write_text("login by ops@example.kz\n")
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    (summary,) = result.sources
    assert summary.status == "partial"
    assert sorted(e.split(":", 1)[0] for e in summary.errors) == [
        str(tmp_path / "cut.pdf"), str(tmp_path / "not.docx")], summary.errors
    assert _found(result, tmp_path) == {("app.log", "EMAIL_ADDRESS"): 1}


def test_what_is_named_as_no_document_is_none() -> None:
    assert [documents.kind(n) for n in ("a.PDF", "b.docx", "c.odt", "d.doc", "e.rtf",
                                        "f.log")] == ["pdf", "docx", "odt", "doc", "rtf", None]
    with pytest.raises(ValueError, match="not a PDF"):
        documents.text(io.BytesIO(b"hello"), "pdf")


def test_rtf_in_a_windows_code_page_and_a_doc_that_is_rtf(tmp_path: Path) -> None:
    # Older editors write Cyrillic as \'hh bytes of \ansicpg1251; a \uN character is
    # followed by the fallback its older readers show (passed over here); some ".doc" files
    # are RTF, and are read as such.
    rtf = (rb"{\rtf1\ansi\ansicpg1251{\fonttbl{\f0 Arial;}}{\*\generator X;}\f0 "
           rb"\'c8\'c8\'cd 860904350504\par \u1058?\u1077?\u1083?. +7 701 123 45 67"
           rb"\cell x\row}")
    assert documents.rtf_text(rtf) == "ИИН 860904350504\nТел. +7 701 123 45 67\tx\n"
    (tmp_path / "old.doc").write_bytes(rtf)
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    assert _found(result, tmp_path) == {("old.doc", "KZ_IIN"): 1, ("old.doc", "PHONE_NUMBER"): 1}


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=400))
def test_any_rtf_reads_without_an_error(body: bytes) -> None:
    assert isinstance(documents.rtf_text(b"{\\rtf1" + body), str)


def test_a_word_97_document_reads_as_its_text() -> None:
    # LibreOffice's "MS Word 97" of the contract: its piece table's text, the table's cell
    # marks as tabs and its rows' as line ends.
    with (DOCS / "contract.doc").open("rb") as f:
        found, why = documents.text(f, "doc")
    assert why is None
    assert found is not None and "ФИО\tИИН\tТелефон\nИванов Иван\t860904350504\t" in found


def test_an_ole2_file_that_is_no_word_document_is_an_error(tmp_path: Path) -> None:
    workbook = Path(__file__).resolve().parent.parent / "data" / "workbooks" / "clients.xls"
    with pytest.raises(ValueError, match="no Word document"):
        documents.text(io.BytesIO(workbook.read_bytes()), "doc")


@settings(max_examples=300, deadline=None)
@given(at=st.integers(min_value=8, max_value=11_775), noise=st.binary(min_size=1, max_size=16),
       truncate=st.booleans())
def test_any_damage_to_a_word_document_is_a_value_error(at: int, noise: bytes,
                                                        truncate: bool) -> None:
    data = bytearray((DOCS / "contract.doc").read_bytes())
    if truncate:
        del data[at:]
    else:
        data[at:at + len(noise)] = noise
    try:
        found, _ = documents.text(io.BytesIO(bytes(data)), "doc")
    except ValueError:
        return
    assert found is None or isinstance(found, str)
