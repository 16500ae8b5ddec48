"""Phase synchrony: Kuramoto order parameter, metastability, phase-locking value.

Phases come from the analytic signal (Hilbert transform) of each region's demeaned,
optionally band-passed, time series.  Every function takes and returns xarray
objects, keeps leading ensemble dims and stays lazy on dask-backed input.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.signal
import xarray as xr

from wbxr.analysis._core import REGION_DIM, as_signal, one_chunk, parse_band, region_pairs, sampling_step_ms
from wbxr.analysis.filtering import _filter_checked

def _phasors(values: np.ndarray) -> np.ndarray:
    """``exp(i phase)`` of the analytic signal of the demeaned ``(..., T, N)`` series."""
    values = np.asarray(values, dtype=np.float64)
    analytic = scipy.signal.hilbert(values - values.mean(axis=-2, keepdims=True), axis=-2)
    return np.exp(1j * np.angle(analytic))


def _order_parameter(values: np.ndarray) -> np.ndarray:
    """``(..., T, N)`` -> ``(..., T)``: modulus of the mean phasor over regions."""
    return np.abs(_phasors(values).mean(axis=-1))


def _plv_matrix(values: np.ndarray) -> np.ndarray:
    """``(..., T, N)`` -> ``(..., N, N)``: modulus of the time-averaged phase-difference phasor."""
    z = _phasors(values)
    n_time = z.shape[-2]
    return np.abs(np.swapaxes(z, -1, -2) @ np.conj(z)) / n_time


def _prepared(data: Any, var: str | None, dim: str, band: Any) -> xr.DataArray:
    """The selected, checked, optionally band-passed signal, one chunk along time and region."""
    data = as_signal(data, var, dim)
    if band is not None:
        step = sampling_step_ms(data, dim)
        low, high = parse_band(band, 500.0 / step, "band")
        data = _filter_checked(data, low, high, 4, dim, step)
    return one_chunk(data, (dim, REGION_DIM))


def kuramoto_order(
    data: xr.DataArray | xr.Dataset,
    *,
    band: tuple[float | None, float | None] | None = None,
    var: str | None = None,
    dim: str = "time",
) -> xr.DataArray:
    r"""Kuramoto order parameter :math:`R(t)` of the regions' phases.

    With :math:`\varphi_j(t) = \arg\bigl(\tilde x_j(t) + i\,\mathcal{H}[\tilde x_j](t)\bigr)`
    the phase of the analytic signal of region :math:`j`'s demeaned series
    :math:`\tilde x_j` (:func:`scipy.signal.hilbert`),

    .. math::

        R(t) = \Bigl|\frac{1}{N} \sum_{j=1}^{N} e^{i \varphi_j(t)}\Bigr| \in [0, 1],

    1 when all regions are in phase and of order :math:`1/\sqrt{N}` for independent
    phases (Kuramoto 1984).  The Hilbert transform has edge effects: discard a few
    periods at both ends for precise values.

    Parameters
    ----------
    data
        Time series with dims ``(..., dim, "region")``, or a simulation Dataset
        (variable chosen by :func:`wbxr.analysis.select_variable`).
    band
        ``(low_hz, high_hz)``: band-pass each region first (zero-phase Butterworth,
        :func:`wbxr.analysis.bandpass`); phases are only meaningful for narrow-band
        signals.  ``None``: use the signal as it is.
    var
        Data variable to use when ``data`` is a Dataset.
    dim
        The time dimension.

    Returns
    -------
    xarray.DataArray
        Dims ``(..., dim)`` with the input's time coordinate, named
        ``"kuramoto_order"``, attrs ``long_name="Kuramoto order parameter"``,
        ``units="1"``.  Lazy for dask input.

    Raises
    ------
    ValueError
        If ``data`` lacks ``dim`` or ``"region"``, or ``band`` is invalid (naming it).

    References
    ----------
    Kuramoto, Y. (1984). *Chemical Oscillations, Waves, and Turbulence*. Springer.
    Cabral, J. et al. (2011). Role of local network oscillations in resting-state
    functional connectivity. *NeuroImage* 57, 130-139.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> t = np.arange(0.0, 1000.0, 1.0)
    >>> locked = np.stack([np.sin(2 * np.pi * 10 * t / 1000 + lag) for lag in (0, 0, 0)], axis=1)
    >>> x = xr.DataArray(locked, dims=("time", "region"), coords={"time": t})
    >>> r = kuramoto_order(x)
    >>> r.dims, bool(np.allclose(r, 1.0))
    (('time',), True)
    """
    data = _prepared(data, var, dim, band)
    result = xr.apply_ufunc(
        _order_parameter,
        data,
        input_core_dims=[[dim, REGION_DIM]],
        output_core_dims=[[dim]],
        dask="parallelized",
        output_dtypes=[np.float64],
    )
    result.name = "kuramoto_order"
    result.attrs = {"long_name": "Kuramoto order parameter", "units": "1"}
    if band is not None:
        result.attrs["filter"] = data.attrs["filter"]
    return result


def metastability(
    data: xr.DataArray | xr.Dataset,
    *,
    band: tuple[float | None, float | None] | None = None,
    var: str | None = None,
    dim: str = "time",
) -> xr.DataArray:
    r"""Metastability: the standard deviation over time of the Kuramoto order parameter.

    .. math::

        \mathrm{M} = \sqrt{\frac{1}{T} \sum_t \bigl(R(t) - \bar R\bigr)^2}

    with :math:`R(t)` from :func:`kuramoto_order` (population standard deviation).
    0 when synchrony is constant; large when the network wanders between synchronised
    and desynchronised states (Shanahan 2010; Deco et al. 2017).

    Parameters
    ----------
    data
        Time series with dims ``(..., dim, "region")`` or a simulation Dataset; or an
        order parameter :math:`R(t)` itself, i.e. a DataArray with ``dim`` and no
        ``"region"`` dim (the output of :func:`kuramoto_order`).
    band
        ``(low_hz, high_hz)``: band-pass each region first (zero-phase Butterworth,
        :func:`wbxr.analysis.bandpass`); phases are only meaningful for narrow-band
        signals.  ``None``: use the signal as it is.
    var
        Data variable to use when ``data`` is a Dataset.
    dim
        The time dimension.

    Returns
    -------
    xarray.DataArray
        The leading dims only (a scalar for one run), named ``"metastability"``, attrs
        ``long_name="metastability"``, ``units="1"``.  Lazy for dask input.

    References
    ----------
    Shanahan, M. (2010). Metastable chimera states in community-structured oscillator
    networks. *Chaos* 20, 013108.
    Deco, G., Kringelbach, M. L., Jirsa, V. K. & Ritter, P. (2017). The dynamics of resting
    fluctuations in the brain: metastability and its dynamical cortical core.
    *Scientific Reports* 7, 3095.

    Examples
    --------
    >>> import xarray as xr
    >>> float(metastability(xr.DataArray([0.5, 0.5, 0.5], dims="time")))
    0.0
    >>> float(metastability(xr.DataArray([0.2, 0.8, 0.2, 0.8], dims="time")))
    0.3
    """
    if isinstance(data, xr.DataArray) and REGION_DIM not in data.dims:
        if band is not None or var is not None:
            raise ValueError("band and var are not used when data is an order parameter R(t) (no 'region' dim)")
        if dim not in data.dims:
            raise ValueError(f"data has no {dim!r} dimension; its dims are {data.dims}")
        order = data
    else:
        order = kuramoto_order(data, band=band, var=var, dim=dim)
    result = order.std(dim)
    result.name = "metastability"
    result.attrs = {"long_name": "metastability", "units": "1", "description": "standard deviation over time of the Kuramoto order parameter"}
    return result


def phase_locking_value(
    data: xr.DataArray | xr.Dataset,
    *,
    band: tuple[float | None, float | None] | None = None,
    var: str | None = None,
    dim: str = "time",
) -> xr.DataArray:
    r"""Phase-locking value between every pair of regions.

    .. math::

        \mathrm{PLV}_{jk} = \Bigl|\frac{1}{T} \sum_{t} e^{i(\varphi_j(t) - \varphi_k(t))}\Bigr| \in [0, 1]

    with the Hilbert phases :math:`\varphi` of :func:`kuramoto_order`: 1 for a constant
    phase difference (whatever its value), near 0 for independent phases
    (Lachaux et al. 1999).

    Parameters
    ----------
    data
        Time series with dims ``(..., dim, "region")``, or a simulation Dataset
        (variable chosen by :func:`wbxr.analysis.select_variable`).
    band
        ``(low_hz, high_hz)``: band-pass each region first (zero-phase Butterworth,
        :func:`wbxr.analysis.bandpass`); phases are only meaningful for narrow-band
        signals.  ``None``: use the signal as it is.
    var
        Data variable to use when ``data`` is a Dataset.
    dim
        The time dimension.

    Returns
    -------
    xarray.DataArray
        Dims ``(..., "region_i", "region_j")`` with the region labels, named ``"plv"``,
        attrs ``long_name="phase-locking value"``, ``units="1"``.  Lazy for dask input.

    References
    ----------
    Lachaux, J.-P., Rodriguez, E., Martinerie, J. & Varela, F. J. (1999). Measuring phase
    synchrony in brain signals. *Human Brain Mapping* 8, 194-208.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> t = np.arange(0.0, 1000.0, 1.0)
    >>> phase = 2 * np.pi * 10 * t / 1000
    >>> x = xr.DataArray(np.stack([np.sin(phase), np.sin(phase + 1.0)], axis=1),
    ...                  dims=("time", "region"), coords={"time": t, "region": ["A", "B"]})
    >>> phase_locking_value(x).round(6).values.tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    data = _prepared(data, var, dim, band)
    result = region_pairs(
        _plv_matrix, data, dim, name="plv", attrs={"long_name": "phase-locking value", "units": "1"}
    )
    if band is not None:
        result.attrs["filter"] = data.attrs["filter"]
    return result
