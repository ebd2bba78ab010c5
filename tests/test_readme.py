"""The README's example commands run as written (after the demo they start from)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
DERBES = Path(sys.executable).with_name("derbes")


def readme_commands() -> list[str]:
    """The commands of the README's "Using it" block, continuation lines joined."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Using it"):]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    return [c.strip() for c in block.replace("\\\n", " ").splitlines() if c.strip()]


def test_readme_commands_run_as_written(tmp_path):
    commands = readme_commands()
    assert len(commands) >= 5 and all(c.startswith(".venv/bin/derbes") for c in commands)
    # The repository's own layout: .venv/bin/derbes, examples/; the demo data made as the
    # README says (make demo runs `derbes demo --out demo-out`), smaller.
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "bin").symlink_to(DERBES.parent)
    (tmp_path / "examples").symlink_to(REPO / "examples")
    env = {**os.environ, "COLUMNS": "160", "LANG": "C.UTF-8"}
    env.pop("DERBES_HASH_KEY", None)
    from derbes.scanner.demo import make_demo

    make_demo(tmp_path / "demo-out" / "data", clients=200)  # what `derbes demo` scans
    for command in commands:
        proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        # 1: the demo violates its policy on purpose; anything else is the README's fault.
        assert proc.returncode in (0, 1), f"{command}\n{proc.stdout}\n{proc.stderr}"
        assert "internal error" not in proc.stderr and "Usage:" not in proc.stderr
    # What the README promises of them: the baseline accepts the first scan, nothing is
    # lost from the inventory, and history sees no change.
    first = pq.read_table(tmp_path / "derbes-out" / "findings.parquet").to_pylist()
    second = pq.read_table(tmp_path / "derbes-out-2" / "findings.parquet").to_pylist()
    assert len(first) == len(second) > 0
    assert {f["status"] for f in second} == {"accepted"}
    assert (tmp_path / "policy.yaml").read_text(encoding="utf-8").startswith("#")
    for name in ("findings.parquet", "report.html", "report.sarif", "summary.json"):
        assert (tmp_path / "derbes-out" / name).exists(), name
