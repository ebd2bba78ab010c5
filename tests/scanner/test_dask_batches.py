"""How a Dask scan groups its units into tasks (``cluster.batches``): no cluster needed."""

from __future__ import annotations

from types import SimpleNamespace

from derbes.scanner.engine import cluster
from derbes.scanner.engine.parallel import Task
from derbes.scanner.engine.units import Unit
from derbes.scanner.sources.base import Container

LOGS, DB = SimpleNamespace(kind="log"), SimpleNamespace(kind="database")


def _file(name: str, size: int) -> Task:
    return Task(0, Container(name, "file", meta={"size": size}))


def test_small_files_go_together_in_order_and_the_rest_alone(monkeypatch):
    monkeypatch.setattr(cluster, "BATCH_BYTES", 1000)
    monkeypatch.setattr(cluster, "BATCH_UNITS", 3)
    sources = [LOGS, DB]
    units = [
        Unit(0, _file("big.log", 5000)),                            # 0: past the limit
        Unit(0, Task(1, Container("cut.log", "file", meta={"size": 9000}), 0, 300)),  # 1
        Unit(1, Task(0, Container("public.clients", "table"))),     # 2: a table
        *(Unit(0, _file(f"s{k}.log", 300)) for k in range(7)),      # 3-9: 300 bytes each
        Unit(0, _file("last.log", 10)),                             # 10
    ]
    order = list(range(len(units)))
    # The whole files' bytes (7,110) over 1 slot x BATCHES_PER_SLOT (4): 1,777 a batch, capped
    # at BATCH_BYTES (1,000); and at most BATCH_UNITS (3) files.
    assert cluster.batches(sources, units, order, 1) == [
        [0], [1], [2], [3, 4, 5], [6, 7, 8], [9, 10]]
    monkeypatch.setattr(cluster, "BATCH_BYTES", 10_000)
    monkeypatch.setattr(cluster, "BATCH_UNITS", 100)
    assert cluster.batches(sources, units, order, 1) == [
        [0], [1], [2], [3, 4, 5, 6, 7, 8], [9, 10]]
    # Many slots: 27 bytes a batch, every file alone, as before batching.
    assert cluster.batches(sources, units, order, 64) == [[i] for i in order]
    # The order given is kept, whatever it is.
    backwards = order[::-1]
    assert [i for b in cluster.batches(sources, units, backwards, 1) for i in b] == backwards
