"""Tests for wbxr.analysis.synchrony: kuramoto_order, metastability, phase_locking_value."""

import numpy as np
import pytest
import scipy.signal
import xarray as xr

from wbxr.analysis import kuramoto_order, metastability, phase_locking_value
from _analysis_series import make_series


def reference_phases(values):
    """Hilbert phases of the demeaned columns, written with scipy directly."""
    return np.angle(scipy.signal.hilbert(values - values.mean(axis=0), axis=0))


def test_order_parameter_is_one_for_phase_locked_sinusoids():
    t = np.arange(0.0, 2000.0, 1.0)  # 2 s at 1 kHz: whole periods of 10 Hz
    values = np.stack([a * np.sin(2 * np.pi * 10 * t / 1000) + offset for a, offset in [(1, 0), (2, 1), (0.5, -3)]], axis=1)
    r = kuramoto_order(make_series(values))
    assert r.dims == ("time",)
    np.testing.assert_allclose(r.values, 1.0, atol=1e-9)
    np.testing.assert_array_equal(r.time.values, t)
    assert r.name == "kuramoto_order"
    assert r.attrs == {"long_name": "Kuramoto order parameter", "units": "1"}
    assert float(metastability(make_series(values))) == pytest.approx(0.0, abs=1e-9)


def test_order_parameter_of_incoherent_phases_is_of_order_one_over_sqrt_n():
    rng = np.random.default_rng(0)
    n_regions = 100
    t = np.arange(0.0, 5000.0, 1.0)
    frequencies = rng.uniform(8.0, 12.0, n_regions)
    phases = rng.uniform(0, 2 * np.pi, n_regions)
    values = np.sin(2 * np.pi * np.outer(t / 1000, frequencies) + phases)
    r = kuramoto_order(make_series(values))
    expected = np.abs(np.exp(1j * reference_phases(values)).mean(axis=1))
    np.testing.assert_allclose(r.values, expected, atol=1e-12)
    # for N independent uniform phases E[R] ~ sqrt(pi / (4 N)) = 0.089 at N = 100
    middle = r.isel(time=slice(500, -500))
    assert float(middle.mean()) < 3 / np.sqrt(n_regions)
    assert float(middle.mean()) == pytest.approx(np.sqrt(np.pi / (4 * n_regions)), rel=0.5)


def test_metastability_is_the_std_of_the_order_parameter():
    assert float(metastability(xr.DataArray(np.full(50, 0.7), dims="time"))) == pytest.approx(0.0, abs=1e-12)
    r = xr.DataArray([0.1, 0.5, 0.9, 0.3], dims="time")
    assert float(metastability(r)) == pytest.approx(np.std([0.1, 0.5, 0.9, 0.3]))
    rng = np.random.default_rng(1)
    values = rng.standard_normal((1000, 6))
    x = make_series(values)
    expected = np.abs(np.exp(1j * reference_phases(values)).mean(axis=1)).std()
    result = metastability(x)
    assert float(result) == pytest.approx(expected, abs=1e-12)
    assert float(result) > 0.05
    assert result.attrs["long_name"] == "metastability"
    assert result.name == "metastability"


def test_phase_locking_value_of_locked_and_independent_signals():
    rng = np.random.default_rng(2)
    t = np.arange(0.0, 10_000.0, 1.0)
    phase = 2 * np.pi * 10 * t / 1000
    values = np.stack(
        [
            np.sin(phase),
            0.3 * np.sin(phase - 1.2),  # locked, with a lag and another amplitude
            np.sin(2 * np.pi * 13.7 * t / 1000 + np.cumsum(rng.standard_normal(t.size)) * 0.05),  # independent
        ],
        axis=1,
    )
    plv = phase_locking_value(make_series(values, regions=["a", "lagged", "other"]))
    assert plv.dims == ("region_i", "region_j")
    assert plv.region_j.values.tolist() == ["a", "lagged", "other"]
    phases = reference_phases(values)
    expected = np.abs(np.exp(1j * (phases[:, :, None] - phases[:, None, :])).mean(axis=0))
    np.testing.assert_allclose(plv.values, expected, atol=1e-12)
    assert plv.sel(region_i="a", region_j="lagged").item() == pytest.approx(1.0, abs=1e-3)
    assert plv.sel(region_i="a", region_j="other").item() < 0.1
    np.testing.assert_allclose(np.diag(plv.values), 1.0)
    assert plv.attrs == {"long_name": "phase-locking value", "units": "1"}


def test_band_filters_before_taking_phases():
    rng = np.random.default_rng(3)
    t = np.arange(0.0, 4000.0, 1.0)
    common = np.sin(2 * np.pi * 10 * t / 1000)
    values = common[:, None] + 2.0 * rng.standard_normal((t.size, 4))  # locked 10 Hz under broadband noise
    x = make_series(values)
    broadband = phase_locking_value(x)
    narrow = phase_locking_value(x, band=(8.0, 12.0))
    assert narrow.values[0, 1] > 0.8 > broadband.values[0, 1]
    sos = scipy.signal.butter(4, [8.0, 12.0], btype="bandpass", fs=1000.0, output="sos")
    filtered = scipy.signal.sosfiltfilt(sos, values, axis=0)
    expected_r = np.abs(np.exp(1j * reference_phases(filtered)).mean(axis=1))
    np.testing.assert_allclose(kuramoto_order(x, band=(8.0, 12.0)).values, expected_r, atol=1e-12)
    assert "8-12 Hz" in narrow.attrs["filter"]


def test_synchrony_errors():
    x = make_series(np.zeros((100, 3)))
    with pytest.raises(ValueError, match=r"band\[1\]=600 Hz is at or above the Nyquist frequency 500 Hz"):
        kuramoto_order(x, band=(1, 600))
    with pytest.raises(ValueError, match="data has no 'time' dimension"):
        phase_locking_value(x.rename(time="t"))
    with pytest.raises(ValueError, match="data has no 'time' dimension"):
        metastability(xr.DataArray([0.1, 0.2], dims="t"))
    with pytest.raises(ValueError, match="band and var are not used"):
        metastability(xr.DataArray([0.1, 0.2], dims="time"), band=(1, 10))
