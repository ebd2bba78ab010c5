"""No report carries a raw value unless asked; every file is private and written atomically."""

from __future__ import annotations

import json
import os
import stat

import pyarrow.parquet as pq
import pytest
from reports_fixtures import all_raw_values, make_result

from derbes.reports import FORMATS, parse_formats, write_reports
from derbes.reports._io import write_text
from derbes.scanner.errors import ConfigError


def _parquet_strings(path) -> str:
    """Every cell and metadata value of a Parquet file as text (the file itself is compressed,
    so a byte search alone could miss a value)."""
    table = pq.read_table(path)
    meta = pq.read_schema(path).metadata or {}
    return json.dumps(table.to_pylist(), ensure_ascii=False, default=str) + repr(meta)


def _contents(path) -> str:
    text = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".parquet":
        text += _parquet_strings(path)
    if path.suffix == ".xlsx":  # a zip of XML parts
        import zipfile

        with zipfile.ZipFile(path) as z:
            text += "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return text


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_no_raw_value_in_any_output(tmp_path, lang):
    written = write_reports(make_result(), tmp_path, formats=tuple(FORMATS), lang=lang,
                            hits=True)
    assert {p.name for p in written} == {*FORMATS.values(), "hits.parquet", "summary.json"}
    for path in written:
        text = _contents(path)
        for value in all_raw_values():
            assert value not in text, f"{value!r} leaked into {path.name}"
        # Neither the HMAC key nor the database password from the options.
        assert "super-secret-key" not in text, path.name
        assert "hunter2" not in text, path.name


def test_raw_values_even_present_in_hits_are_dropped_without_show_values(tmp_path):
    # The engine kept values (the user asked at scan time) but the report run did not.
    written = write_reports(make_result(with_values=True), tmp_path, formats=tuple(FORMATS),
                            hits=True)
    for path in written:
        text = _contents(path)
        for value in all_raw_values():
            assert value not in text, f"{value!r} leaked into {path.name}"


def test_show_values_puts_values_in_hits_outputs(tmp_path):
    write_reports(make_result(with_values=True), tmp_path, hits=True, show_values=True,
                  formats="parquet,json,html")
    hits = pq.read_table(tmp_path / "hits.parquet").column("value").to_pylist()
    report = json.loads((tmp_path / "report.json").read_text())
    html = (tmp_path / "report.html").read_text()
    for value in ("870412350125", "aigerim.nurlanova@mail.kz", "4400430180300003"):
        assert value in hits
        assert value in {h["value"] for h in report["hits"]}
        assert value in html
    # The findings inventory never holds raw values, asked or not.
    assert "870412350125" not in _parquet_strings(tmp_path / "findings.parquet")


def test_every_report_file_is_mode_0600(tmp_path):
    out = tmp_path / "out"
    for path in write_reports(make_result(), out, formats=FORMATS, hits=True):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert stat.S_IMODE(out.stat().st_mode) == 0o700


def test_mode_0600_even_with_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        path = write_text(tmp_path / "x.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_failed_write_keeps_the_previous_file_and_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("previous")
    import derbes.reports.html as html

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(html, "render_html", boom)
    with pytest.raises(RuntimeError):
        html.write_html(make_result(), target)
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]

    # An error in the middle of writing (pyarrow raising) leaves no temp file either.
    from derbes.reports import parquet

    monkeypatch.setattr(parquet.pq, "write_table", boom)
    with pytest.raises(RuntimeError):
        parquet.write_findings(make_result(), tmp_path / "findings.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_unknown_format_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="pdf"):
        write_reports(make_result(), tmp_path, formats="html,pdf")
    assert parse_formats(" HTML, sarif,html") == ("html", "sarif")
