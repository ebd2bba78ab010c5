"""The report formats and the files they write: the only list of them (the CLI, the config
file, the run and the output folder take it from here)."""

from __future__ import annotations

#: Format name -> file name in the output directory.
FORMATS: dict[str, str] = {
    "parquet": "findings.parquet",
    "html": "report.html",
    "json": "report.json",
    "sarif": "report.sarif",
    "junit": "junit.xml",
    "xlsx": "report.xlsx",
}
HITS_FILE = "hits.parquet"
SUMMARY_FILE = "summary.json"
#: The formats written when neither the command line nor the config file names any.
DEFAULT_FORMATS: tuple[str, ...] = ("parquet", "html")


