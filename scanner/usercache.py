"""Where derbes keeps what it can rebuild between runs (compiled Hyperscan databases, compiled
report templates): ``$DERBES_CACHE_DIR``, else ``$XDG_CACHE_HOME/derbes``, else
``~/.cache/derbes``. Everything in it may be deleted at any time."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "DERBES_CACHE_DIR"


def cache_dir() -> Path:
    """The cache folder (not created here)."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "derbes"
