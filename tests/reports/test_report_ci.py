"""Exit codes: 0 clean, 1 fail_on violations, 3 incomplete without violations."""

from __future__ import annotations

import dataclasses

from reports_fixtures import clean_result, make_result

from derbes.reports.ci import (
    DEFAULT_FAIL_ON,
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_VIOLATIONS,
    exit_code,
    parse_fail_on,
)


def test_clean_complete_scan_exits_0():
    r = clean_result()
    assert not r.incomplete
    assert exit_code(r) == EXIT_OK


def test_violations_exit_1_even_when_incomplete():
    r = make_result()
    assert r.incomplete
    assert exit_code(r) == EXIT_VIOLATIONS


def test_incomplete_without_violations_exits_3():
    r = clean_result()
    failed = dataclasses.replace(r.sources[0], status="partial", errors=("table x: timeout",))
    assert exit_code(dataclasses.replace(r, sources=(failed,))) == EXIT_INCOMPLETE
    assert exit_code(dataclasses.replace(r, interrupted=True)) == EXIT_INCOMPLETE


def test_flags_outside_fail_on_do_not_fail():
    r = make_result()
    # RETENTION_EXCEEDED is only a finding flag; failing on it fails...
    assert exit_code(r, "RETENTION_EXCEEDED") == EXIT_VIOLATIONS
    # ...and with a flag nobody raised, only the failed source matters.
    assert exit_code(r, "IIN_IMPLIES_BIRTH_DATE") == EXIT_INCOMPLETE


def test_finding_flag_alone_counts_as_violation():
    r = clean_result()
    f = dataclasses.replace(r.findings[0], flags=("STORAGE_OUTSIDE_KZ",))
    r = dataclasses.replace(r, findings=(f,), policy=None)
    assert exit_code(r) == EXIT_VIOLATIONS


def test_fail_on_from_options_then_policy():
    r = make_result()
    r = dataclasses.replace(r, policy={**r.policy, "fail_on": ["IIN_IMPLIES_BIRTH_DATE"]})
    assert exit_code(r) == EXIT_INCOMPLETE
    r = dataclasses.replace(r, options={"fail_on": "STORAGE_OUTSIDE_KZ"})
    assert exit_code(r) == EXIT_VIOLATIONS


def test_fail_on_severity_words():
    r = make_result()
    assert exit_code(r, "warning") == EXIT_VIOLATIONS  # RETENTION_EXCEEDED is a warning
    assert exit_code(r, "info") == EXIT_INCOMPLETE
    assert exit_code(clean_result(), "error,warning,info") == EXIT_OK


def test_parse_fail_on():
    assert parse_fail_on(None) == DEFAULT_FAIL_ON
    assert parse_fail_on(" undeclared_category, ,STORAGE_OUTSIDE_KZ,UNDECLARED_CATEGORY") == (
        "UNDECLARED_CATEGORY", "STORAGE_OUTSIDE_KZ")
    assert parse_fail_on("") == ()
    assert parse_fail_on(["Error", "x"]) == ("error", "X")
