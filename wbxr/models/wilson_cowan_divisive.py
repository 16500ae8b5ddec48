r"""The Wilson-Cowan model with divisive (normalising) inhibition."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter
from .wilson_cowan import wilson_cowan_sigmoid


@node_model
class WilsonCowanDivisive(NodeModel):
    r"""Wilson-Cowan E-I populations whose inhibition divides the response (normalisation).

    .. math::

        \tau_E \frac{dr_E}{dt} &= -r_E + (1 - r\,r_E)\,
            \frac{F\!\left(w_{EE} r_E + P_E + I_E;\ a_E, \theta_E\right)}{\sigma_E + w_{IE} r_I} \\
        \tau_I \frac{dr_I}{dt} &= -r_I + (1 - r\,r_I)\,
            \frac{F\!\left(w_{EI} r_E + P_I + I_I;\ a_I, \theta_I\right)}{\sigma_I + w_{II} r_I}

    with :math:`F` the shifted logistic of
    :func:`~wbxr.models.wilson_cowan.wilson_cowan_sigmoid`.  Inhibition does not subtract
    from the drive but divides the response, as in the normalisation model (Heeger 1992;
    Carandini & Heeger 2012): the semi-saturation constant :math:`\sigma` sets the response
    without inhibition and the inhibitory pool scales it down.  Because
    :math:`F < F_{\max} = 1 - 1/(1 + e^{a\theta})` and the divisor is at least
    :math:`\sigma` for :math:`r_I \ge 0`, the steady rates are bounded by
    :math:`F_{\max}/\sigma` however strong the drive, even without refractoriness
    (:math:`r = 0`).  This is brainmass's ``WilsonCowanDivisive`` (gain modulation).

    Activities are dimensionless, time in ms; ``wIE`` is the weight from I onto E, ``wEI``
    from E onto I; :math:`I_E, I_I` act inside :math:`F`.  The divisor must stay positive,
    i.e. :math:`r_I > -\sigma / w`.  Defaults: brainmass's (the response functions and time
    constants of Wilson & Cowan 1972 with weights halved, :math:`\sigma_E = \sigma_I = 1`).

    References
    ----------
    Heeger, D. J. (1992). Normalization of cell responses in cat striate cortex.
    *Visual Neuroscience* 9, 181-197.
    Carandini, M. & Heeger, D. J. (2012). Normalization as a canonical neural computation.
    *Nature Reviews Neuroscience* 13, 51-62.
    Wilson, H. R. & Cowan, J. D. (1972). Excitatory and inhibitory interactions in localized
    populations of model neurons. *Biophysical Journal* 12, 1-24.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import WilsonCowanDivisive
    >>> zero = jnp.zeros((2, 3))            # the quiescent state is a fixed point
    >>> float(jnp.abs(WilsonCowanDivisive.dfun(zero, zero, WilsonCowanDivisive())).max())
    0.0
    """

    tau_E: float = parameter(1.0, unit="ms", description="excitatory time constant", range=(0.5, 20.0))
    tau_I: float = parameter(1.0, unit="ms", description="inhibitory time constant", range=(0.5, 20.0))
    a_E: float = parameter(1.2, description="excitatory sigmoid gain", range=(0.5, 3.0))
    theta_E: float = parameter(2.8, description="excitatory sigmoid threshold", range=(1.0, 6.0))
    a_I: float = parameter(1.0, description="inhibitory sigmoid gain", range=(0.5, 3.0))
    theta_I: float = parameter(4.0, description="inhibitory sigmoid threshold", range=(1.0, 8.0))
    wEE: float = parameter(6.0, description="E -> E weight", range=(0.0, 20.0))
    wIE: float = parameter(6.5, description="I -> E divisive weight", range=(0.0, 20.0))
    wEI: float = parameter(2.0, description="E -> I weight", range=(0.0, 20.0))
    wII: float = parameter(5.5, description="I -> I divisive weight", range=(0.0, 20.0))
    sigma_E: float = parameter(1.0, description="excitatory semi-saturation constant", range=(0.1, 5.0))
    sigma_I: float = parameter(1.0, description="inhibitory semi-saturation constant", range=(0.1, 5.0))
    r: float = parameter(1.0, description="refractoriness", range=(0.0, 2.0))
    P_E: float = parameter(0.0, description="external drive to E", range=(-2.0, 10.0))
    P_I: float = parameter(0.0, description="external drive to I", range=(-2.0, 10.0))

    state_variables = ("rE", "rI")
    default_coupled_var = "rE"
    variable_units = {"rE": "1", "rI": "1"}
    variable_long_names = {"rE": "excitatory activity", "rI": "inhibitory activity"}
    initial_range = {"rE": (0.0, 0.1), "rI": (0.0, 0.1)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: WilsonCowanDivisive) -> jax.Array:
        rE, rI = state
        input_E, input_I = inputs
        response_E = wilson_cowan_sigmoid(p.wEE * rE + p.P_E + input_E, p.a_E, p.theta_E)
        response_I = wilson_cowan_sigmoid(p.wEI * rE + p.P_I + input_I, p.a_I, p.theta_I)
        d_rE = (-rE + (1.0 - p.r * rE) * response_E / (p.sigma_E + p.wIE * rI)) / p.tau_E
        d_rI = (-rI + (1.0 - p.r * rI) * response_I / (p.sigma_I + p.wII * rI)) / p.tau_I
        return jnp.stack([d_rE, d_rI])
