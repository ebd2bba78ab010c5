"""Fixtures of the report tests; the scan results themselves are in ``reports_fixtures``."""

from __future__ import annotations

import pytest
from reports_fixtures import make_result

from derbes.scanner.model import ScanResult


@pytest.fixture
def result() -> ScanResult:
    return make_result()


@pytest.fixture
def result_with_values() -> ScanResult:
    return make_result(with_values=True)
