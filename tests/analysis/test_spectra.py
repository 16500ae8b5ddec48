"""Tests for wbxr.analysis.spectra: psd and dominant_frequency."""

import numpy as np
import pytest
import scipy.signal
import xarray as xr

from wbxr.analysis import dominant_frequency, psd
from _analysis_series import make_series


def test_psd_equals_scipy_welch():
    rng = np.random.default_rng(0)
    values = rng.standard_normal((3000, 3))
    x = make_series(values, dt=0.5, units="mV")  # 2 kHz
    result = psd(x, nperseg=400)
    frequencies, expected = scipy.signal.welch(values, fs=2000.0, nperseg=400, axis=0)
    assert result.dims == ("frequency", "region")
    np.testing.assert_allclose(result.frequency.values, frequencies)
    np.testing.assert_allclose(result.values, expected, rtol=1e-12)
    assert result.frequency.attrs == {"units": "Hz", "long_name": "frequency"}
    assert result.attrs["units"] == "(mV)^2/Hz"
    assert result.attrs["long_name"] == "power spectral density of x"
    assert result.attrs["nperseg"] == 400
    assert result.name == "psd"
    assert result.region.values.tolist() == ["R0", "R1", "R2"]


def test_psd_integrates_to_the_variance():
    rng = np.random.default_rng(1)
    values = rng.standard_normal((20_000, 2)) * [1.0, 3.0]
    result = psd(make_series(values, dt=1.0), nperseg=1000)
    df = float(result.frequency[1] - result.frequency[0])
    np.testing.assert_allclose(result.sum("frequency").values * df, values.var(axis=0), rtol=0.05)


def test_dominant_frequency_of_a_10_hz_sinusoid_at_1_khz():
    rng = np.random.default_rng(2)
    t = np.arange(0.0, 10_000.0, 1.0)  # 10 s at 1 kHz
    values = np.stack(
        [np.sin(2 * np.pi * 10.0 * t / 1000 + 0.3), 0.5 * np.sin(2 * np.pi * 23.0 * t / 1000)], axis=1
    ) + 0.3 * rng.standard_normal((t.size, 2)) + 2.0  # noise and an offset (0 Hz is excluded)
    x = make_series(values, dt=1.0, regions=["alpha", "beta"])
    result = dominant_frequency(x)
    resolution = 1000.0 / psd(x).attrs["nperseg"]
    assert result.dims == ("region",)
    assert result.sel(region="alpha").item() == pytest.approx(10.0, abs=resolution)
    assert result.sel(region="beta").item() == pytest.approx(23.0, abs=resolution)
    assert result.attrs == {"long_name": "dominant frequency", "units": "Hz"}
    # from a spectrum directly
    xr.testing.assert_identical(dominant_frequency(psd(x)), result)
    assert dominant_frequency(x, nperseg=1000).values.tolist() == [10.0, 23.0]


def test_psd_default_nperseg():
    assert psd(make_series(np.zeros((100, 1)))).attrs["nperseg"] == 100
    assert psd(make_series(np.zeros((1000, 1)))).attrs["nperseg"] == 256
    assert psd(make_series(np.zeros((10_000, 1)))).attrs["nperseg"] == 1250


def test_psd_keeps_dim_order_and_extra_dims():
    rng = np.random.default_rng(3)
    values = rng.standard_normal((2, 600, 3))
    x = make_series(values, extra_coords={"seed": [0, 1]})
    result = psd(x, nperseg=200)
    assert result.dims == ("seed", "frequency", "region")
    for i in range(2):
        np.testing.assert_allclose(result.isel(seed=i).values, scipy.signal.welch(values[i], fs=1000.0, nperseg=200, axis=0)[1])
    assert psd(x.transpose("region", "seed", "time"), nperseg=200).dims == ("region", "seed", "frequency")


def test_psd_errors():
    x = make_series(np.zeros((100, 2)))
    with pytest.raises(ValueError, match="nperseg must be an integer from 2 to the series length 100, got 101"):
        psd(x, nperseg=101)
    with pytest.raises(ValueError, match="data has no 'time' dimension"):
        psd(x.rename(time="sample"))
    with pytest.raises(ValueError, match="no 'time' coordinate"):
        dominant_frequency(x.drop_vars("time"))
