"""Scan units: what an executor runs, and the executors' common shape.

A scan is a set of independent units: a table (its sample), a file, or a byte range of a large
plain file (:class:`~derbes.scanner.engine.parallel.Task`), each tagged with the source it
belongs to. Units of one container are merged back in file order
(:func:`~derbes.scanner.engine.parallel.merge_outcomes`), whichever process or machine ran
them, so the inventory does not depend on where the work was done.

The default executor is this machine: the scan engine's own loop, with threads for the tables
of a database and worker processes for logs (``--jobs``). :class:`Executor` is what any other
must provide; :class:`~derbes.scanner.engine.cluster.DaskExecutor` runs units on a Dask
cluster.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from derbes.scanner.engine.container import ContainerOutcome
from derbes.scanner.engine.detect import Detector
from derbes.scanner.engine.options import Progress, ScanOptions
from derbes.scanner.engine.parallel import Task, plan_tasks
from derbes.scanner.sources.base import Container, Source


@dataclass(frozen=True, slots=True)
class Unit:
    """One task of one source: ``source`` is the source's index in the executor's list."""

    source: int
    task: Task


class Executor(Protocol):
    """Runs units somewhere and gives each one's outcome back."""

    #: Short name for the scan's options ("dask").
    name: str

    def parallelism(self) -> int:
        """How many units can run at once; large files are cut into a few ranges per slot."""
        ...

    def run(
        self,
        sources: Sequence[Source],
        units: Sequence[Unit],
        detector: Detector,
        options: ScanOptions,
        key: bytes,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> Iterator[tuple[Unit, ContainerOutcome]]:
        """``(unit, outcome)`` for every unit, each exactly once, in any order."""
        ...


def plan_units(
    sources: Sequence[Source], containers: Sequence[Sequence[Container]], parallelism: int
) -> list[Unit]:
    """The units of every source: whole containers, large plain files cut into ranges."""
    return [
        Unit(i, task)
        for i, (source, listed) in enumerate(zip(sources, containers, strict=True))
        for task in plan_tasks(source, listed, parallelism)
    ]


def describe_unit(unit: Unit) -> str:
    """How a unit is named in an error: the container, and its bytes if it is a range."""
    task = unit.task
    if task.start is None:
        return task.container.name
    return f"{task.container.name} (bytes {task.start}-{task.end})"
