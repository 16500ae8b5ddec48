"""wbxr.models.WilsonCowanThreePopulation: equations, reduction, fixed points, Jacobian, SST drive."""

import numpy as np
import pytest
from _model_testing import evaluate, find_fixed_points, jacobian, numerical_jacobian, run_uncoupled, sorted_eigenvalues

from wbxr.models import WilsonCowan, WilsonCowanThreePopulation

DEFAULTS = dict(tau_E=1.0, tau_P=1.0, tau_S=2.0, a_E=1.2, theta_E=2.8, a_P=1.0, theta_P=4.0, a_S=1.0,
                theta_S=4.0, wEE=12.0, wPE=4.0, wSE=3.0, wEP=13.0, wPP=11.0, wSP=2.0, wES=10.0, wPS=0.0,
                wSS=0.0, r=1.0, P_E=0.0, P_P=0.0, P_S=0.0)
STARTS = [(e, i, s) for e in np.linspace(0, 1, 5) for i in np.linspace(0, 1, 5) for s in np.linspace(0, 1, 3)]


def F(x, a, theta):
    return 1 / (1 + np.exp(-a * (x - theta))) - 1 / (1 + np.exp(a * theta))


def numpy_field(state, p, inputs=(0.0, 0.0, 0.0)):
    rE, rP, rS = state
    W = np.array([[p["wEE"], -p["wPE"], -p["wSE"]],      # rows: target E, PV, SST
                  [p["wEP"], -p["wPP"], -p["wSP"]],
                  [p["wES"], -p["wPS"], -p["wSS"]]], dtype=object)
    drives = [W[i, 0] * rE + W[i, 1] * rP + W[i, 2] * rS + p[f"P_{x}"] + inputs[i] for i, x in enumerate("EPS")]
    return np.array([
        (-rate + (1 - p["r"] * rate) * F(drive, p[f"a_{x}"], p[f"theta_{x}"])) / p[f"tau_{x}"]
        for rate, drive, x in zip((rE, rP, rS), drives, "EPS")
    ], dtype=float)


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(13)
    state, inputs = rng.uniform(0, 0.6, (3, 4)), rng.normal(size=(3, 4))
    p = dict(DEFAULTS, wSE=np.array([0.0, 1.0, 3.0, 6.0]), wPS=1.5, wSS=0.5, P_S=0.7, tau_S=4.0)
    with x64():
        got = np.asarray(evaluate(WilsonCowanThreePopulation(**p), state, inputs))
    np.testing.assert_allclose(got, numpy_field(state, p, inputs), rtol=1e-12, atol=1e-15)


def test_without_sst_connections_e_and_pv_follow_wilson_cowan():
    rng = np.random.default_rng(14)
    state, inputs = rng.uniform(0, 0.8, (3, 5)), rng.normal(size=(3, 5))
    model = WilsonCowanThreePopulation(wSE=0.0, wSP=0.0, P_E=0.4)
    got = np.asarray(evaluate(model, state, inputs))
    np.testing.assert_allclose(got[:2], np.asarray(evaluate(WilsonCowan(P_E=0.4), state[:2], inputs[:2])),
                               rtol=1e-6)


@pytest.mark.parametrize("P_E, P_S", [(0.0, 0.0), (0.5, 1.0), (2.0, 0.0)])
def test_fixed_point_and_jacobian(x64, P_E, P_S):
    p = dict(DEFAULTS, P_E=P_E, P_S=P_S)
    points = find_fixed_points(lambda s: numpy_field(s, p), STARTS)
    assert len(points) == 1
    with x64():
        model = WilsonCowanThreePopulation(P_E=P_E, P_S=P_S)
        np.testing.assert_allclose(np.asarray(evaluate(model, points[0][:, None], np.zeros((3, 1)))), 0.0,
                                   atol=1e-12)
        jac = jacobian(model, points[0])
    np.testing.assert_allclose(jac, numerical_jacobian(lambda s: numpy_field(s, p), points[0]),
                               rtol=1e-6, atol=1e-8)
    assert np.all(sorted_eigenvalues(jac).real < 0)


def test_driving_sst_cells_suppresses_pyramidal_and_pv_activity():
    model = WilsonCowanThreePopulation(P_E=0.5, P_S=[0.0, 1.0, 2.0])
    ds = run_uncoupled(model, duration=200.0, dt=0.05, n_regions=3, method="rk4",
                       initial_state={"rE": 0.3, "rP": 0.1, "rS": 0.2})
    final = np.stack([ds.rE.values[-1], ds.rP.values[-1], ds.rS.values[-1]])
    for region, P_S in enumerate([0.0, 1.0, 2.0]):
        p = dict(DEFAULTS, P_E=0.5, P_S=P_S)
        (point,) = find_fixed_points(lambda s: numpy_field(s, p), STARTS)
        np.testing.assert_allclose(final[:, region], point, atol=1e-4)
    assert np.all(np.diff(final[0]) < 0) and np.all(np.diff(final[1]) < 0)
    assert final[0, 2] < 0.1 * final[0, 0]
