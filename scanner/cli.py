"""The ``derbes`` command line: thin wrappers over the library.

Each command's docstring is its ``--help`` and shows an example. Library exceptions become
clean messages and the documented exit codes: 0 nothing to report, 1 violations matching
``--fail-on``, 2 usage, configuration or policy errors, 3 the scan was incomplete and no
violation was found, 4 an internal error (a bug; ``DERBES_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import locale
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from derbes.scanner.errors import ConfigError, DerbesError, PolicyError, SourceError

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_INTERNAL = 0, 1, 2, 3, 4
DEFAULT_FAIL_ON = "UNDECLARED_CATEGORY,STORAGE_OUTSIDE_KZ"

app = typer.Typer(
    name="derbes",
    help="Inventory of personal data in databases and logs (Law of the RK No. 94-V).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
policy_app = typer.Typer(help="Write and check policy files.", no_args_is_help=True)
baseline_app = typer.Typer(help="Accept known findings so CI fails only on new ones.",
                           no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(baseline_app, name="baseline")


def _err(message: str) -> None:
    typer.echo(f"derbes: {message}", err=True)


def _terminal_language() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            break
    else:
        value = locale.getlocale()[0] or ""
    code = value.split("_")[0].split(".")[0].lower()
    return code if code in ("ru", "kk") else "en"


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def _parse_locations(values: list[str] | None) -> dict[str, str]:
    from derbes.scanner.location import parse_location_option

    return dict(parse_location_option(item) for item in values or [])


@app.command()
def scan(
    sources: Annotated[list[str] | None, typer.Argument(
        help="SQLAlchemy URLs, files, directories, globs, or - for standard input.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Output folder [default: derbes-out].")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", help="Scan config (derbes.yaml).")] = None,
    policy: Annotated[Path | None, typer.Option(help="Policy file to compare with.")] = None,
    hits: Annotated[bool, typer.Option("--hits", help="Also write hits.parquet.")] = False,
    sample_rows: Annotated[int, typer.Option(help="Rows sampled per table; 0 = all.")] = 1000,
    seed: Annotated[int | None, typer.Option(help="Seed for repeatable samples.")] = None,
    include: Annotated[list[str] | None, typer.Option(
        help="Glob on schema.table or file path; repeatable.")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Glob to skip; repeatable.")] = None,
    include_columns: Annotated[list[str] | None, typer.Option(
        help="Glob on column names; repeatable.")] = None,
    exclude_columns: Annotated[list[str] | None, typer.Option(
        help="Glob on column names to skip; repeatable.")] = None,
    connections: Annotated[int, typer.Option(help="Connections per database.")] = 4,
    jobs: Annotated[int, typer.Option(help="Worker processes for logs; 0 = all cores.")] = 0,
    statement_timeout: Annotated[float, typer.Option(
        help="Seconds before a database query is cancelled.")] = 30.0,
    max_rows_per_second: Annotated[float | None, typer.Option(
        help="Cap on rows read per second from each database.")] = None,
    location: Annotated[list[str] | None, typer.Option(
        help="Where a source rests: SOURCE=CC (ISO 3166); repeatable.")] = None,
    min_score: Annotated[float, typer.Option(help="Lowest score that counts.")] = 0.5,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="Comma-separated: parquet,html,json,sarif,junit "
        "[default: parquet,html].")] = None,
    lang: Annotated[str | None, typer.Option(
        help="Report language: ru, kk or en [default: ru].")] = None,
    fail_on: Annotated[str, typer.Option(
        help="Flags that fail the run (exit 1).")] = DEFAULT_FAIL_ON,
    baseline: Annotated[Path | None, typer.Option(
        help="Baseline file: report and fail only on what is new.")] = None,
    show_values: Annotated[bool, typer.Option(
        "--show-values", help="Write raw values into reports. Off by default.")] = False,
    recognizers: Annotated[Path | None, typer.Option(
        help="Extra Presidio recognizers (YAML).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Scan databases and logs for personal data and write the inventory.

    Example:

        derbes scan postgresql://scanner@db/app ./logs --policy policy.yaml --out out

    Writes findings.parquet, summary.json and report.html (plus hits.parquet with --hits,
    and SARIF/JSON/JUnit with --format) into the output folder.
    """
    from derbes.scanner.run import RunSpec, run_scan

    spec = RunSpec(
        sources=list(sources or []),
        out=out,
        config=config,
        policy=policy,
        hits=hits,
        sample_rows=sample_rows,
        seed=seed,
        include=_split(include),
        exclude=_split(exclude),
        include_columns=_split(include_columns),
        exclude_columns=_split(exclude_columns),
        connections=connections,
        jobs=jobs or (os.cpu_count() or 1),
        statement_timeout=statement_timeout,
        max_rows_per_second=max_rows_per_second,
        locations=_parse_locations(location),
        min_score=min_score,
        formats=_split([fmt]) if fmt else None,
        lang=lang,
        fail_on=_split([fail_on]),
        baseline=baseline,
        show_values=show_values,
        recognizers=recognizers,
        quiet=quiet,
    )
    stop = threading.Event()

    def on_term(signum, frame):  # SIGTERM ends the scan like Ctrl-C: write what we have.
        stop.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        code = run_scan(spec, stop=stop)
    finally:
        signal.signal(signal.SIGTERM, previous)
    raise typer.Exit(code)


