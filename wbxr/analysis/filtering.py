"""Temporal filtering and spatial averaging of regional time series.

Every function takes and returns xarray objects, keeps leading ensemble dims
(``seed``, ``k``, ...) and stays lazy on dask-backed input.
"""

from __future__ import annotations

import numpy as np
import scipy.signal
import xarray as xr

from wbxr.analysis._core import REGION_DIM, as_signal, check_band, describe, one_chunk, sampling_step_ms


def _butterworth_sos(low_hz: float | None, high_hz: float | None, order: int, fs_hz: float) -> np.ndarray:
    """Second-order sections of a Butterworth band-, low- or high-pass filter."""
    if low_hz is not None and high_hz is not None:
        return scipy.signal.butter(order, [low_hz, high_hz], btype="bandpass", fs=fs_hz, output="sos")
    if high_hz is not None:
        return scipy.signal.butter(order, high_hz, btype="lowpass", fs=fs_hz, output="sos")
    return scipy.signal.butter(order, low_hz, btype="highpass", fs=fs_hz, output="sos")


def _sosfiltfilt_padlen(sos: np.ndarray) -> int:
    """The default edge padding of :func:`scipy.signal.sosfiltfilt` for ``sos``."""
    n_taps = 2 * sos.shape[0] + 1
    n_taps -= min(int((sos[:, 2] == 0).sum()), int((sos[:, 5] == 0).sum()))
    return 3 * n_taps


def _band_text(low_hz: float | None, high_hz: float | None) -> str:
    if low_hz is not None and high_hz is not None:
        return f"{low_hz:g}-{high_hz:g} Hz band-pass"
    if high_hz is not None:
        return f"{high_hz:g} Hz low-pass"
    return f"{low_hz:g} Hz high-pass"


def _filter_checked(
    data: xr.DataArray, low_hz: float | None, high_hz: float | None, order: int, dim: str, step_ms: float
) -> xr.DataArray:
    """Zero-phase Butterworth filter of already-validated arguments along ``dim``."""
    fs_hz = 1000.0 / step_ms
    sos = _butterworth_sos(low_hz, high_hz, order, fs_hz)
    padlen = _sosfiltfilt_padlen(sos)
    if data.sizes[dim] <= padlen:
        raise ValueError(
            f"data has {data.sizes[dim]} samples along {dim!r}; a zero-phase Butterworth filter "
            f"of order={order} needs more than {padlen} (use a lower order or a longer series)"
        )
    original_dims = data.dims
    data = one_chunk(data, (dim,))
    result = xr.apply_ufunc(
        lambda values: scipy.signal.sosfiltfilt(sos, np.asarray(values, dtype=np.float64), axis=-1),
        data,
        input_core_dims=[[dim]],
        output_core_dims=[[dim]],
        dask="parallelized",
        output_dtypes=[np.float64],
    ).transpose(*original_dims)
    band = _band_text(low_hz, high_hz)
    result.attrs = {
        **data.attrs,
        "long_name": f"{describe(data)} ({band})",
        "filter": f"zero-phase Butterworth {band}, order {order} (scipy.signal.sosfiltfilt)",
    }
    result.name = data.name
    return result


