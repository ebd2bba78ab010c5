"""Fixtures of the security tests: end-to-end scans (see ``tests/derbes_e2e.py``)."""

from derbes_e2e import derbes_scan, shared_detector  # noqa: F401 - fixtures
