"""wbxr.models.WilsonCowanSymmetric: equations, reduction, fixed points, Jacobian, bistability."""

import numpy as np
from _model_testing import evaluate, find_fixed_points, jacobian, numerical_jacobian, run_uncoupled, sorted_eigenvalues

from wbxr.models import WilsonCowan, WilsonCowanSymmetric

DEFAULTS = dict(tau=1.0, a=1.1, theta=3.4, wEE=12.0, wIE=4.0, wEI=13.0, wII=11.0, r=1.0, P_E=0.0, P_I=0.0)
STARTS = [(e, i) for e in np.linspace(0, 1, 6) for i in np.linspace(0, 1, 6)]


def F(x, a, theta):
    return 1 / (1 + np.exp(-a * (x - theta))) - 1 / (1 + np.exp(a * theta))


def numpy_field(state, p, inputs=(0.0, 0.0)):
    rE, rI = state
    gain = lambda rate, drive: (1 - p["r"] * rate) * F(drive, p["a"], p["theta"])  # noqa: E731
    return np.array([
        (-rE + gain(rE, p["wEE"] * rE - p["wIE"] * rI + p["P_E"] + inputs[0])) / p["tau"],
        (-rI + gain(rI, p["wEI"] * rE - p["wII"] * rI + p["P_I"] + inputs[1])) / p["tau"],
    ])


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(5)
    state, inputs = rng.uniform(0, 0.6, (2, 4)), rng.normal(size=(2, 4))
    p = dict(DEFAULTS, tau=np.array([1.0, 2.0, 4.0, 8.0]), r=0.5, P_E=0.2)
    with x64():
        got = np.asarray(evaluate(WilsonCowanSymmetric(**p), state, inputs))
    np.testing.assert_allclose(got, numpy_field(state, p, inputs), rtol=1e-12, atol=1e-15)


def test_is_wilson_cowan_with_shared_time_constant_and_response():
    rng = np.random.default_rng(6)
    state, inputs = rng.uniform(0, 0.8, (2, 6)), rng.normal(size=(2, 6))
    symmetric = WilsonCowanSymmetric(tau=3.0, a=1.4, theta=3.0, P_E=0.3)
    general = WilsonCowan(tau_E=3.0, tau_I=3.0, a_E=1.4, a_I=1.4, theta_E=3.0, theta_I=3.0, P_E=0.3)
    np.testing.assert_allclose(np.asarray(evaluate(symmetric, state, inputs)),
                               np.asarray(evaluate(general, state, inputs)), rtol=1e-6)


def test_bistable_with_moderate_drive(x64):
    """P_E = 0.5: a low and a high stable state with a saddle between; jacfwd = finite differences."""
    p = dict(DEFAULTS, P_E=0.5)
    points = find_fixed_points(lambda s: numpy_field(s, p), STARTS)
    assert len(points) == 3
    with x64():
        model = WilsonCowanSymmetric(P_E=0.5)
        kinds = []
        for point in points:
            np.testing.assert_allclose(np.asarray(evaluate(model, point[:, None], np.zeros((2, 1)))), 0.0,
                                       atol=1e-12)
            jac = jacobian(model, point)
            np.testing.assert_allclose(jac, numerical_jacobian(lambda s: numpy_field(s, p), point),
                                       rtol=1e-6, atol=1e-8)
            eig = sorted_eigenvalues(jac)
            kinds.append("saddle" if eig[0].real < 0 < eig[-1].real else "stable" if eig[-1].real < 0 else "?")
    assert kinds == ["stable", "saddle", "stable"]
    # two regions started on either side of the saddle end in the two stable states
    ds = run_uncoupled(model.replace(), duration=60.0, dt=0.05, n_regions=2, method="rk4",
                       initial_state={"rE": [0.0, 0.5], "rI": [0.0, 0.2]})
    final = np.stack([ds.rE.values[-1], ds.rI.values[-1]])
    np.testing.assert_allclose(final[:, 0], points[0], atol=1e-4)
    np.testing.assert_allclose(final[:, 1], points[2], atol=1e-4)


def test_single_stable_fixed_point_without_drive():
    points = find_fixed_points(lambda s: numpy_field(s, DEFAULTS), STARTS)
    assert len(points) == 1 and np.allclose(points[0], 0.0)
    assert np.all(sorted_eigenvalues(jacobian(WilsonCowanSymmetric(), np.zeros(2))).real < 0)
