"""What the commands import: Presidio (and spaCy under it) costs seconds of start-up, so the
light commands and a scan with derbes' own recognizers never import it (issue #13).

Each command runs in a fresh interpreter, which writes the top-level modules it loaded by
the time it exits; the test reads that list. A scan with a user's Presidio recognizer file
shows the check can fail: that scan does need Presidio.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("presidio_analyzer", "spacy")

_RUN = """
import atexit, json, sys
out, args = sys.argv[1], json.loads(sys.argv[2])
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(
    {m.split(".")[0] for m in sys.modules}))))
sys.argv = ["derbes", *args]
from derbes.scanner.cli import main
main()
"""


def _loaded(args: list[str], tmp_path: Path) -> set[str]:
    out = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", _RUN, str(out), json.dumps(args)],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return set(json.loads(out.read_text()))


def _one_line_log(tmp_path: Path) -> str:
    log = tmp_path / "one.log"
    log.write_text("payment by iin=870412300415 phone +7 701 123 45 67\n", encoding="utf-8")
    return str(log)


@pytest.mark.parametrize("args", [
    ["--version"],
    ["--help"],
    ["policy", "validate", str(ROOT / "examples" / "policy-online-school.ru.yaml")],
    ["policy", "init", "--lang", "en"],
], ids=["version", "help", "policy-validate", "policy-init"])
def test_light_commands_never_import_presidio(args, tmp_path):
    loaded = _loaded(args, tmp_path)
    assert "derbes" in loaded
    assert not loaded & set(HEAVY)


def test_a_scan_with_derbes_recognizers_never_imports_presidio(tmp_path):
    loaded = _loaded(["scan", _one_line_log(tmp_path), "--out", str(tmp_path / "out"),
                      "--quiet"], tmp_path)
    assert (tmp_path / "out" / "findings.parquet").exists()
    assert "derbes" in loaded and not loaded & set(HEAVY)


def test_a_scan_with_presidio_recognizers_imports_presidio(tmp_path):
    custom = ROOT / "tests" / "detectors" / "data" / "custom.yaml"
    loaded = _loaded(["scan", _one_line_log(tmp_path), "--out", str(tmp_path / "out"),
                      "--quiet", "--recognizers", str(custom)], tmp_path)
    assert "presidio_analyzer" in loaded
