"""Scans on a Dask cluster give the inventory of a local scan, survive lost workers, read S3.

A ``LocalCluster`` of two worker processes (one thread each) listens on loopback only, with
``allowed-failures`` at 1: a unit whose worker dies once is rerun, a unit that kills two
workers is failed; the two tests that kill workers have a cluster of their own, so that no
other test waits for new workers to start. An S3-compatible server (moto's server mode) runs
on 127.0.0.1 for the module. Nothing here waits on a clock to decide an outcome: the
lost-worker test makes one unit block on a marker file until the test has killed the process
running it.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import signal
import sqlite3
import tarfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import distributed
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dask_helpers import BlockingLogSource, PoisonLogSource, RaisingLogSource

from derbes.detectors.corpora.logs import lines
from derbes.reports.ci import ExitCode, exit_code
from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.engine import cluster as dask_cluster
from derbes.scanner.engine.cluster import DaskExecutor
from derbes.scanner.engine.units import plan_units
from derbes.scanner.run import RunSpec, run_scan
from derbes.scanner.sources import open_source
from derbes.scanner.sources.logs import LogSource

pytestmark = pytest.mark.slow

KEY = "derbes-dask-test-key-0123456789"
BUCKET = "derbes-dask-test"
#: A log of about 800 KB: with the smallest range lowered to 64 KiB (``small_ranges``), the
#: cluster scans it in byte ranges, the local scan (one job) in one piece.
BIG_LOG_LINES = 4_000


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    """An S3-compatible server on loopback, and the environment that points s3fs at it."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    with pytest.MonkeyPatch.context() as mp:
        # Credentials from the environment only, as in production; these are moto's.
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret")
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        mp.setenv("AWS_ENDPOINT_URL", endpoint)
        try:
            yield endpoint
        finally:
            server.stop()


@pytest.fixture(scope="module")
def client(s3_server: str) -> Iterator[distributed.Client]:
    """Two worker processes on loopback; the workers inherit the S3 environment. No test
    kills them: those that do have a cluster of their own (``doomed``)."""
    with _cluster() as client:
        yield client


@pytest.fixture
def doomed(s3_server: str) -> Iterator[distributed.Client]:
    """A cluster for a test that kills its workers: the next tests do not wait on nannies
    to start new ones (that took over a minute at load 7).

    Closing it may meet a nanny whose new worker process is made but not yet started:
    distributed (2026.8.0) then fails in ``Nanny.kill`` with "can only join a started
    process" (seen once, in a CI run on a loaded machine, after the test itself passed). That
    race of distributed's own shutdown is let pass here; any other error is not."""
    cluster = _cluster()
    client = cluster.__enter__()
    try:
        yield client
    finally:
        try:
            cluster.__exit__(None, None, None)
        except AssertionError as e:
            if "can only join a started process" not in str(e):
                raise


@contextlib.contextmanager
def _cluster() -> Iterator[distributed.Client]:
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.CRITICAL,
    ) as cluster, Client(cluster, set_as_default=False) as client:
        yield client


