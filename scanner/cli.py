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

# The library's own lists, from modules that import nothing heavy: `derbes --version` and
# `--help` need no detectors (tests/scanner/test_cli_help.py checks that they stay light).
from derbes.reports import DEFAULT_FAIL_ON, DEFAULT_FORMATS, DEFAULT_LANG, FORMATS, LANGS
from derbes.reports.ci import ExitCode
from derbes.scanner.errors import ConfigError, DerbesError, PolicyError, SourceError
from derbes.scanner.policy.flags import FLAGS, SEVERITIES
from derbes.scanner.run import DEFAULT_SEED

FORMAT_NAMES = ", ".join(FORMATS)

# An argument's help names it by its metavar (SOURCE, FILE); typer would add a Python type
# after it ("<list[str]>"), which tells a user nothing.
typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]

app = typer.Typer(
    name="derbes",
    help="Inventory of personal data in databases and logs (Law of the RK No. 94-V).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help texts are plain text: a "[...]" in them must not be eaten as console markup.
    rich_markup_mode=None,
)
policy_app = typer.Typer(
    help="""Write and check policy files.

    Example:

    \b
        derbes policy init --lang ru > policy.yaml && derbes policy validate policy.yaml
    """,
    no_args_is_help=True,
    rich_markup_mode=None,
)
baseline_app = typer.Typer(
    help="""Accept known findings so CI fails only on new ones.

    Accepted findings stay in every report, marked accepted with the reason and expiry.

    Example:

    \b
        derbes baseline create derbes-out --reason "legacy CRM" --expires 2027-06-30
        derbes scan postgresql://scanner@db/app --baseline derbes-baseline.json
    """,
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(policy_app, name="policy")
app.add_typer(baseline_app, name="baseline")


def _version(value: bool) -> None:
    if value:
        from derbes.reports._common import derbes_version

        typer.echo(f"derbes {derbes_version()}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", callback=_version, is_eager=True,
        metavar="")] = False,
) -> None:
    """Inventory of personal data in databases and logs (Law of the RK No. 94-V).

    Example:

    \b
        derbes scan postgresql://scanner@db/app ./logs --policy policy.yaml --out derbes-out
    """


def _err(message: str) -> None:
    from derbes.scanner.terminal import shown

    typer.echo(f"derbes: {shown(message)}", err=True)


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
    from derbes.scanner.policy.location import parse_location_option

    return dict(parse_location_option(item) for item in values or [])


