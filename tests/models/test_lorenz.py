"""wbxr.models.Lorenz: equations, fixed points and their eigenvalues, the chaotic attractor."""

import numpy as np
import pytest
from _model_testing import (
    evaluate,
    jacobian,
    run_uncoupled,
    sort_values,
    sorted_eigenvalues,
)

from wbxr.models import Lorenz

SIGMA, RHO, BETA = 10.0, 28.0, 8 / 3


def numpy_lorenz(x, y, z, ix, iy, iz, sigma, rho, beta, tau):
    return np.array([sigma * (y - x) + ix, x * (rho - z) - y + iy, x * y - beta * z + iz]) / tau


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(12)
    state, inputs = rng.normal(0, 10, (3, 5)), rng.normal(size=(3, 5))
    rho, tau = rng.uniform(10, 40, 5), 7.0
    with x64():
        got = np.asarray(evaluate(Lorenz(rho=rho, tau=tau), state, inputs))
    np.testing.assert_allclose(got, numpy_lorenz(*state, *inputs, SIGMA, rho, BETA, tau), rtol=1e-12)


def test_fixed_points_and_eigenvalues(x64):
    tau = 10.0
    with x64():
        model = Lorenz()
        origin = sorted_eigenvalues(jacobian(model, np.zeros(3)))
        c = np.sqrt(BETA * (RHO - 1))
        wing = sorted_eigenvalues(jacobian(model, np.array([c, c, RHO - 1])))
        other = sorted_eigenvalues(jacobian(model, np.array([-c, -c, RHO - 1])))
    disc = np.sqrt((SIGMA + 1) ** 2 + 4 * SIGMA * (RHO - 1))
    np.testing.assert_allclose(origin, sort_values([-BETA, (-(SIGMA + 1) - disc) / 2, (-(SIGMA + 1) + disc) / 2]) / tau,
                               atol=1e-12)
    characteristic = np.roots([1, SIGMA + BETA + 1, BETA * (SIGMA + RHO), 2 * SIGMA * BETA * (RHO - 1)])
    np.testing.assert_allclose(wing, sort_values(characteristic) / tau, atol=1e-10)
    np.testing.assert_allclose(other, wing, atol=1e-10)
    # rho = 28 exceeds the subcritical Hopf value sigma (sigma + beta + 3) / (sigma - beta - 1)
    assert RHO > SIGMA * (SIGMA + BETA + 3) / (SIGMA - BETA - 1) == pytest.approx(24.7368, abs=1e-4)
    assert wing[-1].real > 0 and wing[-1].imag != 0 and origin[-1].real > 0


def test_trajectory_stays_on_the_butterfly_and_switches_wings():
    ds = run_uncoupled(Lorenz(), duration=2000.0, dt=0.05, every=11, method="rk4",
                       initial_state={"x": 1.0, "y": 1.0, "z": 20.0})
    late = ds.time.values > 200
    x, z = ds.x.values[late, 0], ds.z.values[late, 0]
    assert np.abs(x).max() < 21 and 0 < z.min() and z.max() < 50
    switches = np.count_nonzero(np.diff(np.sign(x)) != 0)
    assert switches > 20
    assert abs(np.mean(x > 0) - 0.5) < 0.2                # both wings visited about equally
