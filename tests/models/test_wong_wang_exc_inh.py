"""wbxr.models.ReducedWongWangExcInh: equations, the 3 Hz fixed point, per-region feedback inhibition."""

import numpy as np
import pytest
from _model_testing import evaluate, jacobian, run_uncoupled, sorted_eigenvalues
from scipy.optimize import brentq, fsolve

from wbxr.models import ReducedWongWangExcInh

# Deco et al. (2014) in Hz and seconds; the model takes them in kHz and ms
P = {"a_E": 310.0, "b_E": 125.0, "d_E": 0.160, "gamma_E": 0.641e-3, "tau_E": 100.0, "w_p": 1.4, "J_N": 0.15, "W_E": 1.0,
         "a_I": 615.0, "b_I": 177.0, "d_I": 0.087, "gamma_I": 1e-3, "tau_I": 10.0, "J_i": 1.0, "W_I": 0.7, "I_0": 0.382,
         "I_ext": 0.0, "lam": 0.0}


def model_kwargs(p):
    """The paper's units (Hz, s, rates in Hz with gamma/1000) converted to the model's (kHz, ms)."""
    q = dict(p)
    for key in ("a_E", "b_E", "a_I", "b_I"):
        q[key] = p[key] / 1000
    for key in ("d_E", "d_I"):
        q[key] = p[key] * 1000
    q["gamma_E"], q["gamma_I"] = p["gamma_E"] * 1000, p["gamma_I"] * 1000
    return q


def H(x, a, b, d):
    y = a * x - b
    return y / (1 - np.exp(-d * y))


def currents(SE, SI, iE, iI, p):
    IE = p["W_E"] * p["I_0"] + p["w_p"] * p["J_N"] * SE - p["J_i"] * SI + p["I_ext"] + p["J_N"] * iE
    II = p["W_I"] * p["I_0"] + p["J_N"] * SE - SI + p["lam"] * p["J_N"] * iE + p["J_N"] * iI
    return IE, II


def numpy_dmf(SE, SI, iE, iI, p):
    IE, II = currents(SE, SI, iE, iI, p)
    rE, rI = H(IE, p["a_E"], p["b_E"], p["d_E"]), H(II, p["a_I"], p["b_I"], p["d_I"])   # Hz
    return (-SE / p["tau_E"] + (1 - SE) * p["gamma_E"] * rE, -SI / p["tau_I"] + p["gamma_I"] * rI)


def test_dfun_matches_the_paper_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(4)
    state = rng.uniform(0, 0.6, (2, 5))
    inputs = rng.normal(0, 0.5, (2, 5))
    p = dict(P, J_i=rng.uniform(0.5, 1.5, 5), I_ext=0.02, lam=0.3)
    with x64():
        got = np.asarray(evaluate(ReducedWongWangExcInh(**model_kwargs(p)), state, inputs))
    np.testing.assert_allclose(got, numpy_dmf(*state, *inputs, p), rtol=1e-10)


def fixed_point(p):
    S = fsolve(lambda s: numpy_dmf(s[0], s[1], 0.0, 0.0, p), [0.15, 0.04], xtol=1e-13)
    np.testing.assert_allclose(numpy_dmf(*S, 0.0, 0.0, p), 0.0, atol=1e-14)
    return S


def dH(x, a, b, d):
    y = a * x - b
    e = np.exp(-d * y)
    return a * (1 - e - d * y * e) / (1 - e) ** 2


def test_uncoupled_fixed_point_fires_at_3_hz_and_is_stable(x64):
    SE, SI = fixed_point(P)
    IE, II = currents(SE, SI, 0.0, 0.0, P)
    assert H(IE, P["a_E"], P["b_E"], P["d_E"]) == pytest.approx(3.077, abs=1e-3)   # Hz
    assert H(II, P["a_I"], P["b_I"], P["d_I"]) == pytest.approx(3.922, abs=1e-3)
    hE, hI = dH(IE, P["a_E"], P["b_E"], P["d_E"]), dH(II, P["a_I"], P["b_I"], P["d_I"])
    analytic = np.array([
        [-1 / P["tau_E"] - P["gamma_E"] * H(IE, P["a_E"], P["b_E"], P["d_E"])
         + (1 - SE) * P["gamma_E"] * hE * P["w_p"] * P["J_N"], -(1 - SE) * P["gamma_E"] * hE * P["J_i"]],
        [P["gamma_I"] * hI * P["J_N"], -1 / P["tau_I"] - P["gamma_I"] * hI],
    ])
    with x64():
        jac = jacobian(ReducedWongWangExcInh(), np.array([SE, SI]))
    np.testing.assert_allclose(jac, analytic, rtol=1e-7, atol=1e-12)
    assert np.all(sorted_eigenvalues(jac).real < 0)


def test_feedback_inhibition_weight_is_per_region():
    """The FIC weight that clamps the uncoupled E rate at 3 Hz is close to 1 (Deco et al. 2014)."""
    def rate_minus_3hz(J_i):
        p = dict(P, J_i=J_i)
        SE, SI = fixed_point(p)
        return H(currents(SE, SI, 0, 0, p)[0], P["a_E"], P["b_E"], P["d_E"]) - 3.0
    J_fic = brentq(rate_minus_3hz, 0.8, 1.2)
    assert J_fic == pytest.approx(1.0, abs=0.02)
    J = np.array([0.9, J_fic, 1.1])
    ds = run_uncoupled(ReducedWongWangExcInh(**model_kwargs(dict(P, J_i=J))), duration=2000.0, dt=0.1,
                       n_regions=3, every=11, initial_state={"S_E": 0.3, "S_I": 0.1})
    final = np.stack([ds.S_E.values[-1], ds.S_I.values[-1]])
    for region, J_i in enumerate(J):
        np.testing.assert_allclose(final[:, region], fixed_point(dict(P, J_i=J_i)), rtol=2e-3)
    assert final[0, 0] > final[0, 1] > final[0, 2]      # more inhibition, less excitatory gating