def bandpass(
    data: xr.DataArray | xr.Dataset,
    low_hz: float | None,
    high_hz: float | None,
    *,
    order: int = 4,
    var: str | None = None,
    dim: str = "time",
) -> xr.DataArray:
    r"""Zero-phase Butterworth band-pass filter along time.

    A Butterworth filter of order :math:`n` has the magnitude response

    .. math::

        |H(f)|^2 = \frac{1}{1 + \left(\frac{f^2 - f_l f_h}{f\,(f_h - f_l)}\right)^{2n}}

    (band-pass between :math:`f_l` = ``low_hz`` and :math:`f_h` = ``high_hz``).  It is
    applied forwards and backwards (:func:`scipy.signal.sosfiltfilt`, second-order
    sections), so the phase shift cancels and the effective response is
    :math:`|H(f)|^2`.  The sampling rate :math:`f_s = 1000 / \Delta t` Hz comes from the
    ``dim`` coordinate (times in ms, evenly spaced).  ``low_hz=None`` gives a low-pass
    and ``high_hz=None`` a high-pass filter.

    Parameters
    ----------
    data
        Time series with a ``dim`` coordinate in ms, or a simulation Dataset (variable
        chosen by :func:`wbxr.analysis.select_variable`).  Other dims pass through.
    low_hz, high_hz
        Pass band edges in Hz, ``0 <= low_hz < high_hz <`` Nyquist (:math:`f_s/2`).
    order
        Order of the Butterworth prototype (a band-pass has ``2 * order`` poles).
    var
        Data variable to filter when ``data`` is a Dataset.
    dim
        The time dimension.

    Returns
    -------
    xarray.DataArray
        Same dims, coords and name as the input, float64; attrs kept, with
        ``long_name`` extended by the band and a ``filter`` description.  Lazy for
        dask input (``dim`` is merged into one chunk).

    Raises
    ------
    ValueError
        If ``data`` lacks ``dim`` or its coordinate, the band is empty, negative or
        reaches the Nyquist frequency (naming ``low_hz``/``high_hz``), or the series is
        too short for the filter's edge padding.

    References
    ----------
    Butterworth, S. (1930). On the theory of filter amplifiers. *Wireless Engineer* 7, 536-541.
    Gustafsson, F. (1996). Determining the initial states in forward-backward filtering.
    *IEEE Transactions on Signal Processing* 44, 988-992.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> t = np.arange(0.0, 2000.0, 1.0)                      # 2 s at 1 kHz, in ms
    >>> slow, fast = np.sin(2 * np.pi * 2 * t / 1000), np.sin(2 * np.pi * 40 * t / 1000)
    >>> x = xr.DataArray(np.stack([slow + fast, fast], axis=1), dims=("time", "region"),
    ...                  coords={"time": t, "region": ["A", "B"]}, attrs={"units": "1"})
    >>> y = bandpass(x, 30.0, 50.0)
    >>> float(np.abs(y - fast[:, None]).isel(time=slice(200, -200)).max()) < 0.01
    True
    >>> y.attrs["long_name"]
    'signal (30-50 Hz band-pass)'
    """
    data = as_signal(data, var, dim, need_region=False)
    if isinstance(order, (bool, np.bool_)) or not isinstance(order, (int, np.integer)) or order < 1:
        raise ValueError(f"order must be a positive integer, got {order!r}")
    step = sampling_step_ms(data, dim)
    low, high = check_band(low_hz, high_hz, 500.0 / step, ("low_hz", "high_hz"))
    return _filter_checked(data, low, high, int(order), dim, step)


def global_signal(data: xr.DataArray | xr.Dataset, *, var: str | None = None, dim: str = "time") -> xr.DataArray:
    r"""Global signal: the mean over regions at every time.

    .. math::

        g(t) = \frac{1}{N} \sum_{i=1}^{N} x_i(t)

    (the quantity removed by global signal regression in fMRI; Power et al. 2014).

    Parameters
    ----------
    data
        Data with a ``"region"`` dim, or a simulation Dataset (variable chosen by
        :func:`wbxr.analysis.select_variable`, which looks for ``dim`` and ``"region"``).
    var
        Data variable to use when ``data`` is a Dataset.
    dim
        The time dimension used to select a Dataset variable.

    Returns
    -------
    xarray.DataArray
        ``data`` without its ``"region"`` dim, named ``"global_signal"``; ``units``
        kept, ``long_name`` ``"global mean of <long_name>"``.  Lazy for dask input.

    References
    ----------
    Power, J. D. et al. (2014). Methods to detect, characterize, and remove motion artifact
    in resting state fMRI. *NeuroImage* 84, 320-341.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> x = xr.DataArray([[1.0, 3.0], [2.0, 6.0]], dims=("time", "region"),
    ...                  coords={"time": [0.0, 1.0]}, attrs={"long_name": "x", "units": "1"})
    >>> g = global_signal(x)
    >>> g.values.tolist(), g.attrs["long_name"]
    ([2.0, 4.0], 'global mean of x')
    """
    if isinstance(data, xr.DataArray):
        if var is not None:
            raise ValueError(f"var={var!r} is only used with a Dataset; got a DataArray")
        if REGION_DIM not in data.dims:
            raise ValueError(f"data has no {REGION_DIM!r} dimension; its dims are {data.dims}")
    else:
        data = as_signal(data, var, dim)
    result = data.mean(REGION_DIM)
    result.name = "global_signal"
    result.attrs = {**{k: v for k, v in data.attrs.items() if k == "units"}, "long_name": f"global mean of {describe(data)}"}
    return result