@pytest.fixture
def small_ranges(monkeypatch) -> None:
    """Ranges from 64 KiB, so that a test-sized log is cut (units are planned by the client)."""
    from derbes.scanner.engine import parallel

    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Logs (four small files and one big enough to be cut), a Parquet file, a SQLite file."""
    root = tmp_path_factory.mktemp("dask-corpus")
    logs = root / "logs"
    logs.mkdir()
    text = lines(BIG_LOG_LINES + 4 * 500, seed=17)
    for i in range(4):
        (logs / f"app-{i}.log").write_text(
            "\n".join(text[i * 500:(i + 1) * 500]) + "\n", encoding="utf-8")
    (logs / "big.log").write_text("\n".join(text[2000:]) + "\n", encoding="utf-8")
    rows = _people(300)
    tables = root / "tables"
    tables.mkdir()
    pq.write_table(pa.table({k: [r[k] for r in rows] for k in rows[0]}), tables / "clients.parquet")
    db = root / "crm.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE clients (id INTEGER PRIMARY KEY, full_name TEXT, iin TEXT, "
                     "phone TEXT, email TEXT, note TEXT)")
        conn.executemany("INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?)",
                         [(i + 1, r["full_name"], r["iin"], r["phone"], r["email"], r["note"])
                          for i, r in enumerate(rows)])
    return {"logs": logs, "tables": tables / "clients.parquet", "db": db, "root": root}


def _people(n: int) -> list[dict]:
    from faker import Faker

    from derbes.detectors.faker_kz import KazakhProvider

    fake = Faker("ru_RU")
    fake.add_provider(KazakhProvider)
    fake.seed_instance(23)
    return [
        {
            "full_name": fake.russian_name(),
            "iin": fake.iin(),
            "phone": fake.kz_phone(),
            "email": fake.email(),
            "note": f"звонок клиенту {fake.kz_phone()}" if i % 3 == 0 else "без замечаний",
        }
        for i in range(n)
    ]


def _rows(path: Path, drop: tuple[str, ...] = ("scan_id", "scanned_at")) -> list[dict]:
    rows = [{k: v for k, v in r.items() if k not in drop}
            for r in pq.read_table(path).to_pylist()]
    return sorted(rows, key=lambda r: sorted((k, repr(v)) for k, v in r.items()))


def _spec(corpus: dict[str, Path], out: Path, **kw) -> RunSpec:
    return RunSpec(
        sources=[str(corpus["logs"]), str(corpus["tables"]), f"sqlite:///{corpus['db']}"],
        out=out, formats=["parquet"], hits=True, seed=7, quiet=True, jobs=1, **kw)


# -- the same inventory -----------------------------------------------------------------------


def test_dask_scan_writes_the_findings_of_a_local_scan(corpus, client, tmp_path, monkeypatch,
                                                       small_ranges):
    monkeypatch.setenv("DERBES_HASH_KEY", KEY)
    # Every unit with hits writes them as a Parquet part: the gathering path is exercised.
    monkeypatch.setattr(dask_cluster, "INLINE_HITS", 0)
    local = run_scan(_spec(corpus, tmp_path / "local")).code
    remote = run_scan(_spec(corpus, tmp_path / "dask", dask=client.scheduler.address)).code
    assert remote == local
    findings = _rows(tmp_path / "local" / "findings.parquet")
    assert {f["source_kind"] for f in findings} == {"log", "file", "database"}
    assert _rows(tmp_path / "dask" / "findings.parquet") == findings
    assert _rows(tmp_path / "dask" / "hits.parquet") == _rows(tmp_path / "local" / "hits.parquet")
    # The parts were gathered into hits.parquet and removed, on the cluster and here.
    assert sorted(p.name for p in (tmp_path / "dask").rglob("*.parquet")) == [
        "findings.parquet", "hits.parquet"]


def test_big_log_is_cut_into_ranges_on_the_cluster(corpus, client, small_ranges):
    source = LogSource(str(corpus["logs"]))
    executor = DaskExecutor(client=client)
    units = plan_units([source], [list(source.containers())], executor.parallelism())
    big = [u for u in units if u.task.container.name.endswith("big.log")]
    assert len(big) > 1, "the big log should be scanned in several byte ranges"


class _CountedReads:
    """A remote file that adds the bytes each read returns to ``counted``, and those it
    fetched from the store (more: it reads ahead) to ``fetched`` when closed."""

    def __init__(self, f, counted: list[int], fetched: list[int]) -> None:
        self._f, self._counted, self._fetched = f, counted, fetched

    def read(self, n: int = -1) -> bytes:
        data = self._f.read(n)
        self._counted.append(len(data))
        return data

    def __getattr__(self, name: str):
        return getattr(self._f, name)

    def __enter__(self) -> _CountedReads:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fetched.append(self._f.cache.total_requested_bytes)
        self._f.close()


def test_an_object_in_ranges_is_not_read_to_plan_and_is_numbered_as_one_piece(
        corpus, client, s3_server, small_ranges, monkeypatch, tmp_path):
    import boto3

    from derbes.scanner.sources.logs import source as log_source

    s3 = boto3.client("s3")
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=BUCKET)
    big = corpus["logs"] / "big.log"
    s3.upload_file(str(big), BUCKET, "whole/big.log")
    url = f"s3://{BUCKET}/whole/big.log"
    counted: list[int] = []
    fetched: list[int] = []
    opened = log_source.open_remote
    monkeypatch.setattr(log_source, "open_remote", lambda path, name, block_size=None:
                        _CountedReads(opened(path, name, block_size), counted, fetched))
    # Every unit writes its hits as a part, numbered from its range's start; the merge
    # renumbers them after the ranges before.
    executor = DaskExecutor(client=client, parts_url=str(tmp_path / "parts"), inline_hits=0)
    source = LogSource(url)
    units = plan_units([source], [list(source.containers())], executor.parallelism())
    assert len(units) > 3
    # The client reads the object's head (its encoding) and no more: it used to read the
    # object up to the last range's start to number the ranges' lines, and to fetch the
    # whole object (s3fs reads 50 MiB ahead) to find line starts at the cuts.
    assert counted == [64 << 10]
    assert sum(fetched) <= 2 * (64 << 10) < big.stat().st_size // 4
    options = ScanOptions(hash_key=KEY.encode(), hits=True)
    remote = scan([LogSource(url)], options, executor=executor)
    local = scan([LogSource(str(big))], options)
    assert remote.sources[0].status == "ok"
    assert len(remote.hits.parts) > 3 and any(p.row_offset for p in remote.hits.parts)

    def hits(result) -> list[tuple]:
        return sorted((h.row, h.start, h.end, h.field or "", h.entity, h.masked, h.value_hash)
                      for h in result.hits)

    assert hits(remote) == hits(local)
    assert len(hits(local)) > 100
    assert [c.notes for c in remote.containers] == [c.notes for c in local.containers]


def test_a_range_of_an_object_fetches_little_more_than_its_bytes(corpus, s3_server,
                                                                  monkeypatch):
    # A worker's range of an object: the store's read-ahead (50 MiB for S3) fetched the whole
    # 800 KB object for each 64 KiB range; the head, the line before the range and the end of
    # its last line are read, each one read-ahead (range_block) past what is asked.
    import boto3

    from derbes.scanner.sources.logs import source as log_source

    s3 = boto3.client("s3")
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=BUCKET)
    big = corpus["logs"] / "big.log"
    s3.upload_file(str(big), BUCKET, "ranges/big.log")
    counted: list[int] = []
    fetched: list[int] = []
    opened = log_source.open_remote
    monkeypatch.setattr(log_source, "open_remote", lambda path, name, block_size=None:
                        _CountedReads(opened(path, name, block_size), counted, fetched))
    remote = LogSource(f"s3://{BUCKET}/ranges/big.log")
    local = LogSource(str(big))
    (container,) = remote.containers()
    (here,) = local.containers()
    ranges = remote.split(container, 12, 64 << 10)
    assert len(ranges) >= 10
    for start, end in ranges[1:-1]:
        fetched.clear()
        got = list(remote.read_range(container, start, end))
        block = log_source.range_block(end - start)
        assert sum(fetched) <= (64 << 10) + (end - start) + 4 * block < big.stat().st_size // 2
        expected = list(local.read_range(here, start, end))
        assert [b.data for b in got[:-1]] == [b.data for b in expected[:-1]]
        # The lines before it, read backwards for what is open there: their bytes, the head,
        # and one read-ahead (64 KiB) past each of the few blocks that hold them.
        fetched.clear()
        before = remote.lines_before(container, start, end, 2000, 2 << 20)
        assert before == local.lines_before(here, start, end, 2000, 2 << 20)
        assert sum(fetched) <= 2 * len(before) + 6 * (64 << 10)


# -- lost workers -----------------------------------------------------------------------------


def test_many_small_files_go_in_batches_and_give_the_local_inventory(corpus, client,
                                                                    tmp_path):
    """A folder of many small logs: several files a task (batches), the local inventory; a
    file whose reading raises fails alone, its batch's other files are scanned."""
    logs = tmp_path / "logs"
    logs.mkdir()
    text = (corpus["logs"] / "app-0.log").read_text(encoding="utf-8").splitlines()
    for k in range(60):
        (logs / f"part-{k:02d}.log").write_text(
            "\n".join(text[k * 8:(k + 1) * 8]) + "\n", encoding="utf-8")
    (logs / "bad.log").write_text(text[0] + "\n", encoding="utf-8")
    options = ScanOptions(hash_key=KEY.encode())
    source = RaisingLogSource(str(logs))
    containers = list(source.containers())
    units = plan_units([source], [containers], 2)
    order = sorted(range(len(units)), key=lambda i: -units[i].task.size)
    batched = dask_cluster.batches([source], units, order, 2)
    assert len(batched) < len(units) / 4  # several files a task
    assert sorted(i for b in batched for i in b) == list(range(len(units)))

    submitted = []
    executor = DaskExecutor(client=client)
    real_submit = executor._submit

    def counting_submit(plugin, token, units, which, suffix):
        submitted.extend(which)
        return real_submit(plugin, token, units, which, suffix)

    executor._submit = counting_submit
    result = scan([source], options, executor=executor)
    assert len(submitted) == len(batched)
    (summary,) = result.sources
    assert summary.status == "partial"
    assert len(summary.errors) == 1 and "bad.log" in summary.errors[0]
    assert "failed on a worker (RuntimeError)" in summary.errors[0]
    (logs / "bad.log").unlink()
    expected = scan([LogSource(str(logs))], options)
    assert _strip(result.findings) == _strip(expected.findings)
    assert expected.findings


