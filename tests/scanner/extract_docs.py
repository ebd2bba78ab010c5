"""Short policy texts written for the extraction tests, and writers for HTML, DOCX and PDF.

The texts are invented (a made-up operator with a BIN whose check digit is valid); they are
not taken from any published policy. PDFs embed DejaVu Sans (Debian's fonts-dejavu-core),
which has the Kazakh letters.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest

# A made-up BIN with a valid check digit (the policy template's, scanner/policy/template.py).
BIN = "250140000013"

RU = [
    "ПОЛИТИКА ОБРАБОТКИ ПЕРСОНАЛЬНЫХ ДАННЫХ",
    "1. Общие положения",
    f"1.1. Оператор: ТОО «Тест Дерек», БИН {BIN}, юридический адрес: Республика "
    "Казахстан, г. Астана, ул. Тестовая, 1. Сайт https://test.example.kz, "
    "почта privacy@test.example.kz.",
    "2. Состав персональных данных",
    "2.1. Мы собираем: фамилию, имя, отчество; номер телефона; адрес электронной почты; "
    "ИИН; дату рождения; IP-адрес; файлы cookie.",
    "2.2. Компания не хранит данные банковских карт.",
    "3. Хранение",
    "3.1. Персональные данные хранятся на серверах на территории Республики Казахстан в "
    "течение 5 лет.",
    "3.2. Журналы сервера хранятся 6 месяцев.",
    "4. Трансграничная передача",
    "4.1. Адреса электронной почты передаются в США и Германию для рассылки.",
    "5. Цели обработки персональных данных",
    "5.1. Оказание образовательных услуг;",
    "5.2. Информирование об акциях и новых курсах.",
]

KK = [
    "ДЕРБЕС ДЕРЕКТЕРДІ ӨҢДЕУ САЯСАТЫ",
    "1. Жалпы ережелер",
    f"1.1. Оператор: «Тест Дерек» ЖШС, БСН {BIN}, заңды мекенжайы: Қазақстан "
    "Республикасы, Астана қ., Тест к-сі, 1. Сайт https://test.example.kz, пошта "
    "privacy@test.example.kz.",
    "2. Дербес деректер құрамы",
    "2.1. Біз мына деректерді жинаймыз: тегі, аты, әкесінің аты; ұялы телефон нөмірі; "
    "электрондық пошта мекенжайы; ЖСН; туған күні; IP-мекенжайы; cookie файлдары.",
    "2.2. Компания банк картасының деректерін сақтамайды.",
    "3. Сақтау",
    "3.1. Дербес деректер Қазақстан Республикасының аумағындағы серверлерде бес жыл бойы "
    "сақталады.",
    "3.2. Сервер журналдары 6 ай сақталады.",
    "4. Трансшекаралық беру",
    "4.1. Электрондық пошта мекенжайлары АҚШ-қа және Германияға жіберіледі.",
    "5. Дербес деректерді өңдеу мақсаттары",
    "5.1. Білім беру қызметтерін көрсету;",
    "5.2. Акциялар мен жаңа курстар туралы хабарлау.",
]

#: What both texts declare, as the draft must propose it.
EXPECTED = {
    "categories": {"full_name", "phone", "email", "iin", "date_of_birth", "ip_address",
                   "device_id"},
    "not_collected": {"payment_card"},
    "retention": "P5Y",
    "logs": "P6M",
    "transfers": {"US", "DE"},
}

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def write_text(path: Path, paragraphs: list[str]) -> Path:
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def write_html(path: Path, paragraphs: list[str], side_by_side: list[str] | None = None
               ) -> Path:
    """A page with one <p> per paragraph, or a two-column table (ru | kk) row by row."""
    if side_by_side is None:
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    else:
        rows = "\n".join(f"<tr><td><p>{html.escape(a)}</p></td><td><p>{html.escape(b)}</p>"
                         "</td></tr>" for a, b in zip(paragraphs, side_by_side, strict=True))
        body = f"<table>{rows}</table>"
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Policy</title>"
                    f"<style>p {{margin: 0}}</style></head><body>{body}"
                    "<script>var x = 'ИИН';</script></body></html>", encoding="utf-8")
    return path


def write_docx(path: Path, paragraphs: list[str], side_by_side: list[str] | None = None
               ) -> Path:
    """A DOCX with one paragraph each, or a two-column table (ru | kk)."""
    import docx

    document = docx.Document()
    if side_by_side is None:
        for p in paragraphs:
            document.add_paragraph(p)
    else:
        table = document.add_table(rows=len(paragraphs), cols=2)
        for row, (a, b) in zip(table.rows, zip(paragraphs, side_by_side, strict=True),
                               strict=True):
            row.cells[0].text = a
            row.cells[1].text = b
    document.save(str(path))
    return path


def write_pdf(path: Path, paragraphs: list[str]) -> Path:
    """A PDF whose text layer holds the paragraphs, in DejaVu Sans."""
    if not DEJAVU.exists():
        if os.environ.get("DERBES_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{DEJAVU} is missing (Debian package fonts-dejavu-core)")
        pytest.skip(f"{DEJAVU} is missing (Debian package fonts-dejavu-core)")
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(DEJAVU))
    pdf.set_font("DejaVu", size=10)
    for p in paragraphs:
        pdf.multi_cell(0, 5, p, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(path))
    return path