def _seed(text: str) -> int | None:
    if text.strip().lower() == "random":
        return None
    try:
        return int(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is neither a whole number nor 'random'") from None


#: A flag option shows no value placeholder in the help.
FLAG = ""
_LANG_HELP = "One of: ru, kk, en."


@app.command()
def scan(
    sources: Annotated[list[str] | None, typer.Argument(
        help="SQLAlchemy URLs, files, directories, globs, or - for standard input.",
        metavar="SOURCE", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR", show_default="derbes-out",
        help="Output folder. Checked before any source is opened; a scan writes a fresh "
        "folder and swaps it in at the end, so it always holds one whole scan.")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", metavar="FILE", help="Scan config (derbes.yaml).")] = None,
    policy: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Policy file to compare with.")] = None,
    hits: Annotated[bool | None, typer.Option(
        "--hits/--no-hits", show_default="no-hits",
        help="Also write hits.parquet (every hit, masked).")] = None,
    sample_rows: Annotated[int | None, typer.Option(
        metavar="N", show_default="1000",
        help="Rows sampled per table; 0 means all.")] = None,
    seed: Annotated[str, typer.Option(
        metavar="N|random", help="Seed of the table samples, so that runs over the same data "
        "sample the same rows; 'random' for a new sample each run.")] = str(DEFAULT_SEED),
    include: Annotated[list[str] | None, typer.Option(
        metavar="GLOB", help="Glob on schema.table or file path; repeatable.")] = None,
    exclude: Annotated[list[str] | None, typer.Option(
        metavar="GLOB", help="Glob to skip; repeatable.")] = None,
    include_columns: Annotated[list[str] | None, typer.Option(
        metavar="GLOB", help="Glob on column names; repeatable.")] = None,
    exclude_columns: Annotated[list[str] | None, typer.Option(
        metavar="GLOB", help="Glob on column names to skip; repeatable.")] = None,
    allow_empty: Annotated[bool, typer.Option(
        "--allow-empty", metavar=FLAG,
        help="A source with nothing to scan (no table or file matched) is a warning but "
        "not exit code 3.")] = False,
    scan_databases: Annotated[bool, typer.Option(
        "--scan-databases", metavar=FLAG,
        help="Scan SQLite database files found in scanned folders as databases.")] = False,
    connections: Annotated[int | None, typer.Option(
        metavar="N", show_default="4", help="Connections per database.")] = None,
    jobs: Annotated[int, typer.Option(
        metavar="N",
        help="Processes for logs and databases: this one and N - 1 workers (a database: at "
        "most --connections of them, each with its share of the connections; a database "
        "farther than 3 ms has its tables read ahead in those); 0 means all cores.")] = 0,
    dask: Annotated[str | None, typer.Option(
        metavar="ADDRESS",
        help="Run the scan on a Dask cluster, given its scheduler (tcp://scheduler:8786); "
        "also DERBES_DASK_SCHEDULER or dask: in the config. See docs/scale.md.",
        show_default="this machine")] = None,
    statement_timeout: Annotated[float, typer.Option(
        metavar="SECONDS", help="Seconds before a database query is cancelled.")] = 30.0,
    max_rows_per_second: Annotated[float | None, typer.Option(
        metavar="N", help="Cap on rows read per second from each database.",
        show_default="no cap")] = None,
    location: Annotated[list[str] | None, typer.Option(
        metavar="SOURCE=CC",
        help="Where a source rests, by its name, host or URL: crm=KZ, db.internal=KZ "
        "(ISO 3166 code); repeatable.")] = None,
    min_score: Annotated[float | None, typer.Option(
        metavar="SCORE", show_default="0.5",
        help="Lowest detector score that counts.")] = None,
    min_rows: Annotated[int, typer.Option(
        metavar="N", help="A field needs hits in this many rows (or min-share of them), "
        "unless a hit is checksum-valid.")] = 2,
    min_share: Annotated[float, typer.Option(
        metavar="SHARE", help="...or hits in this share of the rows scanned.")] = 0.05,
    fmt: Annotated[str | None, typer.Option(
        "--format", metavar="LIST", show_default=",".join(DEFAULT_FORMATS),
        help=f"Report formats, comma-separated; any of: {FORMAT_NAMES}.")] = None,
    lang: Annotated[str | None, typer.Option(
        metavar="LANG", show_default=DEFAULT_LANG,
        help=f"Report language. {_LANG_HELP}")] = None,
    fail_on: Annotated[str | None, typer.Option(
        metavar="LIST", show_default=",".join(DEFAULT_FAIL_ON),
        help="Flags that fail the run (exit 1), comma-separated: any of "
        f"{', '.join(FLAGS)}, or a severity ({', '.join(SEVERITIES)}) for all its "
        "flags.")] = None,
    baseline: Annotated[Path | None, typer.Option(
        metavar="FILE",
        help="Baseline file: its findings stay in the reports, marked accepted, and fail "
        "nothing; only new ones fail the run.")] = None,
    show_values: Annotated[bool, typer.Option(
        "--show-values/--no-show-values", help="Write raw values into reports.")] = False,
    recognizers: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Extra Presidio recognizers (YAML); an entity may be mapped "
        "to a category there.")] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", metavar=FLAG, help="Print only errors and warnings.")] = False,
) -> None:
    """Scan databases and logs for personal data and write the inventory.

    Writes findings.parquet, summary.json and report.html (plus hits.parquet with --hits,
    and SARIF, JSON or JUnit with --format) into the output folder. Results go to standard
    output; errors, warnings and progress to standard error.

    Exit codes: 0 nothing to report, 1 violations matching --fail-on, 2 usage or
    configuration error, 3 incomplete scan (a source failed, or had nothing to scan), 4 a bug.

    Example:

    \b
        derbes scan postgresql://scanner@db/app ./logs --policy policy.yaml \\
            --baseline derbes-baseline.json --location db=KZ --out derbes-out
    """
    from derbes.scanner.run import RunSpec
    from derbes.scanner.terminal import scan_and_print

    spec = RunSpec(
        sources=list(sources or []),
        out=out,
        config=config,
        policy=policy,
        hits=hits,
        sample_rows=sample_rows,
        seed=_seed(seed),
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
        min_rows=min_rows,
        min_share=min_share,
        formats=_split([fmt]) if fmt else None,
        lang=lang,
        fail_on=_split([fail_on]) if fail_on is not None else None,
        baseline=baseline,
        show_values=show_values,
        recognizers=recognizers,
        quiet=quiet,
        allow_empty=allow_empty,
        scan_databases=scan_databases,
        dask=dask,
    )
    stop = threading.Event()

    def on_signal(signum, frame):
        # Ctrl-C and SIGTERM end the scan with what was read. The event, not only the
        # exception: a KeyboardInterrupt raised while the collector runs a __del__ (the regex
        # module's parse tree has them) would be swallowed, with a traceback printed, and
        # the scan would go on. There the event alone stops it, at the next batch.
        stop.set()
        if frame is None or frame.f_code.co_name != "__del__":
            raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        code = scan_and_print(spec, stop=stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    raise typer.Exit(code)


def _lang_choice(lang: str | None) -> str | None:
    if lang is not None and lang not in LANGS:
        raise typer.BadParameter(f"{lang!r} is not one of {', '.join(LANGS)}",
                                 param_hint="'--lang'")
    return lang


@app.command()
def detectors(
    lang: Annotated[str | None, typer.Option(
        metavar="LANG", show_default="the terminal's locale", callback=_lang_choice,
        help=_LANG_HELP)] = None,
) -> None:
    """List every entity derbes detects, its category, validation and context words.

    Example:

    \b
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
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR",
                                      help="Output folder.")] = Path("demo-out"),
    rows: Annotated[int, typer.Option(metavar="N", help="Clients in the demo database.")] = 2000,
    lang: Annotated[str, typer.Option(metavar="LANG", callback=_lang_choice,
                                      help=f"Report language. {_LANG_HELP}")] = "ru",
) -> None:
    """Generate a demo database and logs, scan them, and write the reports.

    Example:

    \b
        derbes demo --out demo-out && xdg-open demo-out/report/report.html
    """
    from derbes.scanner.compiled import COMPILED, compiled_modules, pure_python
    from derbes.scanner.demo import make_demo
    from derbes.scanner.run import RunSpec
    from derbes.scanner.terminal import scan_and_print

    data = make_demo(out / "data", clients=rows)
    typer.echo(f"demo data in {out / 'data'}: {data.database.name}, {len(data.logs)} log files")
    built = len(compiled_modules())
    if pure_python():
        typer.echo("running the hot modules as Python (DERBES_PURE_PYTHON is set)")
    elif built < len(COMPILED):
        # A fresh clone's `make demo` does not wait minutes for the C compiler.
        typer.echo(f"running {len(COMPILED) - built} of the {len(COMPILED)} hot modules as "
                   "Python (not compiled yet): `make compiled` builds them, and a scan of "
                   "logs then goes 1.4 to 2.4 times as fast (benchmarks/README.md)")
    spec = RunSpec(
        sources=[f"sqlite:///{data.database}", str(data.logs_dir)],
        out=out / "report",
        policy=data.policy,
        locations={f"sqlite:///{data.database}": "KZ", str(data.logs_dir): "KZ"},
        formats=["parquet", "html", "json", "sarif", "junit", "xlsx"],
        hits=True,
        lang=lang,
        seed=42,
    )
    code = scan_and_print(spec)
    typer.echo(f"open {out / 'report' / 'report.html'} in a browser; exit code {code} "
               "(the demo violates its policy on purpose)")


@policy_app.command("init")
def policy_init(
    path: Annotated[str, typer.Argument(
        metavar="FILE", show_default=False,
        help="Where to write the template; - (the default) for standard output.")] = "-",
    lang: Annotated[str, typer.Option(metavar="LANG", callback=_lang_choice,
                                      help=f"Comment language. {_LANG_HELP}")] = "ru",
    force: Annotated[bool, typer.Option("--force", metavar=FLAG,
                                        help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented policy template to fill in (to standard output by default).

    Example:

    \b
        derbes policy init --lang ru > policy.yaml && derbes policy validate policy.yaml
    """
    from derbes.scanner.policy import policy_template

    text = policy_template(lang)
    if path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    if target.exists() and not force:
        raise ConfigError(f"{target} exists; use --force to overwrite it")
    _check_writable_file(target)
    target.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {target}")


def _check_writable_file(path: Path) -> None:
    """Raise ConfigError unless ``path`` can be written (before any work is done)."""
    from derbes.reports._io import check_output_file

    check_output_file(path)


@policy_app.command("validate")
def policy_validate(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="Policy file.")],
) -> None:
    """Check a policy file strictly; print every error with its line.

    Example:

    \b
        derbes policy validate examples/policy-online-school.ru.yaml
    """
    from derbes.scanner.policy import validate_policy_file

    errors = validate_policy_file(path)
    for line in errors:
        typer.echo(line, err=True)
    if errors:
        raise typer.Exit(ExitCode.USAGE)
    typer.echo(f"{path}: ok")


