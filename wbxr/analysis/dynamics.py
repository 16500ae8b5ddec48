"""Functional connectivity dynamics: sliding-window FC and the FCD matrix.

Every function takes and returns xarray objects, keeps leading ensemble dims
(``seed``, ``k``, ...) and stays lazy on dask-backed input.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from wbxr.analysis._core import (
    REGION_DIM,
    as_signal,
    duration_ms,
    one_chunk,
    sampling_step_ms,
    time_coord_attrs,
)
from wbxr.analysis.connectivity import FC_DIMS, _pearson_matrix

WINDOW_DIM = "window"
FCD_DIMS = ("window_i", "window_j")
PAIR_DIM = "pair"
FCD_ATTRS = {
    "long_name": "functional connectivity dynamics",
    "units": "1",
    "description": "Pearson correlation between the upper triangles of sliding-window FC matrices",
}


def _window_samples(data: xr.DataArray, window: Any, step: Any, dim: str) -> tuple[np.ndarray, int, int, float]:
    """Start indices, window and step in samples, and the sampling step in ms."""
    sample_ms = sampling_step_ms(data, dim)
    window_ms = duration_ms(window, "window")
    step_ms = duration_ms(step, "step")
    n_window = int(round(window_ms / sample_ms))
    n_step = int(round(step_ms / sample_ms))
    n_time = data.sizes[dim]
    if n_window < 2:
        raise ValueError(
            f"window={window!r} is {window_ms:g} ms, shorter than 2 samples of {sample_ms:g} ms; "
            "a correlation needs at least 2"
        )
    if n_window > n_time:
        raise ValueError(
            f"window={window!r} ({window_ms:g} ms, {n_window} samples) is longer than the series "
            f"({n_time} samples of {sample_ms:g} ms along {dim!r})"
        )
    if n_step < 1:
        raise ValueError(f"step={step!r} ({step_ms:g} ms) is shorter than the sampling step {sample_ms:g} ms")
    starts = np.arange(0, n_time - n_window + 1, n_step)
    return starts, n_window, n_step, sample_ms


def _windowed_pearson(values: np.ndarray, starts: np.ndarray, n_window: int) -> np.ndarray:
    """``(..., T, N)`` -> ``(..., W, N, N)``: Pearson FC in each window."""
    values = np.asarray(values, dtype=np.float64)
    out = np.empty(values.shape[:-2] + (len(starts), values.shape[-1], values.shape[-1]))
    for w, start in enumerate(starts):
        out[..., w, :, :] = _pearson_matrix(values[..., start : start + n_window, :])
    return out


def _fcd_matrix(values: np.ndarray, starts: np.ndarray, n_window: int) -> np.ndarray:
    """``(..., T, N)`` -> ``(..., W, W)``: correlation between windowed-FC upper triangles."""
    windowed = _windowed_pearson(values, starts, n_window)
    n_regions = windowed.shape[-1]
    rows, cols = np.triu_indices(n_regions, k=1)
    upper = windowed[..., rows, cols]  # (..., W, P)
    return _pearson_matrix(np.swapaxes(upper, -1, -2))


def _window_centres(data: xr.DataArray, starts: np.ndarray, n_window: int, dim: str) -> np.ndarray:
    if dim in data.coords:
        times = np.asarray(data[dim].values, dtype=np.float64)
        return 0.5 * (times[starts] + times[starts + n_window - 1])
    return starts + 0.5 * (n_window - 1)


def _window_attrs(n_window: int, n_step: int, sample_ms: float) -> dict[str, Any]:
    return {
        "window_ms": n_window * sample_ms,
        "step_ms": n_step * sample_ms,
        "window_samples": n_window,
        "step_samples": n_step,
    }


def windowed_fc(
    data: xr.DataArray | xr.Dataset,
    window: Any,
    step: Any,
    *,
    var: str | None = None,
    dim: str = "time",
) -> xr.DataArray:
    r"""Functional connectivity in sliding windows.

    Window :math:`w` covers the samples :math:`t \in [s_w, s_w + L)` with
    :math:`s_w = w\,S` (window length :math:`L` and step :math:`S` in samples); in it

    .. math::

        \mathrm{FC}^{(w)}_{ij} = \operatorname{corr}_{t \in w}\bigl(x_i(t), x_j(t)\bigr)

    as in :func:`wbxr.analysis.fc` (a region constant within a window gives NaN).

    Parameters
    ----------
    data
        Time series with dims ``(..., dim, "region")`` and a ``dim`` coordinate in ms,
        or a simulation Dataset (variable chosen by :func:`wbxr.analysis.select_variable`).
    window, step
        Window length and step: brainunit time quantities (``2 * u.second``) or numbers
        in ms, rounded to whole samples.
    var
        Data variable to use when ``data`` is a Dataset.
    dim
        The time dimension.

    Returns
    -------
    xarray.DataArray
        Dims ``(..., "window", "region_i", "region_j")``; the ``window`` coordinate holds
        the window centre times in ms.  Named ``"fc"``, attrs as
        :func:`wbxr.analysis.fc` plus ``window_ms``, ``step_ms``, ``window_samples``,
        ``step_samples``.  Lazy for dask input.

    Raises
    ------
    ValueError
        If ``data`` lacks ``dim``, ``"region"`` or the time coordinate, or ``window`` is
        shorter than 2 samples or longer than the series, or ``step`` is shorter than
        one sample.

    References
    ----------
    Allen, E. A. et al. (2014). Tracking whole-brain connectivity dynamics in the resting
    state. *Cerebral Cortex* 24, 663-676.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> rng = np.random.default_rng(0)
    >>> x = xr.DataArray(rng.standard_normal((1000, 3)), dims=("time", "region"),
    ...                  coords={"time": np.arange(1000.0), "region": ["A", "B", "C"]})
    >>> w = windowed_fc(x, window=200.0, step=100.0)
    >>> w.dims, w.sizes["window"], w.window.values[:2].tolist()
    (('window', 'region_i', 'region_j'), 9, [99.5, 199.5])
    """
    data = as_signal(data, var, dim)
    starts, n_window, n_step, sample_ms = _window_samples(data, window, step, dim)
    data = one_chunk(data, (dim, REGION_DIM))
    n_regions = data.sizes[REGION_DIM]
    result = xr.apply_ufunc(
        _windowed_pearson,
        data,
        kwargs={"starts": starts, "n_window": n_window},
        input_core_dims=[[dim, REGION_DIM]],
        output_core_dims=[[WINDOW_DIM, *FC_DIMS]],
        dask="parallelized",
        output_dtypes=[np.float64],
        dask_gufunc_kwargs={"output_sizes": {WINDOW_DIM: len(starts), **dict.fromkeys(FC_DIMS, n_regions)}},
    )
    centres = _window_centres(data, starts, n_window, dim)
    centre_attrs = {**time_coord_attrs(data, dim), "long_name": "window centre time"}
    result = result.assign_coords({WINDOW_DIM: (WINDOW_DIM, centres, centre_attrs)})
    if REGION_DIM in data.coords:
        labels = data[REGION_DIM].values
        result = result.assign_coords(region_i=labels, region_j=labels)
    result.name = "fc"
    result.attrs = {
        "long_name": "functional connectivity",
        "units": "1",
        "description": "Pearson correlation over time in sliding windows",
        **_window_attrs(n_window, n_step, sample_ms),
    }
    return result


def fcd(
    data: xr.DataArray | xr.Dataset,
    window: Any,
    step: Any,
    *,
    var: str | None = None,
    dim: str = "time",
) -> xr.DataArray:
    r"""Functional connectivity dynamics (FCD) matrix.

    With :math:`\mathrm{FC}^{(w)}` the FC of sliding window :math:`w` (see
    :func:`windowed_fc`) and :math:`\mathbf{u}_w` its upper triangle without the
    diagonal (:math:`N(N-1)/2` entries),

    .. math::

        \mathrm{FCD}_{w w'} = \operatorname{corr}\bigl(\mathbf{u}_w, \mathbf{u}_{w'}\bigr),

    the Pearson correlation between the FC patterns of two windows (Hansen et al. 2015).
    Blocks of high values mark epochs with a stable FC pattern; a switch of pattern
    shows as low values between the blocks.

    Parameters
    ----------
    data
        Time series with dims ``(..., dim, "region")`` and a ``dim`` coordinate in ms,
        or a simulation Dataset (variable chosen by :func:`wbxr.analysis.select_variable`).
    window, step
        Window length and step: brainunit time quantities (``60 * u.second``) or numbers
        in ms, rounded to whole samples.
    var
        Data variable to use when ``data`` is a Dataset.
    dim
        The time dimension.

    Returns
    -------
    xarray.DataArray
        Dims ``(..., "window_i", "window_j")``, both coordinates holding the window
        centre times in ms (attrs ``units="ms"``).  Named ``"fcd"``, attrs
        ``long_name="functional connectivity dynamics"``, ``units="1"``,
        ``description`` and ``window_ms``, ``step_ms``, ``window_samples``,
        ``step_samples``.  Lazy for dask input.

    Raises
    ------
    ValueError
        As :func:`windowed_fc`: missing dims, ``window`` longer than the series, etc.

    References
    ----------
    Hansen, E. C. A., Battaglia, D., Spiegler, A., Deco, G. & Jirsa, V. K. (2015).
    Functional connectivity dynamics: modeling the switching behavior of the resting
    state. *NeuroImage* 105, 525-535.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> rng = np.random.default_rng(0)
    >>> x = xr.DataArray(rng.standard_normal((2000, 4)), dims=("time", "region"),
    ...                  coords={"time": np.arange(2000.0)})
    >>> m = fcd(x, window=400.0, step=200.0)
    >>> m.dims, m.shape
    (('window_i', 'window_j'), (9, 9))
    >>> np.diag(m.values).round(6).tolist() == [1.0] * 9
    True
    """
    data = as_signal(data, var, dim)
    starts, n_window, n_step, sample_ms = _window_samples(data, window, step, dim)
    data = one_chunk(data, (dim, REGION_DIM))
    n_windows = len(starts)
    result = xr.apply_ufunc(
        _fcd_matrix,
        data,
        kwargs={"starts": starts, "n_window": n_window},
        input_core_dims=[[dim, REGION_DIM]],
        output_core_dims=[list(FCD_DIMS)],
        dask="parallelized",
        output_dtypes=[np.float64],
        dask_gufunc_kwargs={"output_sizes": dict.fromkeys(FCD_DIMS, n_windows)},
    )
    centres = _window_centres(data, starts, n_window, dim)
    centre_attrs = {**time_coord_attrs(data, dim), "long_name": "window centre time"}
    result = result.assign_coords(
        {name: (name, centres, centre_attrs) for name in FCD_DIMS}
    )
    result.name = "fcd"
    result.attrs = {**FCD_ATTRS, **_window_attrs(n_window, n_step, sample_ms)}
    return result


def fcd_values(fcd_matrix: xr.DataArray, *, offset: int = 1) -> xr.DataArray:
    r"""The distribution of FCD values: the upper triangle of the FCD matrix.

    .. math::

        \{\mathrm{FCD}_{w w'} : w' - w \ge \text{offset}\}

    in row-major order.  The default ``offset=1`` drops only the diagonal (all ones);
    a larger offset also drops pairs of overlapping windows, whose FC patterns are
    similar by construction.  This is the distribution compared between model and
    data with :func:`wbxr.analysis.fcd_ks` (Hansen et al. 2015; Deco et al. 2017).

    Parameters
    ----------
    fcd_matrix
        Output of :func:`fcd`, dims ``(..., "window_i", "window_j")``.
    offset
        Smallest distance from the diagonal, in windows (>= 1).

    Returns
    -------
    xarray.DataArray
        Dims ``(..., "pair")``, named ``"fcd"``, attrs of the input with ``long_name``
        ``"FCD values"``.  Lazy for dask input.

    Raises
    ------
    ValueError
        If ``fcd_matrix`` lacks the ``window_i``/``window_j`` dims, is not square, or
        ``offset`` is not a positive integer.

    References
    ----------
    Hansen, E. C. A. et al. (2015). Functional connectivity dynamics: modeling the
    switching behavior of the resting state. *NeuroImage* 105, 525-535.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> m = xr.DataArray([[1.0, 0.5, 0.2], [0.5, 1.0, 0.4], [0.2, 0.4, 1.0]],
    ...                  dims=("window_i", "window_j"))
    >>> fcd_values(m).values.tolist()
    [0.5, 0.2, 0.4]
    >>> fcd_values(m, offset=2).values.tolist()
    [0.2]
    """
    if not isinstance(fcd_matrix, xr.DataArray):
        raise TypeError(f"fcd_matrix must be an xarray DataArray, got {type(fcd_matrix).__name__}")
    for name in FCD_DIMS:
        if name not in fcd_matrix.dims:
            raise ValueError(f"fcd_matrix has no {name!r} dimension; its dims are {fcd_matrix.dims}")
    n_windows = fcd_matrix.sizes["window_i"]
    if fcd_matrix.sizes["window_j"] != n_windows:
        raise ValueError(f"fcd_matrix must be square, got sizes {dict(fcd_matrix.sizes)}")
    if isinstance(offset, (bool, np.bool_)) or not isinstance(offset, (int, np.integer)) or offset < 1:
        raise ValueError(f"offset must be a positive integer, got {offset!r}")
    rows, cols = np.triu_indices(n_windows, k=int(offset))
    matrix = one_chunk(fcd_matrix, FCD_DIMS)
    result = xr.apply_ufunc(
        lambda values: np.asarray(values)[..., rows, cols],
        matrix,
        input_core_dims=[list(FCD_DIMS)],
        output_core_dims=[[PAIR_DIM]],
        dask="parallelized",
        output_dtypes=[fcd_matrix.dtype],
        dask_gufunc_kwargs={"output_sizes": {PAIR_DIM: len(rows)}},
    )
    result.name = "fcd"
    result.attrs = {**fcd_matrix.attrs, "long_name": "FCD values"}
    result.attrs.setdefault("units", "1")
    return result
