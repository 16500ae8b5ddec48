"""wbxr.models.WilsonCowanNoSaturation: equations, reduction, fixed points, Jacobian, limit cycle."""

import numpy as np
import pytest
from _model_testing import (
    evaluate,
    find_fixed_points,
    jacobian,
    numerical_jacobian,
    oscillation_frequency_hz,
    run_uncoupled,
    sorted_eigenvalues,
)
from scipy.integrate import solve_ivp

from wbxr.models import WilsonCowan, WilsonCowanNoSaturation

DEFAULTS = dict(tau_E=1.0, tau_I=1.0, a_E=1.2, theta_E=2.8, a_I=1.0, theta_I=4.0,
                wEE=12.0, wIE=4.0, wEI=13.0, wII=11.0, P_E=0.0, P_I=0.0)
#: Wilson & Cowan's (1972) limit-cycle parameters with 8 ms time constants.
LIMIT_CYCLE = dict(DEFAULTS, wEE=16.0, wIE=12.0, wEI=15.0, wII=3.0, a_E=1.3, theta_E=4.0,
                   a_I=2.0, theta_I=3.7, tau_E=8.0, tau_I=8.0, P_E=1.25)


def F(x, a, theta):
    return 1 / (1 + np.exp(-a * (x - theta))) - 1 / (1 + np.exp(a * theta))


def numpy_field(state, p, inputs=(0.0, 0.0)):
    rE, rI = state
    return np.array([
        (-rE + F(p["wEE"] * rE - p["wIE"] * rI + p["P_E"] + inputs[0], p["a_E"], p["theta_E"])) / p["tau_E"],
        (-rI + F(p["wEI"] * rE - p["wII"] * rI + p["P_I"] + inputs[1], p["a_I"], p["theta_I"])) / p["tau_I"],
    ])


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(3)
    state = rng.uniform(0, 0.6, (2, 5))
    inputs = rng.normal(size=(2, 5))
    p = dict(DEFAULTS, tau_E=np.linspace(1, 10, 5), wEE=15.0, P_I=0.3)
    with x64():
        got = np.asarray(evaluate(WilsonCowanNoSaturation(**p), state, inputs))
    np.testing.assert_allclose(got, numpy_field(state, p, inputs), rtol=1e-12, atol=1e-15)


def test_is_wilson_cowan_without_refractoriness():
    rng = np.random.default_rng(4)
    state, inputs = rng.uniform(0, 0.8, (2, 6)), rng.normal(size=(2, 6))
    np.testing.assert_allclose(np.asarray(evaluate(WilsonCowanNoSaturation(wEE=14.0), state, inputs)),
                               np.asarray(evaluate(WilsonCowan(wEE=14.0, r=0.0), state, inputs)), rtol=1e-6)
    with_r = np.asarray(evaluate(WilsonCowan(r=1.0), state, inputs))
    assert not np.allclose(with_r, np.asarray(evaluate(WilsonCowanNoSaturation(), state, inputs)))


@pytest.mark.parametrize("params, unstable", [(DEFAULTS, [False, True, False]), (LIMIT_CYCLE, [True])])
def test_fixed_points_and_jacobian_eigenvalues(x64, params, unstable):
    """Fixed points of the numpy equations are zeros of dfun; jacfwd equals finite differences.

    The defaults are bistable (quiescent and active states separated by a saddle); the
    limit-cycle set has one unstable focus.
    """
    starts = [(e, i) for e in np.linspace(0, 1, 6) for i in np.linspace(0, 1, 6)]
    points = find_fixed_points(lambda s: numpy_field(s, params), starts)
    assert len(points) == len(unstable)
    with x64():
        model = WilsonCowanNoSaturation(**params)
        for point, is_unstable in zip(points, unstable):
            np.testing.assert_allclose(np.asarray(evaluate(model, point[:, None], np.zeros((2, 1)))), 0.0,
                                       atol=1e-12)
            jac = jacobian(model, point)
            np.testing.assert_allclose(jac, numerical_jacobian(lambda s: numpy_field(s, params), point),
                                       rtol=1e-6, atol=1e-8)
            eig = sorted_eigenvalues(jac)
            assert np.any(eig.real > 0) == is_unstable


def test_quiescent_state_jacobian_is_analytic():
    """At r = 0 with no drive: J = [[-1 + wEE F'_E, -wIE F'_E], [wEI F'_I, -1 - wII F'_I]] / tau."""
    model = WilsonCowanNoSaturation(tau_E=2.0, tau_I=5.0)
    slope = lambda a, th: a * np.exp(a * th) / (1 + np.exp(a * th)) ** 2   # noqa: E731
    sE, sI = slope(1.2, 2.8), slope(1.0, 4.0)
    expected = np.array([[(-1 + 12 * sE) / 2, -4 * sE / 2], [13 * sI / 5, (-1 - 11 * sI) / 5]])
    np.testing.assert_allclose(jacobian(model, np.zeros(2)), expected, rtol=1e-5)


def test_limit_cycle_frequency_matches_a_scipy_reference():
    """Wilson & Cowan's limit-cycle set oscillates at about 16 Hz; wbxr's RK4 agrees with scipy."""
    ds = run_uncoupled(WilsonCowanNoSaturation(**LIMIT_CYCLE), duration=1000.0, dt=0.05, method="rk4",
                       initial_state={"rE": 0.1, "rI": 0.05})
    late = ds.time.values > 300
    frequency = oscillation_frequency_hz(ds.time.values[late], ds.rE.values[late, 0])
    t = np.arange(0.0, 1000.0, 0.05)
    ref = solve_ivp(lambda _, s: numpy_field(s, LIMIT_CYCLE), (0, 1000), [0.1, 0.05], t_eval=t,
                    rtol=1e-9, atol=1e-11)
    keep = t > 300
    reference = oscillation_frequency_hz(t[keep], ref.y[0, keep])
    assert 12.0 < reference < 20.0
    assert frequency == pytest.approx(reference, rel=0.01)
    assert np.ptp(ds.rE.values[late, 0]) > 0.2
