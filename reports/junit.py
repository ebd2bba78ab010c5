"""``junit.xml``: findings as test results, for CI systems that show JUnit (GitLab, Jenkins).

One ``<testsuite>`` per source; one ``<testcase>`` per finding (container, field, entity),
failing when it carries a flag in ``fail_on``; a source that failed, or the containers of a
partly failed one, appear as ``<error>``. Policy violations tied to no finding (a whole source
abroad) get their own test case.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from derbes.reports import i18n, texts
from derbes.reports._common import (
    Covering,
    category_label,
    check_lang,
    derbes_version,
    violations,
)
from derbes.reports._io import write_bytes
from derbes.reports.ci import flag_fails, is_failing, parse_fail_on
from derbes.scanner.model import STATUS_OPEN, ScanResult
from derbes.scanner.policy.flags import FLAGS
from derbes.scanner.urls import mask_urls

# Characters XML 1.0 cannot carry at all; a column name with one would make the file invalid.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(text: object) -> str:
    return _NOT_XML.sub("\ufffd", "" if text is None else str(text))


def build_junit(result: ScanResult, lang: str = "en",
                fail_on: str | Iterable[str] | None = None) -> ET.Element:
    """The JUnit document as an ElementTree element (``<testsuites>``)."""
    check_lang(lang)
    L = i18n.labels(lang)
    wanted = parse_fail_on(fail_on)
    vs = violations(result)
    used: set[int] = set()
    covered = Covering(vs)
    by_source = defaultdict(list)
    for f in result.findings:
        by_source[f.source].append(f)
    names = [s.name for s in result.sources]
    names += sorted(set(by_source) - set(names))
    summaries = {s.name: s for s in result.sources}

    root = ET.Element("testsuites", name="derbes")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for name in names:
        s = summaries.get(name)
        suite = ET.SubElement(root, "testsuite", name=_x(mask_urls(name)))
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="derbes_version", value=_x(derbes_version()))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if s is not None and s.status != "ok":
            errors = s.errors or (s.status,)
            for err in errors:
                case = ET.SubElement(suite, "testcase", classname=_x(mask_urls(name)),
                                     name=_x(f"scan {mask_urls(name)}"))
                ET.SubElement(case, "error", message=_x(mask_urls(err)),
                              type=_x(s.status)).text = _x(mask_urls(err))
                counts["tests"] += 1
                counts["errors"] += 1
        for f in sorted(by_source.get(name, []),
                        key=lambda f: (f.container, f.field or "", f.entity)):
            case = ET.SubElement(
                suite, "testcase", classname=_x(f"{mask_urls(name)}.{f.container}"),
                name=_x(f"{f.field or '—'} [{f.entity}]"))
            counts["tests"] += 1
            lines = []
            failing = []
            for flag in f.flags:
                covering = covered(flag, f)
                used.update(covering)
                info = FLAGS.get(flag)
                detail = (f"{info.explanation.get(lang)} ({texts.cite(info.article, lang)})"
                          if covering and info is not None else "")
                line = f"{flag}: {i18n.flag_title(flag, lang)}"
                lines.append(f"{line}. {detail}" if detail else line)
                if flag_fails(flag, wanted):
                    failing.append(flag)
            message = L["finding_message"].format(
                field=f.field or "—", container=f.container, source=mask_urls(name),
                category=category_label(f.category, lang), entity=f.entity, hits=f.hits,
                rows_with_hits=f.rows_with_hits, rows_scanned=f.rows_scanned)
            if f.status != STATUS_OPEN:
                # Accepted by a baseline or an allowlist: shown, failing nothing.
                why = ", ".join(p for p in (f.status_reason, f.status_expires
                                            and f"until {f.status_expires}") if p)
                ET.SubElement(case, "skipped", message=_x(f"{f.status}: {why}" if why
                                                          else f.status))
                ET.SubElement(case, "system-out").text = _x("\n".join([message, *lines]))
                counts["skipped"] += 1
            elif failing:
                ET.SubElement(case, "failure", message=_x(", ".join(failing)),
                              type=_x(failing[0])).text = _x("\n".join([message, *lines]))
                counts["failures"] += 1
            else:
                ET.SubElement(case, "system-out").text = _x("\n".join([message, *lines]))
        for i, v in enumerate(vs):
            if i in used or v.source != name:
                continue
            used.add(i)
            label = mask_urls(v.source)
            where = "/".join(p for p in (v.container, v.field) if p) or label
            case = ET.SubElement(suite, "testcase", classname=_x(label),
                                 name=_x(f"{v.flag} {where}"))
            counts["tests"] += 1
            info = FLAGS.get(v.flag)
            text = info.explanation.get(lang) if info else v.flag
            if is_failing(v, wanted):
                ET.SubElement(case, "failure", message=_x(v.flag),
                              type=_x(v.flag)).text = _x(text)
                counts["failures"] += 1
            else:
                ET.SubElement(case, "system-out").text = _x(text)
        for k, n in counts.items():
            suite.set(k, str(n))
            totals[k] += n
        if s is not None:
            suite.set("time", f"{s.seconds:.3f}")
    for k, n in totals.items():
        root.set(k, str(n))
    return root


def write_junit(result: ScanResult, path: str | os.PathLike[str], lang: str = "en",
                fail_on: str | Iterable[str] | None = None) -> Path:
    """Write ``junit.xml`` atomically, mode 0600."""
    root = build_junit(result, lang, fail_on)
    ET.indent(root)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return write_bytes(path, data + b"\n")
