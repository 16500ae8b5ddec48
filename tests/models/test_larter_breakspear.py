"""wbxr.models.LarterBreakspear: equations, fixed point and its Hopf bifurcation in d_V, chaos."""

import numpy as np
import pytest
from _model_testing import (
    evaluate,
    jacobian,
    numerical_jacobian,
    run_uncoupled,
    sorted_eigenvalues,
)
from scipy.optimize import brentq

from wbxr.models import LarterBreakspear

P = {"gCa": 1.1, "gK": 2.0, "gL": 0.5, "phi": 0.7, "gNa": 6.7, "TK": 0.0, "TCa": -0.01, "TNa": 0.3, "VCa": 1.0, "VK": -0.7,
         "VL": -0.5, "VNa": 0.53, "d_K": 0.3, "tau_K": 1.0, "d_Na": 0.15, "d_Ca": 0.15, "aei": 2.0, "aie": 2.0, "b": 0.1, "C": 0.1,
         "ane": 1.0, "ani": 0.4, "aee": 0.4, "Iext": 0.3, "rNMDA": 0.25, "VT": 0.0, "d_V": 0.65, "ZT": 0.0, "d_Z": 0.7,
         "QV_max": 1.0, "QZ_max": 1.0, "t_scale": 1.0}


def numpy_lb(state, inputs, p):
    """Breakspear et al. (2003) eqs. with TVB's coupling term c0 = input of V."""
    V, W, Z = state
    c0, iW, iZ = inputs
    m = lambda x, T, d: 0.5 * (1 + np.tanh((x - T) / d))
    m_Ca, m_Na, m_K = m(V, p["TCa"], p["d_Ca"]), m(V, p["TNa"], p["d_Na"]), m(V, p["TK"], p["d_K"])
    QV = p["QV_max"] * m(V, p["VT"], p["d_V"])
    QZ = p["QZ_max"] * m(Z, p["ZT"], p["d_Z"])
    C = p["C"]
    dV = (-(p["gCa"] + (1 - C) * p["rNMDA"] * p["aee"] * QV + C * p["rNMDA"] * p["aee"] * c0) * m_Ca * (V - p["VCa"])
          - p["gK"] * W * (V - p["VK"]) - p["gL"] * (V - p["VL"])
          - (p["gNa"] * m_Na + (1 - C) * p["aee"] * QV + C * p["aee"] * c0) * (V - p["VNa"])
          - p["aie"] * Z * QZ + p["ane"] * p["Iext"])
    dW = p["phi"] * (m_K - W) / p["tau_K"] + iW
    dZ = p["b"] * (p["ani"] * p["Iext"] + p["aei"] * V * QV) + iZ
    return p["t_scale"] * np.array([dV, dW, dZ])


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(8)
    state = rng.uniform(-0.6, 0.6, (3, 5))
    inputs = rng.uniform(0, 1, (3, 5))
    p = dict(P, d_V=rng.uniform(0.5, 0.7, 5), C=0.3, t_scale=0.5)
    with x64():
        got = np.asarray(evaluate(LarterBreakspear(**p), state, inputs))
    np.testing.assert_allclose(got, numpy_lb(state, inputs, p), rtol=1e-10, atol=1e-14)


def upper_fixed_point(p):
    """Uncoupled node (C = 0): dZ = 0 fixes V Q_V(V), dW = 0 gives W = m_K(V), dV = 0 gives Z."""
    target = -p["ani"] * p["Iext"] / p["aei"]
    V = brentq(lambda V: V * p["QV_max"] * 0.5 * (1 + np.tanh((V - p["VT"]) / p["d_V"])) - target, -0.3, 0.0)
    W = 0.5 * (1 + np.tanh((V - p["TK"]) / p["d_K"]))
    Z = brentq(lambda Z: numpy_lb([V, W, Z], [0, 0, 0], p)[0], -1.0, 1.0)
    return np.array([V, W, Z])


@pytest.mark.parametrize("d_V, stable", [(0.5, True), (0.55, False), (0.65, False)])
def test_fixed_point_loses_stability_as_d_V_grows(x64, d_V, stable):
    p = dict(P, C=0.0, d_V=d_V)
    point = upper_fixed_point(p)
    np.testing.assert_allclose(numpy_lb(point, [0, 0, 0], p), 0.0, atol=1e-12)
    with x64():
        jac = jacobian(LarterBreakspear(C=0.0, d_V=d_V), point)
    reference = numerical_jacobian(lambda s: numpy_lb(s, [0, 0, 0], p), point)
    np.testing.assert_allclose(jac, reference, rtol=1e-6, atol=1e-8)
    eig = sorted_eigenvalues(jac)
    assert np.all(eig.real < 0) == stable
    assert eig[-1].imag != 0                            # a focus: the bifurcation is a Hopf


def test_settles_below_the_bifurcation_and_oscillates_above():
    """d_V = 0.5 relaxes to the fixed point; d_V = 0.65 (default) keeps oscillating."""
    fixed = upper_fixed_point(dict(P, C=0.0, d_V=0.5))
    ds = run_uncoupled(LarterBreakspear(C=0.0, d_V=[0.5, 0.65]), duration=2000.0, dt=0.1, n_regions=2,
                       every=11, method="rk4",
                       initial_state={"V": [fixed[0] + 0.02, 0.1], "W": [fixed[1], 0.25], "Z": [fixed[2], 0.1]})
    late = ds.time.values > 1000
    V = ds.V.values[late]
    np.testing.assert_allclose(V[-1, 0], fixed[0], atol=1e-4)
    assert np.ptp(V[:, 0]) < 1e-3
    assert np.ptp(V[:, 1]) > 0.4