def test_a_killed_worker_has_its_unit_rerun(corpus, doomed, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    logs = tmp_path / "logs"
    logs.mkdir()
    for p in corpus["logs"].glob("app-*.log"):
        (logs / p.name).write_bytes(p.read_bytes())
    (logs / "block.log").write_bytes((corpus["logs"] / "app-0.log").read_bytes())
    options = ScanOptions(hash_key=KEY.encode())
    expected = scan([LogSource(str(logs))], options)

    source = BlockingLogSource(str(logs), markers=str(markers))
    done: dict = {}

    def run() -> None:
        done["result"] = scan([source], options, executor=DaskExecutor(client=doomed))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        started = markers / "started"
        _wait_for(started.exists, "the blocking unit to start")
        pid = int(started.read_text())
        os.kill(pid, signal.SIGKILL)
        thread.join(timeout=300)
        assert not thread.is_alive(), "the scan did not finish after its worker was killed"
    finally:
        (markers / "release").write_text("")  # never leave a unit waiting
    attempts = (markers / "attempts").read_text().split()
    assert len(attempts) == 2 and attempts[0] == str(pid) and attempts[1] != str(pid)
    result = done["result"]
    assert result.sources[0].status == "ok", result.sources[0].errors
    assert sorted(c.container for c in result.containers) == sorted(
        c.container for c in expected.containers)
    assert _strip(result.findings) == _strip(expected.findings)


def test_a_unit_that_keeps_killing_workers_fails_its_part_only(corpus, doomed, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    for p in corpus["logs"].glob("app-*.log"):
        (logs / p.name).write_bytes(p.read_bytes())
    (logs / "poison.log").write_text("2026-01-01T00:00:00 nothing\n")
    options = ScanOptions(hash_key=KEY.encode())
    result = scan([PoisonLogSource(str(logs))], options, executor=DaskExecutor(client=doomed))
    source = result.sources[0]
    assert source.status == "partial"
    assert len(source.errors) == 1 and "poison.log" in source.errors[0]
    assert "worker died" in source.errors[0]
    scanned = {c.container for c in result.containers if not any(
        n.startswith("error:") for n in c.notes)}
    assert scanned == {str(p) for p in logs.glob("app-*.log")}
    assert exit_code(result, []) == ExitCode.INCOMPLETE


# -- object storage ---------------------------------------------------------------------------


def test_s3_prefix_scanned_on_the_cluster_as_on_disk(corpus, client, s3_server, tmp_path):
    import boto3

    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    for p in sorted(corpus["logs"].glob("app-*.log")):
        s3.upload_file(str(p), BUCKET, f"logs/{p.name}")
    s3.upload_file(str(corpus["tables"]), BUCKET, "tables/clients.parquet")
    # A Spark export's prefix: not all tables (its _SUCCESS), so a log source, whose Parquet
    # object is read as a table all the same.
    s3.upload_file(str(corpus["tables"]), BUCKET, "export/part-00000-c000.snappy.parquet")
    s3.put_object(Bucket=BUCKET, Key="export/_SUCCESS", Body=b"")
    # An API's dump beside it: one JSON array of the same records (told by its head).
    records = pq.read_table(corpus["tables"]).to_pylist()
    s3.put_object(Bucket=BUCKET, Key="export/dump.json",
                  Body=json.dumps(records, ensure_ascii=False, default=str).encode())
    s3.put_object(Bucket=BUCKET, Key="export/dump.json.gz", Body=gzip.compress(
        json.dumps(records, ensure_ascii=False, default=str).encode()))
    options = ScanOptions(hash_key=KEY.encode())
    disk_logs = tmp_path / "logs"
    disk_logs.mkdir()
    for p in corpus["logs"].glob("app-*.log"):
        (disk_logs / p.name).write_bytes(p.read_bytes())
    on_disk = scan([LogSource(str(disk_logs)), open_source(str(corpus["tables"]))], options)
    sources = [open_source(f"s3://{BUCKET}/logs/"), open_source(f"s3://{BUCKET}/tables/")]
    local = scan(sources, options)
    remote = scan(sources, options, executor=DaskExecutor(client=client))
    assert [s.status for s in local.sources] == ["ok", "ok"]
    assert _by_name(remote.findings) == _by_name(local.findings) == _by_name(on_disk.findings)
    assert {c.container for c in remote.containers} == {
        f"s3://{BUCKET}/logs/app-{i}.log" for i in range(4)} | {
        f"s3://{BUCKET}/tables/clients.parquet"}
    assert len(local.findings) > 5
    export = open_source(f"s3://{BUCKET}/export/")
    assert isinstance(export, LogSource)  # FolderSource: logs, and the tables among them
    # Where the bucket rests: the store's endpoint here (another store than AWS), asked once.
    assert export.host == sources[1].host == "127.0.0.1"
    tables = [(f.field, f.entity, f.hits) for f in on_disk.findings
              if f.container.endswith("clients.parquet")]
    for result in (scan([export], options),
                   scan([export], options, executor=DaskExecutor(client=client))):
        for name in ("part-00000-c000.snappy.parquet", "dump.json", "dump.json.gz"):
            assert sorted(tables) == sorted((f.field, f.entity, f.hits) for f in result.findings
                                            if f.container.endswith(name)), name
    # Logs and exports kept as archives in a bucket: their members, as on disk.
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    with zipfile.ZipFile(shelf / "export.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(corpus["logs"].glob("app-*.log"))[:2]:
            z.write(p, f"logs/{p.name}")
        z.write(corpus["tables"], "clients.parquet")
    with tarfile.open(shelf / "logs.tar.gz", "w:gz") as tar:
        for p in sorted(corpus["logs"].glob("app-*.log"))[2:]:
            tar.add(p, f"var/log/{p.name}")
    # And the two kept in a month's ZIP: archives inside an archive, read from copies.
    with zipfile.ZipFile(shelf / "month.zip", "w", zipfile.ZIP_STORED) as z:
        z.write(shelf / "export.zip", "2026-11/export.zip")
        z.write(shelf / "logs.tar.gz", "2026-11/logs.tar.gz")
    for p in shelf.iterdir():
        s3.upload_file(str(p), BUCKET, f"shelf/{p.name}")
    shelved = scan([open_source(str(shelf))], options)
    assert len(shelved.containers) == 10 and len(shelved.findings) > 10
    assert sum(c.container.endswith(".zip!/2026-11/logs.tar.gz!/var/log/app-3.log")
               for c in shelved.containers) == 1
    for result in (scan([open_source(f"s3://{BUCKET}/shelf/")], options),
                   scan([open_source(f"s3://{BUCKET}/shelf/")], options,
                        executor=DaskExecutor(client=client))):
        assert result.sources[0].status == "ok", result.sources[0].errors
        assert _by_name(result.findings) == _by_name(shelved.findings)
    # A bucket of pg_dump archives (custom, tar): told by their names, then their heads.
    archives = Path(__file__).resolve().parent.parent / "data" / "dumps" / "archives"
    for name in ("custom.dump", "tardump.tar"):
        s3.upload_file(str(archives / name), BUCKET, f"backups/{name}")
    backups = open_source(f"s3://{BUCKET}/backups/")
    assert {c.meta.get("format") for c in backups.containers()} == {"sqldump"}
    on_disk = scan([open_source(str(archives / n)) for n in ("custom.dump", "tardump.tar")],
                   options)
    assert len(on_disk.findings) == 10
    for result in (scan([backups], options),
                   scan([backups], options, executor=DaskExecutor(client=client))):
        assert _by_name(result.findings) == _by_name(on_disk.findings)


def _strip(findings) -> list[tuple]:
    return sorted((f.container, f.field or "", f.entity, f.hits, f.rows_with_hits,
                   f.distinct_values, f.score_max, f.examples) for f in findings)


def _by_name(findings) -> list[tuple]:
    return sorted((os.path.basename(f.container), f.field or "", f.entity, f.hits,
                   f.rows_with_hits, f.distinct_values, f.score_max, f.examples)
                  for f in findings)


def _wait_for(check, what: str, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {limit:.0f} s for {what}")
        time.sleep(0.05)


def test_credentials_in_a_storage_url_are_refused_and_not_echoed(s3_server):
    from derbes.scanner.errors import SourceError

    with pytest.raises(SourceError) as caught:
        LogSource("s3://AKIAEXAMPLE:hunter2secret@bucket/logs/").containers().__next__()
    assert "environment" in str(caught.value)
    assert "hunter2secret" not in str(caught.value) and "AKIAEXAMPLE" not in str(caught.value)


def test_a_missing_bucket_is_a_clear_source_error(s3_server):
    from derbes.scanner.errors import SourceError

    with pytest.raises(SourceError, match="no such bucket"):
        list(LogSource("s3://derbes-no-such-bucket/logs/").containers())


def test_config_names_the_cluster_and_object_store_sources(tmp_path, monkeypatch):
    from derbes.scanner.config import load_config
    from derbes.scanner.errors import ConfigError
    from derbes.scanner.run import _merge_config

    path = tmp_path / "derbes.yaml"
    path.write_text(
        "version: 1\n"
        "sources:\n"
        "  - name: archive\n"
        "    url: s3://logs-archive/2026/\n"
        "dask:\n"
        "  scheduler: tcp://scheduler:8786\n"
        "  parts: s3://derbes-work/parts\n", encoding="utf-8")
    config = load_config(path)
    assert config.sources[0].url == "s3://logs-archive/2026/"
    spec, sources = _merge_config(RunSpec(config=path))
    assert (spec.dask, spec.dask_parts) == ("tcp://scheduler:8786", "s3://derbes-work/parts")
    assert [s.spec for s in sources] == ["s3://logs-archive/2026/"]
    # The command line wins over the file.
    spec, _ = _merge_config(RunSpec(config=path, dask="tcp://other:8786"))
    assert spec.dask == "tcp://other:8786"
    path.write_text(
        "version: 1\nsources:\n  - name: archive\n    url: s3://KEY:SECRET@logs/\n",
        encoding="utf-8")
    with pytest.raises(ConfigError, match="credentials in a storage URL") as caught:
        load_config(path)
    assert "SECRET" not in str(caught.value)


def test_an_unreachable_scheduler_is_a_cluster_error(tmp_path):
    import socket

    from derbes.scanner.errors import ClusterError

    with socket.socket() as s:  # a loopback port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ClusterError, match=f"127.0.0.1:{port}"):
        DaskExecutor(f"tcp://127.0.0.1:{port}", connect_timeout="2s")
