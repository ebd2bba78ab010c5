"""report.xlsx: the register read back with openpyxl matches findings.parquet."""

from __future__ import annotations

import os

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from reports_fixtures import PG, all_raw_values, mapped_result

from derbes.reports import write_reports
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
    import zipfile

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
