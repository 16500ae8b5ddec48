"""The ``wbxr demo`` command writes a result and figures that read back correctly."""

import os
import subprocess
import sys

import numpy as np
import xarray as xr

from wbxr.__main__ import main


def test_demo_writes_netcdf_and_figures(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--duration", "120"]) == 0
    printed = capsys.readouterr().out
    for name in ("example_network.nc", "fc.nc", "connectivity.png", "activity.png", "fc.png"):
        assert (out / name).stat().st_size > 1000
        assert str((out / name).resolve()) in printed
    with xr.open_dataset(out / "example_network.nc") as ds:
        assert ds.x.dims == ("time", "region") and ds.x.shape == (700, 8)
        assert ds.attrs["model"] == "Hopf" and ds.attrs["k"] == 0.5
    with xr.open_dataarray(out / "fc.nc") as fc:
        np.testing.assert_allclose(np.diag(fc.values), 1.0, atol=1e-5)
    with open(out / "activity.png", "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"


def test_the_command_under_xla_defaults_gives_the_numbers_of_the_test_settings(tmp_path):
    """``python -m wbxr demo`` in a fresh process with XLA's default optimisations.

    The suite compiles without LLVM's optimisations (conftest.py's TEST_XLA_FLAGS); this
    run checks that the fully optimised program gives the same numbers (to float32
    rounding over 1,200 steps of a noisy network: 2e-7 apart on values of 0.26)."""
    env = {name: value for name, value in os.environ.items() if name != "XLA_FLAGS"}
    args = ["demo", "--duration", "120", "--seed", "4"]
    subprocess.run([sys.executable, "-m", "wbxr", *args, "--out", str(tmp_path / "defaults")],
                   env=env, check=True, capture_output=True, timeout=300)
    assert main([*args, "--out", str(tmp_path / "tests")]) == 0
    with xr.open_dataset(tmp_path / "defaults" / "example_network.nc") as optimised, \
            xr.open_dataset(tmp_path / "tests" / "example_network.nc") as unoptimised:
        assert optimised.x.shape == (700, 8) and float(optimised.x.std()) > 0.01
        np.testing.assert_allclose(optimised.x.values, unoptimised.x.values, rtol=0, atol=1e-5)  # 2e-7 seen
