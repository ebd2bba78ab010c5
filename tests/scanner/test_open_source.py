"""open_source: the spec's shape picks the source; each source gets only its own options."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from derbes.scanner.errors import ConfigError, SourceError
from derbes.scanner.sources import LogSource, Source, TabularSource, open_source


class FakeSql:
    """Stands in for SqlSource, recording what it was given."""

    kind = "database"

    def __init__(
        self,
        url,
        *,
        name=None,
        include=(),
        exclude=(),
        include_columns=(),
        exclude_columns=(),
        sample_rows=1000,
        seed=None,
        statement_timeout_s=30,
        connections=4,
        max_rows_per_second=None,
    ):
        self.url = url
        self.name = name or url
        self.given = {
            "include_columns": include_columns,
            "sample_rows": sample_rows,
            "connections": connections,
        }


@pytest.fixture
def fake_sql(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("derbes.scanner.sources.sql")
    module.SqlSource = FakeSql
    monkeypatch.setitem(sys.modules, "derbes.scanner.sources.sql", module)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "app.log").write_text("hello\n")
    (tmp_path / "logs" / "app.log.1.gz").write_bytes(b"")
    (tmp_path / "tables").mkdir()
    pq.write_table(pa.table({"iin": ["900101300456"]}), tmp_path / "tables" / "t.parquet")
    (tmp_path / "tables" / "c.csv").write_text("a\n1\n")
    (tmp_path / "tables" / "d.csv.gz").write_bytes(b"")
    return tmp_path


def test_url_is_a_database(fake_sql: None) -> None:
    src = open_source(
        "postgresql://scan@db.local/crm",
        sample_rows=50,
        include_columns=["*"],
        connections=2,
        max_line_bytes=1 << 16,  # a log option: not for a database
    )
    assert isinstance(src, FakeSql)
    assert src.url == "postgresql://scan@db.local/crm"
    assert src.given == {"include_columns": ["*"], "sample_rows": 50, "connections": 2}


def test_dash_is_stdin() -> None:
    src = open_source("-", sample_rows=10, max_line_bytes=1 << 16)
    assert isinstance(src, LogSource) and src.name == "<stdin>"
    assert src.max_line_bytes == 1 << 16


def test_directory_of_tables_is_tabular(files: Path) -> None:
    src = open_source(str(files / "tables"), sample_rows=7, seed=1, max_line_bytes=1 << 16)
    assert isinstance(src, TabularSource)
    assert src.sample_rows == 7 and src.seed == 1
    assert isinstance(src, Source)


@pytest.mark.parametrize("rel", ["tables/*.csv*", "tables/t.parquet", "tables/d.csv.gz"])
def test_table_files_and_globs_are_tabular(files: Path, rel: str) -> None:
    assert isinstance(open_source(str(files / rel)), TabularSource)


@pytest.mark.parametrize("rel", ["logs", "logs/app.log", "logs/*.gz", "."])
def test_anything_else_is_logs(files: Path, rel: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(files)
    src = open_source(rel, sample_rows=5, include_columns=["x"], batch_bytes=1 << 16)
    assert isinstance(src, LogSource)  # "." mixes logs and tables: logs
    assert src.batch_bytes == 1 << 16


def test_filters_decide_what_the_files_are(files: Path) -> None:
    assert isinstance(open_source(str(files), include=["*.parquet"]), TabularSource)
    assert isinstance(open_source(str(files), exclude=["*.parquet", "*.csv*"]), LogSource)


def test_unknown_option_is_an_error(files: Path) -> None:
    with pytest.raises(ConfigError, match="sample_row"):
        open_source(str(files / "logs"), sample_row=5)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        open_source(str(tmp_path / "nope"))
    # A glob matching nothing is an empty source: it lists no container (the engine warns).
    empty = open_source(str(tmp_path / "*.parquet"))
    assert isinstance(empty, LogSource) and list(empty.containers()) == []


def test_real_sql_module_accepts_the_options(tmp_path: Path) -> None:
    sql = pytest.importorskip("derbes.scanner.sources.sql")
    src = open_source(f"sqlite:///{tmp_path / 'x.db'}", sample_rows=5, max_line_bytes=1 << 16)
    try:
        assert isinstance(src, sql.SqlSource) and src.kind == "database"
    finally:
        src.close()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads counted in /proc")
def test_opening_a_source_loads_numpy_without_blas_threads(tmp_path):
    """open_source() imports pyarrow, which loads numpy: its OpenBLAS starts no threads (they
    spin as they start, on the cores a scan's workers need), and the environment is left as
    the user had it."""
    import os
    import subprocess

    log = tmp_path / "app.log"
    log.write_text("ok\n")
    code = (
        "import os, sys\n"
        "from derbes.detectors.lazy import BLAS_THREADS_ENV\n"
        "from derbes.scanner.sources import open_source\n"
        "assert 'numpy' not in sys.modules\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        f"open_source({str(log)!r})\n"
        "print('numpy' in sys.modules, len(os.listdir('/proc/self/task')) - before,\n"
        "      os.environ.get(BLAS_THREADS_ENV))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env).stdout.split()
    # pyarrow may start a thread of its own; OpenBLAS would add one per further core.
    assert out[0] == "True" and out[2] == "None", out
    with_blas = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={**env, "OPENBLAS_NUM_THREADS": str(max(2, os.cpu_count() or 2))},
    ).stdout.split()
    assert int(out[1]) < int(with_blas[1]), (out, with_blas)
