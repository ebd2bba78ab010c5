"""CPU time of one scan of a log file, compiled or as Python, for interleaved comparisons.

    for i in 1 2 3; do for p in 0 1; do
      DERBES_PURE_PYTHON=$p taskset -c 1 python benchmarks/cpu_time.py FILE; done; done

Prints the number of compiled modules, the scan's CPU seconds and the number of findings.
CPU time, not wall time: on a shared machine it is the steadier of the two.
"""

from __future__ import annotations

import sys
import time

from derbes.scanner.compiled import compiled_modules
from derbes.scanner.engine.scan import scan
from derbes.scanner.sources.logs.source import LogSource


def main() -> None:
    started = time.process_time()
    result = scan([LogSource(sys.argv[1])])
    seconds = time.process_time() - started
    print(f"{len(compiled_modules())} compiled modules, {seconds:.2f} s CPU, "
          f"{len(result.findings)} findings")


if __name__ == "__main__":
    main()
