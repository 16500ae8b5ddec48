"""Functional connectivity of simulated (or empirical) regional time series.

Every function here takes and returns xarray objects and keeps any leading ensemble
dimensions (``seed``, ``k``, ...) untouched.  Dask-backed inputs stay lazy.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

REGION_DIM = "region"
FC_DIMS = ("region_i", "region_j")
FC_ATTRS = {
    "long_name": "functional connectivity",
    "units": "1",
    "description": "Pearson correlation over time",
}


def select_variable(ds: xr.Dataset, var: str | None = None, *, dim: str = "time") -> xr.DataArray:
    """Pick the data variable of a simulation Dataset that analyses and plots work on.

    The rule: if ``var`` is given, that variable is returned.  Otherwise, among the
    data variables that have both the ``dim`` (default ``"time"``) and ``"region"``
    dimensions, the one named by ``ds.attrs["coupled_var"]`` is preferred, else the
    first one in the Dataset's order.

    Parameters
    ----------
    ds
        A simulation result with dims ``(..., "time", "region")``.
    var
        Name of the data variable to use; ``None`` applies the rule above.
    dim
        The time-like dimension a suitable variable must have.

    Returns
    -------
    xarray.DataArray
        The selected data variable (with the Dataset's coordinates).

    Raises
    ------
    TypeError
        If ``ds`` is not an :class:`xarray.Dataset`.
    ValueError
        If ``var`` is not a data variable of ``ds``, or if ``var`` is None and no data
        variable has both ``dim`` and ``"region"`` dims.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> ds = xr.Dataset(
    ...     {"x": (("time", "region"), np.zeros((3, 2))),
    ...      "y": (("time", "region"), np.ones((3, 2)))},
    ...     coords={"time": [0.0, 0.1, 0.2], "region": ["A", "B"]},
    ...     attrs={"coupled_var": "y"},
    ... )
    >>> select_variable(ds).name
    'y'
    >>> select_variable(ds, "x").name
    'x'
    """
    if not isinstance(ds, xr.Dataset):
        raise TypeError(f"ds must be an xarray.Dataset, got {type(ds).__name__}")
    available = list(ds.data_vars)
    if var is not None:
        if var not in ds.data_vars:
            raise ValueError(f"var={var!r} is not a data variable of the Dataset; available: {available}")
        return ds[var]
    candidates = [name for name, da in ds.data_vars.items() if dim in da.dims and REGION_DIM in da.dims]
    if not candidates:
        dims_by_var = {name: ds[name].dims for name in available}
        raise ValueError(
            f"the Dataset has no data variable with dims ({dim!r}, {REGION_DIM!r}); "
            f"data variables and their dims: {dims_by_var}"
        )
    coupled_var = ds.attrs.get("coupled_var")
    chosen = coupled_var if coupled_var in candidates else candidates[0]
    return ds[chosen]


def _pearson_matrix(values: np.ndarray) -> np.ndarray:
    """Pearson correlation between the columns of ``values`` with shape ``(..., T, N)``.

    Columns that are exactly constant get NaN rows/columns.
    """
    values = np.asarray(values, dtype=np.float64)
    centred = values - values.mean(axis=-2, keepdims=True)
    covariance = np.swapaxes(centred, -1, -2) @ centred
    std = np.sqrt(np.diagonal(covariance, axis1=-2, axis2=-1))
    # Test constancy exactly: the floating-point mean of a constant column need not
    # equal the constant, which would leave a tiny non-zero variance.
    constant = np.ptp(values, axis=-2) == 0
    std = np.where(constant, np.nan, std)
    with np.errstate(divide="ignore", invalid="ignore"):
        correlation = covariance / (std[..., :, None] * std[..., None, :])
    return np.clip(correlation, -1.0, 1.0)


def fc(
    data: xr.DataArray | xr.Dataset,
    var: str | None = None,
    *,
    dim: str = "time",
    band: tuple[float | None, float | None] | None = None,
) -> xr.DataArray:
    r"""Functional connectivity: Pearson correlation between regions over time.

    For regions :math:`i, j` with signals :math:`x_i(t)`, :math:`t = 1 \dots T`,

    .. math::

        r_{ij} = \frac{\sum_t (x_i(t) - \bar x_i)(x_j(t) - \bar x_j)}
                      {\sqrt{\sum_t (x_i(t) - \bar x_i)^2}\,\sqrt{\sum_t (x_j(t) - \bar x_j)^2}}

    Leading dimensions other than ``dim`` and ``"region"`` (``seed``, ``k``, ...) are
    kept, one matrix per member.  A dask-backed input gives a lazy, dask-backed
    result (``dim`` and ``"region"`` are merged into one chunk, other dims keep their
    chunks); nothing is computed here.

    A region whose signal is constant over ``dim`` (zero variance) has an undefined
    correlation: its whole row and column, diagonal included, are NaN.

    Parameters
    ----------
    data
        Time series with dims ``(..., dim, "region")``, or a simulation Dataset from
        which a variable is chosen by :func:`select_variable`.
    var
        Data variable to use when ``data`` is a Dataset (``None``: the coupled
        variable, else the first one with time and region dims).  Must be None for
        a DataArray.
    dim
        The dimension to correlate over.
    band
        ``(low_hz, high_hz)``: band-pass every region first with
        :func:`wbxr.analysis.bandpass` (zero-phase Butterworth, order 4; ``None`` for
        one edge gives a high- or low-pass), e.g. ``band=(0.01, 0.1)`` for BOLD.  The
        sampling rate comes from the ``dim`` coordinate (ms).  ``None``: no filtering.

    Returns
    -------
    xarray.DataArray
        Dims ``(..., "region_i", "region_j")``, coordinates ``region_i``/``region_j``
        holding the region labels (when ``data`` has a ``region`` coordinate), name
        ``"fc"``, attrs ``long_name="functional connectivity"``, ``units="1"`` and
        ``description="Pearson correlation over time"``; with ``band`` the
        description names the band and a ``filter`` attr describes the filter.

    Raises
    ------
    TypeError
        If ``data`` is neither a DataArray nor a Dataset.
    ValueError
        If ``data`` lacks ``dim`` or ``"region"``, ``dim`` has fewer than two
        samples, ``var`` is given with a DataArray, a Dataset has no suitable
        variable, or ``band`` is not a valid band below the Nyquist frequency.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> t = np.arange(0.0, 100.0, 0.1)
    >>> signals = np.stack([np.sin(t), 2 * np.sin(t) + 1, -np.sin(t)], axis=1)
    >>> sim = xr.Dataset(
    ...     {"x": (("time", "region"), signals)},
    ...     coords={"time": t, "region": ["A", "B", "C"]},
    ... )
    >>> r = fc(sim)
    >>> r.dims
    ('region_i', 'region_j')
    >>> r.sel(region_i="A").round(6).values.tolist()
    [1.0, 1.0, -1.0]
    >>> r.attrs["long_name"]
    'functional connectivity'
    >>> fc(sim, band=(100.0, 1000.0)).attrs["description"]
    'Pearson correlation over time of the 100-1000 Hz band-pass filtered signals'
    """
    from wbxr.analysis._core import as_signal, region_pairs  # _core builds on select_variable

    data = as_signal(data, var, dim)
    if data.sizes[dim] < 2:
        raise ValueError(f"need at least 2 samples along {dim!r} to correlate, got {data.sizes[dim]}")

    filter_description = None
    if band is not None:
        # imported here: wbxr.analysis._core and .filtering import select_variable from this module
        from wbxr.analysis._core import parse_band, sampling_step_ms
        from wbxr.analysis.filtering import _band_text, _filter_checked

        step = sampling_step_ms(data, dim)
        low, high = parse_band(band, 500.0 / step, "band")
        data = _filter_checked(data, low, high, 4, dim, step)
        filter_description = (_band_text(low, high), data.attrs["filter"])

    if data.chunks is not None:
        data = data.chunk({dim: -1, REGION_DIM: -1})

    result = region_pairs(_pearson_matrix, data, dim, name="fc", attrs=FC_ATTRS)
    if filter_description is not None:
        band_text, filter_text = filter_description
        result.attrs["description"] = f"{FC_ATTRS['description']} of the {band_text} filtered signals"
        result.attrs["filter"] = filter_text
    return result
