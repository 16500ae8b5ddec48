r"""The Coombes-Byrne next-generation neural mass with a dynamic synaptic conductance."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class CoombesByrne(NodeModel):
    r"""Next-generation neural mass: QIF mean field with a conductance-based synapse (Coombes & Byrne 2019).

    .. math::

        \tau \frac{dr}{dt} &= \frac{\Delta}{\pi\tau} + 2 r V - g\, r \\
        \tau \frac{dV}{dt} &= V^2 - (\pi \tau r)^2 + \eta + g\,(v_\mathrm{syn} - V) + I_r + I_V \\
        \tau \frac{dg}{dt} &= \alpha\,(\kappa \pi \tau r - g) + I_g

    The exact mean field of a population of theta (QIF) neurons whose synapses act through
    a conductance :math:`g` with reversal potential :math:`v_\mathrm{syn}`: :math:`r` is
    the population rate (kHz), :math:`V` the mean potential and :math:`g` the conductance
    (both dimensionless); time in ms, :math:`\tau` the membrane time constant.  The
    conductance term :math:`g(v_\mathrm{syn} - V)` of every neuron contributes
    :math:`-g r` to the rate equation.  Here the synapse is first order,
    :math:`(1 + \alpha^{-1}\tau\, d/dt)\, g = \kappa\pi\tau r` (the chapter also uses a
    second-order, alpha-function synapse, four variables as in TVB's ``CoombesByrne``); at
    :math:`\alpha \to \infty` the model reduces to TVB's ``CoombesByrne2D``
    (:math:`g = \kappa \pi \tau r`).  Network input is a current in the :math:`V`
    equation (TVB's convention): the coupled variable is :math:`r` and its input enters
    :math:`dV/dt`.  Defaults: :math:`\Delta = 0.5`, :math:`\alpha = 0.95`,
    :math:`v_\mathrm{syn} = -10`, :math:`\kappa = 1`, :math:`\eta = 20` (TVB's
    ``CoombesByrne`` values, from Coombes & Byrne 2019) with :math:`\tau = 10` ms.  With
    these values the single fixed point (:math:`\tau r \approx 0.528`,
    :math:`V \approx 0.678`, :math:`g \approx 1.658`) is an unstable focus and the node
    oscillates on a limit cycle.

    Parameters
    ----------
    tau
        Membrane time constant (ms); the time unit of the dimensionless equations.
    Delta
        Half-width of the (Lorentzian) excitability distribution.
    eta
        Centre of the excitability distribution.
    v_syn
        Synaptic reversal potential.
    kappa
        Synaptic strength :math:`\kappa`.
    alpha
        Synaptic rate constant, in units of :math:`1/\tau`.

    References
    ----------
    Coombes, S. & Byrne, Á. (2019). Next generation neural mass models. In F. Corinto &
    A. Torcini (eds.), *Nonlinear Dynamics in Computational Neuroscience*, 1-16, Springer.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import CoombesByrne
    >>> state = jnp.array([[0.05], [0.0], [1.0]])       # r, V, g
    >>> CoombesByrne.dfun(state, jnp.zeros_like(state), CoombesByrne()).shape
    (3, 1)
    """

    tau: float = parameter(10.0, unit="ms", description="membrane time constant", range=(1.0, 30.0))
    Delta: float = parameter(0.5, description="half-width of the excitability distribution", range=(0.0, 10.0))
    eta: float = parameter(20.0, description="mean excitability", range=(-10.0, 30.0))
    v_syn: float = parameter(-10.0, description="synaptic reversal potential", range=(-20.0, 10.0))
    kappa: float = parameter(1.0, description="synaptic strength", range=(0.0, 5.0))
    alpha: float = parameter(0.95, description="synaptic rate constant (per tau)", range=(0.05, 10.0))

    state_variables = ("r", "V", "g")
    default_coupled_var = "r"
    variable_units = {"r": "1/ms", "V": "1", "g": "1"}
    variable_long_names = {"r": "firing rate", "V": "mean membrane potential", "g": "synaptic conductance"}
    initial_range = {"r": (0.0, 0.1), "V": (-2.0, 2.0), "g": (0.0, 2.0)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: CoombesByrne) -> jax.Array:
        r, V, g = state
        input_r, input_V, input_g = inputs
        tau_r = p.tau * r
        dr = p.Delta / (jnp.pi * p.tau) + 2.0 * r * V - g * r
        dV = V * V - (jnp.pi * tau_r) ** 2 + p.eta + g * (p.v_syn - V) + input_r + input_V
        dg = p.alpha * (p.kappa * jnp.pi * tau_r - g) + input_g
        return jnp.stack([dr / p.tau, dV / p.tau, dg / p.tau])
