"""Fitting targets: FC matrices, FCD matrices or time series, aligned to a network by label.

A target is an xarray object whose regions carry labels: an FC matrix with dims
``("region_i", "region_j")`` (as :func:`wbxr.analysis.fc` returns), an FCD matrix with dims
``("window_i", "window_j")`` (:func:`wbxr.analysis.fcd`), or a time series with dims
``("time", "region")`` (a DataArray, or a Dataset from which the fitted variable is taken).
Regions are put in the order of the connectome's labels; a label missing on either side is
an error that names it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..analysis.connectivity import FC_DIMS

__all__ = ["Target", "align_target"]


@dataclasses.dataclass(frozen=True)
class Target:
    """A target as plain arrays, in the network's region order."""

    kind: str  #: "fc", "fcd" or "timeseries"
    values: np.ndarray  #: (N, N) FC, (P,) FCD values or (T, N) time series
    data: xr.DataArray  #: the aligned xarray target
    sample_ms: float | None = None  #: sampling step of a time series (ms)


def _reorder(values: xr.DataArray, dims: Sequence[str], labels: list[str]) -> xr.DataArray:
    for dim in dims:
        if dim not in values.coords:
            raise ValueError(
                f"target has no {dim!r} coordinate: its regions must carry labels to be "
                f"aligned with the connectome's regions {labels}"
            )
        given = [str(label) for label in values[dim].values]
        missing = [label for label in labels if label not in given]
        extra = [label for label in given if label not in labels]
        if missing or extra:
            raise ValueError(
                f"target's {dim!r} labels do not match the connectome: missing from the target: "
                f"{missing}; not in the connectome: {extra}"
            )
        if len(set(given)) != len(given):
            raise ValueError(f"target's {dim!r} labels are not unique: {given}")
        values = values.assign_coords({dim: given}).sel({dim: labels})
    return values


def align_target(target: xr.DataArray | xr.Dataset, labels: list[str], var: str) -> Target:
    """Check a target and put its regions in the order ``labels``.

    Parameters
    ----------
    target
        FC matrix, FCD matrix or time series (see the module docstring).
    labels
        The network's region labels.
    var
        The variable to take from a Dataset target.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> fc = xr.DataArray(np.eye(2), dims=("region_i", "region_j"),
    ...                   coords={"region_i": ["B", "A"], "region_j": ["B", "A"]})
    >>> align_target(fc, ["A", "B"], "x").data.region_i.values.tolist()
    ['A', 'B']
    >>> align_target(fc, ["A", "C"], "x")
    Traceback (most recent call last):
    ...
    ValueError: target's 'region_i' labels do not match the connectome: missing from the target: ['C']; not in the connectome: ['B']
    """
    if isinstance(target, xr.Dataset):
        if var not in target.data_vars:
            raise ValueError(
                f"target Dataset has no variable {var!r} (the fitted variable); "
                f"it has {list(target.data_vars)}"
            )
        target = target[var]
    if not isinstance(target, xr.DataArray):
        raise TypeError(
            f"target must be an xarray DataArray (FC, FCD or time series) or Dataset, got "
            f"{type(target).__name__}"
        )
    dims = set(target.dims)
    if dims == set(FC_DIMS):
        data = _reorder(target.transpose(*FC_DIMS), FC_DIMS, labels).astype(float)
        values = data.values
        if not np.all(np.isfinite(values)):
            raise ValueError("target FC contains NaN or Inf (a constant region?); it must be finite")
        if not np.allclose(values, values.T, atol=1e-8):
            raise ValueError("target FC must be a symmetric matrix")
        return Target("fc", values, data)
    if dims == {"window_i", "window_j"}:
        values = np.asarray(target.transpose("window_i", "window_j").values, dtype=float)
        rows, cols = np.triu_indices(values.shape[0], k=1)
        if rows.size == 0 or not np.all(np.isfinite(values[rows, cols])):
            raise ValueError("target FCD must have at least 2 windows and finite values")
        return Target("fcd", values[rows, cols], target)
    if dims == {"time", "region"}:
        data = _reorder(target.transpose("time", "region"), ("region",), labels).astype(float)
        if data.sizes["time"] < 2 or "time" not in data.coords:
            raise ValueError("target time series needs a 'time' coordinate (ms) and at least 2 samples")
        time = np.asarray(data["time"].values, dtype=float)
        steps = np.diff(time)
        if not np.allclose(steps, steps[0], rtol=1e-6) or steps[0] <= 0:
            raise ValueError("target time series must be sampled at a constant, increasing step (ms)")
        if not np.all(np.isfinite(data.values)):
            raise ValueError("target time series contains NaN or Inf")
        return Target("timeseries", data.values, data, sample_ms=float(steps[0]))
    raise ValueError(
        f"target must have dims ('region_i', 'region_j') (FC), ('window_i', 'window_j') (FCD) "
        f"or ('time', 'region') (time series); got {target.dims}"
    )
