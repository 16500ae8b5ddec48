r"""The Montbrió-Pazó-Roxin exact mean field of quadratic integrate-and-fire neurons."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class MontbrioPazoRoxin(NodeModel):
    r"""Firing rate and mean membrane potential of an infinite QIF population (Montbrió et al. 2015).

    .. math::

        \tau \frac{dr}{dt} &= \frac{\Delta}{\pi \tau} + 2 r V \\
        \tau \frac{dV}{dt} &= V^2 + \bar\eta + J \tau r - (\pi \tau r)^2 + I_r + I_V

    the exact (Ott-Antonsen) reduction of all-to-all coupled quadratic integrate-and-fire
    neurons with Lorentzian-distributed excitabilities of centre :math:`\bar\eta` and
    half-width :math:`\Delta`.  :math:`r` is the population rate in kHz (1/ms) and
    :math:`V` the dimensionless mean potential; time in ms.  Network input arrives as a
    current in the :math:`V` equation: the coupled variable is :math:`r` (synaptic
    coupling, TVB's ``cr`` term) and its input :math:`I_r` enters :math:`dV/dt`, as does
    the input :math:`I_V` of :math:`V` (with ``coupled_var="V"``: electrical coupling).
    Defaults: the bistable set :math:`\Delta = 1`, :math:`J = 15`, :math:`\bar\eta = -5`
    of Montbrió et al. (2015, Figs. 1-2) with membrane time constant :math:`\tau = 10` ms
    (TVB's default is 1 ms).  With these values a node has two stable fixed points, a
    low-activity node (:math:`\tau r \approx 0.081`, :math:`V \approx -1.96`) and a
    high-activity focus (:math:`\tau r \approx 1.031`, :math:`V \approx -0.154`) whose
    damped oscillations are at :math:`\approx 3.32/(2\pi\tau)` (53 Hz), separated by a
    saddle.  The rate must stay positive; nothing enforces it under strong noise or
    inhibitory input.

    Parameters
    ----------
    tau
        Membrane time constant (ms).
    Delta
        Half-width of the excitability distribution.
    eta
        Centre :math:`\bar\eta` of the excitability distribution.
    J
        Mean synaptic weight.
    I_ext
        Constant external current.

    References
    ----------
    Montbrió, E., Pazó, D. & Roxin, A. (2015). Macroscopic description for networks of
    spiking neurons. *Physical Review X* 5, 021028.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import MontbrioPazoRoxin
    >>> state = jnp.array([[0.1], [0.0]])               # r = 0.1 kHz, V = 0
    >>> d = MontbrioPazoRoxin.dfun(state, jnp.zeros_like(state), MontbrioPazoRoxin())
    >>> [round(v, 5) for v in d.ravel().tolist()]
    [0.00318, 0.01304]
    """

    tau: float = parameter(10.0, unit="ms", description="membrane time constant", range=(1.0, 30.0))
    Delta: float = parameter(1.0, description="half-width of the excitability distribution", range=(0.0, 10.0))
    eta: float = parameter(-5.0, description="mean excitability", range=(-10.0, 10.0))
    J: float = parameter(15.0, description="mean synaptic weight", range=(-25.0, 25.0))
    I_ext: float = parameter(0.0, description="constant external current", range=(-10.0, 10.0))

    state_variables = ("r", "V")
    default_coupled_var = "r"
    variable_units = {"r": "1/ms", "V": "1"}
    variable_long_names = {"r": "firing rate", "V": "mean membrane potential"}
    initial_range = {"r": (0.0, 0.1), "V": (-2.0, 1.0)}
    state_bounds = {"r": (0.0, None)}  # a firing rate

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: MontbrioPazoRoxin) -> jax.Array:
        r, V = state
        input_r, input_V = inputs
        tau_r = p.tau * r
        dr = p.Delta / (jnp.pi * p.tau) + 2.0 * r * V
        dV = V * V + p.eta + p.J * tau_r - (jnp.pi * tau_r) ** 2 + p.I_ext + input_r + input_V
        return jnp.stack([dr / p.tau, dV / p.tau])
