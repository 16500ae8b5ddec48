"""wbxr.models.WilsonCowanDivisive: equations, fixed points, Jacobian, normalisation bounds the rates."""

import numpy as np
import pytest
from _model_testing import evaluate, find_fixed_points, jacobian, numerical_jacobian, run_uncoupled, sorted_eigenvalues

from wbxr.models import WilsonCowanDivisive
from wbxr.noise import OU

DEFAULTS = dict(tau_E=1.0, tau_I=1.0, a_E=1.2, theta_E=2.8, a_I=1.0, theta_I=4.0, wEE=6.0, wIE=6.5,
                wEI=2.0, wII=5.5, sigma_E=1.0, sigma_I=1.0, r=1.0, P_E=0.0, P_I=0.0)
STARTS = [(e, i) for e in np.linspace(0, 1, 6) for i in np.linspace(0, 1, 6)]


def F(x, a, theta):
    return 1 / (1 + np.exp(-a * (x - theta))) - 1 / (1 + np.exp(a * theta))


def F_max(a, theta):
    return 1 - 1 / (1 + np.exp(a * theta))


def numpy_field(state, p, inputs=(0.0, 0.0)):
    rE, rI = state
    response_E = F(p["wEE"] * rE + p["P_E"] + inputs[0], p["a_E"], p["theta_E"]) / (p["sigma_E"] + p["wIE"] * rI)
    response_I = F(p["wEI"] * rE + p["P_I"] + inputs[1], p["a_I"], p["theta_I"]) / (p["sigma_I"] + p["wII"] * rI)
    return np.array([
        (-rE + (1 - p["r"] * rE) * response_E) / p["tau_E"],
        (-rI + (1 - p["r"] * rI) * response_I) / p["tau_I"],
    ])


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(10)
    state, inputs = rng.uniform(0, 0.6, (2, 4)), rng.normal(size=(2, 4))
    p = dict(DEFAULTS, sigma_E=np.array([0.5, 1.0, 2.0, 4.0]), r=0.3, P_E=1.0)
    with x64():
        got = np.asarray(evaluate(WilsonCowanDivisive(**p), state, inputs))
    np.testing.assert_allclose(got, numpy_field(state, p, inputs), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("P_E, P_I", [(0.0, 0.0), (1.0, 0.0), (2.0, 5.0)])
def test_fixed_point_and_jacobian(x64, P_E, P_I):
    p = dict(DEFAULTS, P_E=P_E, P_I=P_I)
    points = find_fixed_points(lambda s: numpy_field(s, p), STARTS)
    assert len(points) == 1
    with x64():
        model = WilsonCowanDivisive(P_E=P_E, P_I=P_I)
        np.testing.assert_allclose(np.asarray(evaluate(model, points[0][:, None], np.zeros((2, 1)))), 0.0,
                                   atol=1e-12)
        jac = jacobian(model, points[0])
    np.testing.assert_allclose(jac, numerical_jacobian(lambda s: numpy_field(s, p), points[0]),
                               rtol=1e-6, atol=1e-8)
    assert np.all(sorted_eigenvalues(jac).real < 0)


def test_saturated_response_is_normalised_by_inhibition():
    """Without refractoriness, r_E* -> F_max / (sigma_E + wIE r_I*) < F_max / sigma_E for any drive."""
    bound = F_max(1.2, 2.8) / DEFAULTS["sigma_E"]
    for P_I in (0.0, 5.0):
        steady = []
        for P_E in (1.0, 3.0, 10.0, 100.0, 1000.0):
            p = dict(DEFAULTS, r=0.0, P_E=P_E, P_I=P_I)
            (point,) = find_fixed_points(lambda s: numpy_field(s, p), STARTS)
            steady.append(point)
        steady = np.array(steady)
        assert np.all(np.diff(steady[:, 0]) >= -1e-12) and np.all(steady[:, 0] < bound)
        rE, rI = steady[-1]
        assert rE == pytest.approx(F_max(1.2, 2.8) / (1.0 + 6.5 * rI), rel=1e-9)
    # driving the inhibitory pool divides the saturated excitatory response further
    assert steady[-1, 0] < 0.5 * bound


def test_rates_stay_bounded_under_strong_noisy_drive():
    model = WilsonCowanDivisive(r=0.0, P_E=5.0, noise={"rE": OU(sigma=20.0, tau=2.0)})
    ds = run_uncoupled(model, duration=500.0, dt=0.05, n_regions=3, method="heun", seed=4)
    rE, rI = ds.rE.values, ds.rI.values
    assert np.all(np.isfinite(rE)) and np.ptp(rE) > 0.1
    ceiling = F_max(1.2, 2.8) / (1.0 + 6.5 * min(rI.min(), 0.0))
    assert rE.max() < ceiling
