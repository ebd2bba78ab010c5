"""The on-disk cache of Hyperscan databases: loads what it stored, survives damage and races."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

hyperscan = pytest.importorskip("hyperscan")

from derbes.scanner.engine import hscache  # noqa: E402

EXPRESSIONS = [rb"(?:^|[^0-9])[0-9]{12}(?:[^0-9]|$)", rb"[a-z]+@[a-z]+\.kz"]
IDS = [3, 7]
FLAGS = hyperscan.HS_FLAG_MULTILINE


def _matches(db, data: bytes) -> list[tuple[int, int]]:
    found = []
    db.scan(data, match_event_handler=lambda pid, _s, end, _f, _c: found.append((pid, end)),
            scratch=hyperscan.Scratch(db))
    return found


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(hscache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / "hyperscan"


def _compiles(monkeypatch) -> list[int]:
    """Counts the databases compiled (not loaded) from now on."""
    calls = []
    real = hyperscan.Database

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hscache.hyperscan, "Database", counting)
    return calls


def test_a_stored_database_is_loaded_and_matches_alike(cache, monkeypatch):
    data = b"iin 870412300415\nmail a@b.kz\n"
    first = hscache.block_database(EXPRESSIONS, IDS, FLAGS)
    assert len(list(cache.glob("*.hsdb"))) == 1
    compiles = _compiles(monkeypatch)
    again = hscache.block_database(EXPRESSIONS, IDS, FLAGS)
    assert compiles == []
    found = _matches(first, data)
    assert {pid for pid, _ in found} == {3, 7}
    assert _matches(again, data) == found


def test_the_key_names_every_input():
    key = hscache.database_key(EXPRESSIONS, IDS, FLAGS, hyperscan.HS_MODE_BLOCK)
    assert key != hscache.database_key([*EXPRESSIONS[:1], b"x"], IDS, FLAGS, 1)
    assert key != hscache.database_key(EXPRESSIONS, [3, 8], FLAGS, hyperscan.HS_MODE_BLOCK)
    assert key != hscache.database_key(
        EXPRESSIONS, IDS, FLAGS | hyperscan.HS_FLAG_SINGLEMATCH, hyperscan.HS_MODE_BLOCK)
    assert key == hscache.database_key(list(EXPRESSIONS), list(IDS), FLAGS,
                                       hyperscan.HS_MODE_BLOCK)


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],  # truncated
    lambda raw: raw[:100] + bytes(b ^ 0xFF for b in raw[100:110]) + raw[110:],  # changed
    lambda raw: b"",  # empty
])
def test_a_damaged_file_is_compiled_again_and_replaced(cache, monkeypatch, damage):
    hscache.block_database(EXPRESSIONS, IDS, FLAGS)
    (path,) = cache.glob("*.hsdb")
    good = path.read_bytes()
    path.write_bytes(damage(good))
    compiles = _compiles(monkeypatch)
    db = hscache.block_database(EXPRESSIONS, IDS, FLAGS)
    assert compiles == [1]
    assert _matches(db, b"870412300415") == [(3, 12)]
    assert hscache._load(path, hyperscan.HS_MODE_BLOCK) is not None  # replaced by a good one


def test_concurrent_writers_leave_one_whole_file(cache):
    errors = []

    def build() -> None:
        try:
            db = hscache.block_database(EXPRESSIONS, IDS, FLAGS)
            assert _matches(db, b"a@b.kz") == [(7, 6)]
        except Exception as e:  # reported below, with the thread's own failure
            errors.append(e)

    threads = [threading.Thread(target=build) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [p.name.endswith(".hsdb") and not p.name.startswith(".tmp-")
            for p in cache.iterdir()] == [True]


def test_an_unwritable_cache_only_costs_the_compile(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(hscache.CACHE_ENV, str(blocker / "cache"))
    db = hscache.block_database(EXPRESSIONS, IDS, FLAGS)
    assert _matches(db, b"a@b.kz") == [(7, 6)]


def test_the_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv(hscache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert hscache.cache_dir() == tmp_path / "derbes"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert hscache.cache_dir() == Path.home() / ".cache" / "derbes"


def test_derbes_prefilters_give_one_key_in_every_process(tmp_path):
    """The expressions come out the same whatever the process's hash seed, or no scan would
    ever find its database in the cache (the package's or the system Hyperscan's)."""
    code = (
        "from derbes.scanner.engine import hscache\n"
        "keys = []\n"
        "def spy(real):\n"
        "    def spied(e, i, f):\n"
        "        keys.append(hscache.database_key(e, i, f, 1))\n"
        "        return real(e, i, f)\n"
        "    return spied\n"
        "hscache.block_database = spy(hscache.block_database)\n"
        "hscache.native_database = spy(hscache.native_database)\n"
        "from derbes.detectors import all_recognizers\n"
        "from derbes.scanner.engine.detect import Detector\n"
        "d = Detector(all_recognizers())\n"
        "d.prepare('lines'); d.prepare('values')\n"
        "print(keys)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed,
                            hscache.CACHE_ENV: str(tmp_path)}).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and runs[0].count("'") >= 4  # two databases at least
