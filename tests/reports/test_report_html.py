"""report.html: self-contained, escaped, translated, with the sections officers need."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from reports_fixtures import BROKEN, POLICY, make_result

from derbes.detectors.categories import CATEGORIES
from derbes.reports.html import build_context, json_for_script, render_html
from derbes.reports.i18n import LABELS
from derbes.scanner.errors import ConfigError
from derbes.scanner.model import LocationUnknown


def _data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="derbes-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def _inventory_rows(html: str) -> list[list[str]]:
    """The inventory's rows as the page holds them, cell texts without tags."""
    rows = []
    for table in re.findall(r'<table class="data">(.*?)</table>', html, re.S):
        body = table.split("<tbody>", 1)[1]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            rows.append([re.sub(r"<[^>]+>", " ", td).strip()
                         for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)])
    return rows


def test_self_contained_no_external_resources():
    html = render_html(make_result())
    assert not re.search(r"<link\b", html)
    assert not re.search(r"\bsrc\s*=", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "@import" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_hostile_names_are_escaped_everywhere():
    html = render_html(make_result())
    # The only <script> tags are our two.
    assert len(re.findall(r"<script\b", html)) == 2
    assert "alert(1)" in html  # it is there, as data
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in row[0] for row in _inventory_rows(html))


def test_json_for_script_cannot_close_the_element():
    text = str(json_for_script({"x": "</script><!-- & >"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"x": "</script><!-- & >"}


def test_server_side_sections_escape_hostile_text():
    r = make_result()
    summary = r.policy.policy
    evil = dataclasses.replace(summary, operator=dataclasses.replace(
        summary.operator, name="<b>Evil</b>"))
    hostile = dataclasses.replace(r.policy.violations[0], source="<img src=x onerror=alert(1)>",
                                  flag="LOCATION_UNKNOWN",
                                  facts=LocationUnknown("<script>alert(2)</script>"),
                                  article="<i>art</i>")
    policy = dataclasses.replace(r.policy, policy=evil, violations=(hostile,))
    html = render_html(dataclasses.replace(r, policy=policy), lang="en")
    assert "<b>Evil</b>" not in html and "&lt;b&gt;Evil&lt;/b&gt;" in html
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html and "&lt;script&gt;alert(2)" in html
    assert "<i>art</i>" not in html


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_every_language_renders_its_labels(lang):
    html = render_html(make_result(), lang=lang)
    assert f'<html lang="{lang}">' in html
    assert LABELS[lang]["title"] in html
    assert LABELS[lang]["matrix"] in html
    assert CATEGORIES["payment_card"].label(lang) in html
    other = {"ru": "en", "kk": "ru", "en": "ru"}[lang]
    assert LABELS[other]["matrix"] not in html


def test_languages_have_the_same_labels():
    keys = [set(v) for v in LABELS.values()]
    assert keys[0] == keys[1] == keys[2]
    for lang, labels in LABELS.items():
        assert all(text.strip() for text in labels.values()), lang


def test_unknown_language_is_a_config_error():
    with pytest.raises(ConfigError, match="de"):
        render_html(make_result(), lang="de")


def test_context_cards_matrix_locations_and_violations():
    ctx = build_context(make_result(), lang="en")
    assert ctx["operator"] == "ТОО «Пример Маркет» · BIN 180340021236"
    assert ctx["policy"] == str(POLICY)
    cards = ctx["cards"]
    assert (cards["sources"], cards["sources_failed"], cards["containers"]) == ("4", "1", "5")
    # The name-only full_name column is a schema hint, not a field with personal data.
    assert (cards["pd_fields"], cards["hints"]) == ("7", "1")
    # Counted and ordered by severity: errors first, whatever their number.
    assert (cards["errors"], cards["warnings"]) == ("3", "2")
    assert [(f["flag"], f["count"]) for f in cards["by_flag"]] == [
        ("UNDECLARED_CATEGORY", "2"), ("STORAGE_OUTSIDE_KZ", "1"), ("RETENTION_EXCEEDED", "2")]

    m = ctx["matrix"]
    state = {(cell["source"], row["id"]): cell["state"]
             for row in m["rows"] for cell in row["cells"]}
    pg = make_result().sources[0].name
    assert state[(pg, "iin")] == "declared"
    assert state[(pg, "payment_card")] == "undeclared"
    # A source without a declared category is just "not found"...
    assert state[(pg, "address")] == "not_found"
    assert state[(pg, "ip_address")] == "not_found"
    assert state[(BROKEN, "iin")] == "not_scanned"
    assert state[(pg, "full_name")] == "hint"
    assert {r["id"] for r in m["rows"] if r["declared"]} == {
        "iin", "date_of_birth", "email", "phone", "full_name", "address"}

    abroad = [s for s in ctx["sources"] if s["outside"]]
    assert [s["country"] for s in abroad] == ["Germany"]
    assert "eu-central-1" in abroad[0]["evidence"]

    first = ctx["violations"][0]
    assert first["failing"] and first["severity"] == "error"
    assert [v["severity"] for v in ctx["violations"]] == ["error"] * 3 + ["warning"] * 2
    assert {v["article"] for v in ctx["violations"]} == {
        "Law 94-V, Art. 7; Art. 12(1)", "Law 94-V, Art. 12(2); Art. 16", "Law 94-V, Art. 12"}
    assert all(v["next_step"] and v["owner"] for v in ctx["violations"])
    assert ctx["notices"] == []
    # ...and the declared-but-missing list names what was found nowhere.
    # full_name: only a column named so, no value seen.
    assert sorted(m["id"] for m in ctx["declared_missing"]) == [
        "address", "date_of_birth", "full_name"]
    assert ctx["failed"][0]["errors"] == ["connection refused (10.1.2.3:5432)"]


def test_without_policy_cells_are_just_found():
    r = dataclasses.replace(make_result(), policy=None)
    r = dataclasses.replace(r, findings=tuple(dataclasses.replace(f, declared=None, flags=())
                                              for f in r.findings))
    ctx = build_context(r, lang="ru")
    states = {c["state"] for row in ctx["matrix"]["rows"] for c in row["cells"]}
    assert "found" in states and "declared" not in states and "undeclared" not in states
    assert ctx["violations"] == [] and ctx["declared_missing"] == []
    assert ctx["policy"] is None and ctx["operator"] is None


def test_inventory_rows_embed_no_raw_values_but_masked_examples():
    html = render_html(make_result())
    rows = _inventory_rows(html)
    # Every finding with values is a row of the page itself; the name-only one is a hint.
    assert len(rows) == len(make_result().findings) - 1
    assert any("**********25" in row[5] for row in rows)
    assert "870412350125" not in html


def test_incomplete_banner_and_empty_scan():
    r = make_result()
    assert LABELS["ru"]["incomplete"] in render_html(r)
    empty = dataclasses.replace(r, findings=(), hits=(), sources=r.sources[:1], policy=None)
    html = render_html(empty, lang="en")
    assert LABELS["en"]["incomplete"] not in html
    assert LABELS["en"]["no_findings"] in html
    assert _inventory_rows(html) == []
