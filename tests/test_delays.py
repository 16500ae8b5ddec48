"""wbxr.delays: delay steps, the delayed edge list and the ring buffer."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wbxr.delays import (
    HistoryLayout,
    delay_steps,
    delayed_edges,
    delayed_sums,
    initial_history,
    record_block,
)


def test_delay_steps_round_to_nearest_with_zero_diagonal():
    distances = np.array([[5.0, 0.04, 0.05, 0.149999], [0.04, 0.0, 1.0, 2.0], [0.05, 1.0, 0.0, 3.0], [0.15, 2.0, 3.0, 0.0]])
    steps = delay_steps(distances, speed=1.0, dt=0.1)
    assert steps[0].tolist() == [0, 0, 1, 1]  # 0.4 -> 0, 0.5 -> 1 (halves up), 1.49999 -> 1
    assert steps[3, 0] == 2 and steps[1, 2] == 10 and steps[2, 3] == 30
    assert np.all(np.diag(steps) == 0)
    assert np.all(delay_steps(distances, speed=None, dt=0.1) == 0)


def test_delay_steps_do_not_suffer_from_float_representation():
    # 3.0 / (10 * 0.1) is 2.9999999999999996 in floating point; it must give 3 steps
    assert delay_steps(np.array([[0.0, 3.0], [3.0, 0.0]]), speed=10.0, dt=0.1)[0, 1] == 3


def test_delayed_edges_keep_only_weighted_delayed_edges():
    weights = np.array([[0.0, 1.0, 2.0], [0.0, 0.5, 3.0], [4.0, 0.0, 0.0]])
    steps = np.array([[0, 5, 0], [7, 0, 9], [2, 1, 0]])
    edges = delayed_edges(weights, steps)
    assert edges.source.shape == (3, 1)  # at most one delayed weighted edge per target
    assert edges.source[:, 0].tolist() == [1, 2, 0]
    assert edges.delay[:, 0].tolist() == [5, 9, 2]
    assert edges.weight[:, 0].tolist() == [1.0, 3.0, 4.0]
    assert delayed_edges(weights, np.zeros((3, 3), int)) is None


def test_layout_is_a_whole_number_of_blocks():
    layout = HistoryLayout.for_delays(4, max_delay=17, block=5, window=6)
    assert layout.length == 20 and layout.width == 25
    with pytest.raises(ValueError, match="window=7"):
        HistoryLayout.for_delays(4, max_delay=17, block=5, window=7)


@settings(max_examples=25, deadline=None)
@given(
    n_regions=st.integers(1, 5),
    block=st.integers(1, 6),
    extra_window=st.booleans(),
    n_members=st.integers(1, 3),
    seed=st.integers(0, 10_000),
)
def test_ring_buffer_reads_back_exactly_what_a_full_history_holds(
    n_regions, block, extra_window, n_members, seed
):
    """Write random blocks for many steps; every delayed sum equals one from the full history."""
    rng = np.random.default_rng(seed)
    window = block + 1 if extra_window else block
    min_delay = window - 1 if window > 1 else 1
    steps = rng.integers(min_delay, min_delay + 25, (n_regions, n_regions))
    weights = rng.normal(size=(n_regions, n_regions))
    edges = delayed_edges(weights, steps)
    layout = HistoryLayout.for_delays(n_regions, int(edges.delay.max()), block, window)
    jedges = jax.tree_util.tree_map(jnp.asarray, edges)
    initial = rng.normal(size=(n_regions, n_members))
    full = [initial]  # full[t] = values (N, members) at step t
    history = initial_history(jnp.asarray(initial), layout)
    for block_index in range(12):
        n = block_index * block
        sums = np.asarray(delayed_sums(history, jedges, jnp.asarray(n, jnp.int32), layout))
        for s in range(window):
            expected = [
                sum(weights[i, j] * full[max(n + s - steps[i, j], 0)][j] for j in range(n_regions))
                for i in range(n_regions)
            ]
            np.testing.assert_allclose(sums[s], expected, rtol=1e-5, atol=1e-5)
        values = rng.normal(size=(n_regions, block, n_members))
        full.extend(values.transpose(1, 0, 2))
        history = record_block(history, jnp.asarray(values), jnp.asarray(n, jnp.int32), layout)
    # the mirror columns always equal the first block of the ring
    history = np.asarray(history)
    np.testing.assert_array_equal(history[:, layout.length :], history[:, : layout.block])
