"""End to end: hostile names from a scanned database render as text in report.html.

A SQLite table whose column is named ``<script>alert(1)</script>`` (and whose table name and
values carry more markup) is scanned to HTML and opened in headless Chromium: no alert
fires, no injected element exists, and the name is visible as text.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from derbes_e2e import IINS

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
COLUMN = "<script>alert(1)</script>"
TABLE = "<img src=x onerror=alert(2)>"


@pytest.fixture
def driver(tmp_path: Path):
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    if missing:
        if os.environ.get("DERBES_REQUIRE_SERVICES") == "1":
            pytest.fail(f"missing {missing} and DERBES_REQUIRE_SERVICES=1")
        pytest.skip(f"missing {missing}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--no-first-run"):
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path / 'chrome-profile'}")
    options.binary_location = CHROMIUM
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield d
    d.quit()


def test_hostile_column_name_renders_as_text(derbes_scan, tmp_path: Path, driver) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    db = tmp_path / "hostile.db"
    with sqlite3.connect(db) as conn:
        conn.execute(f'CREATE TABLE "{TABLE}" (id INTEGER PRIMARY KEY, "{COLUMN}" TEXT)')
        conn.executemany(f'INSERT INTO "{TABLE}" VALUES (?, ?)',
                         [(i, f"{IINS[i % 7]} <b onmouseover=alert(3)>x</b>")
                          for i in range(1, 31)])
    run = derbes_scan([f"sqlite:///{db}"], formats=["parquet", "json", "html"])
    assert [f["field"] for f in run.findings if f["hits"]] == [COLUMN]  # it was found
    driver.get((run.out / "report.html").as_uri())
    body = driver.find_element(By.TAG_NAME, "body")
    for _ in range(2):  # also after the page's own script has rendered the tables
        try:
            alert = driver.switch_to.alert
            text = alert.text
            alert.dismiss()
            pytest.fail(f"an alert fired: {text!r}")
        except NoAlertPresentException:
            pass
        assert COLUMN in body.text
        # The only scripts are the page's own: its code and its JSON data (where the name
        # sits escaped, inert under type="application/json").
        scripts = driver.execute_script(
            "return [...document.querySelectorAll('script')].map(s => [s.type, s.id])")
        assert sorted(map(tuple, scripts)) == [("", ""), ("application/json", "derbes-data")]
        assert driver.find_elements(By.CSS_SELECTOR, "img[src=x], b[onmouseover]") == []
        driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
