"""wbxr.models.VanDerPol: equations, the unstable origin, the small-mu limit cycle."""

import numpy as np
import pytest
from _model_testing import (
    crossing_times,
    evaluate,
    jacobian,
    run_uncoupled,
    sort_values,
    sorted_eigenvalues,
)

from wbxr.models import VanDerPol


def numpy_vdp(x, y, ix, iy, mu, tau):
    return (y + ix) / tau, (mu * (1 - x**2) * y - x + iy) / tau


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(1)
    state, inputs = rng.normal(size=(2, 2, 6))
    mu, tau = rng.uniform(0, 4, 6), 3.0
    with x64():
        got = np.asarray(evaluate(VanDerPol(mu=mu, tau=tau), state, inputs))
    np.testing.assert_allclose(got, numpy_vdp(*state, *inputs, mu, tau), rtol=1e-12)


@pytest.mark.parametrize("mu", [0.5, 3.0])
def test_origin_is_an_unstable_fixed_point(x64, mu):
    tau = 2.0
    with x64():
        jac = jacobian(VanDerPol(mu=mu, tau=tau), np.zeros(2))
    root = np.sqrt(complex(mu**2 - 4))
    expected = sort_values([(mu - root) / (2 * tau), (mu + root) / (2 * tau)])
    eig = sorted_eigenvalues(jac)
    np.testing.assert_allclose(eig, expected, atol=1e-12)
    assert np.all(eig.real > 0)


def test_small_mu_limit_cycle_has_period_2pi_and_amplitude_2():
    mu = 0.1
    ds = run_uncoupled(VanDerPol(mu=mu), duration=300.0, dt=0.01, every=11, method="rk4",
                       initial_state={"x": 0.5, "y": 0.0})
    t, x = ds.time.values, ds.x.values[:, 0]
    periods = np.diff(crossing_times(t, x, 0.0))[-10:]
    assert periods.mean() == pytest.approx(2 * np.pi * (1 + mu**2 / 16), rel=5e-4)
    assert periods.std() < 1e-3
    assert x[t > 200].max() == pytest.approx(2.0, abs=0.01)
