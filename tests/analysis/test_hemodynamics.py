"""Tests for wbxr.analysis.hemodynamics: Balloon-Windkessel BOLD and HRF convolution."""

import brainunit as u
import numpy as np
import pytest
import scipy.stats
import xarray as xr

from wbxr.analysis import balloon_constants, balloon_windkessel, bold, hrf_convolve, hrf_kernel
from _analysis_series import make_series


def reference_balloon(drive, step_s, c, n_substeps=1):
    """The textbook Balloon-Windkessel equations, RK4 in float64, input held over each step.

    Returns the states (s, f, v, q) and the BOLD signal at every sample, starting at rest.
    """
    kappa, gamma, tau, alpha, E0, V0, k1, k2, k3 = (
        c[k] for k in ("kappa", "gamma", "tau", "alpha", "E0", "V0", "k1", "k2", "k3")
    )

    def derivative(state, x):
        s, f, v, q = state
        return np.array(
            [
                x - kappa * s - gamma * (f - 1),
                s,
                (f - v ** (1 / alpha)) / tau,
                (f * (1 - (1 - E0) ** (1 / f)) / E0 - v ** (1 / alpha) * q / v) / tau,
            ]
        )

    h = step_s / n_substeps
    state = np.array([0.0, 1.0, 1.0, 1.0])
    states = []
    for x in drive:
        states.append(state)
        for _ in range(n_substeps):
            a = derivative(state, x)
            b = derivative(state + 0.5 * h * a, x)
            d = derivative(state + 0.5 * h * b, x)
            e = derivative(state + h * d, x)
            state = state + h / 6 * (a + 2 * b + 2 * d + e)
    states = np.array(states)
    s, f, v, q = states.T
    return states, V0 * (k1 * (1 - q) + k2 * (1 - q / v) + k3 * (1 - v))


def steady_state(u_const, c):
    f = 1 + u_const / c["gamma"]
    v = f ** c["alpha"]
    q = v * (1 - (1 - c["E0"]) ** (1 / f)) / c["E0"]
    y = c["V0"] * (c["k1"] * (1 - q) + c["k2"] * (1 - q / v) + c["k3"] * (1 - v))
    return f, v, q, y


@pytest.mark.parametrize("model", ["balloon", "balloon_classic"])
def test_constant_input_reaches_the_analytic_steady_state(model):
    u_const = [0.1, 0.25, 0.6]
    x = make_series(np.tile(u_const, (8000, 1)), dt=10.0)  # 80 s
    states = balloon_windkessel(x, model=model)
    c = balloon_constants(model)
    last = states.isel(time=-1)
    np.testing.assert_allclose(last.s.values, 0.0, atol=1e-5)
    for i, value in enumerate(u_const):
        f, v, q, y = steady_state(value, c)
        assert last.f.values[i] == pytest.approx(f, rel=1e-5)
        assert last.v.values[i] == pytest.approx(v, rel=1e-5)
        assert last.q.values[i] == pytest.approx(q, rel=1e-5)
        assert last.bold.values[i] == pytest.approx(y, rel=1e-4)
    # and the BOLD signal sampled every TR is constant once the transient has passed
    y_tr = bold(x, tr=1 * u.second, model=model).sel(time=slice(50_000, None))
    np.testing.assert_allclose(y_tr.values, np.broadcast_to(last.bold.values, y_tr.shape), rtol=1e-4)
    assert np.all(y_tr.values > 0.0)  # more flow: less deoxyhaemoglobin, positive BOLD


def test_states_and_bold_match_a_float64_reference():
    rng = np.random.default_rng(0)
    t = np.arange(0.0, 30_000.0, 5.0)
    drive = 0.4 + 0.3 * np.sin(2 * np.pi * 0.1 * t / 1000) + 0.2 * rng.standard_normal(t.size)
    x = make_series(drive, dt=5.0)
    states = balloon_windkessel(x)
    expected_states, expected_bold = reference_balloon(drive, 0.005, balloon_constants())
    for index, name in enumerate("sfvq"):
        np.testing.assert_allclose(states[name].values[:, 0], expected_states[:, index], atol=2e-6)
    scale = np.abs(expected_bold).max()
    assert scale > 1e-3
    np.testing.assert_allclose(states.bold.values[:, 0], expected_bold, atol=1e-5 * scale)
    assert states.bold.attrs == {"long_name": "BOLD signal change", "units": "1"}
    assert states.f.attrs["units"] == "1" and states.s.attrs["units"] == "1/s"


