r"""The reduced Wong-Wang model: one NMDA gating variable per region."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


def wong_wang_rate(current: jax.Array, a: jax.Array, b: jax.Array, d: jax.Array) -> jax.Array:
    r"""The transfer function of Wong & Wang (2006) (after Abbott & Chance), in 1/ms (kHz).

    .. math:: H(x) = \frac{a x - b}{1 - e^{-d\,(a x - b)}}

    with the current :math:`x` in nA, :math:`a` in 1/(ms nA), :math:`b` in 1/ms and
    :math:`d` in ms.  At the threshold current :math:`a x = b` the rate is :math:`1/d`
    (a removable singularity, evaluated by its Taylor series); both tails are written so
    that neither the value nor its derivatives overflow.

    Examples
    --------
    >>> rate = wong_wang_rate(0.4, 0.270, 0.108, 154.0)   # threshold current: 1 / d
    >>> round(float(rate) * 1000, 3)                      # in Hz
    6.494
    """
    y = a * current - b
    z = d * y
    small = jnp.abs(z) < 1e-3
    positive = z > 0
    z_pos = jnp.where(positive & ~small, z, 1.0)
    z_neg = jnp.where(~positive & ~small, z, -1.0)
    above = y / -jnp.expm1(-z_pos)
    below = y * jnp.exp(z_neg) / jnp.expm1(z_neg)
    series = (1.0 + z / 2.0 + z * z / 12.0) / d
    return jnp.where(small, series, jnp.where(positive, above, below))


@node_model
class ReducedWongWang(NodeModel):
    r"""Reduced Wong-Wang model: the NMDA gating S of one excitatory population.

    .. math::

        x &= w J_N S + I_0 + J_N I_S \\
        H(x) &= \frac{a x - b}{1 - e^{-d (a x - b)}} \\
        \frac{dS}{dt} &= -\frac{S}{\tau_S} + (1 - S)\,\gamma\, H(x)

    with time in ms, currents in nA and the rate :math:`H` in kHz (so
    :math:`a = 0.270` /(ms nA) is 270 Hz/nA, :math:`b = 0.108` /ms is 108 Hz and
    :math:`d = 154` ms is 0.154 s; Wong & Wang 2006).  :math:`I_S` is the input of
    :math:`S`: with ``coupling="additive"`` it is :math:`k \sum_j W_{ij} S_j`, so the
    network current is :math:`G J_N \sum_j C_{ij} S_j` with :math:`G = k`, as in Deco et al.
    (2013) (``coupling="diffusive"`` would also subtract the region's own :math:`S`).
    Defaults: Deco et al. (2013), :math:`w = 0.9`, :math:`I_0 = 0.3` nA,
    :math:`J_N = 0.2609` nA, :math:`\tau_S = 100` ms, :math:`\gamma = 0.641` (TVB's
    defaults differ: :math:`w = 0.6`, :math:`I_0 = 0.33`).  An uncoupled node has a single
    stable low-activity fixed point, :math:`S^* \approx 0.034`; strong enough network
    input makes a high-activity state appear.  The fluctuations of Deco et al. are state
    noise on :math:`S` (e.g. ``noise={"S": wbxr.noise.White(0.001)}``).  Nothing keeps
    :math:`S` inside :math:`[0, 1]` under strong noise.

    Parameters
    ----------
    a, b, d
        Gain (1/(ms nA)), threshold (1/ms) and curvature (ms) of :math:`H`.
    gamma
        Kinetic parameter :math:`\gamma`.
    tau_S
        NMDA decay time constant (ms).
    w
        Local excitatory recurrence.
    J_N
        Synaptic coupling (nA).
    I_0
        Effective external current (nA).

    References
    ----------
    Wong, K.-F. & Wang, X.-J. (2006). A recurrent network mechanism of time integration in
    perceptual decisions. *Journal of Neuroscience* 26, 1314-1328.
    Deco, G., Ponce-Alvarez, A., Mantini, D., Romani, G. L., Hagmann, P. & Corbetta, M.
    (2013). Resting-state functional connectivity emerges from structurally and dynamically
    shaped slow linear fluctuations. *Journal of Neuroscience* 33, 11239-11252.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import ReducedWongWang
    >>> state = jnp.array([[0.0]])                      # S = 0
    >>> rate = ReducedWongWang.dfun(state, jnp.zeros_like(state), ReducedWongWang())
    >>> round(float(rate[0, 0]), 7)                     # gamma * H(I_0) per ms
    0.000275
    """

    a: float = parameter(0.270, unit="1/ms", description="gain of H (per nA)", range=(0.0, 0.5))
    b: float = parameter(0.108, unit="1/ms", description="threshold of H", range=(0.0, 0.3))
    d: float = parameter(154.0, unit="ms", description="curvature of H", range=(50.0, 300.0))
    gamma: float = parameter(0.641, description="kinetic parameter", range=(0.0, 1.0))
    tau_S: float = parameter(100.0, unit="ms", description="NMDA decay time constant", range=(50.0, 150.0))
    w: float = parameter(0.9, description="local excitatory recurrence", range=(0.0, 1.5))
    J_N: float = parameter(0.2609, description="synaptic coupling (nA)", range=(0.0, 0.5))
    I_0: float = parameter(0.3, description="effective external current (nA)", range=(0.0, 1.0))

    state_variables = ("S",)
    default_coupled_var = "S"
    variable_units = {"S": "1"}
    variable_long_names = {"S": "NMDA synaptic gating"}
    initial_range = {"S": (0.0, 1.0)}
    state_bounds = {"S": (0.0, 1.0)}  # a gating fraction (TVB's state_variable_boundaries)

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: ReducedWongWang) -> jax.Array:
        (S,) = state
        (input_S,) = inputs
        current = p.w * p.J_N * S + p.I_0 + p.J_N * input_S
        rate = wong_wang_rate(current, p.a, p.b, p.d)
        return jnp.stack([-S / p.tau_S + (1.0 - S) * p.gamma * rate])
