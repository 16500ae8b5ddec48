"""Settings for every test run (unit tests, doctests, notebooks): CPU JAX, headless
matplotlib and the short versions of the notebooks (``WBXR_FAST=1``); figures that a test or
a doctest leaves open in pyplot are closed after it."""

import os

import pytest

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("WBXR_FAST", "1")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
