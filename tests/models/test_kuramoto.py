"""wbxr.models.Kuramoto: phase velocity, per-region frequencies, inputs."""

import numpy as np
import pytest
from _model_testing import evaluate

import wbxr
from wbxr.models import Kuramoto


def test_dfun_is_frequency_plus_input(x64):
    rng = np.random.default_rng(11)
    theta, inputs = rng.uniform(0, 10, (1, 5)), rng.normal(size=(1, 5))
    omega = rng.uniform(0, 1, 5)
    with x64():
        got = np.asarray(evaluate(Kuramoto(omega=omega), theta, inputs))
    np.testing.assert_allclose(got, omega + inputs, rtol=1e-14)


def test_default_frequency_is_40_hz_and_accepts_quantities():
    import brainunit as u

    assert Kuramoto().omega * 1000 / (2 * np.pi) == pytest.approx(40.0)
    assert Kuramoto(omega=2 * np.pi * 10 * u.Hz).omega == pytest.approx(2 * np.pi * 0.01)


def test_uncoupled_phase_velocity_is_omega_and_sine_coupling_sees_phases_mod_2pi():
    """Regions 0-2 are isolated: theta advances at omega.  Regions 3-4 are coupled to each
    other with phases 0 and 2 pi, the same phase: the sine coupling leaves them alone
    (a linear coupling would pull their difference down)."""
    omega = np.array([0.05, 0.2513, 0.6, 0.0, 0.0])
    W = np.zeros((5, 5))
    W[3, 4] = W[4, 3] = 1.0
    net = wbxr.Network(Kuramoto(omega=omega), wbxr.connectome(W), coupling="kuramoto", k=0.01)
    start = np.array([0.0, 1.0, 2.0, 0.0, 2 * np.pi])
    ds = wbxr.simulate(net, duration=100.3, dt=0.1, method="heun", initial_state={"theta": start})
    t, theta = ds.time.values, ds.theta.values
    velocity = np.polyfit(t, theta[:, :3], 1)[0]
    np.testing.assert_allclose(velocity, omega[:3], rtol=2e-5)
    np.testing.assert_allclose(theta[-1, :3], start[:3] + omega[:3] * t[-1], rtol=2e-5)
    np.testing.assert_allclose(theta[:, 4] - theta[:, 3], 2 * np.pi, rtol=1e-5)


def test_two_oscillators_lock_at_the_analytic_phase_difference():
    """d(theta2 - theta1)/dt = d_omega - 2 k sin(theta2 - theta1): locks at arcsin(d_omega / 2k)."""
    omega, k = np.array([0.20, 0.23]), 0.05
    W = np.array([[0.0, 1.0], [1.0, 0.0]])
    net = wbxr.Network(Kuramoto(omega=omega), wbxr.connectome(W), coupling="kuramoto", k=k)
    ds = wbxr.simulate(net, duration=400.0, dt=0.1, method="rk4", sample_every=1.0,
                       initial_state={"theta": np.array([0.0, 2.0])})
    difference = ds.theta.values[:, 1] - ds.theta.values[:, 0]
    assert difference[-1] == pytest.approx(np.arcsin(0.03 / (2 * k)), abs=5e-4)  # float32 phases ~86 rad
    np.testing.assert_allclose(np.gradient(ds.theta.values[-50:], axis=0), 0.215, rtol=1e-3)
