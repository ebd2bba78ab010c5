"""report.xlsx: the register read back with openpyxl matches findings.parquet."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from reports_fixtures import PG, all_raw_values, mapped_result

from derbes.reports import write_reports
from derbes.reports._workbook import MAX_CELL_TEXT, Workbook
from derbes.reports.i18n import LABELS
from derbes.reports.xlsx import SHEETS


def _sheet(wb, name: str, lang: str) -> list[dict]:
    rows = list(wb[SHEETS[name][lang]].iter_rows(values_only=True))
    head = rows[0]
    return [dict(zip(head, r, strict=True)) for r in rows[1:]]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_register_matches_findings_parquet(tmp_path, lang):
    result = mapped_result(tmp_path, findings_per_table=30)
    paths = write_reports(result, tmp_path / "out", formats="parquet,xlsx", lang=lang)
    xlsx = tmp_path / "out" / "report.xlsx"
    assert xlsx in paths and oct(os.stat(xlsx).st_mode & 0o777) == "0o600"
    wb = load_workbook(xlsx, read_only=True)
    assert wb.sheetnames == [SHEETS[k][lang] for k in
                             ("register", "violations", "inventory", "hints", "sources")]
    L = LABELS[lang]
    register = _sheet(wb, "register", lang)
    findings = pq.read_table(tmp_path / "out" / "findings.parquet").to_pylist()

    # Every place with values in findings.parquet is a register row, and nothing else is.
    expected = {(f["category"], f["source"], f["container"], f["field"]) for f in findings
                if f["match_type"] != "name"}
    placed = {(r[L["category_code"]], r[L["source"]], r[L["container"]], r[L["field"]])
              for r in register if r[L["source"]] is not None}
    assert placed == expected
    # Declared or not, as the policy check decided for each finding.
    declared = {f["category"]: f["declared"] for f in findings}
    status = {r[L["category_code"]]: r[L["declared_q"]] for r in register}
    for cat, is_declared in declared.items():
        if cat == "payment_card":
            assert status[cat] == L["reg_not_collected"]
        else:
            assert (status[cat] == L["reg_declared"]) is is_declared, cat
    # Flags per place, and the policy's words for purposes and retention.
    for f in findings:
        if f["match_type"] == "name":
            continue
        row = next(r for r in register if (r[L["category_code"]], r[L["source"]],
                   r[L["container"]], r[L["field"]]) == (f["category"], f["source"],
                                                       f["container"], f["field"]))
        assert set((row[L["flag_codes"]] or "").split()) == set(f["flags"])
        assert row[L["rows_read"]] == f["rows_scanned"]
    iin = next(r for r in register if r[L["category_code"]] == "iin")
    assert iin[L["purposes"]] == "исполнение договора"
    assert iin[L["retention"]] == ("5 лет" if lang == "ru" else "5 years")
    # A category declared and found nowhere still has its line; a sampled table its size.
    address = [r for r in register if r[L["category_code"]] == "address"]
    assert len(address) == 1 and address[0][L["country"]] == L["not_found_anywhere"]
    wide = next(r for r in register if r[L["container"]] == "public.wide")
    assert wide[L["table_size"]] == 2_000_000
    # The name-only column is a schema hint, not a register row.
    hints = _sheet(wb, "hints", lang)
    assert [(h[L["container"]], h[L["field"]]) for h in hints] == [
        ("public.customers", "full_name")]

    violations = _sheet(wb, "violations", lang)
    retention = [v for v in violations if v[L["flag_codes"]] == "RETENTION_EXCEEDED"
                 and v[L["container"]] == "public.orders_archive"]
    assert len(retention) == 1 and "created_at" in retention[0][L["details"]]
    assert "03.02.2016" in retention[0][L["details"]]
    assert all(v[L["next_step"]] and v[L["owner"]] for v in violations)
    severities = [v[L["severity"]] for v in violations]
    assert severities.index(L["sev_warning"]) > max(
        i for i, s in enumerate(severities) if s == L["sev_error"])
    assert any(s[L["source"]] == PG for s in _sheet(wb, "sources", lang))


def test_workbook_holds_no_raw_value(tmp_path):
    result = mapped_result(tmp_path)
    write_reports(result, tmp_path / "out", formats="xlsx")
    with zipfile.ZipFile(tmp_path / "out" / "report.xlsx") as z:
        text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert [v for v in all_raw_values() if v in text] == []


def test_cells_keep_their_formats(tmp_path):
    """Dates as dates, shares as percentages, every data cell wrapped at the top, header
    cells as headers: styles set once per kind of cell and copied (xlsx._rows)."""
    result = mapped_result(tmp_path, findings_per_table=3)
    write_reports(result, tmp_path / "out", formats="xlsx", lang="en")
    wb = load_workbook(tmp_path / "out" / "report.xlsx")  # not read-only: styles are read
    ws = wb[SHEETS["register"]["en"]]
    head = [c.value for c in ws[1]]
    L = LABELS["en"]
    share, oldest = head.index(L["share"]), head.index(L["oldest"])
    rows = list(ws.iter_rows(min_row=2))
    assert any(r[share].value is not None for r in rows)
    assert any(r[oldest].value is not None for r in rows)
    for r in rows:
        if r[share].value is not None:
            assert 0 <= r[share].value <= 1 and r[share].number_format == "0.0%"
        if r[oldest].value is not None:
            assert r[oldest].number_format == "DD.MM.YYYY"
        for c in r:
            assert c.alignment.wrap_text and c.alignment.vertical == "top"
            assert not c.font.b
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("0B3B60") for c in ws[1])


def test_sheets_are_frozen_filtered_and_sized(tmp_path):
    """The header row stays in view and filters its columns; columns have their widths; the
    document names derbes as its creator and the scan's end as its date."""
    result = mapped_result(tmp_path, findings_per_table=3)
    write_reports(result, tmp_path / "out", formats="xlsx", lang="en")
    wb = load_workbook(tmp_path / "out" / "report.xlsx")
    for key in SHEETS:
        ws = wb[SHEETS[key]["en"]]
        last = ws.cell(row=1, column=ws.max_column).column_letter
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{last}1", key
        assert ws.sheet_view.pane.state == "frozen", key
    register = wb[SHEETS["register"]["en"]]
    assert register.column_dimensions["A"].width == 28
    assert register.column_dimensions["R"].width == 24
    assert wb.properties.creator.startswith("derbes ")
    finished = dt.datetime.fromisoformat(result.finished_at).astimezone(dt.UTC)
    assert wb.properties.created == finished.replace(tzinfo=None, microsecond=0)


