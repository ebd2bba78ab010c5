"""derbes' report writers: one module per format, each a pure function of a scan result.

:func:`write_reports` writes several formats into one directory; :func:`exit_code` tells a
CI job how the scan went. Every file is written atomically with mode 0600 and holds no raw
value unless ``show_values=True``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from derbes.reports.ci import DEFAULT_FAIL_ON, ExitCode, exit_code
from derbes.reports.formats import DEFAULT_FORMATS, FORMATS, HITS_FILE, SUMMARY_FILE
from derbes.reports.i18n import DEFAULT_LANG, LANGS
from derbes.scanner.errors import ConfigError
from derbes.scanner.model import ScanResult

__all__ = ["DEFAULT_FAIL_ON", "DEFAULT_FORMATS", "DEFAULT_LANG", "FORMATS", "HITS_FILE", "LANGS",
           "SUMMARY_FILE", "ExitCode", "exit_code", "parse_formats", "write_reports"]

def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"html,sarif"`` as ``("html", "sarif")``; raises ``ConfigError`` for unknown names."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    names = tuple(dict.fromkeys(p.strip().lower() for p in parts if p.strip()))
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise ConfigError(f"unknown report format {', '.join(unknown)}; "
                          f"choose from {', '.join(FORMATS)}")
    return names


def write_reports(result: ScanResult, out_dir: str | os.PathLike[str],
                  formats: str | Iterable[str] = DEFAULT_FORMATS, lang: str = DEFAULT_LANG,
                  show_values: bool = False, hits: bool = False,
                  fail_on: str | Iterable[str] | None = None) -> list[Path]:
    """Write the chosen reports and ``summary.json`` into ``out_dir``; return their paths.

    ``hits=True`` also writes ``hits.parquet`` (with ``parquet``) and lists hits in
    ``report.json``. ``lang`` applies to the HTML page, the XLSX workbook, SARIF and JUnit
    messages.
    """
    # Each writer is imported when its format is asked for: a scan writing the default
    # formats need not pay for the others' imports (openpyxl, when it wrote the XLSX, 0.2 s).
    from derbes.reports.summary import write_summary

    chosen = parse_formats(formats)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    written: list[Path] = []
    for name in chosen:
        path = out / FORMATS[name]
        if name == "parquet":
            from derbes.reports.parquet import write_findings, write_hits

            written.append(write_findings(result, path))
            if hits:
                written.append(write_hits(result, out / HITS_FILE, show_values=show_values))
        elif name == "html":
            from derbes.reports.html import write_html

            written.append(write_html(result, path, lang=lang, show_values=show_values,
                                      fail_on=fail_on))
        elif name == "json":
            from derbes.reports.jsonout import write_json

            written.append(write_json(result, path, show_values=show_values, hits=hits,
                                      fail_on=fail_on))
        elif name == "sarif":
            from derbes.reports.sarif import write_sarif

            written.append(write_sarif(result, path, lang=lang, fail_on=fail_on))
        elif name == "junit":
            from derbes.reports.junit import write_junit

            written.append(write_junit(result, path, lang=lang, fail_on=fail_on))
        elif name == "xlsx":
            from derbes.reports.xlsx import write_xlsx

            written.append(write_xlsx(result, path, lang=lang, fail_on=fail_on))
    written.append(write_summary(result, out / SUMMARY_FILE, fail_on=fail_on))
    return written
