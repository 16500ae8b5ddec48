r"""Conduction delays: integer delay steps, the delayed edge list and the history ring buffer.

A connection :math:`j \to i` of length :math:`D_{ij}` (mm) conducting at speed :math:`v`
(mm/ms) delays the signal by :math:`D_{ij}/v` ms, i.e. by

.. math:: d_{ij} = \operatorname{round}\!\left(\frac{D_{ij}}{v\,\Delta t}\right)

integration steps (rounded to the nearest integer, halves up).  The diagonal has no delay.
Without a speed or without distances every delay is zero (instantaneous coupling).

Edges with :math:`d_{ij} \ge 1` read the past of their source from a ring buffer of the
coupled variable.  Their minimum delay :math:`d_{\min}` is what makes the simulation fast:
the inputs of the next :math:`d_{\min}` steps are already in the buffer, so they are
fetched in one gather per *block* of steps instead of one per step (the block length is
chosen by :mod:`wbxr.simulate`).

Buffer layout
-------------
The history is an ``(n_regions, width, n_columns)`` array whose innermost axis holds the
pre-synaptic signals (one per coupling channel) of every ensemble member (seeds, parameter
values) sharing the connectome and delays, so one edge's window of past values for every
channel and member is one contiguous slice.  The value of time step
``t`` (the state after ``t`` steps) of region ``j`` lives in column ``(t - 1) mod L``.  ``L`` is a multiple of
the block length, at least ``max delay + 1``; a block starting at step ``n`` (a multiple of
the block length) writes steps ``n+1 .. n+B`` into the contiguous columns
``n mod L .. n mod L + B - 1``.  The first ``B`` columns are mirrored after column ``L - 1``
so that every edge reads its ``window`` consecutive past values as one contiguous slice.
Before the first write the whole buffer holds the initial state, which is therefore the
history before ``t = 0``.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np


def delay_steps(distances: np.ndarray, speed: float | None, dt: float) -> np.ndarray:
    """Integer delays ``round(distance / (speed * dt))`` with a zero diagonal.

    Parameters
    ----------
    distances
        ``(N, N)`` tract lengths in mm.
    speed
        Conduction speed in mm/ms, or None (no delays).
    dt
        Integration step in ms.

    Examples
    --------
    >>> import numpy as np
    >>> D = np.array([[0.0, 10.0], [10.0, 0.0]])
    >>> delay_steps(D, speed=10.0, dt=0.1)      # 10 mm at 10 mm/ms = 1 ms = 10 steps
    array([[ 0, 10],
           [10,  0]])
    >>> delay_steps(D, speed=None, dt=0.1)
    array([[0, 0],
           [0, 0]])
    """
    distances = np.asarray(distances, dtype=float)
    if speed is None:
        return np.zeros(distances.shape, dtype=np.int64)
    ratio = np.asarray(distances, dtype=float) / (speed * dt)
    # halves up; the small tolerance keeps e.g. 30.000000000004 from rounding differently
    steps = np.floor(ratio + 0.5 + 1e-9).astype(np.int64)
    np.fill_diagonal(steps, 0)
    return steps


class DelayedEdges(NamedTuple):
    """The delayed connections of every target region, padded to a common count (ELL format).

    Row ``i`` lists the sources of region ``i``; padding entries have weight 0.
    """

    source: jax.Array  #: (N, K) int32 source region of each edge
    delay: jax.Array  #: (N, K) int32 delay in steps (>= 1)
    weight: jax.Array  #: (N, K) float coupling weight


def delayed_edges(weights: np.ndarray, steps: np.ndarray) -> DelayedEdges | None:
    """Collect the edges with a non-zero weight and a delay of at least one step.

    Returns None when there is no such edge.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[0.0, 0.5, 0.2], [0.5, 0.0, 0.0], [0.2, 0.0, 0.0]])
    >>> d = np.array([[0, 3, 4], [3, 0, 1], [4, 1, 0]])
    >>> edges = delayed_edges(W, d)
    >>> edges.source.tolist(), edges.delay.tolist()
    ([[1, 2], [0, 0], [0, 0]], [[3, 4], [3, 3], [4, 3]])
    >>> edges.weight.tolist()
    [[0.5, 0.2], [0.5, 0.0], [0.2, 0.0]]
    """
    mask = (weights != 0) & (steps >= 1)
    if not mask.any():
        return None
    n = weights.shape[0]
    max_in_degree = int(mask.sum(axis=1).max())
    source = np.zeros((n, max_in_degree), dtype=np.int32)
    delay = np.full((n, max_in_degree), int(steps[mask].min()), dtype=np.int32)
    weight = np.zeros((n, max_in_degree), dtype=float)
    for i in range(n):
        sources = np.flatnonzero(mask[i])
        source[i, : len(sources)] = sources
        delay[i, : len(sources)] = steps[i, sources]
        weight[i, : len(sources)] = weights[i, sources]
    return DelayedEdges(source, delay, weight)


class ShortEdges(NamedTuple):
    """Delayed edges shorter than a block, summed step by step (a plain edge list)."""

    source: jax.Array  #: (E,) int32 source region
    target: jax.Array  #: (E,) int32 target region
    delay: jax.Array  #: (E,) int32 delay in steps, 1 <= delay < the block's shortest gather
    weight: jax.Array  #: (E,) float coupling weight


def split_edges(
    weights: np.ndarray, steps: np.ndarray, shortest_gathered: int
) -> tuple[DelayedEdges | None, ShortEdges | None]:
    """The edges gathered per block (delay >= ``shortest_gathered``) and the shorter ones.

    Either part is None when empty.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[0.0, 0.5, 0.2], [0.5, 0.0, 0.0], [0.2, 0.0, 0.0]])
    >>> d = np.array([[0, 3, 9], [3, 0, 1], [9, 1, 0]])
    >>> gathered, short = split_edges(W, d, shortest_gathered=5)
    >>> gathered.source.tolist(), gathered.delay.tolist()
    ([[2], [0], [0]], [[9], [9], [9]])
    >>> short.source.tolist(), short.target.tolist(), short.delay.tolist(), short.weight.tolist()
    ([1, 0], [0, 1], [3, 3], [0.5, 0.5])
    """
    is_short = (weights != 0) & (steps >= 1) & (steps < shortest_gathered)
    gathered = delayed_edges(np.where(is_short, 0.0, weights), steps)
    if not is_short.any():
        return gathered, None
    target, source = np.nonzero(is_short)
    short = ShortEdges(
        source.astype(np.int32), target.astype(np.int32), steps[target, source].astype(np.int32),
        weights[target, source].astype(float),
    )
    return gathered, short


def short_sums(recent: jax.Array, short: ShortEdges, newest: jax.Array, n_regions: int) -> jax.Array:
    r"""The inputs of the short edges, :math:`\sum_e w_e\, h_{j_e}(t - d_e)` per target.

    ``recent`` ``(T, N, n_columns)`` holds consecutive recorded values whose row ``newest``
    is that of step ``t``; returns ``(N, n_columns)``.
    """
    values = recent[newest - short.delay, short.source]  # (E, n_columns)
    return jax.ops.segment_sum(values * short.weight[:, None], short.target, num_segments=n_regions)


@dataclasses.dataclass(frozen=True)
class HistoryLayout:
    """Static shape of the history ring buffer (part of the compiled program)."""

    n_regions: int
    length: int  #: ring length L, a multiple of ``block``, >= max delay + 1
    block: int  #: steps written per block
    window: int  #: past values read per edge per block (``block`` or ``block + 1``)

    @property
    def width(self) -> int:
        """Number of columns of the buffer, the ring plus the mirrored first block."""
        return self.length + self.block

    @classmethod
    def for_delays(cls, n_regions: int, max_delay: int, block: int, window: int) -> HistoryLayout:
        """The smallest layout holding ``max_delay`` steps of history for ``block``-step blocks.

        Examples
        --------
        >>> HistoryLayout.for_delays(80, max_delay=204, block=5, window=5)
        HistoryLayout(n_regions=80, length=205, block=5, window=5)
        """
        if not 1 <= window <= block + 1:
            raise ValueError(f"window={window} must be between 1 and block + 1 = {block + 1}")
        length = -(-(max_delay + 1) // block) * block
        return cls(n_regions=n_regions, length=length, block=block, window=window)


def initial_history(values: jax.Array, layout: HistoryLayout) -> jax.Array:
    """A buffer whose whole past equals ``values`` (shape ``(N, n_columns)``)."""
    n_columns = values.shape[-1]
    return jnp.broadcast_to(values[:, None, :], (layout.n_regions, layout.width, n_columns))


def delayed_sums(
    history: jax.Array, edges: DelayedEdges, step: jax.Array, layout: HistoryLayout
) -> jax.Array:
    r"""Delayed inputs of the ``window`` steps starting at ``step``, for every member.

    Returns an array ``(window, N, n_members)`` whose entry ``[s, i, m]`` is
    :math:`\sum_k w_{ik}\, h_{j_{ik}, m}(\text{step} + s - d_{ik})`, where ``h`` is the
    recorded history.  Requires every delay to be at least ``window - 1`` so that all the
    values read are already recorded.
    """
    n_regions, max_in_degree = edges.source.shape
    n_members = history.shape[-1]
    start = (step - edges.delay - 1) % layout.length
    flat_start = edges.source * layout.width + start  # (N, K) first column of each window
    flat_history = history.reshape(n_regions * layout.width, n_members)
    # On the CPU, XLA runs the batched dot at the end as one tiny matrix product per region;
    # an unrolled sum over the source slots is faster.  The bound keeps the unrolled sum,
    # and its compile time, small.  On a GPU the unrolled sum compiled for 45 s at N = 400
    # (H200): the dot there.
    unrolled_sum = max_in_degree <= 256 and jax.default_backend() == "cpu"
    if unrolled_sum and n_members == 1:
        # One member: one gather per source slot, each fused into the sum and already in
        # the (window, N) order of the result (T3 N = 400: 763 -> 609 ms per simulated
        # second on one core; T1 +2.5 %).  For several members it was slower (N = 80, 16
        # members: -10 %; N = 400, 4 members: -9 %).  Ensembles have at least 4 members
        # (padded), so a member's numbers never depend on which sum its chunk took.
        total = None
        for k in range(max_in_degree):
            term = _gather_windows(flat_history, flat_start[:, k], layout.window, offset_dims=(0, 2))
            term = term * edges.weight[None, :, k, None]
            total = term if total is None else total + term
        return total
    windows = _gather_windows(flat_history, flat_start.reshape(-1), layout.window, offset_dims=(1, 2))
    windows = windows.reshape(n_regions, max_in_degree, layout.window, n_members)
    if unrolled_sum:
        # Several members: the windows of all edges in one gather, then the sum (N = 80,
        # 33 sources per region, per block of 5 steps: 8.5 against 24.3 us for the dot
        # with 8 members, 6.7 against 12.9 with 4, about equal with 16; T4 in two chunks
        # of 8: 99.8 -> 127.4 sim-s/s).
        total = windows[:, 0] * edges.weight[:, 0, None, None]
        for k in range(1, max_in_degree):
            total = total + windows[:, k] * edges.weight[:, k, None, None]
        return jnp.moveaxis(total, 1, 0)
    return jnp.einsum("nkwm,nk->wnm", windows, edges.weight)


def _gather_windows(
    flat_history: jax.Array, starts: jax.Array, window: int, offset_dims: tuple[int, int]
) -> jax.Array:
    """The ``window`` rows of ``flat_history`` from each of ``starts`` (contiguous slices).

    ``offset_dims=(1, 2)`` gives ``(len(starts), window, n_members)``; ``(0, 2)`` gives
    ``(window, len(starts), n_members)``.
    """
    return jax.lax.gather(
        flat_history,
        starts.reshape(-1, 1),
        jax.lax.GatherDimensionNumbers(offset_dims=offset_dims, collapsed_slice_dims=(), start_index_map=(0,)),
        slice_sizes=(window, flat_history.shape[-1]),
        mode=jax.lax.GatherScatterMode.PROMISE_IN_BOUNDS,
    )


def record_block(
    history: jax.Array, block_values: jax.Array, step: jax.Array, layout: HistoryLayout
) -> jax.Array:
    """Write the values of steps ``step + 1 .. step + n`` (shape ``(N, n, n_members)``).

    ``n`` is ``layout.block`` (``step`` a multiple of it) or 1 (any ``step >= 0``); values
    in the ring's first block are mirrored after it.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> layout = HistoryLayout.for_delays(1, max_delay=3, block=2, window=2)
    >>> one_by_one = initial_history(jnp.zeros((1, 1)), layout)
    >>> for step in range(6):
    ...     one_by_one = record_block(one_by_one, jnp.array([[[step + 1.0]]]), jnp.int32(step), layout)
    >>> by_blocks = initial_history(jnp.zeros((1, 1)), layout)
    >>> for step in range(0, 6, 2):
    ...     values = jnp.array([[[step + 1.0], [step + 2.0]]])
    ...     by_blocks = record_block(by_blocks, values, jnp.int32(step), layout)
    >>> bool((one_by_one == by_blocks).all()), one_by_one[0, :, 0].tolist()
    (True, [5.0, 6.0, 3.0, 4.0, 5.0, 6.0])
    """
    column = jax.lax.rem(jnp.asarray(step, jnp.int32), jnp.int32(layout.length))  # steps are >= 0
    zero = jnp.zeros((), jnp.int32)
    history = jax.lax.dynamic_update_slice(history, block_values, (zero, column, zero))
    mirror = jnp.where(column < layout.block, column + layout.length, column)
    return jax.lax.dynamic_update_slice(history, block_values, (zero, mirror, zero))


def history_past(history: jax.Array, step: jax.Array, layout: HistoryLayout) -> jax.Array:
    """The buffer in time order: ``past[:, lag]`` is the value of step ``step - lag``.

    Returns ``(N, layout.length, n_columns)``, independent of the block length, so that a
    run can be continued with another layout (:func:`history_from_past`).

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> layout = HistoryLayout.for_delays(1, max_delay=3, block=2, window=2)
    >>> buffer = initial_history(jnp.zeros((1, 1)), layout)
    >>> buffer = record_block(buffer, jnp.array([[[1.0], [2.0]]]), jnp.int32(0), layout)
    >>> history_past(buffer, jnp.int32(2), layout)[0, :, 0].tolist()
    [2.0, 1.0, 0.0, 0.0]
    """
    lags = jnp.arange(layout.length)
    return history[:, (step - 1 - lags) % layout.length]


def history_from_past(past: jax.Array, step: jax.Array, layout: HistoryLayout) -> jax.Array:
    """The buffer of ``layout`` at ``step`` holding ``past`` (from :func:`history_past`).

    Lags beyond those of ``past`` are never read by a network whose longest delay fits
    in ``past``; they are left at the oldest value given.
    """
    n_lags = past.shape[1]
    lags = jnp.minimum(jnp.arange(layout.length), n_lags - 1)
    columns = (step - 1 - jnp.arange(layout.length)) % layout.length
    ring = jnp.zeros((past.shape[0], layout.length, past.shape[2]), past.dtype)
    ring = ring.at[:, columns].set(past[:, lags])
    return jnp.concatenate([ring, ring[:, : layout.block]], axis=1)
