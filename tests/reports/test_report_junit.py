"""JUnit XML: a suite per source, a case per finding, failures for fail_on flags."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from reports_fixtures import BROKEN, LOG, MY, PG, XSS, make_result

from derbes.reports.junit import write_junit


def _suites(path) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    return {s.get("name"): s for s in root.findall("testsuite")}


def test_structure_and_counts(tmp_path):
    r = make_result()
    suites = _suites(write_junit(r, tmp_path / "junit.xml"))
    assert set(suites) == {PG, MY, LOG, BROKEN}
    pg = suites[PG]
    assert pg.get("tests") == "6" and pg.get("failures") == "1" and pg.get("errors") == "0"
    failing = [c for c in pg.findall("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failing] == ["card_number [CREDIT_CARD]"]
    assert failing[0].find("failure").get("type") == "UNDECLARED_CATEGORY"
    assert any(c.get("name") == f"{XSS} [EMAIL_ADDRESS]" for c in pg.findall("testcase"))

    # The log: IP addresses undeclared (fails), phones only RETENTION_EXCEEDED (passes, noted).
    log = suites[LOG]
    assert log.get("tests") == "2" and log.get("failures") == "1"
    phone = next(c for c in log.findall("testcase") if "PHONE_NUMBER" in c.get("name"))
    assert phone.find("failure") is None
    assert "RETENTION_EXCEEDED" in phone.find("system-out").text

    # The BI database: the field fails and the source-level violation is not repeated.
    assert suites[MY].get("tests") == "1" and suites[MY].get("failures") == "1"

    broken = suites[BROKEN]
    assert broken.get("errors") == "1"
    assert "connection refused" in broken.find("testcase/error").get("message")

    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert root.get("tests") == "10" and root.get("failures") == "3" and root.get("errors") == "1"


def test_fail_on_controls_failures(tmp_path):
    suites = _suites(write_junit(make_result(), tmp_path / "j.xml", fail_on="RETENTION_EXCEEDED"))
    assert suites[PG].get("failures") == "0"
    assert suites[LOG].get("failures") == "2"


def test_control_characters_do_not_break_the_xml(tmp_path):
    r = make_result()
    f = dataclasses.replace(r.findings[0], field="bad\x00\x07name")
    r = dataclasses.replace(r, findings=(f,))
    suites = _suites(write_junit(r, tmp_path / "j.xml"))
    names = [c.get("name") for c in suites[PG].findall("testcase")]
    assert names[0] == "bad\ufffd\ufffdname [KZ_IIN]"
    # The policy's violation whose finding is gone still shows, as its own case.
    assert names[1] == "UNDECLARED_CATEGORY public.payments/card_number"
