"""CPU time per line of the log-line timestamp, against the plain regex search it stands for.

    for p in 0 1; do
      DERBES_PURE_PYTHON=$p taskset -c 1 python benchmarks/timestamps.py FILE; done

Lines of FILE by kind: access log (``client - user [stamp]``), BSD syslog (``Mmm dd``), JSON
lines and all of them. For each, the best of five passes of ``timestamp`` (compiled: the
typed scanner; as Python: the memoized search) and of ``by_regex`` (the definition, without
memos), interleaved; memos are cleared before each pass, so a pass sees each line once, as a
scan does. Prints microseconds per line and the ratio ``by_regex / timestamp``.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from derbes.scanner.engine import timestamps
from derbes.scanner.engine.timestamps import by_regex, timestamp, year_cut

KINDS = {
    "access log": re.compile(r"[0-9a-f:.]+ - \S+ \["),
    "BSD syslog": re.compile(r"[A-Z][a-z]{2} [ 0-9][0-9] "),
    "JSON": re.compile(r"\{"),
    "all lines": re.compile(r""),
}


def best_pass(function, lines: list[str], cut: str) -> float:
    timestamps._TS_MEMO.clear()
    started = time.process_time()
    for line in lines:
        function(line, cut)
    return time.process_time() - started


def main() -> None:
    lines = Path(sys.argv[1]).read_text(encoding="utf-8", errors="replace").splitlines()
    cut = year_cut(None)
    mode = "as Python" if not timestamps._SCANNER_COMPILED else "compiled"
    print(f"timestamp() {mode}, {sys.argv[1]}: µs per line, best of 5 interleaved passes")
    for kind, pattern in KINDS.items():
        chosen = [line for line in lines if pattern.match(line)]
        if not chosen:
            continue
        best = {timestamp: float("inf"), by_regex: float("inf")}
        for _ in range(5):
            for function in best:
                best[function] = min(best[function], best_pass(function, chosen, cut))
        fast, plain = (best[f] / len(chosen) * 1e6 for f in (timestamp, by_regex))
        print(f"{kind:11} {len(chosen):7} lines  timestamp {fast:5.2f}  by_regex {plain:5.2f}"
              f"  ratio {plain / fast:4.1f}x")


if __name__ == "__main__":
    main()
