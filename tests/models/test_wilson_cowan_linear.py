"""wbxr.models.WilsonCowanLinear: equations, analytic fixed point and Jacobian, paradoxical effect."""

import numpy as np
import pytest
from _model_testing import evaluate, jacobian, run_uncoupled, sorted_eigenvalues

from wbxr.models import WilsonCowanLinear

DEFAULTS = dict(tau_E=10.0, tau_I=10.0, wEE=1.5, wIE=1.0, wEI=1.5, wII=0.5, P_E=1.0, P_I=0.5)


def numpy_field(state, p, inputs=(0.0, 0.0)):
    rE, rI = state
    relu = lambda x: np.maximum(x, 0.0)  # noqa: E731
    return np.array([
        (-rE + relu(p["wEE"] * rE - p["wIE"] * rI + p["P_E"] + inputs[0])) / p["tau_E"],
        (-rI + relu(p["wEI"] * rE - p["wII"] * rI + p["P_I"] + inputs[1])) / p["tau_I"],
    ])


def linear_fixed_point(p):
    """Solve (1 - W) r = P for the weights with their signs (both drives positive)."""
    M = np.array([[1 - p["wEE"], p["wIE"]], [-p["wEI"], 1 + p["wII"]]])
    return np.linalg.solve(M, [p["P_E"], p["P_I"]])


def test_dfun_matches_the_equations_on_both_sides_of_threshold(x64):
    rng = np.random.default_rng(9)
    state, inputs = rng.uniform(0, 3, (2, 6)), rng.normal(scale=2.0, size=(2, 6))
    p = dict(DEFAULTS, wEE=np.linspace(0.5, 2.0, 6))
    with x64():
        got = np.asarray(evaluate(WilsonCowanLinear(**p), state, inputs))
    expected = numpy_field(state, p, inputs)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    drive = p["wEE"] * state[0] - state[1] + 1.0 + inputs[0]
    assert np.any(drive < 0) and np.any(drive > 0)      # both branches of the rectifier exercised


def test_fixed_point_and_jacobian_are_analytic(x64):
    point = linear_fixed_point(DEFAULTS)
    np.testing.assert_allclose(point, [4 / 3, 5 / 3], rtol=1e-12)
    with x64():
        model = WilsonCowanLinear()
        np.testing.assert_allclose(np.asarray(evaluate(model, point[:, None], np.zeros((2, 1)))), 0.0, atol=1e-14)
        jac = jacobian(model, point)
    expected = np.array([[(1.5 - 1) / 10, -1.0 / 10], [1.5 / 10, -(1 + 0.5) / 10]])
    np.testing.assert_allclose(jac, expected, rtol=1e-12)
    eig = sorted_eigenvalues(jac)
    trace, det = np.trace(expected), np.linalg.det(expected)
    np.testing.assert_allclose(eig.real, trace / 2, rtol=1e-9)
    np.testing.assert_allclose(abs(eig.imag), np.sqrt(det - trace**2 / 4), rtol=1e-9)
    assert expected[0, 0] > 0           # excitation alone is unstable: an inhibition-stabilised network


@pytest.mark.parametrize("wEE, paradoxical", [(1.5, True), (0.5, False)])
def test_paradoxical_effect_only_when_inhibition_stabilised(wEE, paradoxical):
    """More drive to I lowers the steady I rate iff wEE > 1 (Tsodyks et al. 1997); simulated."""
    model = WilsonCowanLinear(wEE=wEE, P_I=[0.5, 0.7])
    ds = run_uncoupled(model, duration=600.0, dt=0.1, method="rk4", n_regions=2,
                       initial_state={"rE": 1.0, "rI": 1.0})
    steady = ds.rI.values[-1]
    expected = [linear_fixed_point(dict(DEFAULTS, wEE=wEE, P_I=P_I))[1] for P_I in (0.5, 0.7)]
    np.testing.assert_allclose(steady, expected, rtol=1e-4)
    assert (steady[1] < steady[0]) == paradoxical


def test_rates_are_bounded_below_by_zero():
    assert WilsonCowanLinear().state_limits() == ((0.0, np.inf), (0.0, np.inf))
    ds = run_uncoupled(WilsonCowanLinear(P_E=-1.0, P_I=-1.0), duration=50.0, dt=0.1,
                       initial_state={"rE": 0.5, "rI": 0.5})
    assert ds.rE.values.min() >= 0.0 and ds.rI.values[-1, 0] < 0.01
