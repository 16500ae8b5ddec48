"""wbxr.coupling: the split into delayed, zero-delay and local terms."""

import jax.numpy as jnp
import numpy as np
import pytest

from wbxr.coupling import coupling_input, effective_weights, instantaneous_weights


@pytest.fixture
def weights():
    return np.array([[0.5, 1.0, 2.0], [3.0, 0.25, 0.0], [1.0, 1.0, 0.0]])


def test_diffusive_ignores_the_diagonal_and_subtracts_the_row_sum(weights):
    parts = instantaneous_weights(weights, np.zeros((3, 3), int), "diffusive")
    np.testing.assert_array_equal(parts.local, [-3.0, -3.0, -2.0])
    np.testing.assert_array_equal(np.diag(parts.zero_delay), 0.0)
    x = np.array([[1.0, -1.0], [2.0, 0.0], [4.0, 3.0]])  # two members
    got = coupling_input(None, jnp.asarray(x), parts, jnp.asarray([0.5, 2.0]))
    for m, k in enumerate((0.5, 2.0)):
        expected = [k * sum(weights[i, j] * (x[j, m] - x[i, m]) for j in range(3) if j != i) for i in range(3)]
        np.testing.assert_allclose(np.asarray(got[:, m]), expected)


def test_additive_keeps_self_connections(weights):
    parts = instantaneous_weights(weights, np.zeros((3, 3), int), "additive")
    x = np.array([[1.0], [2.0], [4.0]])
    got = coupling_input(None, jnp.asarray(x), parts, jnp.asarray([2.0]))
    np.testing.assert_allclose(np.asarray(got), 2.0 * weights @ x)


def test_delayed_edges_are_left_to_the_history(weights):
    steps = np.array([[0, 3, 0], [2, 0, 1], [0, 4, 0]])
    parts = instantaneous_weights(weights, steps, "additive")
    np.testing.assert_array_equal(parts.zero_delay, [[0, 0, 2.0], [0, 0, 0], [1.0, 0, 0]])
    got = coupling_input(jnp.asarray([[10.0], [20.0], [30.0]]), jnp.ones((3, 1)), parts, jnp.ones(1))
    np.testing.assert_allclose(np.asarray(got[:, 0]), [10 + 0.5 + 2, 20 + 0.25, 30 + 1.0])
    assert instantaneous_weights(weights, steps + 1 - np.eye(3, dtype=int), "additive").zero_delay is None


def test_effective_weights_copy(weights):
    effective = effective_weights(weights, "diffusive")
    assert weights[0, 0] == 0.5 and effective[0, 0] == 0.0
