"""Tests for wbxr.analysis.filtering (bandpass, global_signal) and fc(band=...)."""

import numpy as np
import pytest
import scipy.signal
import xarray as xr

from wbxr.analysis import bandpass, fc, global_signal
from _analysis_series import make_series


def test_bandpass_equals_scipy_sosfiltfilt():
    rng = np.random.default_rng(0)
    values = rng.standard_normal((3000, 3))
    x = make_series(values, dt=1.0)  # 1 kHz
    result = bandpass(x, 8.0, 12.0, order=3)
    sos = scipy.signal.butter(3, [8.0, 12.0], btype="bandpass", fs=1000.0, output="sos")
    np.testing.assert_allclose(result.values, scipy.signal.sosfiltfilt(sos, values, axis=0), atol=1e-12)
    assert result.dims == x.dims
    np.testing.assert_array_equal(result.time.values, x.time.values)
    assert result.attrs["units"] == "1"
    assert result.attrs["long_name"] == "x (8-12 Hz band-pass)"
    assert "order 3" in result.attrs["filter"]
    assert result.name == "x"


def test_bandpass_keeps_in_band_and_removes_out_of_band_sinusoid():
    t = np.arange(0.0, 5000.0, 0.5)  # 2 kHz, 5 s
    inside = np.sin(2 * np.pi * 10 * t / 1000)
    outside = np.sin(2 * np.pi * 60 * t / 1000) + 3.0  # plus an offset (0 Hz)
    result = bandpass(make_series(inside + outside, dt=0.5), 5.0, 20.0)
    middle = slice(2000, -2000)  # away from the edges
    np.testing.assert_allclose(result.values[middle, 0], inside[middle], atol=5e-3)


def test_bandpass_low_and_high_pass_and_seconds_coordinate():
    t = np.arange(0.0, 4000.0, 1.0)
    slow, fast = np.sin(2 * np.pi * 3 * t / 1000), np.sin(2 * np.pi * 100 * t / 1000)
    x = make_series(slow + fast)
    middle = slice(500, -500)
    np.testing.assert_allclose(bandpass(x, None, 20.0).values[middle, 0], slow[middle], atol=5e-3)
    np.testing.assert_allclose(bandpass(x, 50.0, None).values[middle, 0], fast[middle], atol=5e-3)
    # the sampling rate is read from the coordinate's units
    in_seconds = x.assign_coords(time=("time", t / 1000.0, {"units": "s"}))
    np.testing.assert_allclose(bandpass(in_seconds, None, 20.0).values, bandpass(x, None, 20.0).values)


def test_bandpass_region_first_order_and_dataset():
    rng = np.random.default_rng(1)
    x = make_series(rng.standard_normal((500, 2)))
    transposed = bandpass(x.transpose("region", "time"), 10.0, 50.0)
    assert transposed.dims == ("region", "time")
    np.testing.assert_allclose(transposed.values.T, bandpass(x, 10.0, 50.0).values)
    ds = xr.Dataset({"x": x, "y": 2 * x}, attrs={"coupled_var": "y"})
    np.testing.assert_allclose(bandpass(ds, 10.0, 50.0).values, 2 * bandpass(x, 10.0, 50.0).values)
    np.testing.assert_allclose(bandpass(ds, 10.0, 50.0, var="x").values, bandpass(x, 10.0, 50.0).values)


