"""wbxr.models.ZetterbergJansen: equations, analytic fixed point, Jacobian, noise-driven spectral peak."""

import numpy as np
import pytest
from _model_testing import evaluate, jacobian, numerical_jacobian, run_uncoupled, sorted_eigenvalues
from scipy.optimize import brentq

from wbxr.models import ZetterbergJansen
from wbxr.noise import OU

# TVB's defaults (ms, mV)
P = dict(He=3.25, Hi=22.0, ke=0.1, ki=0.05, e0=0.0025, rho_2=6.0, rho_1=0.56, gamma_1=135.0, gamma_2=108.0,
         gamma_3=33.75, gamma_4=33.75, gamma_5=15.0, gamma_1T=1.0, gamma_2T=1.0, gamma_3T=1.0,
         P=0.12, U=0.12, Q=0.12)


def S(v, p):
    return 2 * p["e0"] / (1 + np.exp(p["rho_1"] * (p["rho_2"] - v)))


def numpy_field(x, p, inputs=None):
    """Zetterberg et al. (1978) as written in TVB (v1, y1, ..., v5, y5), inhibitory self-loop with k_i."""
    x = np.asarray(x, dtype=float).reshape(10, -1)
    i = np.zeros_like(x) if inputs is None else np.asarray(inputs, dtype=float).reshape(10, -1)
    v1, y1, v2, y2, v3, y3, v4, y4, v5, y5 = x
    ke, ki, Heke, Hiki = p["ke"], p["ki"], p["He"] * p["ke"], p["Hi"] * p["ki"]
    coupled = i[3]
    return np.array([
        y1 + i[0],
        Heke * (p["gamma_1"] * S(v2 - v3, p) + p["gamma_1T"] * (p["U"] + coupled + i[1])) - 2 * ke * y1 - ke**2 * v1,
        y2 + i[2],
        Heke * (p["gamma_2"] * S(v1, p) + p["gamma_2T"] * (p["P"] + coupled)) - 2 * ke * y2 - ke**2 * v2,
        y3 + i[4],
        Hiki * (p["gamma_4"] * S(v4 - v5, p) + i[5]) - 2 * ki * y3 - ki**2 * v3,
        y4 + i[6],
        Heke * (p["gamma_3"] * S(v2 - v3, p) + p["gamma_3T"] * (p["Q"] + coupled + i[7])) - 2 * ke * y4 - ke**2 * v4,
        y5 + i[8],
        Hiki * (p["gamma_5"] * S(v4 - v5, p) + i[9]) - 2 * ki * y5 - ki**2 * v5,
    ])


def fixed_point(p):
    """All y = 0; the potentials follow from the pyramidal potential u = v2 - v3 (nested root finding)."""
    ge, gi = p["He"] / p["ke"], p["Hi"] / p["ki"]

    def potentials(u):
        v1 = ge * (p["gamma_1"] * S(u, p) + p["gamma_1T"] * p["U"])
        v2 = ge * (p["gamma_2"] * S(v1, p) + p["gamma_2T"] * p["P"])
        v4 = ge * (p["gamma_3"] * S(u, p) + p["gamma_3T"] * p["Q"])
        z = brentq(lambda z: z + gi * p["gamma_5"] * S(z, p) - v4, v4 - gi * p["gamma_5"] * 2 * p["e0"], v4,
                   xtol=1e-15)                                     # z = v4 - v5
        v5 = v4 - z
        v3 = gi * p["gamma_4"] * S(z, p)
        return np.array([v1, v2, v3, v4, v5])

    u = brentq(lambda u: u - (potentials(u)[1] - potentials(u)[2]), -100.0, 100.0, xtol=1e-15)
    v = potentials(u)
    return np.array([v[0], 0, v[1], 0, v[2], 0, v[3], 0, v[4], 0], dtype=float)


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(17)
    x = rng.normal(size=(10, 4)) * np.array([10, 0.1] * 5)[:, None] + np.array([20, 0, 20, 0, 10, 0, 8, 0, 5, 0])[:, None]
    inputs = rng.uniform(0, 0.05, (10, 4))
    p = dict(P, gamma_5=np.array([0.0, 10.0, 15.0, 30.0]), gamma_3T=0.5, Q=0.2)
    with x64():
        got = np.asarray(evaluate(ZetterbergJansen(**p), x, inputs))
    np.testing.assert_allclose(got, numpy_field(x, p, inputs), rtol=1e-11, atol=1e-14)


def test_fixed_point_is_a_stable_focus_at_about_13_hz(x64):
    x = fixed_point(P)
    np.testing.assert_allclose(numpy_field(x, P)[:, 0], 0.0, atol=1e-12)
    with x64():
        model = ZetterbergJansen()
        np.testing.assert_allclose(np.asarray(evaluate(model, x[:, None], np.zeros((10, 1)))), 0.0, atol=1e-12)
        jac = jacobian(model, x)
    np.testing.assert_allclose(jac, numerical_jacobian(lambda s: numpy_field(s, P)[:, 0], x, eps=1e-5),
                               rtol=1e-5, atol=1e-9)
    eig = sorted_eigenvalues(jac)
    assert np.all(eig.real < 0)
    assert abs(eig[-1].imag) * 1000 / (2 * np.pi) == pytest.approx(13.1, abs=0.3)


def test_noise_driven_spectrum_peaks_at_the_focus_frequency(x64):
    with x64():
        eig = sorted_eigenvalues(jacobian(ZetterbergJansen(), fixed_point(P)))
    expected = abs(eig[-1].imag) * 1000 / (2 * np.pi)
    model = ZetterbergJansen(noise={"y2": OU(sigma=0.05, tau=5.0)})
    ds = run_uncoupled(model, duration=8000.0, dt=0.1, n_regions=2, every=11, method="heun", seed=3,
                       initial_state={name: value for name, value in zip(ZetterbergJansen.state_variables,
                                                                         fixed_point(P))})
    keep = ds.time.values > 500
    eeg = (ds.v2 - ds.v3).values[keep]
    for region in range(2):
        x = eeg[:, region] - eeg[:, region].mean()
        freqs = np.fft.rfftfreq(x.size, 1.1e-3)
        power = np.abs(np.fft.rfft(x * np.hanning(x.size))) ** 2
        smooth = np.convolve(power, np.ones(9) / 9, mode="same")
        peak = freqs[np.argmax(smooth * (freqs > 2))]
        assert peak == pytest.approx(expected, abs=2.0)
