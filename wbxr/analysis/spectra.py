"""Power spectra of regional time series.

Every function takes and returns xarray objects, keeps leading ensemble dims
(``seed``, ``k``, ...) and stays lazy on dask-backed input.
"""

from __future__ import annotations

import numpy as np
import scipy.signal
import xarray as xr

from wbxr.analysis._core import as_signal, describe, one_chunk, sampling_step_ms

FREQUENCY_DIM = "frequency"
FREQUENCY_ATTRS = {"units": "Hz", "long_name": "frequency"}


def _default_nperseg(n_time: int) -> int:
    """Segments of at least 256 samples (or the whole series) and at most ~8 of them."""
    return min(n_time, max(256, n_time // 8))


def _psd_units(units: str | None) -> str:
    if not units or units == "1":
        return "1/Hz"
    return f"({units})^2/Hz"


def psd(
    data: xr.DataArray | xr.Dataset,
    *,
    nperseg: int | None = None,
    var: str | None = None,
    dim: str = "time",
) -> xr.DataArray:
    r"""Power spectral density by Welch's method, one spectrum per region.

    The series is cut into segments of ``nperseg`` samples overlapping by half, each
    segment :math:`m` is detrended (mean removed) and tapered with a Hann window
    :math:`w`, and the periodograms are averaged:

    .. math::

        P(f_k) = \frac{1}{M} \sum_{m=1}^{M}
                 \frac{2\,\bigl|\sum_n w_n\,x^{(m)}_n e^{-2\pi i k n / L}\bigr|^2}{f_s \sum_n w_n^2},
        \qquad f_k = k \frac{f_s}{L},

    a one-sided density (:func:`scipy.signal.welch`, ``scaling="density"``) whose
    integral over frequency is the variance.  The sampling rate :math:`f_s` comes from
    the ``dim`` coordinate (ms); the frequency resolution is :math:`f_s / L`.

    Parameters
    ----------
    data
        Time series with dims ``(..., dim, ...)`` and a ``dim`` coordinate in ms, or a
        simulation Dataset (variable chosen by :func:`wbxr.analysis.select_variable`).
    nperseg
        Segment length :math:`L` in samples.  Default: ``max(256, T // 8)`` capped at the
        series length ``T`` (about 15 half-overlapping segments for long series).
    var
        Data variable to use when ``data`` is a Dataset.
    dim
        The time dimension; it is replaced by ``"frequency"`` in the same position.

    Returns
    -------
    xarray.DataArray
        Dims as the input with ``dim`` replaced by ``"frequency"`` (a coordinate in Hz,
        from 0 to :math:`f_s/2`).  Named ``"psd"``; ``units`` ``"(<units>)^2/Hz"``
        (``"1/Hz"`` for dimensionless input), ``long_name``
        ``"power spectral density of <long_name>"``, ``nperseg`` and
        ``method="Welch"``.  Lazy for dask input.

    Raises
    ------
    ValueError
        If ``data`` lacks ``dim`` or its coordinate, or ``nperseg`` is not between 2 and
        the series length.

    References
    ----------
    Welch, P. D. (1967). The use of fast Fourier transform for the estimation of power
    spectra. *IEEE Transactions on Audio and Electroacoustics* 15, 70-73.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> t = np.arange(0.0, 4000.0, 1.0)                     # 4 s at 1 kHz, in ms
    >>> x = xr.DataArray(np.sin(2 * np.pi * 10 * t / 1000)[:, None], dims=("time", "region"),
    ...                  coords={"time": t}, attrs={"units": "mV"})
    >>> p = psd(x, nperseg=1000)
    >>> p.dims, float(p.frequency[1]), p.attrs["units"]
    (('frequency', 'region'), 1.0, '(mV)^2/Hz')
    >>> float(p.frequency[p.argmax("frequency")].squeeze())
    10.0
    """
    data = as_signal(data, var, dim, need_region=False)
    step = sampling_step_ms(data, dim)
    fs_hz = 1000.0 / step
    n_time = data.sizes[dim]
    if nperseg is None:
        nperseg = _default_nperseg(n_time)
    if (
        isinstance(nperseg, (bool, np.bool_))
        or not isinstance(nperseg, (int, np.integer))
        or not 2 <= nperseg <= n_time
    ):
        raise ValueError(f"nperseg must be an integer from 2 to the series length {n_time}, got {nperseg!r}")
    nperseg = int(nperseg)
    frequencies = np.fft.rfftfreq(nperseg, d=1.0 / fs_hz)

    def welch(values: np.ndarray) -> np.ndarray:
        return scipy.signal.welch(np.asarray(values, dtype=np.float64), fs=fs_hz, nperseg=nperseg, axis=-1)[1]

    original_dims = data.dims
    result = xr.apply_ufunc(
        welch,
        one_chunk(data, (dim,)),
        input_core_dims=[[dim]],
        output_core_dims=[[FREQUENCY_DIM]],
        dask="parallelized",
        output_dtypes=[np.float64],
        dask_gufunc_kwargs={"output_sizes": {FREQUENCY_DIM: len(frequencies)}},
    )
    result = result.assign_coords({FREQUENCY_DIM: (FREQUENCY_DIM, frequencies, dict(FREQUENCY_ATTRS))})
    result = result.transpose(*[FREQUENCY_DIM if d == dim else d for d in original_dims])
    result.name = "psd"
    result.attrs = {
        "long_name": f"power spectral density of {describe(data)}",
        "units": _psd_units(data.attrs.get("units")),
        "method": "Welch",
        "nperseg": nperseg,
    }
    return result


def dominant_frequency(
    data: xr.DataArray | xr.Dataset,
    *,
    nperseg: int | None = None,
    var: str | None = None,
    dim: str = "time",
) -> xr.DataArray:
    r"""The frequency of the largest spectral peak, per region.

    .. math::

        f^\ast = \operatorname*{arg\,max}_{f > 0} P(f)

    with :math:`P` the Welch spectrum of :func:`psd` (the 0 Hz bin, i.e. the mean, is
    excluded).  Accurate to the frequency resolution :math:`f_s / L` (``nperseg`` =
    :math:`L`).

    Parameters
    ----------
    data
        Time series (see :func:`psd`), or a spectrum that already has a
        ``"frequency"`` dim (the output of :func:`psd`, used as it is).
    nperseg
        Welch segment length in samples (see :func:`psd`); not used with a spectrum.
    var
        Data variable to use when ``data`` is a Dataset.
    dim
        The time dimension.

    Returns
    -------
    xarray.DataArray
        Input dims without time/frequency, in Hz: named ``"dominant_frequency"``, attrs
        ``long_name="dominant frequency"``, ``units="Hz"``.  Lazy for dask input.

    References
    ----------
    Welch, P. D. (1967). The use of fast Fourier transform for the estimation of power
    spectra. *IEEE Transactions on Audio and Electroacoustics* 15, 70-73.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> t = np.arange(0.0, 4000.0, 1.0)
    >>> x = xr.DataArray(np.stack([np.sin(2 * np.pi * 10 * t / 1000),
    ...                            np.sin(2 * np.pi * 25 * t / 1000)], axis=1),
    ...                  dims=("time", "region"), coords={"time": t, "region": ["A", "B"]})
    >>> dominant_frequency(x, nperseg=1000).values.tolist()
    [10.0, 25.0]
    """
    if isinstance(data, xr.DataArray) and FREQUENCY_DIM in data.dims:
        if var is not None:
            raise ValueError(f"var={var!r} is only used with a Dataset; got a DataArray")
        spectrum = data
    else:
        spectrum = psd(data, nperseg=nperseg, var=var, dim=dim)
    positive = spectrum.isel({FREQUENCY_DIM: spectrum[FREQUENCY_DIM].values > 0})
    if positive.sizes[FREQUENCY_DIM] == 0:
        raise ValueError("the spectrum has no frequency above 0 Hz")
    result = positive.idxmax(FREQUENCY_DIM)
    result.name = "dominant_frequency"
    result.attrs = {"long_name": "dominant frequency", "units": "Hz"}
    return result
