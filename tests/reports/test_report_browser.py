"""report.html in a real headless Chromium: no console errors, paging, sorting, filtering
over 10,000 rows, hostile names shown as text. Also takes the screenshot in the docs.

Skips when Chromium or chromedriver is missing, unless DERBES_REQUIRE_SERVICES=1.
The screenshot goes to docs/report-screenshot.png when DERBES_SCREENSHOT=1 or when that
file does not exist yet (so ordinary runs leave the tree untouched).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from pathlib import Path

import pytest
from reports_fixtures import PG, XSS, finding, make_result

from derbes.reports.html import write_html

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "report-screenshot.png"
ROWS = 10_000


def _need_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    if missing:
        if os.environ.get("DERBES_REQUIRE_SERVICES") == "1":
            pytest.fail(f"missing {missing} and DERBES_REQUIRE_SERVICES=1")
        pytest.skip(f"missing {missing}")


@pytest.fixture
def driver(tmp_path):
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"):
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path / 'chrome-profile'}")
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    d.set_window_size(1400, 1000)
    yield d
    d.quit()


def _severe(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _big_result():
    base = make_result()
    findings = tuple(
        finding(PG, "database", f"public.table_{i // 10:04d}", f"col_{i % 10}",
                "EMAIL_ADDRESS" if i % 3 else "KZ_IIN", "email" if i % 3 else "iin",
                hits=(i * 7919) % 10007, rows=10_000, with_hits=(i * 7919) % 10007)
        for i in range(ROWS))
    return dataclasses.replace(base, findings=findings, hits=(), sources=base.sources[:1])


def _rows(table) -> list[list[str]]:
    # One script call instead of a WebDriver round trip per cell.
    return table.parent.execute_script(
        "return Array.from(arguments[0].querySelectorAll('tbody tr'))"
        ".map(tr => Array.from(tr.cells).map(td => td.innerText));", table)


def _int(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


def test_ten_thousand_rows_page_sort_filter(driver, tmp_path):
    from selenium.webdriver.common.by import By

    t0 = time.perf_counter()
    path = write_html(_big_result(), tmp_path / "report.html", lang="en")
    generated = time.perf_counter() - t0
    t0 = time.perf_counter()
    driver.get(path.as_uri())
    root = driver.find_element(By.CSS_SELECTOR, ".inventory")
    table = root.find_element(By.CSS_SELECTOR, "table.data")
    loaded = time.perf_counter() - t0
    assert len(_rows(table)) == 50
    assert root.find_element(By.CSS_SELECTOR, ".range").text.startswith("1–50 of 10")
    assert generated < 10 and loaded < 10, (generated, loaded)

    # Paging.
    first = _rows(table)[0]
    t0 = time.perf_counter()
    root.find_element(By.CSS_SELECTOR, "button.next").click()
    assert root.find_element(By.CSS_SELECTOR, ".range").text.startswith("51–100")
    assert time.perf_counter() - t0 < 2
    assert _rows(table)[0] != first
    assert root.find_element(By.CSS_SELECTOR, "button.prev").is_enabled()

    # Sorting by hits, descending first for numbers, then ascending.
    header = table.find_element(By.CSS_SELECTOR, 'th[data-col="4"]')
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    hits = [_int(r[3]) for r in _rows(table)]
    assert hits == sorted(hits, reverse=True) and hits[0] == 10006
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    hits_up = [_int(r[3]) for r in _rows(table)]
    assert hits_up == sorted(hits_up) and hits_up[0] != hits[0]
    assert root.find_element(By.CSS_SELECTOR, ".range").text.startswith("1–50")

    # Filtering: one table of ten fields, then one field, then nothing.
    box = root.find_element(By.CSS_SELECTOR, "input.filter")
    box.send_keys("table_0042")
    assert len(_rows(table)) == 10
    assert {r[0] for r in _rows(table)} == {"public.table_0042"}
    box.send_keys(" col_7")
    assert [r[1] for r in _rows(table)] == ["col_7"]
    box.send_keys("zzz")
    assert _rows(table) == []
    assert root.find_element(By.CSS_SELECTOR, ".no-rows").is_displayed()
    assert _severe(driver) == []


def test_hostile_column_name_is_text_and_screenshot(driver, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    path = write_html(make_result(), tmp_path / "report.html", lang="ru")
    driver.get(path.as_uri())
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 (reading it is the check)
    cells = [td for td in driver.find_elements(By.CSS_SELECTOR, "table.data td")
             if td.text == XSS]
    assert len(cells) == 1 and cells[0].is_displayed()
    assert driver.execute_script("return document.querySelectorAll('script').length") == 2
    assert "Отчёт об инвентаризации" in driver.find_element(By.TAG_NAME, "h1").text
    assert _severe(driver) == []

    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(max(height + 40, 1000), 8000))
    shot = tmp_path / "report.png"
    assert driver.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    if os.environ.get("DERBES_SCREENSHOT") == "1" or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
