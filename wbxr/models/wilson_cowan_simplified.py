r"""The Wilson-Cowan model with two weights: one per presynaptic population."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter
from .wilson_cowan import population_rate_derivative


@node_model
class WilsonCowanSimplified(NodeModel):
    r"""Wilson-Cowan E-I populations with one excitatory and one inhibitory weight.

    .. math::

        x &= w_{exc}\, r_E - w_{inh}\, r_I \\
        \tau_E \frac{dr_E}{dt} &= -r_E + (1 - r\,r_E)\,
            F\!\left(x + P_E + I_E;\ a_E, \theta_E\right) \\
        \tau_I \frac{dr_I}{dt} &= -r_I + (1 - r\,r_I)\,
            F\!\left(x + P_I + I_I;\ a_I, \theta_I\right)

    with :math:`F` the shifted logistic of
    :func:`~wbxr.models.wilson_cowan.wilson_cowan_sigmoid`.  A synapse's strength depends
    only on the presynaptic population, as in Brunel's (2000) model A (excitatory weight
    :math:`J`, inhibitory :math:`-gJ` onto every cell): :class:`~wbxr.models.WilsonCowan`
    with :math:`w_{EE} = w_{EI} = w_{exc}` and :math:`w_{IE} = w_{II} = w_{inh}`.  Both
    populations then see the same recurrent input :math:`x` and differ only in their
    response functions, time constants and drives.  brainmass calls this form
    ``WilsonCowanSimplified``; its defaults (``w_exc = 8``, ``w_inh = 12`` with the response
    functions of Wilson & Cowan 1972) are used here.  Activities are dimensionless, time is
    in ms; the inputs :math:`I_E, I_I` act inside :math:`F`.

    References
    ----------
    Wilson, H. R. & Cowan, J. D. (1972). Excitatory and inhibitory interactions in localized
    populations of model neurons. *Biophysical Journal* 12, 1-24.
    Brunel, N. (2000). Dynamics of sparsely connected networks of excitatory and inhibitory
    spiking neurons. *Journal of Computational Neuroscience* 8, 183-208.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import WilsonCowanSimplified
    >>> zero = jnp.zeros((2, 3))            # the quiescent state is a fixed point
    >>> float(jnp.abs(WilsonCowanSimplified.dfun(zero, zero, WilsonCowanSimplified())).max())
    0.0
    """

    tau_E: float = parameter(1.0, unit="ms", description="excitatory time constant", range=(0.5, 20.0))
    tau_I: float = parameter(1.0, unit="ms", description="inhibitory time constant", range=(0.5, 20.0))
    a_E: float = parameter(1.2, description="excitatory sigmoid gain", range=(0.5, 3.0))
    theta_E: float = parameter(2.8, description="excitatory sigmoid threshold", range=(1.0, 6.0))
    a_I: float = parameter(1.0, description="inhibitory sigmoid gain", range=(0.5, 3.0))
    theta_I: float = parameter(4.0, description="inhibitory sigmoid threshold", range=(1.0, 8.0))
    w_exc: float = parameter(8.0, description="weight of E onto both populations", range=(0.0, 20.0))
    w_inh: float = parameter(12.0, description="weight of I onto both populations", range=(0.0, 20.0))
    r: float = parameter(1.0, description="refractoriness", range=(0.0, 2.0))
    P_E: float = parameter(0.0, description="external drive to E", range=(-2.0, 4.0))
    P_I: float = parameter(0.0, description="external drive to I", range=(-2.0, 4.0))

    state_variables = ("rE", "rI")
    default_coupled_var = "rE"
    variable_units = {"rE": "1", "rI": "1"}
    variable_long_names = {"rE": "excitatory activity", "rI": "inhibitory activity"}
    initial_range = {"rE": (0.0, 0.1), "rI": (0.0, 0.1)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: WilsonCowanSimplified) -> jax.Array:
        rE, rI = state
        input_E, input_I = inputs
        recurrent = p.w_exc * rE - p.w_inh * rI
        return jnp.stack([
            population_rate_derivative(rE, recurrent + p.P_E + input_E, p.tau_E, p.a_E, p.theta_E, p.r),
            population_rate_derivative(rI, recurrent + p.P_I + input_I, p.tau_I, p.a_I, p.theta_I, p.r),
        ])