def test_bandpass_errors():
    x = make_series(np.zeros((1000, 2)), dt=1.0)  # Nyquist 500 Hz
    with pytest.raises(ValueError, match=r"high_hz=600.0 Hz is at or above the Nyquist frequency 500 Hz"):
        bandpass(x, 10.0, 600.0)
    with pytest.raises(ValueError, match="low_hz=500.0 Hz is at or above the Nyquist"):
        bandpass(x, 500.0, None)
    with pytest.raises(ValueError, match="low_hz=20.0 must be below high_hz=10.0"):
        bandpass(x, 20.0, 10.0)
    with pytest.raises(ValueError, match="low_hz=-1.0 must be >= 0"):
        bandpass(x, -1.0, 10.0)
    with pytest.raises(ValueError, match="cannot both be None"):
        bandpass(x, None, None)
    with pytest.raises(ValueError, match=r"data has no 'time' dimension.*\('t', 'region'\)"):
        bandpass(x.rename(time="t"), 1.0, 10.0)
    with pytest.raises(ValueError, match="no 'time' coordinate"):
        bandpass(x.drop_vars("time"), 1.0, 10.0)
    with pytest.raises(ValueError, match="evenly spaced"):
        bandpass(x.assign_coords(time=np.r_[0.0, np.arange(2.0, 1001.0)]), 1.0, 10.0)
    with pytest.raises(ValueError, match="units 'days'"):
        bandpass(x.assign_coords(time=("time", x.time.values, {"units": "days"})), 1.0, 10.0)
    with pytest.raises(ValueError, match="needs more than 27"):
        bandpass(x.isel(time=slice(0, 20)), 1.0, 10.0)
    with pytest.raises(ValueError, match="order must be a positive integer"):
        bandpass(x, 1.0, 10.0, order=0)
    with pytest.raises(TypeError, match="ndarray"):
        bandpass(np.zeros((10, 2)), 1.0, 10.0)


def test_global_signal_is_mean_over_regions():
    rng = np.random.default_rng(2)
    values = rng.standard_normal((50, 4))
    x = make_series(values, units="Hz", name="rE")
    g = global_signal(x)
    np.testing.assert_allclose(g.values, values.mean(axis=1))
    assert g.dims == ("time",)
    assert g.name == "global_signal"
    assert g.attrs == {"units": "Hz", "long_name": "global mean of rE"}
    ds = xr.Dataset({"rE": x})
    xr.testing.assert_identical(global_signal(ds), g)
    with pytest.raises(ValueError, match="no 'region' dimension"):
        global_signal(x.isel(region=0))


def test_fc_with_band_equals_corrcoef_of_filtered_signals():
    rng = np.random.default_rng(3)
    n = 4000
    common_slow = 5.0 * np.sin(2 * np.pi * 0.2 * np.arange(n) / 100.0)  # shared 0.2 Hz drift
    values = np.stack(
        [common_slow + rng.standard_normal(n), common_slow + rng.standard_normal(n), rng.standard_normal(n)], axis=1
    )
    x = make_series(values, dt=10.0)  # 100 Hz sampling
    result = fc(x, band=(1.0, 20.0))
    sos = scipy.signal.butter(4, [1.0, 20.0], btype="bandpass", fs=100.0, output="sos")
    expected = np.corrcoef(scipy.signal.sosfiltfilt(sos, values, axis=0), rowvar=False)
    np.testing.assert_allclose(result.values, expected, atol=1e-12)
    # removing the shared slow drift changes FC a lot: the band really is applied
    unfiltered = fc(x)
    assert unfiltered.values[0, 1] > 0.9
    assert result.values[0, 1] < 0.5
    assert result.attrs["description"] == (
        "Pearson correlation over time of the 1-20 Hz band-pass filtered signals"
    )
    assert result.attrs["long_name"] == "functional connectivity"
    assert fc(x, band=(None, 5.0)).attrs["description"].endswith("5 Hz low-pass filtered signals")


def test_fc_band_errors_name_the_argument():
    x = make_series(np.random.default_rng(4).standard_normal((1000, 2)), dt=10.0)  # Nyquist 50 Hz
    with pytest.raises(ValueError, match=r"band\[1\]=80.0 Hz is at or above the Nyquist frequency 50 Hz"):
        fc(x, band=(1.0, 80.0))
    with pytest.raises(ValueError, match=r"band must be a pair"):
        fc(x, band=10.0)
