"""The ``wbxr demo`` command writes a result and figures that read back correctly."""

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
