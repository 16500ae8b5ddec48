"""wbxr.models.ReducedWongWang: transfer function, equations, the low-activity fixed point."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from _model_testing import evaluate, jacobian, run_uncoupled
from scipy.optimize import brentq

from wbxr.models import ReducedWongWang
from wbxr.models.reduced_wong_wang import wong_wang_rate

P = {"a": 0.270, "b": 0.108, "d": 154.0, "gamma": 0.641, "tau_S": 100.0, "w": 0.9, "J_N": 0.2609, "I_0": 0.3}


def numpy_H(x, a, b, d):
    y = a * x - b
    return y / (1 - np.exp(-d * y))


def numpy_rww(S, iS, p):
    x = p["w"] * p["J_N"] * S + p["I_0"] + p["J_N"] * iS
    return -S / p["tau_S"] + (1 - S) * p["gamma"] * numpy_H(x, p["a"], p["b"], p["d"])


rate = jax.jit(wong_wang_rate)
rate_slope = jax.jit(jax.vmap(jax.grad(wong_wang_rate), in_axes=(0, None, None, None)))


def test_rate_function_in_hz_units_and_near_its_singularity(x64):
    currents = np.array([0.0, 0.2, 0.39, 0.41, 0.6, 1.0, -2.0])
    threshold = 0.108 / 0.270
    near = threshold + np.array([-1e-9, 0.0, 1e-9, 1e-6])
    with x64():
        got = np.asarray(rate(currents, 0.270, 0.108, 154.0))
        values = np.asarray(rate(near, 0.270, 0.108, 154.0))
        slopes = np.asarray(rate_slope(near, 0.270, 0.108, 154.0))
    # the same function written in Hz and seconds: a = 270 Hz/nA, b = 108 Hz, d = 0.154 s
    np.testing.assert_allclose(got * 1000, numpy_H(currents, 270.0, 108.0, 0.154), rtol=1e-10)
    # at the removable singularity: H = 1/d + a (x - x_th) / 2 + ..., finite slope a/2
    np.testing.assert_allclose(values, 1 / 154.0 + 0.270 * (near - threshold) / 2, rtol=1e-9)
    np.testing.assert_allclose(slopes, 0.270 * (0.5 + 154.0 * 0.270 * (near - threshold) / 6), rtol=1e-9)
    # float32: finite values and derivatives far into both tails
    far = jnp.asarray([-50.0, 50.0], jnp.float32)
    assert np.all(np.isfinite(np.asarray(rate(far, 0.270, 0.108, 154.0))))
    np.testing.assert_allclose(np.asarray(rate_slope(far, 0.270, 0.108, 154.0)), [0.0, 0.270], atol=1e-6)


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(3)
    S, iS = rng.uniform(0, 1, 6), rng.normal(0, 0.5, 6)
    p = dict(P, w=rng.uniform(0.5, 1.2, 6), I_0=0.32)
    with x64():
        got = np.asarray(evaluate(ReducedWongWang(**p), S[None], iS[None]))
    np.testing.assert_allclose(got[0], numpy_rww(S, iS, p), rtol=1e-10)


def low_fixed_point(p=P):
    grid = np.linspace(0, 1, 2001)
    values = numpy_rww(grid, 0.0, p)
    roots = [brentq(numpy_rww, grid[i], grid[i + 1], args=(0.0, p))
             for i in np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))]
    assert len(roots) == 1                              # monostable with the default parameters
    return roots[0]


def test_single_stable_low_activity_fixed_point(x64):
    S = low_fixed_point()
    assert S == pytest.approx(0.03436, abs=1e-5)
    x = P["w"] * P["J_N"] * S + P["I_0"]
    y = P["a"] * x - P["b"]
    e = np.exp(-P["d"] * y)
    dH_dy = (1 - e - P["d"] * y * e) / (1 - e) ** 2
    slope = (-1 / P["tau_S"] - P["gamma"] * numpy_H(x, P["a"], P["b"], P["d"])
             + (1 - S) * P["gamma"] * dH_dy * P["a"] * P["w"] * P["J_N"])
    with x64():
        jac = jacobian(ReducedWongWang(), np.array([S]))
    assert jac[0, 0] == pytest.approx(slope, rel=1e-8)
    assert slope < 0


def test_relaxes_to_the_fixed_point_from_low_and_high_activity():
    ds = run_uncoupled(ReducedWongWang(), duration=1500.0, dt=0.1, n_regions=2, initial_state={"S": [0.0, 0.95]})
    np.testing.assert_allclose(ds.S.values[-1], low_fixed_point(), rtol=1e-3)
