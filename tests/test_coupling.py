"""wbxr.coupling: the split into delayed, zero-delay and self terms, and each function's h(S)."""

import jax.numpy as jnp
import numpy as np
import pytest

from wbxr.coupling import (
    COUPLINGS,
    Diffusive,
    HyperbolicTangent,
    Kuramoto,
    Linear,
    Sigmoidal,
    SigmoidalJansenRit,
    as_coupling,
    effective_weights,
    instantaneous_weights,
    weighted_sums,
)


@pytest.fixture
def weights():
    return np.array([[0.5, 1.0, 2.0], [3.0, 0.25, 0.0], [1.0, 1.0, 0.0]])


def coupling_input(coupling, weights, x, k, steps=None):
    """Input with all edges instantaneous (no history), through the public pieces."""
    steps = np.zeros(weights.shape, int) if steps is None else steps
    parts = instantaneous_weights(weights, steps, coupling)
    source = jnp.asarray(x)[None]  # one read variable
    summed = weighted_sums(None, coupling.pre(source), parts)
    return np.asarray(coupling.post(summed, source, jnp.asarray(k), jnp.asarray(parts.row_sum)))


def test_diffusive_ignores_the_diagonal_and_subtracts_the_row_sum(weights):
    x = np.array([[1.0, -1.0], [2.0, 0.0], [4.0, 3.0]])  # two members
    got = coupling_input(Diffusive(), weights, x, [0.5, 2.0])
    for m, k in enumerate((0.5, 2.0)):
        expected = [k * sum(weights[i, j] * (x[j, m] - x[i, m]) for j in range(3) if j != i) for i in range(3)]
        np.testing.assert_allclose(got[:, m], expected)


def test_linear_keeps_self_connections_and_applies_slope_and_offset(weights):
    x = np.array([[1.0], [2.0], [4.0]])
    np.testing.assert_allclose(coupling_input(Linear(), weights, x, [2.0]), 2.0 * weights @ x)
    np.testing.assert_allclose(coupling_input(Linear(a=3.0, b=0.5), weights, x, [2.0]), 6.0 * weights @ x + 0.5)


def test_sigmoidal_and_tanh_post_functions(weights):
    x = np.array([[0.1], [0.2], [-0.3]])
    s = 0.7 * (weights @ x)
    sig = Sigmoidal(cmin=-0.5, cmax=2.0, midpoint=0.1, a=3.0, sigma=0.5)
    expected = -0.5 + 2.5 / (1 + np.exp(-3.0 * (s - 0.1) / 0.5))
    np.testing.assert_allclose(coupling_input(sig, weights, x, [0.7]), expected, rtol=1e-6)
    tanh = HyperbolicTangent(a=2.0, midpoint=0.3, sigma=0.4)
    np.testing.assert_allclose(coupling_input(tanh, weights, x, [0.7]), 2.0 * (1 + np.tanh((s - 0.3) / 0.4)), rtol=1e-6)


def test_kuramoto_is_the_sine_of_phase_differences(weights):
    theta = np.array([[0.3], [2.0], [-1.0]])
    got = coupling_input(Kuramoto(), weights, theta, [0.5])
    expected = [0.5 * sum(weights[i, j] * np.sin(theta[j, 0] - theta[i, 0]) for j in range(3)) for i in range(3)]
    np.testing.assert_allclose(got[:, 0], expected, atol=1e-6)


def test_jansen_rit_rate_of_the_pyramidal_potential():
    coupling = SigmoidalJansenRit()
    y1, y2 = np.array([[8.0], [5.0]]), np.array([[1.0], [0.5]])
    rate = np.asarray(coupling.pre(jnp.asarray(np.stack([y1, y2]))))[0]
    np.testing.assert_allclose(rate, 2 * 2.5e-3 / (1 + np.exp(0.56 * (6.0 - (y1 - y2)))), rtol=1e-6)


def test_delayed_edges_are_left_to_the_history(weights):
    steps = np.array([[0, 3, 0], [2, 0, 1], [0, 4, 0]])
    parts = instantaneous_weights(weights, steps, Linear())
    np.testing.assert_array_equal(parts.zero_delay, [[0, 0, 2.0], [0, 0, 0], [1.0, 0, 0]])
    np.testing.assert_array_equal(parts.self_weight, [0.5, 0.25, 0.0])
    delayed = jnp.asarray([[[10.0], [20.0], [30.0]]])
    got = weighted_sums(delayed, jnp.ones((1, 3, 1)), parts)
    np.testing.assert_allclose(np.asarray(got)[0, :, 0], [10 + 0.5 + 2, 20 + 0.25, 30 + 1.0])


def test_names_and_errors():
    assert set(COUPLINGS) >= {"diffusive", "additive", "sigmoidal", "tanh", "kuramoto", "sigmoidal_jansen_rit"}
    assert isinstance(as_coupling("additive"), Linear)
    with pytest.raises(ValueError, match="coupling='magic' is not one of"):
        as_coupling("magic")
    with pytest.raises(ValueError, match="Sigmoidal.sigma must be finite"):
        Sigmoidal(sigma=np.nan)
    with pytest.raises(ValueError, match="Linear.a must be a scalar"):
        Linear(a=[1.0, 2.0])


def test_effective_weights_copy(weights):
    effective = effective_weights(weights, Diffusive())
    assert weights[0, 0] == 0.5 and effective[0, 0] == 0.0


def test_few_zero_delay_edges_are_summed_as_an_edge_list_with_the_dense_result():
    rng = np.random.default_rng(5)
    n = 24
    weights = rng.uniform(0.1, 1.0, (n, n))
    steps = np.full((n, n), 3)
    steps[0, 5] = steps[7, 2] = steps[7, 9] = 0  # region 7 has two zero-delay sources
    sparse = instantaneous_weights(weights, steps, Linear())
    assert sparse.zero_delay_sources.shape == (n, 2)
    assert sparse.zero_delay_sources[7].tolist() == [2, 9] and sparse.zero_delay_sources[3].tolist() == [3, 3]
    dense = sparse._replace(zero_delay_sources=None)
    current = jnp.asarray(rng.normal(size=(2, n, 3)))
    np.testing.assert_allclose(
        weighted_sums(None, current, sparse), weighted_sums(None, current, dense), rtol=1e-6, atol=1e-6
    )
    many = np.where(rng.random((n, n)) < 0.5, 0, 3)  # half the edges without delay: dense
    assert instantaneous_weights(weights, many, Linear()).zero_delay_sources is None
