"""Settings for every test run (unit tests, doctests, notebooks): CPU JAX, headless
matplotlib and the short versions of the notebooks (``WBXR_FAST=1``)."""

import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("WBXR_FAST", "1")
