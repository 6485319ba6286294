"""Fixtures for the teaching windows: example projects, loaded once per test."""

from pathlib import Path

import pytest

from playground.model.fileio import load_project

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


@pytest.fixture
def example():
    """``example("xor")`` → a fresh Project loaded from resources/examples/xor.nnpg."""

    def _load(name: str):
        return load_project(EXAMPLES / f"{name}.nnpg")

    return _load