def test_coarse_sampling_uses_substeps():
    rng = np.random.default_rng(1)
    drive = np.clip(0.5 + 0.3 * rng.standard_normal(600), 0, None)
    x = make_series(drive, dt=50.0)  # 50 ms samples: 5 RK4 substeps of 10 ms
    _, expected = reference_balloon(drive, 0.05, balloon_constants(), n_substeps=5)
    result = balloon_windkessel(x).bold.values[:, 0]
    np.testing.assert_allclose(result, expected, atol=1e-5 * np.abs(expected).max())


def test_impulse_response_peaks_about_five_seconds_later():
    t = np.arange(0.0, 30_000.0, 1.0)
    pulse = np.where((t >= 2000.0) & (t < 2050.0), 1.0, 0.0)  # 50 ms of activity at 2 s
    y = bold(make_series(pulse, dt=1.0), tr=100 * u.ms)
    peak_ms = float(y.time[int(y.isel(region=0).argmax("time"))]) - 2025.0
    assert 4000.0 <= peak_ms <= 6000.0
    assert float(y.min()) < 0.0  # the post-stimulus undershoot
    # the HRF kernels peak about 5 s after the impulse as well
    for kernel in ("gamma", "double_gamma", "volterra"):
        h = hrf_convolve(make_series(pulse, dt=1.0), kernel, tr=100.0)
        assert 4000.0 <= float(h.time[int(h.isel(region=0).argmax("time"))]) - 2025.0 <= 6000.0


def test_bold_is_linear_for_small_inputs_and_matches_the_volterra_kernel():
    rng = np.random.default_rng(2)
    t = np.arange(0.0, 40_000.0, 2.0)
    smooth = np.convolve(rng.standard_normal(t.size), np.ones(250) / 250, mode="same")
    other = np.sin(2 * np.pi * 0.05 * t / 1000)
    eps = 1e-3
    x1, x2 = make_series(eps * smooth, dt=2.0), make_series(eps * other, dt=2.0)
    y1, y2, y12 = bold(x1, tr=500.0), bold(x2, tr=500.0), bold(x1 + x2, tr=500.0)
    scale = float(np.abs(y12).max())
    assert scale > 1e-6
    np.testing.assert_allclose(y12.values, (y1 + y2).values, atol=5e-3 * scale)
    np.testing.assert_allclose(bold(3 * x1, tr=500.0).values, 3 * y1.values, atol=5e-3 * 3 * float(np.abs(y1).max()))
    linear = hrf_convolve(x1 + x2, "volterra", tr=500.0)
    np.testing.assert_allclose(y12.values, linear.values, atol=5e-3 * scale)
    # while a 100 times larger input is clearly nonlinear (13 % off the scaled response)
    big = 100.0
    y_big = bold(big * (x1 + x2), tr=500.0)
    assert np.abs(y_big.values - big * y12.values).max() > 0.05 * np.abs(big * y12.values).max()


def test_tr_sampling_and_coordinates():
    rng = np.random.default_rng(3)
    drive = 0.5 + 0.1 * rng.standard_normal(6000)
    x = make_series(drive, dt=10.0, t0=500.0)  # 60 s from t = 0.5 s
    full = balloon_windkessel(x).bold
    every_tr = bold(x, tr=720.0)
    assert every_tr.dims == ("time", "region")
    np.testing.assert_allclose(every_tr.time.values, 500.0 + 720.0 * np.arange(every_tr.sizes["time"]))
    assert every_tr.time.values[-1] <= x.time.values[-1] < every_tr.time.values[-1] + 720.0
    # 720 ms is not a whole number of 10 ms... it is (72 samples): take every 72nd sample
    np.testing.assert_allclose(every_tr.values, full.values[::72], rtol=1e-12)
    # 725 ms is 72.5 samples: linear interpolation between samples
    odd = bold(x, tr=725.0)
    np.testing.assert_allclose(odd.values[:, 0], np.interp(odd.time.values, full.time.values, full.values[:, 0]), rtol=1e-9, atol=1e-15)
    assert every_tr.time.attrs["units"] == "ms"
    assert every_tr.name == "bold"
    assert every_tr.attrs["units"] == "1"
    assert every_tr.attrs["long_name"] == "BOLD signal change"
    assert every_tr.attrs["tr_ms"] == 720.0
    assert every_tr.attrs["model"] == "balloon"
    xr.testing.assert_identical(bold(x, tr=0.72 * u.second), every_tr)


