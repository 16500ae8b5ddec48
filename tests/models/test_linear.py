"""wbxr.models.LinearRate: equations, decay, the linear network."""

import numpy as np
import pytest
from _model_testing import evaluate, jacobian

import wbxr
from wbxr.models import LinearRate


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(13)
    x, inputs = rng.normal(size=(2, 1, 6))
    tau = rng.uniform(1, 50, 6)
    with x64():
        got = np.asarray(evaluate(LinearRate(tau=tau), x, inputs))
    np.testing.assert_allclose(got, (-x + inputs) / tau, rtol=1e-14)


def test_eigenvalue_is_minus_one_over_tau(x64):
    with x64():
        assert jacobian(LinearRate(tau=20.0), np.array([0.3]))[0, 0] == pytest.approx(-1 / 20.0)


def test_additive_network_follows_the_matrix_exponential():
    """Without delays, tau dx/dt = (k W - 1) x exactly; RK4 reproduces expm at 1e-5.

    311 steps: a prime number of samples keeps the compiled loop small."""
    from scipy.linalg import expm

    W = np.array([[0.0, 0.5, 0.2], [0.3, 0.0, 0.4], [0.1, 0.6, 0.0]])
    net = wbxr.Network(LinearRate(tau=10.0), wbxr.connectome(W), coupling="additive", k=0.8)
    x0 = np.array([1.0, -0.5, 0.25])
    ds = wbxr.simulate(net, duration=31.1, dt=0.1, method="rk4", initial_state={"x": x0})
    expected = expm((0.8 * W - np.eye(3)) / 10.0 * 31.1) @ x0
    np.testing.assert_allclose(ds.x.values[-1], expected, rtol=1e-5)
