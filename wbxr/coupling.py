r"""Linear network coupling: how the connectome turns other regions' activity into input.

With :math:`x` the coupled variable, :math:`W_{ij}` the weight of :math:`j \to i`,
:math:`d_{ij}` the delay in steps and :math:`k` the global coupling strength:

* ``"diffusive"`` (difference coupling, as in TVB's ``Difference`` and brainmass's
  ``DiffusiveCoupling``): :math:`I_i = k \sum_j W_{ij}\,\bigl(x_j(t - d_{ij}\Delta t) - x_i(t)\bigr)`.
  The diagonal of :math:`W` cancels and is ignored.
* ``"additive"`` (linear coupling): :math:`I_i = k \sum_j W_{ij}\, x_j(t - d_{ij}\Delta t)`,
  self-connections included (without delay).

Both are computed as :math:`I = k\,(S + W^{0} x + \lambda \odot x)` where :math:`S` is the
sum over delayed edges (read from the history buffer, see :mod:`wbxr.delays`),
:math:`W^{0}` holds the off-diagonal edges whose delay rounds to zero steps and
:math:`\lambda_i` is the local term: :math:`W_{ii}` (additive) or
:math:`-\sum_{j \ne i} W_{ij}` (diffusive).  The local and zero-delay parts see the state
of the current integration stage, so they are exact for every integrator.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import numpy as np

COUPLINGS = ("diffusive", "additive")


class InstantaneousWeights(NamedTuple):
    """The parts of the coupling that need no history."""

    zero_delay: jax.Array | None  #: (N, N) off-diagonal edges with delay 0, or None
    local: jax.Array  #: (N,) coefficient of the region's own current value


def effective_weights(weights: np.ndarray, coupling: str) -> np.ndarray:
    """The weights as the coupling uses them (diffusive coupling ignores the diagonal).

    Examples
    --------
    >>> import numpy as np
    >>> effective_weights(np.array([[1.0, 2.0], [3.0, 4.0]]), "diffusive")
    array([[0., 2.],
           [3., 0.]])
    """
    weights = np.array(weights, dtype=float)
    if coupling == "diffusive":
        np.fill_diagonal(weights, 0.0)
    return weights


def instantaneous_weights(weights: np.ndarray, steps: np.ndarray, coupling: str) -> InstantaneousWeights:
    """Split off the zero-delay off-diagonal edges and the local coefficient.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[0.0, 1.0], [2.0, 0.0]])
    >>> no_delay = np.zeros((2, 2), dtype=int)
    >>> parts = instantaneous_weights(W, no_delay, "diffusive")
    >>> parts.zero_delay.tolist(), parts.local.tolist()
    ([[0.0, 1.0], [2.0, 0.0]], [-1.0, -2.0])
    >>> instantaneous_weights(W, np.array([[0, 5], [5, 0]]), "additive").zero_delay is None
    True
    """
    weights = effective_weights(weights, coupling)
    off_diagonal = ~np.eye(weights.shape[0], dtype=bool)
    zero_delay_mask = off_diagonal & (steps == 0) & (weights != 0)
    zero_delay = np.where(zero_delay_mask, weights, 0.0) if zero_delay_mask.any() else None
    if coupling == "diffusive":
        local = -weights.sum(axis=1)
    else:
        local = np.diag(weights).copy()
    return InstantaneousWeights(zero_delay, local)


def coupling_input(
    delayed_sum: jax.Array | None,
    current: jax.Array,
    instantaneous: InstantaneousWeights,
    k: jax.Array,
) -> jax.Array:
    r"""The input :math:`k (S + W^0 x + \lambda \odot x)` to every region and member.

    Parameters
    ----------
    delayed_sum
        :math:`S`, the weighted sum over delayed edges ``(N, n_members)``, or None when
        there are none.
    current
        The coupled variable at the current integration stage, ``(N, n_members)``.
    instantaneous
        From :func:`instantaneous_weights` (as JAX arrays).
    k
        Global coupling strength of each member, ``(n_members,)``.

    Returns
    -------
    The input, shape ``(N, n_members)``.
    """
    total = instantaneous.local[:, None] * current
    if instantaneous.zero_delay is not None:
        total = total + instantaneous.zero_delay @ current
    if delayed_sum is not None:
        total = total + delayed_sum
    return k[None, :] * total
