"""derbes' scanner: sources, sampling, the scan engine, policy mapping and the CLI."""

from derbes.scanner import compiled as _compiled  # noqa: F401  (DERBES_PURE_PYTHON, first)
