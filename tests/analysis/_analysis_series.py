"""Test data for the analysis tests: regional time series following wbxr's conventions."""

import numpy as np
import xarray as xr


def make_series(values, dt=1.0, regions=None, extra_coords=None, dims=None, name="x", units="1", t0=0.0):
    """A DataArray ``(..., time, region)`` with time in ms (``dt`` apart, from ``t0``)."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    n_time, n_regions = values.shape[-2:]
    dims = dims or (*tuple(extra_coords or {}), "time", "region")
    regions = regions if regions is not None else [f"R{i}" for i in range(n_regions)]
    coords = {
        "time": ("time", t0 + np.arange(n_time) * dt, {"units": "ms", "long_name": "time"}),
        "region": regions,
        **(extra_coords or {}),
    }
    return xr.DataArray(values, dims=dims, coords=coords, name=name, attrs={"units": units, "long_name": name})
