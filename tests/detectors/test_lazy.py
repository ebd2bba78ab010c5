"""Lazily exported names (``derbes.detectors.lazy``): each resolves; an unknown name is an
AttributeError, as for any module."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = ["derbes.detectors", "derbes.scanner.policy"]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_resolves(package):
    module = importlib.import_module(package)
    assert module.__all__
    for name in module.__all__:
        assert getattr(module, name) is not None, name


@pytest.mark.parametrize("package", [*PACKAGES, "derbes.scanner.sources"])
def test_an_unknown_name_is_an_attribute_error(package):
    module = importlib.import_module(package)
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018


def test_tabular_source_comes_from_its_module():
    from derbes.scanner import sources
    from derbes.scanner.sources.tabular import TabularSource

    assert sources.TabularSource is TabularSource
