"""Growth-rate checks that hold on a loaded machine.

A test of "linear time" compares the CPU time of an input with that of an input ``factor``
times larger: about ``factor`` when linear, ``factor**2`` when quadratic. Two things make such
a ratio noisy on a shared 2-core VM, and each has its remedy here:

* other processes take the core away: CPU time (``time.process_time``) does not count the
  time the process waited, unlike wall time;
* the machine's speed drifts over seconds (a busy sibling hyperthread, frequency changes): the
  two inputs are measured in turns, the best of several rounds each, so both see the same
  machine;

and a ratio over the bound is measured again (up to ``attempts`` times), keeping the lowest.
Noise rarely lasts through every attempt; a quadratic algorithm exceeds the bound in each.
Imported by name (``tests/`` is on ``sys.path`` through ``tests/conftest.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def cpu_seconds(fn: Callable[[Any], object], arg: Any) -> float:
    """CPU time of one call ``fn(arg)``."""
    t0 = time.process_time()
    fn(arg)
    return time.process_time() - t0


def interleaved_best(fn: Callable[[Any], object], *args: Any, rounds: int = 3) -> list[float]:
    """Best CPU time of ``fn`` on each argument, measured in turns over ``rounds`` rounds."""
    best = [float("inf")] * len(args)
    for _ in range(rounds):
        for i, arg in enumerate(args):
            best[i] = min(best[i], cpu_seconds(fn, arg))
    return best


def growth(fn: Callable[[Any], object], small: Any, large: Any, bound: float,
           rounds: int = 3, attempts: int = 3) -> float:
    """The lowest ratio ``cpu(large) / cpu(small)`` seen, measured until it is within ``bound``
    or ``attempts`` measurements were made. The caller asserts ``growth(...) <= bound``."""
    fn(small)  # warm caches and lazily compiled patterns
    lowest = float("inf")
    for _ in range(attempts):
        t_small, t_large = interleaved_best(fn, small, large, rounds=rounds)
        lowest = min(lowest, t_large / max(t_small, 1e-4))
        if lowest <= bound:
            break
    return lowest
