"""Fixtures for core's own tests."""
import pytest

from grouptools.core import render


@pytest.fixture
def fresh_fonts(monkeypatch):
    """Each test finds fonts itself, with no GROUPTOOLS_FONT from the environment."""
    monkeypatch.delenv("GROUPTOOLS_FONT", raising=False)
    render.forget_fonts()
    yield
    render.forget_fonts()