@policy_app.command("extract")
def policy_extract(
    document: Annotated[Path, typer.Argument(
        metavar="DOCUMENT",
        help="The privacy policy: text, HTML, DOCX, DOC, ODT, RTF or PDF (with a text "
             "layer).")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="FILE", show_default="standard output",
        help="Write the draft here instead of standard output.")] = None,
    lang: Annotated[str | None, typer.Option(
        metavar="LANG", callback=_lang_choice, show_default="the document's",
        help="Comment language, and which language of a bilingual document to quote. "
             f"{_LANG_HELP}")] = None,
    force: Annotated[bool, typer.Option("--force", metavar=FLAG,
                                        help="Overwrite an existing --out file.")] = False,
) -> None:
    """Propose a draft policy file from a privacy policy in Russian and/or Kazakh.

    Every proposed line carries the clause and a quote it comes from; what is not found
    (a BIN, where the data is stored) is said in a comment for you to fill in. Review it,
    then validate it.

    Example:

    \b
        derbes policy extract privacy.pdf --out policy.yaml
        derbes policy validate policy.yaml
    """
    from derbes.scanner.policy.extract import draft_policy

    if out is not None and out.exists() and not force:
        raise ConfigError(f"{out} exists; use --force to overwrite it")
    if out is not None:
        _check_writable_file(out)  # before the document is read
    text = draft_policy(document, lang=lang, out=str(out or "policy.yaml"))
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}; review it, then: derbes policy validate {out}", err=True)


