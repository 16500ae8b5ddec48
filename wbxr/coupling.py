r"""Coupling functions: how the connectome turns other regions' activity into input.

With :math:`W_{ij}` the weight of :math:`j \to i`, :math:`d_{ij}` the delay in steps,
:math:`k` the global coupling strength and :math:`r` the variables the coupling *reads*
(by default the coupled variable :math:`x`), every coupling has the form

.. math::

    S^{c}_i = \sum_j W_{ij}\, g_c\bigl(r_j(t - d_{ij}\Delta t)\bigr), \qquad
    I_i = h\bigl(S_i, r_i(t), k\bigr)

with a *pre-synaptic* function :math:`g` (one or more channels :math:`c`, what the history
buffer stores) and a *post-synaptic* function :math:`h`.  The built-in couplings:

* ``"diffusive"``: :math:`g(x) = x`, :math:`I_i = k\,(S_i - s_i x_i)` with
  :math:`s_i = \sum_{j\ne i} W_{ij}`;
* ``"additive"`` (:class:`Linear`): :math:`g(x) = x`, :math:`I_i = a\,k\,S_i + b`;
* :class:`Sigmoidal`: :math:`g(x) = x`,
  :math:`I_i = c_{\min} + (c_{\max} - c_{\min}) / (1 + e^{-a (k S_i - m)/\sigma})`;
* :class:`HyperbolicTangent`: :math:`g(x) = x`, :math:`I_i = a\,(1 + \tanh((k S_i - m)/\sigma))`;
* :class:`SigmoidalJansenRit`: :math:`g(y_1, y_2) = 2 e_0 / (1 + e^{r (v_0 - (y_1 - y_2))})`,
  :math:`I_i = k\,S_i`;
* :class:`Kuramoto`: :math:`g(\theta) = (\sin\theta, \cos\theta)`,
  :math:`I_i = k \sum_j W_{ij} \sin(\theta_j(t-d_{ij}) - \theta_i)`.

``"diffusive"`` is difference coupling (TVB's ``Difference``, brainmass's
``DiffusiveCoupling``); it ignores the diagonal of :math:`W`.  The other couplings keep
self-connections (without delay).  Kuramoto coupling expands
:math:`\sin(\theta_j - \theta_i) = \sin\theta_j\cos\theta_i - \cos\theta_j\sin\theta_i`, so
the history stores :math:`\sin\theta` and :math:`\cos\theta`.  Sigmoidal couplings follow
TVB's definitions (Sanz-Leon et al. 2015); the Jansen-Rit one reads the pyramidal
membrane potential :math:`y_1 - y_2` (``reads=("y1", "y2")``).

Edges whose delay rounds to zero steps and self-connections use the values of the current
integration stage, so they are exact for every integrator.  A coupling's parameters are
traced like a model's: changing them never recompiles.  Write your own by subclassing
:class:`Coupling` with the :func:`coupling_function` decorator.

References
----------
Sanz-Leon, P., Knock, S. A., Spiegler, A. & Jirsa, V. K. (2015). Mathematical framework for
large-scale brain network modeling in The Virtual Brain. *NeuroImage* 111, 385-430.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ._pytree import register_dataclass_pytree
from ._units import UNITLESS_UNIT, region_values


class InstantaneousWeights(NamedTuple):
    """The parts of the coupling that need no history."""

    zero_delay: jax.Array | None  #: (N, N) off-diagonal edges with delay 0, or None
    self_weight: jax.Array  #: (N,) self-connections (zero for diffusive coupling)
    row_sum: jax.Array  #: (N,) sum of each region's incoming weights (diagonal excluded)
    #: (N, K) sources of the zero-delay edges of each region (padded with the region
    #: itself, whose ``zero_delay`` entry is 0) when they are few: then they are summed
    #: as an edge list instead of a dense product with ``zero_delay``.  None: dense.
    zero_delay_sources: jax.Array | None = None


class Coupling:
    """Base class of coupling functions (frozen dataclasses of traced parameters)."""

    #: How many signals the pre-synaptic function produces per region.
    channels: ClassVar[int] = 1
    #: Difference couplings ignore the diagonal of the weights.
    ignores_diagonal: ClassVar[bool] = False
    #: How many variables the coupling reads (None: any number).
    n_reads: ClassVar[int | None] = 1

    def pre(self, read: jax.Array) -> jax.Array:
        """Pre-synaptic signals ``(channels, N, M)`` from the read variables ``(R, N, M)``."""
        return read[:1]

    def post(self, summed: jax.Array, read: jax.Array, k: jax.Array, row_sum: jax.Array) -> jax.Array:
        """The input ``(N, M)`` from the weighted sums ``(channels, N, M)``."""
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """A JSON-safe description."""
        values = {f.name: float(np.asarray(getattr(self, f.name))) for f in dataclasses.fields(self)}
        return {"coupling": type(self).__name__, **values}

    def __repr__(self) -> str:
        values = ", ".join(f"{k}={v!r}" for k, v in self.describe().items() if k != "coupling")
        return f"{type(self).__name__}({values})"


def coupling_function(cls: type) -> type:
    """Class decorator: a frozen dataclass whose float fields are traced parameters."""
    original_post_init = getattr(cls, "__post_init__", None)

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = region_values(
                getattr(self, field.name), f"{cls.__name__}.{field.name}", unit=UNITLESS_UNIT, unit_name="1"
            )
            if np.ndim(value):
                raise ValueError(f"{cls.__name__}.{field.name} must be a scalar, got {value!r}")
            object.__setattr__(self, field.name, value)
        if original_post_init is not None:
            original_post_init(self)

    cls.__post_init__ = __post_init__  # before @dataclass, which only then calls it
    cls = dataclasses.dataclass(frozen=True, eq=False, repr=False)(cls)
    register_dataclass_pytree(cls, tuple(f.name for f in dataclasses.fields(cls)))
    return cls


def _k(k: jax.Array) -> jax.Array:
    return k[None, :]


@coupling_function
class Diffusive(Coupling):
    r""":math:`I_i = k \sum_j W_{ij} (x_j(t - d_{ij}) - x_i(t))` (the diagonal is ignored)."""

    ignores_diagonal: ClassVar[bool] = True

    def post(self, summed, read, k, row_sum):
        return _k(k) * (summed[0] - row_sum[:, None] * read[0])


@coupling_function
class Linear(Coupling):
    r""":math:`I_i = a\,k \sum_j W_{ij} x_j(t - d_{ij}) + b` (``"additive"`` is ``a=1, b=0``)."""

    a: float = 1.0
    b: float = 0.0

    def post(self, summed, read, k, row_sum):
        return self.a * _k(k) * summed[0] + self.b


@coupling_function
class Sigmoidal(Coupling):
    r""":math:`I_i = c_{\min} + (c_{\max} - c_{\min}) / (1 + e^{-a (k S_i - m) / \sigma})`."""

    cmin: float = -1.0
    cmax: float = 1.0
    midpoint: float = 0.0
    a: float = 1.0
    sigma: float = 1.0

    def post(self, summed, read, k, row_sum):
        argument = -self.a * (_k(k) * summed[0] - self.midpoint) / self.sigma
        return self.cmin + (self.cmax - self.cmin) * jax.nn.sigmoid(-argument)


@coupling_function
class HyperbolicTangent(Coupling):
    r""":math:`I_i = a\,(1 + \tanh((k S_i - m) / \sigma))`."""

    a: float = 1.0
    midpoint: float = 0.0
    sigma: float = 1.0

    def post(self, summed, read, k, row_sum):
        return self.a * (1.0 + jnp.tanh((_k(k) * summed[0] - self.midpoint) / self.sigma))


@coupling_function
class SigmoidalJansenRit(Coupling):
    r"""Jansen-Rit firing rate of the sources' pyramidal potential :math:`y_1 - y_2`:
    :math:`I_i = k \sum_j W_{ij}\, 2 e_0 / (1 + e^{r (v_0 - (y_{1,j} - y_{2,j}))})` (reads y1, y2).
    """

    e0: float = 2.5e-3  # 1/ms (2.5 1/s)
    v0: float = 6.0  # mV
    r: float = 0.56  # 1/mV
    n_reads: ClassVar[int | None] = 2

    def pre(self, read):
        return (2.0 * self.e0 * jax.nn.sigmoid(self.r * ((read[0] - read[1]) - self.v0)))[None]

    def post(self, summed, read, k, row_sum):
        return _k(k) * summed[0]


@coupling_function
class Kuramoto(Coupling):
    r""":math:`I_i = k \sum_j W_{ij} \sin(\theta_j(t - d_{ij}) - \theta_i(t))`."""

    channels: ClassVar[int] = 2

    def pre(self, read):
        return jnp.stack([jnp.sin(read[0]), jnp.cos(read[0])])

    def post(self, summed, read, k, row_sum):
        theta = read[0]
        return _k(k) * (jnp.cos(theta) * summed[0] - jnp.sin(theta) * summed[1])


#: Couplings by name (``Network(coupling="kuramoto")``).
COUPLINGS: dict[str, type] = {
    "diffusive": Diffusive,
    "additive": Linear,
    "linear": Linear,
    "sigmoidal": Sigmoidal,
    "tanh": HyperbolicTangent,
    "sigmoidal_jansen_rit": SigmoidalJansenRit,
    "kuramoto": Kuramoto,
}


def as_coupling(coupling: str | Coupling) -> Coupling:
    """A coupling instance from a name or an instance.

    Examples
    --------
    >>> as_coupling("kuramoto")
    Kuramoto()
    >>> as_coupling(Linear(a=2.0)).a
    2.0
    """
    if isinstance(coupling, Coupling):
        return coupling
    if isinstance(coupling, str) and coupling in COUPLINGS:
        return COUPLINGS[coupling]()
    raise ValueError(
        f"coupling={coupling!r} is not one of {list(COUPLINGS)} or a wbxr.coupling.Coupling instance"
    )


def coupling_name(coupling: Coupling) -> str:
    """The registered name of a coupling (its class name if it has none)."""
    for name, cls in COUPLINGS.items():
        if type(coupling) is cls:
            return name
    return type(coupling).__name__


def effective_weights(weights: np.ndarray, coupling: Coupling) -> np.ndarray:
    """The weights as the coupling uses them (difference couplings ignore the diagonal).

    Examples
    --------
    >>> import numpy as np
    >>> effective_weights(np.array([[1.0, 2.0], [3.0, 4.0]]), Diffusive())
    array([[0., 2.],
           [3., 0.]])
    """
    weights = np.array(weights, dtype=float)
    if coupling.ignores_diagonal:
        np.fill_diagonal(weights, 0.0)
    return weights


def instantaneous_weights(weights: np.ndarray, steps: np.ndarray, coupling: Coupling) -> InstantaneousWeights:
    """Split off the zero-delay off-diagonal edges, the self-connections and the row sums.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[0.5, 1.0], [2.0, 0.0]])
    >>> parts = instantaneous_weights(W, np.zeros((2, 2), dtype=int), Diffusive())
    >>> parts.zero_delay.tolist(), parts.self_weight.tolist(), parts.row_sum.tolist()
    ([[0.0, 1.0], [2.0, 0.0]], [0.0, 0.0], [1.0, 2.0])
    >>> instantaneous_weights(W, np.array([[0, 5], [5, 0]]), Linear()).self_weight.tolist()
    [0.5, 0.0]
    """
    weights = effective_weights(weights, coupling)
    off_diagonal = ~np.eye(weights.shape[0], dtype=bool)
    zero_delay_mask = off_diagonal & (steps == 0) & (weights != 0)
    zero_delay = np.where(zero_delay_mask, weights, 0.0) if zero_delay_mask.any() else None
    row_sum = np.where(off_diagonal, weights, 0.0).sum(axis=1)
    return InstantaneousWeights(zero_delay, np.diag(weights).copy(), row_sum, _sparse_sources(zero_delay_mask))


#: Zero-delay edges are summed as an edge list when no region has more than this fraction
#: of the regions as zero-delay sources (on the SPEC connectome with N = 1000, 2 of its
#: 319,596 edges have delay 0: a dense product was 30 % of the run time).
SPARSE_ZERO_DELAY_FRACTION = 1 / 8


def _sparse_sources(mask: np.ndarray) -> np.ndarray | None:
    """The padded source lists of the zero-delay edges, or None where dense is cheaper."""
    n = mask.shape[0]
    in_degree = mask.sum(axis=1)
    if not mask.any() or in_degree.max() > n * SPARSE_ZERO_DELAY_FRACTION:
        return None
    sources = np.tile(np.arange(n, dtype=np.int32)[:, None], (1, int(in_degree.max())))
    for i in range(n):
        found = np.flatnonzero(mask[i])
        sources[i, : len(found)] = found
    return sources


def weighted_sums(
    delayed: jax.Array | None, current: jax.Array, instantaneous: InstantaneousWeights
) -> jax.Array:
    """:math:`S` per channel: delayed sums plus zero-delay and self terms at the current stage.

    ``delayed`` is ``(channels, N, M)`` or None, ``current`` the pre-synaptic signals
    ``(channels, N, M)`` of the current integration stage.
    """
    total = instantaneous.self_weight[None, :, None] * current
    sources = instantaneous.zero_delay_sources
    if instantaneous.zero_delay is not None and sources is not None:
        weights = jnp.take_along_axis(instantaneous.zero_delay, sources, axis=1)  # (N, K)
        total = total + jnp.einsum("nk,cnkm->cnm", weights, current[:, sources])
    elif instantaneous.zero_delay is not None:
        total = total + jnp.einsum("ij,cjm->cim", instantaneous.zero_delay, current)
    if delayed is not None:
        total = total + delayed
    return total
