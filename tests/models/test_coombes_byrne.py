"""wbxr.models.CoombesByrne: equations, the unstable focus, the limit cycle."""

import numpy as np
import pytest
from _model_testing import (
    crossing_times,
    evaluate,
    jacobian,
    run_uncoupled,
    sorted_eigenvalues,
)
from scipy.integrate import solve_ivp
from scipy.optimize import fsolve

from wbxr.models import CoombesByrne

P = {"tau": 10.0, "Delta": 0.5, "eta": 20.0, "v_syn": -10.0, "kappa": 1.0, "alpha": 0.95}


def numpy_cb(r, V, g, ir, iV, ig, p):
    tau = p["tau"]
    dr = (p["Delta"] / (np.pi * tau) + 2 * r * V - g * r) / tau
    dV = (V**2 - (np.pi * tau * r) ** 2 + p["eta"] + g * (p["v_syn"] - V) + ir + iV) / tau
    dg = (p["alpha"] * (p["kappa"] * np.pi * tau * r - g) + ig) / tau
    return np.array([dr, dV, dg])


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(6)
    state = np.abs(rng.normal(size=(3, 5))) * [[0.1], [1.0], [1.0]]
    inputs = rng.normal(size=(3, 5))
    p = dict(P, eta=rng.uniform(-5, 20, 5), kappa=0.5)
    with x64():
        got = np.asarray(evaluate(CoombesByrne(**p), state, inputs))
    np.testing.assert_allclose(got, numpy_cb(*state, *inputs, p), rtol=1e-12)


def test_fixed_point_is_an_unstable_focus(x64):
    tau = P["tau"]
    point = fsolve(lambda s: numpy_cb(*s, 0, 0, 0, P), [0.05, 0.7, 1.6], xtol=1e-14)
    np.testing.assert_allclose(point * [tau, 1, 1], [0.52790, 0.67849, 1.65846], atol=1e-5)
    r, V, g = point
    analytic = np.array([
        [2 * V - g, 2 * r, -r],
        [-2 * np.pi**2 * tau**2 * r, 2 * V - g, P["v_syn"] - V],
        [P["alpha"] * P["kappa"] * np.pi * tau, 0.0, -P["alpha"]],
    ]) / tau
    with x64():
        jac = jacobian(CoombesByrne(), point)
    np.testing.assert_allclose(jac, analytic, rtol=1e-9, atol=1e-12)
    eig = sorted_eigenvalues(jac)
    assert eig[-1].real > 0 and eig[-1].imag != 0 and eig[0].real < 0


def test_limit_cycle_frequency_matches_a_reference_integration():
    ds = run_uncoupled(CoombesByrne(), duration=300.0, dt=0.01, every=11, method="rk4",
                       initial_state={"r": 0.05, "V": 0.7, "g": 1.6})
    t, g = ds.time.values, ds.g.values[:, 0]
    periods = np.diff(crossing_times(t, g, 1.6))[-5:]
    sol = solve_ivp(lambda _, s: numpy_cb(*s, 0, 0, 0, P), (0, 300), [0.05, 0.7, 1.6], method="DOP853",
                    rtol=1e-10, atol=1e-12, dense_output=True)
    tt = np.arange(0, 300, 0.01)
    reference = np.diff(crossing_times(tt, sol.sol(tt)[2], 1.6))[-5:]
    assert periods.std() < 0.01 * periods.mean()
    assert periods.mean() == pytest.approx(reference.mean(), rel=2e-3)
    assert 1000 / periods.mean() == pytest.approx(62.0, abs=2.0)    # Hz, gamma band at tau = 10 ms
    assert np.ptp(ds.r.values[t > 150, 0]) > 0.5                     # large synchronous bursts
