"""wbxr.models.WilsonCowanAdaptation: equations, fixed points, Jacobian, adaptation lowers the rate."""

import numpy as np
import pytest
from _model_testing import evaluate, find_fixed_points, jacobian, numerical_jacobian, run_uncoupled, sorted_eigenvalues

from wbxr.models import WilsonCowan, WilsonCowanAdaptation

DEFAULTS = dict(tau_E=1.0, tau_I=1.0, a_E=1.2, theta_E=2.8, a_I=1.0, theta_I=4.0, wEE=12.0, wIE=4.0,
                wEI=13.0, wII=11.0, r=1.0, P_E=0.0, P_I=0.0, b_E=1.0, b_I=0.0, tau_aE=100.0, tau_aI=100.0)
STARTS = [(e, i, 0.5 * e, 0.1 * i) for e in np.linspace(0, 1, 6) for i in np.linspace(0, 1, 6)]


def F(x, a, theta):
    return 1 / (1 + np.exp(-a * (x - theta))) - 1 / (1 + np.exp(a * theta))


def numpy_field(state, p, inputs=(0.0, 0.0, 0.0, 0.0)):
    rE, rI, aE, aI = state
    drive_E = p["wEE"] * rE - p["wIE"] * rI - aE + p["P_E"] + inputs[0]
    drive_I = p["wEI"] * rE - p["wII"] * rI - aI + p["P_I"] + inputs[1]
    return np.array([
        (-rE + (1 - p["r"] * rE) * F(drive_E, p["a_E"], p["theta_E"])) / p["tau_E"],
        (-rI + (1 - p["r"] * rI) * F(drive_I, p["a_I"], p["theta_I"])) / p["tau_I"],
        (-aE + p["b_E"] * rE) / p["tau_aE"] + inputs[2],
        (-aI + p["b_I"] * rI) / p["tau_aI"] + inputs[3],
    ])


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(11)
    state, inputs = rng.uniform(0, 0.6, (4, 4)), rng.normal(size=(4, 4))
    p = dict(DEFAULTS, b_E=np.array([0.0, 0.5, 1.0, 2.0]), b_I=0.7, tau_aI=50.0, P_E=0.4)
    with x64():
        got = np.asarray(evaluate(WilsonCowanAdaptation(**p), state, inputs))
    np.testing.assert_allclose(got, numpy_field(state, p, inputs), rtol=1e-12, atol=1e-15)


def test_without_adaptation_the_rates_follow_wilson_cowan():
    rng = np.random.default_rng(12)
    state = np.vstack([rng.uniform(0, 0.8, (2, 5)), np.zeros((2, 5))])
    inputs = np.vstack([rng.normal(size=(2, 5)), np.zeros((2, 5))])
    got = np.asarray(evaluate(WilsonCowanAdaptation(b_E=0.0, P_E=0.3), state, inputs))
    np.testing.assert_allclose(got[:2], np.asarray(evaluate(WilsonCowan(P_E=0.3), state[:2], inputs[:2])),
                               rtol=1e-6)
    np.testing.assert_allclose(got[2:], 0.0)


@pytest.mark.parametrize("b_E, b_I", [(1.0, 0.0), (3.0, 0.5)])
def test_fixed_point_is_wilson_cowan_with_extra_self_inhibition(x64, b_E, b_I):
    """At a fixed point a = b r: the rates are a fixed point of WilsonCowan(wEE - b_E, wII + b_I)."""
    p = dict(DEFAULTS, P_E=1.0, b_E=b_E, b_I=b_I)
    points = find_fixed_points(lambda s: numpy_field(s, p), STARTS)
    assert len(points) == 1
    point = points[0]
    np.testing.assert_allclose(point[2:], [b_E * point[0], b_I * point[1]], rtol=1e-9, atol=1e-12)
    with x64():
        model = WilsonCowanAdaptation(P_E=1.0, b_E=b_E, b_I=b_I)
        np.testing.assert_allclose(np.asarray(evaluate(model, point[:, None], np.zeros((4, 1)))), 0.0, atol=1e-12)
        reduced = WilsonCowan(P_E=1.0, wEE=12.0 - b_E, wII=11.0 + b_I)
        np.testing.assert_allclose(np.asarray(evaluate(reduced, point[:2, None], np.zeros((2, 1)))), 0.0,
                                   atol=1e-12)
        jac = jacobian(model, point)
    np.testing.assert_allclose(jac, numerical_jacobian(lambda s: numpy_field(s, p), point), rtol=1e-6, atol=1e-9)
    assert np.all(sorted_eigenvalues(jac).real < 0)


def test_adaptation_lowers_the_steady_rate_after_an_overshoot():
    """Driven from rest, an adapting population overshoots and settles lower (b_E = 0, 1, 3)."""
    b_E = [0.0, 1.0, 3.0]
    model = WilsonCowanAdaptation(P_E=1.0, b_E=b_E)
    ds = run_uncoupled(model, duration=1500.0, dt=0.1, n_regions=3, method="rk4", every=11,
                       initial_state={"rE": 0.0, "rI": 0.0, "aE": 0.0, "aI": 0.0})
    rE = ds.rE.values
    steady = rE[-1]
    expected = []
    for b in b_E:
        p = dict(DEFAULTS, P_E=1.0, b_E=b)
        expected.append(find_fixed_points(lambda s: numpy_field(s, p), STARTS)[0][0])
    np.testing.assert_allclose(steady, expected, rtol=1e-4)
    assert steady[0] > steady[1] > steady[2]
    assert steady[0] - steady[2] > 0.03
    overshoot = rE.max(axis=0) - steady
    assert overshoot[0] < 1e-4 and overshoot[2] > 0.03
