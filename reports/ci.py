"""Exit codes for CI: what a scan result means for a pipeline.

=====  =================================================================================
code   meaning
=====  =================================================================================
0      nothing to report: no violation whose flag is in ``fail_on``, every source scanned
1      at least one violation whose flag is in ``fail_on`` and that no baseline or
       allowlist accepted
2      usage, configuration or policy error (raised before a scan; the CLI maps it)
3      the scan was incomplete (a source failed or the run was interrupted) and no
       ``fail_on`` violation was found in what was scanned
=====  =================================================================================
"""

from __future__ import annotations

from collections.abc import Iterable

from derbes.reports._common import flag_info, violations
from derbes.scanner.model import ScanResult

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3

#: Flags that fail a pipeline unless ``--fail-on`` says otherwise.
DEFAULT_FAIL_ON: tuple[str, ...] = ("UNDECLARED_CATEGORY", "STORAGE_OUTSIDE_KZ")


#: Words of ``fail_on`` that stand for every flag of that severity.
SEVERITIES = ("error", "warning", "info")


def parse_fail_on(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"A,B"`` or ``["A", "B"]`` as a tuple of upper-case flags (severity words stay lower
    case: ``error`` means every flag of severity error); ``None`` gives the default."""
    if text is None:
        return DEFAULT_FAIL_ON
    parts = text.split(",") if isinstance(text, str) else list(text)
    words = (p.strip() for p in parts if p and p.strip())
    return tuple(dict.fromkeys(w.lower() if w.lower() in SEVERITIES else w.upper()
                               for w in words))


def is_failing(violation: dict, fail_on: Iterable[str]) -> bool:
    """Whether a violation's flag, or its severity, is in ``fail_on`` (already parsed), and
    no baseline or allowlist accepted it."""
    if violation.get("accepted"):
        return False
    wanted = set(fail_on)
    return violation["flag"] in wanted or str(violation.get("severity") or "").lower() in wanted


FailOn = str | Iterable[str] | None


def flag_fails(result: ScanResult, flag: str, fail_on: Iterable[str]) -> bool:
    """Whether ``flag`` (or its severity, per ``policy["flags"]``) is in parsed ``fail_on``."""
    severity = flag_info(result, flag).get("severity")
    return is_failing({"flag": flag, "severity": severity}, fail_on)


def resolve_fail_on(result: ScanResult, fail_on: FailOn = None) -> tuple[str, ...]:
    """``fail_on`` if given, else ``options["fail_on"]``, else ``policy["fail_on"]``, else the
    default."""
    if fail_on is not None:
        return parse_fail_on(fail_on)
    for holder in (result.options, result.policy):
        if isinstance(holder, dict) and holder.get("fail_on") is not None:
            return parse_fail_on(holder["fail_on"])
    return DEFAULT_FAIL_ON


def failing_violations(result: ScanResult, fail_on: FailOn = None) -> list[dict]:
    """The violations whose flag is in ``fail_on``, but for those a baseline or an allowlist
    accepted."""
    wanted = resolve_fail_on(result, fail_on)
    return [v for v in violations(result) if is_failing(v, wanted)]


def exit_code(result: ScanResult, fail_on: FailOn = None) -> int:
    """0, 1 or 3 for a finished scan (2 is the CLI's, for errors before a scan)."""
    if failing_violations(result, fail_on):
        return EXIT_VIOLATIONS
    if result.incomplete:
        return EXIT_INCOMPLETE
    return EXIT_OK