@app.command()
def detectors(
    lang: Annotated[str | None, typer.Option(
        help="ru, kk or en; default: the terminal's locale.")] = None,
) -> None:
    """List every entity derbes detects, its category, validation and context words.

    Example:

        LANG=kk_KZ.UTF-8 derbes detectors
    """
    from rich.console import Console
    from rich.table import Table

    from derbes.detectors.describe import describe_detectors

    lang = lang or _terminal_language()
    titles = {
        "en": ("Entity", "Category", "Validation", "Context words"),
        "ru": ("Сущность", "Категория", "Проверка", "Контекстные слова"),
        "kk": ("Нысан", "Санат", "Тексеру", "Контекст сөздері"),
    }[lang if lang in ("ru", "kk") else "en"]
    table = Table(*titles, show_lines=True)
    for row in describe_detectors(lang):
        table.add_row(row["entity"], f"{row['category']}\n{row['category_label']}",
                      row["validation"], ", ".join(row["context"][:12]))
    Console().print(table)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("demo-out"),
    rows: Annotated[int, typer.Option(help="Clients in the demo database.")] = 2000,
    lang: Annotated[str, typer.Option(help="Report language.")] = "ru",
) -> None:
    """Generate a demo database and logs, scan them, and write the reports.

    Example:

        derbes demo --out demo-out && xdg-open demo-out/report/report.html
    """
    from derbes.scanner.demo import make_demo
    from derbes.scanner.run import RunSpec, run_scan

    data = make_demo(out / "data", clients=rows)
    typer.echo(f"demo data in {out / 'data'}: {data.database.name}, {len(data.logs)} log files")
    spec = RunSpec(
        sources=[f"sqlite:///{data.database}", str(data.logs_dir)],
        out=out / "report",
        policy=data.policy,
        locations={f"sqlite:///{data.database}": "KZ", str(data.logs_dir): "KZ"},
        formats=["parquet", "html", "json", "sarif", "junit"],
        hits=True,
        lang=lang,
        seed=42,
    )
    code = run_scan(spec)
    typer.echo(f"open {out / 'report' / 'report.html'} in a browser; exit code {code} "
               "(the demo violates its policy on purpose)")


@policy_app.command("init")
def policy_init(
    path: Annotated[Path, typer.Argument(help="Where to write the template.")] = Path(
        "policy.yaml"),
    lang: Annotated[str, typer.Option(help="Comment language: ru, kk or en.")] = "ru",
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented policy template to fill in.

    Example:

        derbes policy init policy.yaml && derbes policy validate policy.yaml
    """
    from derbes.scanner.policy import policy_template

    if path.exists() and not force:
        raise ConfigError(f"{path} exists; use --force to overwrite it")
    path.write_text(policy_template(lang), encoding="utf-8")
    typer.echo(f"wrote {path}")


@policy_app.command("validate")
def policy_validate(
    path: Annotated[Path, typer.Argument(help="Policy file.")],
) -> None:
    """Check a policy file strictly; print every error with its line.

    Example:

        derbes policy validate examples/policy-online-school.ru.yaml
    """
    from derbes.scanner.policy import validate_policy_file

    errors = validate_policy_file(path)
    for line in errors:
        typer.echo(line, err=True)
    if errors:
        raise typer.Exit(EXIT_USAGE)
    typer.echo(f"{path}: ok")


@baseline_app.command("create")
def baseline_create(
    report: Annotated[Path, typer.Argument(
        help="A scan's output folder (or its findings.parquet).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Baseline file.")] = Path(
        "derbes-baseline.json"),
    reason: Annotated[str | None, typer.Option(help="Why these findings are accepted.")] = None,
    expires: Annotated[str | None, typer.Option(help="Expiry date, YYYY-MM-DD.")] = None,
) -> None:
    """Accept every finding of a scan, so that later scans fail only on new ones.

    Example:

        derbes baseline create derbes-out --reason "legacy CRM, migration planned" \\
            --expires 2027-06-30 --out derbes-baseline.json
        derbes scan ... --baseline derbes-baseline.json
    """
    from derbes.reports.baseline import baseline_from_findings_file, write_baseline

    path = report / "findings.parquet" if report.is_dir() else report
    baseline = baseline_from_findings_file(path, reason=reason, expires=expires)
    write_baseline(baseline, out)
    typer.echo(f"wrote {out} ({len(baseline['entries'])} entries)")


@app.command()
def history(
    old: Annotated[Path, typer.Argument(help="Earlier scan folder or findings.parquet.")],
    new: Annotated[Path, typer.Argument(help="Later scan folder or findings.parquet.")],
) -> None:
    """Show what changed between two scans: new fields with personal data, fields gone.

    Example:

        derbes history scans/2026-10-01 scans/2026-11-01
    """
    from derbes.reports.history import diff_scans

    def findings(p: Path) -> Path:
        return p / "findings.parquet" if p.is_dir() else p

    diff = diff_scans(findings(old), findings(new))
    for label, key in (("new", "new"), ("gone", "gone")):
        rows = diff[key]
        typer.echo(f"{label}: {len(rows)}")
        for row in rows:
            where = f"{row['source']} {row['container']}" + (
                f".{row['field']}" if row.get("field") else "")
            typer.echo(f"  {'+' if key == 'new' else '-'} {where}: {row['category']}")


def main() -> None:
    """Console entry point: library errors become messages and exit codes."""
    try:
        app()
    except (ConfigError, PolicyError) as e:
        _err(str(e))
        sys.exit(EXIT_USAGE)
    except SourceError as e:
        _err(str(e))
        sys.exit(EXIT_INCOMPLETE)
    except DerbesError as e:
        _err(str(e))
        sys.exit(EXIT_USAGE)
    except Exception as e:  # a bug: say so without a traceback that may quote data
        if os.environ.get("DERBES_DEBUG") == "1":
            raise
        _err(f"internal error ({type(e).__name__}); run with DERBES_DEBUG=1 for the traceback")
        sys.exit(EXIT_INTERNAL)
