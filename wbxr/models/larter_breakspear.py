r"""The Larter-Breakspear conductance-based neural mass (a modified Morris-Lecar model)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class LarterBreakspear(NodeModel):
    r"""Larter-Breakspear model: pyramidal voltage, potassium gating and inhibitory interneurons.

    .. math::

        \frac{dV}{dt} &= t_s \Big[ -\big(g_{Ca} + r_{NMDA}\, a_{ee}\, \bar Q\big)\, m_{Ca}\, (V - V_{Ca})
            - g_K W (V - V_K) - g_L (V - V_L) \\
            &\qquad - \big(g_{Na} m_{Na} + a_{ee} \bar Q\big)(V - V_{Na})
            - a_{ie} Z Q_Z + a_{ne} I_\mathrm{ext} \Big] \\
        \frac{dW}{dt} &= t_s \Big[\phi\, \frac{m_K - W}{\tau_K} + I_W\Big] \\
        \frac{dZ}{dt} &= t_s \Big[b\, \big(a_{ni} I_\mathrm{ext} + a_{ei} V Q_V\big) + I_Z\Big]

    with :math:`m_\mathrm{ion} = \tfrac12 (1 + \tanh((V - T_\mathrm{ion})/\delta_\mathrm{ion}))`,
    :math:`Q_V = \tfrac12 Q_{V,\max} (1 + \tanh((V - V_T)/\delta_V))`,
    :math:`Q_Z = \tfrac12 Q_{Z,\max} (1 + \tanh((Z - Z_T)/\delta_Z))` and the excitatory
    drive :math:`\bar Q = (1 - C)\, Q_V + C\, I_V` mixing the region's own firing with the
    input :math:`I_V` of :math:`V` (network coupling, input noise), with weight :math:`C`.
    The equations are dimensionless; :math:`t_s` (1/ms, default 1) converts their time to
    ms.  Defaults: TVB's ``LarterBreakspear`` (Breakspear et al. 2003; Alstott et al.
    2009), :math:`\delta_V = 0.65`.  With these values an uncoupled node (:math:`C = 0`)
    settles on a stable focus for :math:`\delta_V = 0.5`; the focus loses stability in a
    Hopf bifurcation below :math:`\delta_V = 0.55` and the node oscillates (TVB notes
    fixed points below 0.55, limit cycles up to 0.59 and chaos above for some parameter
    sets; the chaotic regime needs other values, e.g. :math:`a_{ee} = 0.5`, and network
    coupling).  :math:`Z` has no decay term: a trajectory that leaves the basin of the
    attractor runs away (:math:`V \to -\infty`, with :math:`Z` growing), which large noise
    or input can trigger.

    **Coupling caveat:** in the literature :math:`I_V` is the weighted mean *firing rate*
    :math:`\sum_j W_{ij} Q_V(V_j)` of the other regions (a sigmoidal coupling function);
    wbxr's linear coupling gives :math:`k \sum_j W_{ij} V_j` (additive) or the
    difference form instead.  Note also that :math:`C > 0` removes a fraction :math:`C` of
    the node's own excitation even when the network input is zero.

    Parameters
    ----------
    gCa, gK, gL, gNa
        Maximal conductances of the Ca, K, leak and Na channels.
    VCa, VK, VL, VNa
        Nernst potentials.
    TCa, TK, TNa, d_Ca, d_K, d_Na
        Thresholds and widths of the channel activation functions.
    phi, tau_K
        Temperature factor and relaxation time of the K gating.
    aee, aei, aie, ane, ani
        Synaptic strengths (E->E, E->I, I->E, external->E, external->I).
    rNMDA
        Ratio of NMDA to AMPA receptors.
    b
        Time-scale factor of the inhibitory population.
    Iext
        Non-specific (subcortical) input.
    VT, d_V, ZT, d_Z, QV_max, QZ_max
        Thresholds, widths and maxima of the excitatory and inhibitory firing functions.
    C
        Weight of the network input against the node's own excitation.
    t_scale
        Time scale (1/ms): one unit of the equations' time is ``1 / t_scale`` ms.

    References
    ----------
    Breakspear, M., Terry, J. R. & Friston, K. J. (2003). Modulation of excitatory synaptic
    coupling facilitates synchronization and complex dynamics in a biophysical model of
    neuronal dynamics. *Network: Computation in Neural Systems* 14, 703-732.
    Larter, R., Speelman, B. & Worth, R. M. (1999). A coupled ordinary differential
    equation lattice model for the simulation of epileptic seizures. *Chaos* 9, 795-804.
    Alstott, J., Breakspear, M., Hagmann, P., Cammoun, L. & Sporns, O. (2009). Modeling the
    impact of lesions in the human brain. *PLoS Computational Biology* 5, e1000408.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import LarterBreakspear
    >>> state = jnp.zeros((3, 4))                       # V = W = Z = 0 in four regions
    >>> LarterBreakspear.dfun(state, jnp.zeros_like(state), LarterBreakspear()).shape
    (3, 4)
    """

    gCa: float = parameter(1.1, description="Ca conductance", range=(0.9, 1.5))
    gK: float = parameter(2.0, description="K conductance", range=(1.95, 2.05))
    gL: float = parameter(0.5, description="leak conductance", range=(0.45, 0.55))
    phi: float = parameter(0.7, description="temperature scaling factor", range=(0.3, 0.9))
    gNa: float = parameter(6.7, description="Na conductance", range=(0.0, 10.0))
    TK: float = parameter(0.0, description="K threshold", range=(-0.1, 0.1))
    TCa: float = parameter(-0.01, description="Ca threshold", range=(-0.02, -0.01))
    TNa: float = parameter(0.3, description="Na threshold", range=(0.25, 0.3))
    VCa: float = parameter(1.0, description="Ca Nernst potential", range=(0.9, 1.1))
    VK: float = parameter(-0.7, description="K Nernst potential", range=(-0.8, -0.6))
    VL: float = parameter(-0.5, description="leak Nernst potential", range=(-0.7, -0.4))
    VNa: float = parameter(0.53, description="Na Nernst potential", range=(0.51, 0.55))
    d_K: float = parameter(0.3, description="width of the K threshold", range=(0.1, 0.4))
    tau_K: float = parameter(1.0, description="K relaxation time", range=(1.0, 10.0))
    d_Na: float = parameter(0.15, description="width of the Na threshold", range=(0.1, 0.2))
    d_Ca: float = parameter(0.15, description="width of the Ca threshold", range=(0.1, 0.2))
    aei: float = parameter(2.0, description="E -> I synaptic strength", range=(0.1, 2.0))
    aie: float = parameter(2.0, description="I -> E synaptic strength", range=(0.5, 2.0))
    b: float = parameter(0.1, description="inhibitory time-scale factor", range=(0.0001, 1.0))
    C: float = parameter(0.1, description="weight of the network input", range=(0.0, 1.0))
    ane: float = parameter(1.0, description="external -> E strength", range=(0.4, 1.0))
    ani: float = parameter(0.4, description="external -> I strength", range=(0.3, 0.5))
    aee: float = parameter(0.4, description="E -> E synaptic strength", range=(0.0, 0.6))
    Iext: float = parameter(0.3, description="non-specific input", range=(0.165, 0.3))
    rNMDA: float = parameter(0.25, description="NMDA/AMPA ratio", range=(0.2, 0.3))
    VT: float = parameter(0.0, description="excitatory firing threshold", range=(0.0, 0.7))
    d_V: float = parameter(0.65, description="width of the excitatory threshold", range=(0.49, 0.7))
    ZT: float = parameter(0.0, description="inhibitory firing threshold", range=(0.0, 0.1))
    d_Z: float = parameter(0.7, description="width of the inhibitory threshold", range=(0.001, 0.75))
    QV_max: float = parameter(1.0, description="maximal excitatory firing rate", range=(0.1, 1.0))
    QZ_max: float = parameter(1.0, description="maximal inhibitory firing rate", range=(0.1, 1.0))
    t_scale: float = parameter(1.0, unit="1/ms", description="time scale", range=(0.1, 1.0))

    state_variables = ("V", "W", "Z")
    default_coupled_var = "V"
    variable_units = {"V": "1", "W": "1", "Z": "1"}
    variable_long_names = {
        "V": "mean pyramidal membrane potential",
        "W": "fraction of open K channels",
        "Z": "mean inhibitory membrane potential",
    }
    initial_range = {"V": (-0.5, 0.5), "W": (0.0, 0.5), "Z": (-0.5, 0.5)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: LarterBreakspear) -> jax.Array:
        V, W, Z = state
        input_V, input_W, input_Z = inputs
        m_Ca = 0.5 * (1.0 + jnp.tanh((V - p.TCa) / p.d_Ca))
        m_Na = 0.5 * (1.0 + jnp.tanh((V - p.TNa) / p.d_Na))
        m_K = 0.5 * (1.0 + jnp.tanh((V - p.TK) / p.d_K))
        QV = 0.5 * p.QV_max * (1.0 + jnp.tanh((V - p.VT) / p.d_V))
        QZ = 0.5 * p.QZ_max * (1.0 + jnp.tanh((Z - p.ZT) / p.d_Z))
        drive = (1.0 - p.C) * QV + p.C * input_V
        dV = (
            -(p.gCa + p.rNMDA * p.aee * drive) * m_Ca * (V - p.VCa)
            - p.gK * W * (V - p.VK)
            - p.gL * (V - p.VL)
            - (p.gNa * m_Na + p.aee * drive) * (V - p.VNa)
            - p.aie * Z * QZ
            + p.ane * p.Iext
        )
        dW = p.phi * (m_K - W) / p.tau_K + input_W
        dZ = p.b * (p.ani * p.Iext + p.aei * V * QV) + input_Z
        return jnp.stack([p.t_scale * dV, p.t_scale * dW, p.t_scale * dZ])
