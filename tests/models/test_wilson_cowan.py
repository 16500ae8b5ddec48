"""wbxr.models.WilsonCowan: equations, fixed point, inputs inside the sigmoid."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from wbxr.models import WilsonCowan
from wbxr.models.wilson_cowan import wilson_cowan_sigmoid


def numpy_sigmoid(x, a, theta):
    return 1 / (1 + np.exp(-a * (x - theta))) - 1 / (1 + np.exp(a * theta))


def test_dfun_matches_the_equations_with_per_region_parameters():
    rng = np.random.default_rng(1)
    state = rng.uniform(0, 0.5, (2, 4))
    inputs = rng.normal(size=(2, 4))
    tau_E = np.array([1.0, 2.0, 5.0, 10.0])
    model = WilsonCowan(tau_E=tau_E, wEE=16.0, P_E=0.5, r=0.8)
    rE, rI = state
    expected_E = (-rE + (1 - 0.8 * rE) * numpy_sigmoid(16 * rE - 4 * rI + 0.5 + inputs[0], 1.2, 2.8)) / tau_E
    expected_I = -rI + (1 - 0.8 * rI) * numpy_sigmoid(13 * rE - 11 * rI + inputs[1], 1.0, 4.0)
    got = np.asarray(WilsonCowan.dfun(jnp.asarray(state), jnp.asarray(inputs), model))
    np.testing.assert_allclose(got, [expected_E, expected_I], rtol=1e-5, atol=1e-7)


def test_sigmoid_is_zero_at_zero_and_saturates_below_one():
    assert float(wilson_cowan_sigmoid(0.0, 1.2, 2.8)) == 0.0
    top = float(wilson_cowan_sigmoid(100.0, 1.2, 2.8))
    assert top == pytest.approx(1 - 1 / (1 + np.exp(1.2 * 2.8)), rel=1e-6)


def test_quiescent_state_is_a_stable_fixed_point_by_default():
    model = WilsonCowan()
    f = lambda s: WilsonCowan.dfun(s.reshape(2, 1), jnp.zeros((2, 1)), model).ravel()
    np.testing.assert_allclose(np.asarray(f(jnp.zeros(2))), 0.0, atol=1e-7)
    eig = np.linalg.eigvals(np.asarray(jax.jacfwd(f)(jnp.zeros(2))))
    assert np.all(eig.real < 0)


def test_input_acts_like_external_drive():
    """The input enters inside F, exactly where the drive P_E does."""
    state = jnp.full((2, 1), 0.2)
    with_input = WilsonCowan.dfun(state, jnp.array([[0.7], [0.0]]), WilsonCowan())
    with_drive = WilsonCowan.dfun(state, jnp.zeros((2, 1)), WilsonCowan(P_E=0.7))
    np.testing.assert_allclose(np.asarray(with_input), np.asarray(with_drive), rtol=1e-6)


def test_time_constants_accept_quantities():
    import brainunit as u

    assert WilsonCowan(tau_E=0.01 * u.second).tau_E == pytest.approx(10.0)
    with pytest.raises(ValueError, match="WilsonCowan.tau_I"):
        WilsonCowan(tau_I=3 * u.mV)
