"""What a scan result means for a pipeline: the exit codes and the flags that fail a run.

=====  =================================================================================
code   meaning
=====  =================================================================================
0      nothing to report: no violation whose flag is in ``fail_on``, every source scanned
1      at least one violation whose flag is in ``fail_on`` and that no baseline or
       allowlist accepted
2      usage, configuration or policy error (raised before a scan; the CLI maps it)
3      the scan was incomplete (a source failed or the run was interrupted) and no
       ``fail_on`` violation was found in what was scanned
4      an internal error (a bug); the CLI maps it
=====  =================================================================================

These are the only definitions of the exit codes and of the default ``fail_on``; the CLI and
the run use them from here (the module imports nothing heavy, so the CLI can).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from derbes.scanner.errors import ConfigError
from derbes.scanner.model import ScanResult, Violation
from derbes.scanner.policy.flags import FLAGS, SEVERITIES


class ExitCode(IntEnum):
    """The documented exit codes of ``derbes scan`` (see the module docstring)."""

    OK = 0
    VIOLATIONS = 1
    USAGE = 2
    INCOMPLETE = 3
    INTERNAL = 4


#: Flags that fail a pipeline unless ``--fail-on`` or the config file says otherwise.
DEFAULT_FAIL_ON: tuple[str, ...] = ("UNDECLARED_CATEGORY", "STORAGE_OUTSIDE_KZ")

#: What ``fail_on`` may be given as: ``"A,B"``, a list of flags, or ``None`` for the default.
FailOn = str | Iterable[str] | None


def parse_fail_on(text: FailOn) -> tuple[str, ...]:
    """``"A,B"`` or ``["A", "B"]`` as a tuple of upper-case flags (severity words stay lower
    case: ``error`` means every flag of severity error); ``None`` gives the default."""
    if text is None:
        return DEFAULT_FAIL_ON
    parts = text.split(",") if isinstance(text, str) else list(text)
    words = (p.strip() for p in parts if p and p.strip())
    return tuple(dict.fromkeys(w.lower() if w.lower() in SEVERITIES else w.upper()
                               for w in words))


def check_fail_on(values: Iterable[str], what: str = "fail_on") -> tuple[str, ...]:
    """:func:`parse_fail_on` for what a user wrote: ``ConfigError`` naming the valid flags and
    severities (and the nearest flag, for a typo) for any other word."""
    import difflib

    words = parse_fail_on(list(values))
    for word in words:
        if word not in FLAGS and word not in SEVERITIES:
            near = difflib.get_close_matches(word, list(FLAGS), n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise ConfigError(f"{what}: unknown flag {word!r}{hint}; valid: "
                              f"{', '.join(FLAGS)}, or a severity: {', '.join(SEVERITIES)}")
    return words


def flag_fails(flag: str, fail_on: Iterable[str]) -> bool:
    """Whether ``flag``, or its severity, is in ``fail_on`` (already parsed)."""
    wanted = set(fail_on)
    info = FLAGS.get(flag)
    return flag in wanted or (info is not None and info.severity in wanted)


def is_failing(violation: Violation, fail_on: Iterable[str]) -> bool:
    """Whether a violation's flag, or its severity, is in ``fail_on`` (already parsed), and
    no baseline or allowlist accepted it."""
    if violation.accepted:
        return False
    wanted = set(fail_on)
    return violation.flag in wanted or violation.severity in wanted


def failing_violations(result: ScanResult, fail_on: FailOn = None) -> list[Violation]:
    """The violations whose flag is in ``fail_on`` (``None``: the default), but for those a
    baseline or an allowlist accepted."""
    wanted = parse_fail_on(fail_on)
    found = result.policy.violations if result.policy else ()
    return [v for v in found if is_failing(v, wanted)]


def exit_code(result: ScanResult, fail_on: FailOn = None) -> ExitCode:
    """0, 1 or 3 for a finished scan (2 and 4 are the CLI's, for errors before or outside
    a scan)."""
    if failing_violations(result, fail_on):
        return ExitCode.VIOLATIONS
    if result.incomplete:
        return ExitCode.INCOMPLETE
    return ExitCode.OK
