"""Fuzz the JSON key paths (``value_spans``, ``field_at``, ``flatten``) and the log reader.

Coverage-guided with atheris (libFuzzer) when it is installed, else with Hypothesis at scale.
Each target checks invariants, not just "no exception": spans in order and inside the line,
every span found again by ``field_at``, ``value_spans`` agreeing with ``flatten`` on valid
JSON, the reader raising nothing but ``SourceError`` and counting every line, and time per
input growing at most linearly (an input that takes more than ``--slow`` seconds per
megabyte is a failure).

    .venv/bin/python benchmarks/fuzz_readers.py --target json --seconds 120
    .venv/bin/python benchmarks/fuzz_readers.py --target logs --seconds 120
    .venv/bin/python benchmarks/fuzz_readers.py --engine hypothesis --seconds 60

Not a test: results go to docs/fuzzing.md by hand. Crashing inputs are written to
``benchmarks/out/fuzz-crash-*`` (atheris: ``crash-*`` in the working directory).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
SLOW_S_PER_MB = 2.0

# -- the targets: each takes bytes and raises AssertionError (or anything) on a defect ------


def json_target(data: bytes) -> None:
    from derbes.scanner.jsonpaths import field_at, flatten, value_spans

    line = data.decode("utf-8", "replace")
    t0 = time.perf_counter()
    spans = value_spans(line)
    previous = 0
    for start, end, _path in spans:
        assert previous <= start <= end <= len(line), (start, end, previous)
        previous = end
        assert field_at(spans, start, end) is not None
    _check_time(t0, len(data))
    try:
        doc = json.loads(line)
    except (ValueError, RecursionError):
        return
    paths = [p for p, _ in flatten(doc)]
    if isinstance(doc, (dict, list)) and not _has_empty_key(doc):
        again = value_spans(json.dumps(doc, ensure_ascii=False))
        assert [p for _, _, p in again] == paths, (line, again, paths)


def _has_empty_key(doc: object, depth: int = 0) -> bool:
    if depth > 60:
        return True  # past MAX_DEPTH both views stop; not compared
    if isinstance(doc, dict):
        return any(k == "" or _has_empty_key(v, depth + 1) for k, v in doc.items())
    if isinstance(doc, list):
        return any(_has_empty_key(v, depth + 1) for v in doc)
    return False


_TMP = Path(tempfile.mkdtemp(prefix="derbes-fuzz-"))


def logs_target(data: bytes) -> None:
    from derbes.scanner.errors import SourceError
    from derbes.scanner.sources.base import ContainerDone, LineBatch
    from derbes.scanner.sources.logs import LogSource

    path = _TMP / "input.log"
    path.write_bytes(data)
    src = LogSource(str(path), max_line_bytes=8192, batch_bytes=4096)
    (container,) = src.containers()
    t0 = time.perf_counter()
    batches = []
    try:
        for batch in src.read(container):
            batches.append(batch)
    except SourceError as e:
        assert e.reason and e.container == str(path)
        assert not any(isinstance(b, ContainerDone) for b in batches)
        return
    _check_time(t0, len(data))
    done = batches[-1]
    assert isinstance(done, ContainerDone)
    assert all(isinstance(b, LineBatch) for b in batches[:-1])
    plain = (b"\0" not in data[:8192] and not data.startswith(
        (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd", b"\xff\xfe", b"\xfe\xff",
         b"\x00\x00\xfe\xff", b"\xef\xbb\xbf")))
    if plain:
        lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        assert done.rows_scanned == lines, (done.rows_scanned, lines)


def _check_time(t0: float, size: int) -> None:
    elapsed = time.perf_counter() - t0
    budget = 0.5 + SLOW_S_PER_MB * size / 1e6  # the base absorbs first-call imports
    assert elapsed <= budget, f"{elapsed:.3f} s for {size} bytes"


TARGETS = {"json": json_target, "logs": logs_target}

# -- seeds: hostile shapes the fuzzers start from ---------------------------------------------

SEEDS = [
    b'{"a": {"iin": "871008401427"}, "b": [1, 2, {"c": "x"}]}',
    b'{"a": "\\u12", "b": "\\"quoted\\"", "c": [}',
    b"[" * 3000 + b"1," * 3000,
    b'{"k":' * 2000 + b'"v"' + b"}" * 2000,
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\x00" * 20,
    b"BZh91AY&SY" + b"\xff" * 30,
    b"\xfd7zXZ\x00" + b"\x00" * 30,
    b"\xef\xbb\xbf\xd0\x98\xd0\x98\xd0\x9d 871008401427\n\xff\xfe bad\n",
    b"\xff\xfeA\x00B\x00\n\x00",
    b"x" * 20000 + b"\n" + b"\xd0" * 10 + b"\n",
]


# -- engines ----------------------------------------------------------------------------------


def run_atheris(target: str, seconds: int) -> int:
    import atheris

    with atheris.instrument_imports():
        import derbes.scanner.jsonpaths
        import derbes.scanner.sources.logs  # noqa: F401

    corpus = Path(tempfile.mkdtemp(prefix=f"derbes-corpus-{target}-"))
    for i, seed in enumerate(SEEDS):
        (corpus / f"seed{i}").write_bytes(seed)
    fn = TARGETS[target]
    atheris.Setup([sys.argv[0], f"-max_total_time={seconds}", "-max_len=65536",
                   "-print_final_stats=1", str(corpus)], fn)
    atheris.Fuzz()
    return 0


def run_hypothesis(target: str, seconds: int) -> int:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    fn = TARGETS[target]
    pieces = st.sampled_from(
        [b"{", b"}", b"[", b"]", b'"', b"\\", b":", b",", b" ", b"\n", b"1", b"871008401427",
         b"true", b"null", b"\xd0\x98", b"\xff", b"\x00", b"\x1f\x8b", b"BZh", b"\xef\xbb\xbf",
         b"iin", b"\\u00"])
    inputs = st.one_of(st.binary(max_size=4096),
                       st.lists(pieces, max_size=2000).map(b"".join),
                       st.sampled_from(SEEDS))
    deadline = time.monotonic() + seconds
    count = [0]
    failures: list[bytes] = []

    # Rounds of 500 examples, each with fresh randomness, until the time is up.
    @settings(max_examples=500, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(inputs)
    def run(data: bytes) -> None:
        count[0] += 1
        try:
            fn(data)
        except Exception:
            failures.append(data)
            raise

    start = time.monotonic()
    code = 0
    while time.monotonic() < deadline:
        try:
            run()
        except Exception as e:  # report and keep the input, then stop
            OUT.mkdir(exist_ok=True)
            crash = OUT / f"fuzz-crash-{target}-{int(time.time())}"
            crash.write_bytes(failures[-1] if failures else b"")
            print(f"FAILURE {type(e).__name__}: {str(e)[:300]} (input in {crash})")
            code = 1
            break
    elapsed = time.monotonic() - start
    print(f"hypothesis {target}: {count[0]} inputs in {elapsed:.0f} s "
          f"({count[0] / max(elapsed, 1e-9):.0f}/s), {'failure' if code else 'no failure'}")
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    parser.add_argument("--seconds", type=int, default=60, help="per target")
    parser.add_argument("--engine", choices=["auto", "atheris", "hypothesis"], default="auto")
    args = parser.parse_args()
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "hypothesis"
    targets = list(TARGETS) if args.target == "all" else [args.target]
    if engine == "atheris" and len(targets) > 1:
        # libFuzzer runs one target per process.
        codes = [subprocess.call([sys.executable, __file__, "--target", t, "--seconds",
                                  str(args.seconds), "--engine", "atheris"]) for t in targets]
        return max(codes)
    runner = run_atheris if engine == "atheris" else run_hypothesis
    return max(runner(t, args.seconds) for t in targets)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