def test_workbook_cells_read_back(tmp_path):
    """The writer's cells as an independent reader (openpyxl) reads them: text without the
    characters XML forbids and cut to what a cell holds, markup as text, numbers, shares,
    dates, booleans and empty cells; a sheet's name with an apostrophe."""
    path = tmp_path / "w.xlsx"
    long = "x" * (MAX_CELL_TEXT + 10)
    with path.open("wb") as f, Workbook(f, "derbes test", "0B3B60") as wb:
        wb.sheet("It's mine", ["a", "b", "c", "d"], [10, 12, 14, 16], [
            ["<b>&amp;</b> \"q\"", 3, 0.25, dt.date(2024, 3, 19)],
            ["bell\x07 and \x00nul\ttab\nline", None, True, dt.datetime(2024, 3, 19, 12, 0)],
            [long, -7, float("nan")],  # a short row: padded
        ])
        wb.sheet("Second", ["only"], [5], [])
    book = load_workbook(path)
    assert book.sheetnames == ["It's mine", "Second"]
    ws = book["It's mine"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("a", "b", "c", "d")
    assert rows[1] == ("<b>&amp;</b> \"q\"", 3, 0.25, dt.datetime(2024, 3, 19))
    assert rows[2] == ("bell and nul\ttab\nline", None, True, dt.datetime(2024, 3, 19, 12))
    assert rows[3][0] == "x" * MAX_CELL_TEXT and rows[3][1:] == (-7, None, None)
    assert ws["C2"].number_format == "0.0%" and ws["D2"].number_format == "DD.MM.YYYY"
    assert ws["B2"].number_format == "General"
    assert all(c.alignment.wrap_text for row in ws.iter_rows(min_row=2) for c in row)
    assert [c.value for c in book["Second"][1]] == ["only"] and book["Second"].max_row == 1
    # Excel keeps each sheet's filter as a hidden name local to that sheet (by its index).
    with zipfile.ZipFile(path) as z:
        names = re.findall(r'<definedName name="_xlnm._FilterDatabase" localSheetId="(\d+)" '
                           r'hidden="1">([^<]*)</definedName>', z.read("xl/workbook.xml").decode())
    assert names == [("0", "'It''s mine'!$A$1:$D$1"), ("1", "'Second'!$A$1:$A$1")]
    assert ws.auto_filter.ref == "A1:D1" and book["Second"].auto_filter.ref == "A1:A1"


def test_a_sheet_longer_than_excel_holds_says_what_it_left_out(tmp_path, monkeypatch):
    """Excel opens no sheet of more than 1,048,576 rows whole: past that (here 6, the limit
    lowered), the last row says how many rows were left out, in the report's language."""
    from derbes.reports import _workbook

    monkeypatch.setattr(_workbook, "MAX_ROWS", 6)
    path = tmp_path / "w.xlsx"
    with path.open("wb") as f, Workbook(f, "derbes test") as wb:
        left_out = (wb.sheet("long", ["n"], [8], ([k] for k in range(9)), more="{} more".format),
                    wb.sheet("fits", ["n"], [8], ([k] for k in range(5))))
    assert left_out == (5, 0)
    book = load_workbook(path, read_only=True)
    assert [r[0] for r in book["long"].iter_rows(values_only=True)] == [
        "n", 0, 1, 2, 3, "5 more"]
    assert [r[0] for r in book["fits"].iter_rows(values_only=True)] == ["n", 0, 1, 2, 3, 4]

    result = mapped_result(tmp_path, findings_per_table=30)
    write_reports(result, tmp_path / "out", formats="xlsx", lang="en")
    inventory = load_workbook(tmp_path / "out" / "report.xlsx", read_only=True)[
        SHEETS["inventory"]["en"]]
    rows = [r[0] for r in inventory.iter_rows(values_only=True)]
    assert len(rows) == 6 and rows[-1].startswith(
        f"{sum(1 for f in result.findings if f.match_type != 'name') - 4:,} more rows")


def test_the_zip_carries_no_zip64_records(tmp_path):
    """Some Excel versions (Excel 2011 for Mac) refuse ZIP64 records: a workbook of usual
    size has none, in its local headers (a streamed entry of unknown size would) or in its
    directory."""
    import struct

    result = mapped_result(tmp_path, findings_per_table=30)
    write_reports(result, tmp_path / "out", formats="xlsx")
    data = (tmp_path / "out" / "report.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "out" / "report.xlsx") as z:
        infos = z.infolist()
    assert len(infos) == 12 and b"PK\x06\x06" not in data  # no ZIP64 end of directory
    for info in infos:
        at = info.header_offset
        assert data[at:at + 4] == b"PK\x03\x04", info.filename
        name_length, extra_length = struct.unpack("<HH", data[at + 26:at + 30])
        extra = data[at + 30 + name_length:at + 30 + name_length + extra_length]
        ids = []
        while len(extra) >= 4:
            kind, size = struct.unpack("<HH", extra[:4])
            ids.append(kind)
            extra = extra[4 + size:]
        assert 0x0001 not in ids, info.filename  # the ZIP64 extended information field