@baseline_app.command("create")
def baseline_create(
    report: Annotated[Path, typer.Argument(
        metavar="SCAN", help="A scan's output folder (or its findings.parquet).")],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE",
                                      help="Baseline file.")] = Path("derbes-baseline.json"),
    reason: Annotated[str | None, typer.Option(
        metavar="TEXT", help="Why these findings are accepted.")] = None,
    expires: Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="Last day the acceptance holds.",
        show_default="never")] = None,
) -> None:
    """Accept every finding of a scan, so that later scans fail only on new ones.

    Example:

    \b
        derbes baseline create derbes-out --reason "legacy CRM, migration planned" \\
            --expires 2027-06-30 --out derbes-baseline.json
        derbes scan postgresql://scanner@db/app --baseline derbes-baseline.json
    """
    from derbes.reports.baseline import baseline_from_findings_file, write_baseline

    _check_writable_file(out)
    path = report / "findings.parquet" if report.is_dir() else report
    baseline = baseline_from_findings_file(path, reason=reason, expires=expires)
    write_baseline(baseline, out)
    typer.echo(f"wrote {out} ({len(baseline['entries'])} entries)")


@app.command()
def history(
    old: Annotated[Path, typer.Argument(
        metavar="OLD", help="Earlier scan folder or findings.parquet.")],
    new: Annotated[Path, typer.Argument(
        metavar="NEW", help="Later scan folder or findings.parquet.")],
) -> None:
    """Show what changed between two scans: new fields with personal data, fields gone.

    Example:

    \b
        derbes history scans/2026-10-01 scans/2026-11-01
    """
    from derbes.reports.history import diff_scans
    from derbes.scanner.terminal import shown

    def findings(p: Path) -> Path:
        return p / "findings.parquet" if p.is_dir() else p

    diff = diff_scans(findings(old), findings(new))
    for label, key in (("new", "new"), ("gone", "gone")):
        rows = diff[key]
        typer.echo(f"{label}: {len(rows)}")
        for row in rows:
            where = f"{row['source']} {row['container']}" + (
                f".{row['field']}" if row.get("field") else "")
            typer.echo(f"  {'+' if key == 'new' else '-'} {shown(where)}: {row['category']}")


def main(args: list[str] | None = None) -> None:
    """Console entry point: library errors become messages and exit codes."""
    try:
        app(args)
    except (ConfigError, PolicyError) as e:
        _err(str(e))
        sys.exit(ExitCode.USAGE)
    except SourceError as e:
        _err(str(e))
        sys.exit(ExitCode.INCOMPLETE)
    except DerbesError as e:
        _err(str(e))
        sys.exit(ExitCode.USAGE)
    except Exception as e:  # a bug: say so without a traceback that may quote data
        if os.environ.get("DERBES_DEBUG") == "1":
            raise
        _err(f"internal error ({type(e).__name__}); run with DERBES_DEBUG=1 for the traceback")
        sys.exit(ExitCode.INTERNAL)