def test_hrf_convolve_equals_a_direct_convolution():
    rng = np.random.default_rng(4)
    step_ms = 10.0
    drive = rng.standard_normal(4000)
    x = make_series(drive, dt=step_ms, units="Hz")
    # Glover (1999) double gamma, written out, integrated over each step by the midpoint rule
    a1, a2, b1, b2, c = 6.0, 12.0, 0.9, 0.9, 0.35
    d1, d2 = a1 * b1, a2 * b2
    lags = (np.arange(1, 3201) - 0.5) * step_ms / 1000  # 32 s of midpoints

    def glover(t):
        return (t / d1) ** a1 * np.exp(-(t - d1) / b1) - c * (t / d2) ** a2 * np.exp(-(t - d2) / b2)

    weights = glover(lags)
    weights /= weights.sum()
    expected = np.convolve(drive, np.r_[0.0, weights])[: drive.size]  # x_i acts after t_i
    result = hrf_convolve(x, "double_gamma", tr=step_ms)
    np.testing.assert_allclose(result.values[:, 0], expected, atol=1e-4 * np.abs(expected).max())
    assert result.attrs["units"] == "Hz"
    assert result.attrs["kernel"] == "double_gamma"
    # the gamma kernel: the gamma density of shape 6 and scale 1 s
    weights = scipy.stats.gamma.pdf(lags, a=6.0)
    weights /= weights.sum()
    expected = np.convolve(drive, np.r_[0.0, weights])[: drive.size]
    result = hrf_convolve(x, "gamma", tr=step_ms)
    np.testing.assert_allclose(result.values[:, 0], expected, atol=1e-4 * np.abs(expected).max())


def test_volterra_kernel_is_the_small_impulse_response():
    step_ms = 1.0
    t = np.arange(0.0, 25_000.0, step_ms)
    amplitude = 1e-3
    impulse = np.where(t < 1.0, amplitude / (step_ms / 1000), 0.0)  # area amplitude * 1 s
    response = bold(make_series(impulse, dt=step_ms), tr=100.0).isel(region=0) / amplitude
    kernel = hrf_kernel("volterra", dt=100.0, length=24_900.0)
    np.testing.assert_allclose(response.values[1:], kernel.values[1:], atol=2e-3 * float(np.abs(kernel).max()))
    assert kernel.dims == ("lag",)
    assert kernel.lag.attrs["units"] == "ms"
    assert float(kernel[0]) == pytest.approx(0.0, abs=1e-15)


def test_hrf_kernel_shapes():
    gamma = hrf_kernel("gamma", dt=10.0)
    np.testing.assert_allclose(gamma.values, scipy.stats.gamma.pdf(gamma.lag.values / 1000, a=6.0))
    assert float(gamma.idxmax()) == 5000.0
    glover = hrf_kernel("double_gamma", dt=10.0)
    assert float(glover.sum()) * 0.01 == pytest.approx(1.0, rel=1e-3)  # unit area (in seconds)
    assert float(glover.min()) < 0.0
    assert 12_000.0 < float(glover.idxmin()) < 13_000.0


def test_balloon_constants_variants():
    c = balloon_constants("balloon")
    assert (c["kappa"], c["gamma"], c["tau"], c["alpha"], c["E0"], c["V0"]) == (0.64, 0.32, 2.0, 0.32, 0.4, 0.04)
    assert c["k1"] == pytest.approx(4.3 * 40.3 * 0.4 * 0.04)
    assert c["k2"] == pytest.approx(25 * 0.4 * 0.04)
    assert c["k3"] == 0.0
    classic = balloon_constants("balloon_classic")
    assert (classic["k1"], classic["k2"], classic["k3"]) == pytest.approx((7 * 0.34, 2.0, 2 * 0.34 - 0.2))
    assert balloon_constants("balloon", {"epsilon": 0.5})["k3"] == 0.5


def test_bold_params_change_the_response():
    x = make_series(np.full(3000, 0.3), dt=10.0)
    default = bold(x, tr=1000.0)
    slower = bold(x, tr=1000.0, params={"tau": 4.0})
    assert not np.allclose(default.values[:10], slower.values[:10])


def test_hemodynamics_errors():
    x = make_series(np.zeros((1000, 2)), dt=10.0)  # 10 s
    with pytest.raises(ValueError, match=r"tr=5.0 \(5 ms\) is shorter than the data's sampling step 10 ms"):
        bold(x, tr=5.0)
    with pytest.raises(ValueError, match=r"tr=.*is longer than the series"):
        bold(x, tr=20 * u.second)
    with pytest.raises(ValueError, match="tr=.*expected a quantity convertible to ms"):
        bold(x, tr=2 * u.mm)
    with pytest.raises(ValueError, match=r"model='hopf' is not one of \['balloon', 'balloon_classic'\]"):
        bold(x, model="hopf")
    with pytest.raises(ValueError, match="params has unknown parameter 'rho'"):
        bold(x, params={"rho": 0.3})
    with pytest.raises(ValueError, match="kernel='boxcar' is not one of"):
        hrf_convolve(x, "boxcar")
    with pytest.raises(ValueError, match="data has no 'time' dimension"):
        bold(x.rename(time="t"))
    with pytest.raises(ValueError, match="no 'time' coordinate"):
        hrf_convolve(x.drop_vars("time"))
