"""Shared plumbing of the analysis functions: input checks, the time axis, dask chunks.

Private: the public functions in :mod:`wbxr.analysis` call these so that every
analysis picks its variable, reads its sampling step and reports errors the same way.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from wbxr._units import time_ms
from wbxr.analysis.connectivity import select_variable

REGION_DIM = "region"

_TIME_UNIT_TO_MS = {"ms": 1.0, "millisecond": 1.0, "milliseconds": 1.0, "s": 1000.0, "second": 1000.0,
                    "seconds": 1000.0}


def as_signal(
    data: xr.DataArray | xr.Dataset,
    var: str | None,
    dim: str,
    *,
    need_region: bool = True,
    argument: str = "data",
) -> xr.DataArray:
    """The DataArray an analysis works on, with ``dim`` (and ``"region"``) checked.

    A Dataset goes through :func:`wbxr.analysis.select_variable`; ``var`` must be None
    for a DataArray.  Raises TypeError for anything else and ValueError (naming
    ``argument``) when a required dimension is missing.
    """
    if isinstance(data, xr.Dataset):
        data = select_variable(data, var, dim=dim)
    elif isinstance(data, xr.DataArray):
        if var is not None:
            raise ValueError(f"var={var!r} is only used with a Dataset; got a DataArray")
    else:
        raise TypeError(f"{argument} must be an xarray DataArray or Dataset, got {type(data).__name__}")
    if dim == REGION_DIM:
        raise ValueError(f"dim must be the time-like dimension, not {REGION_DIM!r}")
    required = (dim, REGION_DIM) if need_region else (dim,)
    for name in required:
        if name not in data.dims:
            raise ValueError(f"{argument} has no {name!r} dimension; its dims are {data.dims}")
    return data


def sampling_step_ms(data: xr.DataArray, dim: str, *, argument: str = "data") -> float:
    """The (uniform) sampling step of ``data`` along ``dim``, in milliseconds.

    Read from the ``dim`` coordinate, whose ``units`` attribute may be ``"ms"``
    (the default when absent) or ``"s"``.
    """
    if dim not in data.coords:
        raise ValueError(
            f"{argument} has no {dim!r} coordinate; the sampling rate is read from it "
            f"(times in ms), e.g. {argument}.assign_coords({dim}=np.arange(n) * dt_ms)"
        )
    coord = data[dim]
    if data.sizes[dim] < 2:
        raise ValueError(f"{argument} needs at least 2 samples along {dim!r}, got {data.sizes[dim]}")
    units = str(coord.attrs.get("units", "ms")).strip()
    if units not in _TIME_UNIT_TO_MS:
        raise ValueError(
            f"{argument}[{dim!r}] has units {units!r}; expected 'ms' (or 's', or no units meaning ms)"
        )
    times = np.asarray(coord.values, dtype=np.float64) * _TIME_UNIT_TO_MS[units]
    steps = np.diff(times)
    step = float(np.mean(steps))
    if not step > 0 or not np.allclose(steps, step, rtol=1e-6, atol=1e-9 * abs(times).max()):
        raise ValueError(
            f"{argument}[{dim!r}] must be increasing and evenly spaced; steps range from "
            f"{steps.min()} to {steps.max()} ms"
        )
    return step


def times_ms(data: xr.DataArray, dim: str) -> np.ndarray:
    """The ``dim`` coordinate in milliseconds (see :func:`sampling_step_ms` for units)."""
    units = str(data[dim].attrs.get("units", "ms")).strip()
    return np.asarray(data[dim].values, dtype=np.float64) * _TIME_UNIT_TO_MS.get(units, 1.0)


def duration_ms(value: Any, name: str) -> float:
    """A positive duration in ms from a brainunit quantity or a number in ms."""
    milliseconds = time_ms(value, name)
    if milliseconds <= 0:
        raise ValueError(f"{name} must be a positive duration, got {value!r}")
    return milliseconds


def one_chunk(data: xr.DataArray, dims: tuple[str, ...]) -> xr.DataArray:
    """Merge ``dims`` of a dask-backed array into single chunks (no-op for numpy)."""
    if data.chunks is None:
        return data
    return data.chunk(dict.fromkeys(dims, -1))


def check_band(low_hz: Any, high_hz: Any, nyquist_hz: float, names: tuple[str, str]) -> tuple[float, float]:
    """Validate a pass band ``0 <= low < high < nyquist`` (either end may be None).

    ``names`` are the argument names used in error messages.
    """
    low_name, high_name = names
    if low_hz is None and high_hz is None:
        raise ValueError(f"{low_name} and {high_name} cannot both be None")
    low = None if low_hz is None else _finite_float(low_hz, low_name)
    high = None if high_hz is None else _finite_float(high_hz, high_name)
    if low is not None and low < 0:
        raise ValueError(f"{low_name}={low_hz!r} must be >= 0 Hz")
    if high is not None and high <= 0:
        raise ValueError(f"{high_name}={high_hz!r} must be > 0 Hz")
    if low is not None and low >= nyquist_hz:
        raise ValueError(
            f"{low_name}={low_hz!r} Hz is at or above the Nyquist frequency {nyquist_hz:g} Hz "
            "of the data (half its sampling rate)"
        )
    if high is not None and high >= nyquist_hz:
        raise ValueError(
            f"{high_name}={high_hz!r} Hz is at or above the Nyquist frequency {nyquist_hz:g} Hz "
            "of the data (half its sampling rate)"
        )
    if low is not None and high is not None and low >= high:
        raise ValueError(f"{low_name}={low_hz!r} must be below {high_name}={high_hz!r}")
    return low, high


def _finite_float(value: Any, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not np.isscalar(value):
        raise TypeError(f"{name} must be a number in Hz, got {value!r}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def describe(data: xr.DataArray) -> str:
    """What a variable is, for a derived ``long_name``: its long_name, else its name."""
    return str(data.attrs.get("long_name") or data.name or "signal")


def time_coord_attrs(data: xr.DataArray, dim: str) -> dict[str, Any]:
    """Attrs for a time coordinate derived from ``data[dim]`` (kept, units default ms)."""
    attrs = dict(data[dim].attrs) if dim in data.coords else {}
    attrs.setdefault("units", "ms")
    attrs.setdefault("long_name", "time")
    return attrs


def parse_band(band: Any, nyquist_hz: float, name: str = "band") -> tuple[float | None, float | None]:
    """Validate ``band=(low_hz, high_hz)`` (see :func:`check_band`), naming ``name`` in errors."""
    if isinstance(band, (str, bytes)) or not hasattr(band, "__len__") or len(band) != 2:
        raise ValueError(f"{name} must be a pair (low_hz, high_hz) in Hz, got {band!r}")
    low, high = band
    return check_band(low, high, nyquist_hz, (f"{name}[0]", f"{name}[1]"))


def region_pairs(
    pairwise: Any, data: xr.DataArray, dim: str, *, name: str, attrs: dict[str, Any]
) -> xr.DataArray:
    """Apply ``pairwise`` ((..., T, N) -> (..., N, N)) over ``dim`` and ``"region"``.

    Returns a DataArray with dims ``(..., "region_i", "region_j")`` labelled by region,
    lazy for dask input (``time`` and ``region`` must be one chunk each).
    """
    pair_dims = ("region_i", "region_j")
    n_regions = data.sizes[REGION_DIM]
    result = xr.apply_ufunc(
        pairwise,
        data,
        input_core_dims=[[dim, REGION_DIM]],
        output_core_dims=[list(pair_dims)],
        dask="parallelized",
        output_dtypes=[np.float64],
        dask_gufunc_kwargs={"output_sizes": dict.fromkeys(pair_dims, n_regions)},
    )
    if REGION_DIM in data.coords:
        labels = data[REGION_DIM].values
        result = result.assign_coords(region_i=labels, region_j=labels)
    result.name = name
    result.attrs = dict(attrs)
    return result
