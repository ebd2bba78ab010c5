"""Sources that misbehave on a Dask worker, for tests/scanner/test_dask.py.

They live in a module of their own so that worker processes import them by name (the
test folder is on the workers' ``sys.path``, which spawned processes inherit).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from derbes.scanner.sources.logs import LogSource

#: Longest a blocked read waits for the test to kill its worker (it never needs this long).
BLOCK_LIMIT_S = 120.0


class BlockingLogSource(LogSource):
    """Logs whose file named ``block.log`` blocks on its first reading until the test acts.

    Every attempt appends its process id to ``markers/attempts``. The first attempt also writes
    ``markers/started`` and then waits for ``markers/release``, which the test never writes: it
    kills the process instead. A later attempt finds ``started`` and reads normally.
    """

    def __init__(self, spec: str, *, markers: str, **options) -> None:
        super().__init__(spec, **options)
        self.markers = markers

    def read(self, container):
        if container.name.endswith("block.log"):
            markers = Path(self.markers)
            with (markers / "attempts").open("a") as f:
                f.write(f"{os.getpid()}\n")
            started = markers / "started"
            if not started.exists():
                tmp = markers / "started.tmp"
                tmp.write_text(str(os.getpid()))
                tmp.rename(started)  # whole, or not there: the test reads a complete pid
                deadline = time.monotonic() + BLOCK_LIMIT_S
                while not (markers / "release").exists() and time.monotonic() < deadline:
                    time.sleep(0.05)
        yield from super().read(container)


class PoisonLogSource(LogSource):
    """Logs whose file named ``poison.log`` kills the worker process that reads it, every time."""

    def read(self, container):
        if container.name.endswith("poison.log"):
            from distributed import get_worker

            get_worker()  # raises outside a worker: never kill the test process itself
            os._exit(13)
        yield from super().read(container)


class RaisingLogSource(LogSource):
    """Logs whose file named ``bad.log`` raises a bug's exception (not a source error) each
    time it is read: its unit fails, the others of its batch do not."""

    def read(self, container):
        if container.name.endswith("bad.log"):
            raise RuntimeError("a bug on reading bad.log")
        yield from super().read(container)
