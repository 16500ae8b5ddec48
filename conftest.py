"""Settings for every test run (unit tests, doctests, notebooks): CPU JAX, headless
matplotlib, the short versions of the notebooks (``WBXR_FAST=1``), XLA without LLVM's
optimisations (:data:`TEST_XLA_FLAGS`) and Hypothesis's examples derived from each test
(:data:`HYPOTHESIS_PROFILES`); figures that a test or a doctest leaves open in pyplot are
closed after it.  Environment variables set here reach the test workers and the
notebooks' kernels, which are child processes of this one."""

import os

import pytest
from hypothesis import settings

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("WBXR_FAST", "1")

#: The suite runs thousands of short simulations, so compiling them is most of its time.
#: Without LLVM's optimisation passes XLA compiles them about 40 % faster and runs them
#: more slowly, which short runs do not notice: the whole suite took 490 s instead of 708 s
#: on 2 cores (2026-11-27).  Results may differ from those under XLA's defaults in the last
#: bits (every test passes under both); tests/test_main.py runs the demo under the defaults,
#: and speed is measured by benchmarks/.  A user's own XLA_FLAGS are left as they are.
TEST_XLA_FLAGS = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"
os.environ.setdefault("XLA_FLAGS", TEST_XLA_FLAGS)

#: Hypothesis profiles, chosen by ``HYPOTHESIS_PROFILE``.  "derandomized" (the default, and
#: CI's): every run tries the same examples, derived from each test, so that a landing never
#: fails at random; "explore": fresh random examples on every run, to look for new failures
#: (``HYPOTHESIS_PROFILE=explore python -m pytest -k <test>``, repeated).
HYPOTHESIS_PROFILES = {"derandomized": {"derandomize": True}, "explore": {"derandomize": False}}
for _name, _options in HYPOTHESIS_PROFILES.items():
    settings.register_profile(_name, **_options)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "derandomized"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
