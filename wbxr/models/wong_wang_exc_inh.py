r"""The excitatory-inhibitory dynamic mean field of Deco et al. (2014)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter
from .reduced_wong_wang import wong_wang_rate


@node_model
class ReducedWongWangExcInh(NodeModel):
    r"""Wong-Wang excitatory-inhibitory dynamic mean field with feedback inhibition (Deco et al. 2014).

    .. math::

        I_E &= W_E I_0 + w_+ J_N S_E - J_i S_I + I_\mathrm{ext} + J_N I_{S_E} \\
        I_I &= W_I I_0 + J_N S_E - S_I + \lambda J_N I_{S_E} + J_N I_{S_I} \\
        \frac{dS_E}{dt} &= -\frac{S_E}{\tau_E} + (1 - S_E)\,\gamma_E\, H_E(I_E) \\
        \frac{dS_I}{dt} &= -\frac{S_I}{\tau_I} + \gamma_I\, H_I(I_I)

    where :math:`H_{E,I}(x) = (a x - b) / (1 - e^{-d (a x - b)})` (see
    :func:`~wbxr.models.reduced_wong_wang.wong_wang_rate`) are the population rates in
    kHz, time is in ms and currents in nA (so :math:`a_E = 0.310` /(ms nA) is
    310 nC\ :sup:`-1`, :math:`b_E = 0.125` /ms is 125 Hz, :math:`d_E = 160` ms is 0.16 s).
    The input :math:`I_{S_E}` of the coupled variable is, with ``coupling="additive"``,
    :math:`k \sum_j W_{ij} S_{E,j}`; scaled by :math:`J_N` it is the long-range current
    :math:`G J_N \sum_j C_{ij} S_{E,j}` of the paper (:math:`G = k`).  :math:`\lambda`
    (default 0) sends the same current onto the inhibitory population (long-range
    feed-forward inhibition).  The *feedback inhibition control* of Deco et al. is the
    per-region inhibitory weight ``J_i``: pass one value per region (they tune it so that
    every region fires at about 3 Hz; with no network input, :math:`J_i = 1` gives the
    fixed point :math:`r_E = H_E(I_E) \approx 3.08` Hz, :math:`r_I \approx 3.92` Hz).
    With ``coupling="diffusive"`` the input also subtracts the region's own
    :math:`S_E` weighted by its in-strength, which is not in the paper.  Defaults: the
    values of Deco et al. (2014, Materials and Methods), as in TVB's
    ``ReducedWongWangExcInh``; their fluctuations are state noise of standard deviation
    0.01 on both gating variables (``noise={"S_E": White(0.01), "S_I": White(0.01)}``).

    Parameters
    ----------
    a_E, b_E, d_E, a_I, b_I, d_I
        Gains (1/(ms nA)), thresholds (1/ms) and curvatures (ms) of :math:`H_E, H_I`.
    gamma_E, gamma_I
        Kinetic parameters (0.641 and 1 when the rates are in kHz).
    tau_E, tau_I
        NMDA and GABA decay time constants (ms).
    w_p
        Local excitatory recurrence :math:`w_+`.
    J_N
        NMDA synaptic coupling (nA).
    J_i
        Local feedback inhibition weight (nA), one value per region for FIC.
    W_E, W_I
        Scales of the external current onto E and I.
    I_0
        Effective external current (nA).
    I_ext
        Additional stimulus current onto E (nA).
    lam
        Fraction :math:`\lambda` of the long-range input that also reaches I.

    References
    ----------
    Deco, G., Ponce-Alvarez, A., Hagmann, P., Romani, G. L., Mantini, D. & Corbetta, M.
    (2014). How local excitation-inhibition ratio impacts the whole brain dynamics.
    *Journal of Neuroscience* 34, 7886-7898.
    Wong, K.-F. & Wang, X.-J. (2006). A recurrent network mechanism of time integration in
    perceptual decisions. *Journal of Neuroscience* 26, 1314-1328.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import ReducedWongWangExcInh
    >>> model = ReducedWongWangExcInh(J_i=[1.0, 1.2])  # feedback inhibition per region
    >>> state = jnp.full((2, 2), 0.1)
    >>> ReducedWongWangExcInh.dfun(state, jnp.zeros_like(state), model).shape
    (2, 2)
    """

    a_E: float = parameter(0.310, unit="1/ms", description="E gain (per nA)", range=(0.0, 0.5))
    b_E: float = parameter(0.125, unit="1/ms", description="E threshold", range=(0.0, 0.2))
    d_E: float = parameter(160.0, unit="ms", description="E curvature", range=(50.0, 300.0))
    gamma_E: float = parameter(0.641, description="E kinetic parameter", range=(0.0, 1.0))
    tau_E: float = parameter(100.0, unit="ms", description="NMDA decay time constant", range=(50.0, 150.0))
    w_p: float = parameter(1.4, description="local excitatory recurrence", range=(0.0, 2.0))
    J_N: float = parameter(0.15, description="NMDA coupling (nA)", range=(0.0, 0.5))
    W_E: float = parameter(1.0, description="external current scale onto E", range=(0.0, 2.0))
    a_I: float = parameter(0.615, unit="1/ms", description="I gain (per nA)", range=(0.0, 1.0))
    b_I: float = parameter(0.177, unit="1/ms", description="I threshold", range=(0.0, 0.3))
    d_I: float = parameter(87.0, unit="ms", description="I curvature", range=(20.0, 200.0))
    gamma_I: float = parameter(1.0, description="I kinetic parameter", range=(0.0, 2.0))
    tau_I: float = parameter(10.0, unit="ms", description="GABA decay time constant", range=(5.0, 100.0))
    J_i: float = parameter(1.0, description="feedback inhibition weight (nA)", range=(0.0, 2.0))
    W_I: float = parameter(0.7, description="external current scale onto I", range=(0.0, 1.0))
    I_0: float = parameter(0.382, description="effective external current (nA)", range=(0.0, 1.0))
    I_ext: float = parameter(0.0, description="stimulus current onto E (nA)", range=(0.0, 1.0))
    lam: float = parameter(0.0, description="long-range input fraction onto I", range=(0.0, 1.0))

    state_variables = ("S_E", "S_I")
    default_coupled_var = "S_E"
    variable_units = {"S_E": "1", "S_I": "1"}
    variable_long_names = {"S_E": "NMDA gating (excitatory)", "S_I": "GABA gating (inhibitory)"}
    initial_range = {"S_E": (0.0, 0.3), "S_I": (0.0, 0.1)}
    state_bounds = {"S_E": (0.0, 1.0), "S_I": (0.0, 1.0)}  # gating fractions

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: ReducedWongWangExcInh) -> jax.Array:
        S_E, S_I = state
        input_E, input_I = inputs
        network = p.J_N * input_E
        current_E = p.W_E * p.I_0 + p.w_p * p.J_N * S_E - p.J_i * S_I + p.I_ext + network
        current_I = p.W_I * p.I_0 + p.J_N * S_E - S_I + p.lam * network + p.J_N * input_I
        rate_E = wong_wang_rate(current_E, p.a_E, p.b_E, p.d_E)
        rate_I = wong_wang_rate(current_I, p.a_I, p.b_I, p.d_I)
        dS_E = -S_E / p.tau_E + (1.0 - S_E) * p.gamma_E * rate_E
        dS_I = -S_I / p.tau_I + p.gamma_I * rate_I
        return jnp.stack([dS_E, dS_I])
