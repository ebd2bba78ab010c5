"""Exit codes: 0 clean, 1 fail_on violations, 3 incomplete without violations."""

from __future__ import annotations

import dataclasses

from reports_fixtures import CHECKED_AT, WHERE, clean_result, make_result

from derbes.reports.ci import (
    DEFAULT_FAIL_ON,
    ExitCode,
    exit_code,
    parse_fail_on,
)
from derbes.scanner.policy import apply_policy


def test_clean_complete_scan_exits_0():
    r = clean_result()
    assert not r.incomplete
    assert exit_code(r) == ExitCode.OK


def test_violations_exit_1_even_when_incomplete():
    r = make_result()
    assert r.incomplete
    assert exit_code(r) == ExitCode.VIOLATIONS


def test_incomplete_without_violations_exits_3():
    r = clean_result()
    failed = dataclasses.replace(r.sources[0], status="partial", errors=("table x: timeout",))
    assert exit_code(dataclasses.replace(r, sources=(failed,))) == ExitCode.INCOMPLETE
    assert exit_code(dataclasses.replace(r, interrupted=True)) == ExitCode.INCOMPLETE


def test_flags_outside_fail_on_do_not_fail():
    r = make_result()
    # RETENTION_EXCEEDED is only a finding flag; failing on it fails...
    assert exit_code(r, "RETENTION_EXCEEDED") == ExitCode.VIOLATIONS
    # ...and with a flag nobody raised, only the failed source matters.
    assert exit_code(r, "IIN_IMPLIES_BIRTH_DATE") == ExitCode.INCOMPLETE


def test_storage_abroad_fails_even_without_a_policy():
    # Checked without a policy, only the location flags are raised; one abroad still fails.
    r = make_result()
    bare = dataclasses.replace(r, policy=None, findings=tuple(
        dataclasses.replace(f, flags=(), declared=None, location=None) for f in r.findings))
    checked = apply_policy(bare, None, WHERE, now=CHECKED_AT)
    assert [v.flag for v in checked.policy.violations] == ["STORAGE_OUTSIDE_KZ"]
    assert exit_code(checked) == ExitCode.VIOLATIONS


def test_fail_on_severity_words():
    r = make_result()
    assert exit_code(r, "warning") == ExitCode.VIOLATIONS  # RETENTION_EXCEEDED is a warning
    assert exit_code(r, "info") == ExitCode.INCOMPLETE
    assert exit_code(clean_result(), "error,warning,info") == ExitCode.OK


def test_parse_fail_on():
    assert parse_fail_on(None) == DEFAULT_FAIL_ON
    assert parse_fail_on(" undeclared_category, ,STORAGE_OUTSIDE_KZ,UNDECLARED_CATEGORY") == (
        "UNDECLARED_CATEGORY", "STORAGE_OUTSIDE_KZ")
    assert parse_fail_on("") == ()
    assert parse_fail_on(["Error", "x"]) == ("error", "X")
