"""wbxr.models.DavidFriston: equations, Jansen-Rit limit, analytic fixed point, Jacobian, alpha peak."""

import numpy as np
import pytest
from _model_testing import evaluate, jacobian, numerical_jacobian, run_uncoupled, sorted_eigenvalues
from scipy.optimize import brentq

from wbxr.models import DavidFriston, JansenRit
from wbxr.noise import OU

P = dict(A_1=3.25, B_1=22.0, tau_e_1=10.8, tau_i_1=22.0, A_2=3.25, B_2=22.0, tau_e_2=4.6, tau_i_2=2.9, w=0.8,
         e0=0.0025, v0=6.0, r=0.56, C=135.0, c1=1.0, c2=0.8, c3=0.25, c4=0.25, p=0.22)


def S(v, p):
    return 2 * p["e0"] / (1 + np.exp(p["r"] * (p["v0"] - v)))


def numpy_field(y, p, inputs=None):
    """David & Friston (2003): two Jansen-Rit columns whose sigmoids read the w-weighted mixture."""
    y = np.asarray(y, dtype=float).reshape(2, 6, -1)
    inputs = np.zeros_like(y) if inputs is None else np.asarray(inputs, dtype=float).reshape(2, 6, -1)
    w, C = p["w"], p["C"]
    mix = w * y[0] + (1 - w) * y[1]
    afferent = inputs[0, 3:] + inputs[1, 3:]
    out = []
    for k, (A, B, te, ti) in enumerate([(p["A_1"], p["B_1"], p["tau_e_1"], p["tau_i_1"]),
                                        (p["A_2"], p["B_2"], p["tau_e_2"], p["tau_i_2"])]):
        y0, y1, y2, y3, y4, y5 = y[k]
        out += [
            y3 + inputs[k, 0], y4 + inputs[k, 1], y5 + inputs[k, 2],
            A / te * (S(mix[1] - mix[2], p) + afferent[0]) - 2 * y3 / te - y0 / te**2,
            A / te * (p["p"] + p["c2"] * C * S(p["c1"] * C * mix[0], p) + afferent[1]) - 2 * y4 / te - y1 / te**2,
            B / ti * (p["c4"] * C * S(p["c3"] * C * mix[0], p) + afferent[2]) - 2 * y5 / ti - y2 / ti**2,
        ]
    return np.array(out).reshape(12, -1)


def fixed_point(p):
    """y3 = y4 = y5 = 0, y0_k = A_k tau_e,k S(v), ...: one scalar equation for the mixed y0."""
    Ae = p["w"] * p["A_1"] * p["tau_e_1"] + (1 - p["w"]) * p["A_2"] * p["tau_e_2"]
    Bi = p["w"] * p["B_1"] * p["tau_i_1"] + (1 - p["w"]) * p["B_2"] * p["tau_i_2"]
    C = p["C"]

    def mixed(y0):
        y1 = Ae * (p["p"] + p["c2"] * C * S(p["c1"] * C * y0, p))
        y2 = Bi * p["c4"] * C * S(p["c3"] * C * y0, p)
        return y1, y2

    y0 = brentq(lambda y0: y0 - Ae * S(np.subtract(*mixed(y0)), p), 0.0, 2 * Ae * p["e0"], xtol=1e-15)
    v = np.subtract(*mixed(y0))
    rows = []
    for A, B, te, ti in [(p["A_1"], p["B_1"], p["tau_e_1"], p["tau_i_1"]),
                         (p["A_2"], p["B_2"], p["tau_e_2"], p["tau_i_2"])]:
        rows += [A * te * S(v, p), A * te * (p["p"] + p["c2"] * C * S(p["c1"] * C * y0, p)),
                 B * ti * p["c4"] * C * S(p["c3"] * C * y0, p), 0.0, 0.0, 0.0]
    return np.array(rows)


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(15)
    y = rng.normal(size=(12, 4)) * np.array([1, 5, 5, 0.1, 0.1, 0.1] * 2)[:, None]
    inputs = rng.uniform(0, 0.05, (12, 4))
    p = dict(P, w=np.array([0.0, 0.3, 0.8, 1.0]), tau_i_2=4.0)
    with x64():
        got = np.asarray(evaluate(DavidFriston(**p), y, inputs))
    np.testing.assert_allclose(got, numpy_field(y, p, inputs), rtol=1e-11, atol=1e-14)


def test_one_subpopulation_is_jansen_rit(x64):
    """w = 1: the first sub-population follows Jansen-Rit with a = 1/tau_e, b = 1/tau_i."""
    rng = np.random.default_rng(16)
    y = rng.normal(size=(12, 3)) * np.array([1, 5, 5, 0.1, 0.1, 0.1] * 2)[:, None]
    with x64():
        df = np.asarray(evaluate(DavidFriston(w=1.0, tau_e_1=10.0, tau_i_1=20.0), y, np.zeros_like(y)))
        jr = np.asarray(evaluate(JansenRit(), y[:6], np.zeros((6, 3))))
    np.testing.assert_allclose(df[:6], jr, rtol=1e-10, atol=1e-14)


def test_fixed_point_and_its_alpha_focus(x64):
    y = fixed_point(P)
    np.testing.assert_allclose(numpy_field(y[:, None], P)[:, 0], 0.0, atol=1e-12)
    with x64():
        model = DavidFriston()
        np.testing.assert_allclose(np.asarray(evaluate(model, y[:, None], np.zeros((12, 1)))), 0.0, atol=1e-12)
        jac = jacobian(model, y)
    np.testing.assert_allclose(jac, numerical_jacobian(lambda s: numpy_field(s, P)[:, 0], y, eps=1e-5),
                               rtol=1e-5, atol=1e-9)
    eig = sorted_eigenvalues(jac)
    assert np.all(eig.real < 0)                               # a stable focus ...
    frequency = abs(eig[-1].imag) * 1000 / (2 * np.pi)        # ... whose slowest mode rotates at alpha
    assert 9.0 < frequency < 11.0


def test_noise_driven_spectrum_peaks_in_the_alpha_band(x64):
    with x64():
        eig = sorted_eigenvalues(jacobian(DavidFriston(), fixed_point(P)))
    expected = abs(eig[-1].imag) * 1000 / (2 * np.pi)
    model = DavidFriston(noise={"y4_1": OU(sigma=0.05, tau=5.0)})
    ds = run_uncoupled(model, duration=8000.0, dt=0.1, n_regions=2, every=11, method="heun", seed=2)
    keep = ds.time.values > 500
    w = 0.8
    eeg = (w * (ds.y1_1 - ds.y2_1) + (1 - w) * (ds.y1_2 - ds.y2_2)).values[keep]
    for region in range(2):
        x = eeg[:, region] - eeg[:, region].mean()
        freqs = np.fft.rfftfreq(x.size, 1.1e-3)
        power = np.abs(np.fft.rfft(x * np.hanning(x.size))) ** 2
        smooth = np.convolve(power, np.ones(9) / 9, mode="same")
        peak = freqs[np.argmax(smooth * (freqs > 2))]
        assert 8.0 <= peak <= 12.0
        assert peak == pytest.approx(expected, abs=1.5)
