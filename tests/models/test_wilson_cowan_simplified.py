"""wbxr.models.WilsonCowanSimplified: equations, reduction, fixed points and Jacobian."""

import numpy as np
import pytest
from _model_testing import evaluate, find_fixed_points, jacobian, numerical_jacobian, sorted_eigenvalues

from wbxr.models import WilsonCowan, WilsonCowanSimplified

DEFAULTS = dict(tau_E=1.0, tau_I=1.0, a_E=1.2, theta_E=2.8, a_I=1.0, theta_I=4.0, w_exc=8.0, w_inh=12.0,
                r=1.0, P_E=0.0, P_I=0.0)
STARTS = [(e, i) for e in np.linspace(0, 1, 6) for i in np.linspace(0, 1, 6)]


def F(x, a, theta):
    return 1 / (1 + np.exp(-a * (x - theta))) - 1 / (1 + np.exp(a * theta))


def numpy_field(state, p, inputs=(0.0, 0.0)):
    rE, rI = state
    x = p["w_exc"] * rE - p["w_inh"] * rI
    return np.array([
        (-rE + (1 - p["r"] * rE) * F(x + p["P_E"] + inputs[0], p["a_E"], p["theta_E"])) / p["tau_E"],
        (-rI + (1 - p["r"] * rI) * F(x + p["P_I"] + inputs[1], p["a_I"], p["theta_I"])) / p["tau_I"],
    ])


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(7)
    state, inputs = rng.uniform(0, 0.6, (2, 4)), rng.normal(size=(2, 4))
    p = dict(DEFAULTS, w_inh=np.array([6.0, 9.0, 12.0, 15.0]), tau_I=2.0, P_I=-0.4)
    with x64():
        got = np.asarray(evaluate(WilsonCowanSimplified(**p), state, inputs))
    np.testing.assert_allclose(got, numpy_field(state, p, inputs), rtol=1e-12, atol=1e-15)


def test_is_wilson_cowan_with_presynaptic_weights():
    rng = np.random.default_rng(8)
    state, inputs = rng.uniform(0, 0.8, (2, 6)), rng.normal(size=(2, 6))
    simplified = WilsonCowanSimplified(w_exc=9.0, w_inh=7.0)
    general = WilsonCowan(wEE=9.0, wEI=9.0, wIE=7.0, wII=7.0)
    np.testing.assert_allclose(np.asarray(evaluate(simplified, state, inputs)),
                               np.asarray(evaluate(general, state, inputs)), rtol=1e-6)


@pytest.mark.parametrize("P_E, focus", [(0.0, False), (1.0, True), (2.0, True)])
def test_one_stable_fixed_point_and_jacobian(x64, P_E, focus):
    """Defaults: one stable state for any drive, a focus (damped oscillation) for P_E = 1, 2."""
    p = dict(DEFAULTS, P_E=P_E)
    points = find_fixed_points(lambda s: numpy_field(s, p), STARTS)
    assert len(points) == 1
    point = points[0]
    with x64():
        model = WilsonCowanSimplified(P_E=P_E)
        np.testing.assert_allclose(np.asarray(evaluate(model, point[:, None], np.zeros((2, 1)))), 0.0, atol=1e-12)
        jac = jacobian(model, point)
    np.testing.assert_allclose(jac, numerical_jacobian(lambda s: numpy_field(s, p), point), rtol=1e-6, atol=1e-8)
    eig = sorted_eigenvalues(jac)
    assert np.all(eig.real < 0)
    assert (abs(eig[0].imag) > 1e-6) == focus
