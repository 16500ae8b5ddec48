"""wbxr.models.JansenRit: equations, fixed point, alpha rhythm."""

import numpy as np
import pytest
from _model_testing import evaluate, jacobian, run_uncoupled, sorted_eigenvalues
from scipy.optimize import brentq

from wbxr.models import JansenRit
from wbxr.noise import OU

# Jansen & Rit (1995) in their units (mV, s): a = 100/s, b = 50/s, e0 = 2.5/s, p = 220/s
P = {"A": 3.25, "B": 22.0, "a": 100.0, "b": 50.0, "e0": 2.5, "v0": 6.0, "r": 0.56, "C": 135.0,
         "c1": 1.0, "c2": 0.8, "c3": 0.25, "c4": 0.25, "p": 220.0}
PER_MS = ("a", "b", "e0", "p")


def in_ms(p):
    return {k: (v / 1000 if k in PER_MS else v) for k, v in p.items()}


def S(v, p):
    return 2 * p["e0"] / (1 + np.exp(p["r"] * (p["v0"] - v)))


def numpy_jr(y, inputs, p):
    """Right-hand side of Jansen & Rit's equations (2)-(7), time unit set by p."""
    y0, y1, y2, y3, y4, y5 = y
    i0, i1, i2, i3, i4, i5 = inputs
    A, B, a, b, C = p["A"], p["B"], p["a"], p["b"], p["C"]
    return np.array([
        y3 + i0, y4 + i1, y5 + i2,
        A * a * (S(y1 - y2, p) + i3) - 2 * a * y3 - a**2 * y0,
        A * a * (p["p"] + p["c2"] * C * S(p["c1"] * C * y0, p) + i4) - 2 * a * y4 - a**2 * y1,
        B * b * (p["c4"] * C * S(p["c3"] * C * y0, p) + i5) - 2 * b * y5 - b**2 * y2,
    ])


def test_dfun_matches_the_published_equations_in_seconds(x64):
    """The model in ms equals the published equations in s, rescaled: d/dt_ms = d/dt_s / 1000."""
    rng = np.random.default_rng(7)
    y = rng.normal(size=(6, 5)) * [[1], [5], [5], [0.1], [0.1], [0.1]]
    inputs = rng.uniform(0, 0.1, (6, 5))                      # pulse densities per ms
    p = dict(P, C=rng.uniform(100, 200, 5))
    with x64():
        got = np.asarray(evaluate(JansenRit(**in_ms(p)), y, inputs))
    # y3..y5 are per ms in the model, per s in the paper; inputs per ms -> per s
    y_s = y * [[1], [1], [1], [1000], [1000], [1000]]
    inputs_s = inputs * [[1000], [1000], [1000], [1000], [1000], [1000]]
    expected = numpy_jr(y_s, inputs_s, p) / [[1000], [1000], [1000], [1e6], [1e6], [1e6]]
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)


def fixed_point(p):
    """y3 = y4 = y5 = 0; y1, y2 follow from y0, and y0 solves y0 = (A/a) S(y1 - y2)."""
    def parts(y0):
        y1 = p["A"] / p["a"] * (p["p"] + p["c2"] * p["C"] * S(p["c1"] * p["C"] * y0, p))
        y2 = p["B"] / p["b"] * p["c4"] * p["C"] * S(p["c3"] * p["C"] * y0, p)
        return y1, y2
    y0 = brentq(lambda y0: y0 - p["A"] / p["a"] * S(np.subtract(*parts(y0)), p), 0.0, 2 * p["A"] * p["e0"] / p["a"])
    return np.array([y0, *parts(y0), 0.0, 0.0, 0.0])


def analytic_jacobian(y, p):
    A, B, a, b, C = p["A"], p["B"], p["a"], p["b"], p["C"]

    def dS(v):
        s = S(v, p)
        return p["r"] * s * (1 - s / (2 * p["e0"]))
    v = y[1] - y[2]
    J = np.zeros((6, 6))
    J[0, 3] = J[1, 4] = J[2, 5] = 1.0
    J[3] = [-a**2, A * a * dS(v), -A * a * dS(v), -2 * a, 0, 0]
    J[4] = [A * a * p["c2"] * C * p["c1"] * C * dS(p["c1"] * C * y[0]), -a**2, 0, 0, -2 * a, 0]
    J[5] = [B * b * p["c4"] * C * p["c3"] * C * dS(p["c3"] * C * y[0]), 0, -b**2, 0, 0, -2 * b]
    return J


@pytest.mark.parametrize("p_hz, stable", [(50.0, True), (220.0, False)])
def test_fixed_point_and_stability(x64, p_hz, stable):
    p = in_ms(dict(P, p=p_hz))
    y = fixed_point(p)
    with x64():
        model = JansenRit(p=p["p"])
        np.testing.assert_allclose(np.asarray(evaluate(model, y[:, None], np.zeros((6, 1)))), 0.0,
                                   atol=1e-12)
        jac = jacobian(model, y)
    np.testing.assert_allclose(jac, analytic_jacobian(y, p), rtol=1e-9, atol=1e-14)
    eig = sorted_eigenvalues(jac)
    assert np.all(eig.real < 0) == stable
    if not stable:   # the unstable focus the alpha limit cycle surrounds rotates at about 10 Hz
        assert abs(eig[-1].imag) * 1000 / (2 * np.pi) == pytest.approx(10, abs=2.5)


def alpha_peak(y1_minus_y2, sample_ms):
    x = y1_minus_y2 - y1_minus_y2.mean()
    freqs = np.fft.rfftfreq(x.size, sample_ms / 1000)
    power = np.abs(np.fft.rfft(x * np.hanning(x.size))) ** 2
    return freqs[np.argmax(power)], power


def test_alpha_rhythm_with_constant_and_noisy_input():
    """p = 220 Hz: a spectral peak in 8-12 Hz, with constant input and with OU-noisy input."""
    model = JansenRit(noise={"y4": OU(sigma=[0.0, 0.05], tau=5.0)})
    ds = run_uncoupled(model, duration=4000.0, dt=0.1, n_regions=2, every=11, seed=1)
    keep = ds.time.values > 1000
    eeg = (ds.y1 - ds.y2).values[keep]
    for region in (0, 1):
        peak, _ = alpha_peak(eeg[:, region], 1.1)
        assert 8.0 <= peak <= 12.0
    assert np.std(eeg[:, 1]) > 0 and not np.allclose(eeg[:, 0], eeg[:, 1])
