r"""The Wilson-Cowan model with one response function and time constant for both populations."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter
from .wilson_cowan import population_rate_derivative


@node_model
class WilsonCowanSymmetric(NodeModel):
    r"""Wilson-Cowan E-I populations sharing one time constant and one response function.

    .. math::

        \tau \frac{dr_E}{dt} &= -r_E + (1 - r\,r_E)\,
            F\!\left(w_{EE} r_E - w_{IE} r_I + P_E + I_E;\ a, \theta\right) \\
        \tau \frac{dr_I}{dt} &= -r_I + (1 - r\,r_I)\,
            F\!\left(w_{EI} r_E - w_{II} r_I + P_I + I_I;\ a, \theta\right)

    with :math:`F` the shifted logistic of
    :func:`~wbxr.models.wilson_cowan.wilson_cowan_sigmoid`: the equations of Wilson &
    Cowan (1972) in which the two populations differ only in their connections, i.e.
    :class:`~wbxr.models.WilsonCowan` with :math:`\tau_E = \tau_I`, :math:`a_E = a_I` and
    :math:`\theta_E = \theta_I`.  The E-I asymmetry then lies in the weights alone, which
    halves the parameters of the local dynamics (useful when fitting).

    *The name is ambiguous*: "symmetric" is used for this shared-response form by brainmass
    (``WilsonCowanSymmetric``), the established library with a model of that name, and that
    is the definition used here; it does *not* mean symmetric weights (:math:`w_{EI} = w_{IE}`),
    which can be set explicitly.  Activities are dimensionless, time is in ms; ``wIE`` is
    the weight from I onto E, ``wEI`` from E onto I.  Inputs :math:`I_E, I_I` act inside
    :math:`F`.  Defaults: the weights of Wilson & Cowan (1972) used by
    :class:`~wbxr.models.WilsonCowan`, with gain and threshold the means of its two
    response functions (:math:`a = 1.1`, :math:`\theta = 3.4`, as in brainmass).

    References
    ----------
    Wilson, H. R. & Cowan, J. D. (1972). Excitatory and inhibitory interactions in localized
    populations of model neurons. *Biophysical Journal* 12, 1-24.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import WilsonCowanSymmetric
    >>> zero = jnp.zeros((2, 3))            # the quiescent state is a fixed point
    >>> float(jnp.abs(WilsonCowanSymmetric.dfun(zero, zero, WilsonCowanSymmetric())).max())
    0.0
    """

    tau: float = parameter(1.0, unit="ms", description="time constant of both populations", range=(0.5, 20.0))
    a: float = parameter(1.1, description="sigmoid gain of both populations", range=(0.5, 3.0))
    theta: float = parameter(3.4, description="sigmoid threshold of both populations", range=(1.0, 8.0))
    wEE: float = parameter(12.0, description="E -> E weight", range=(0.0, 20.0))
    wIE: float = parameter(4.0, description="I -> E weight", range=(0.0, 20.0))
    wEI: float = parameter(13.0, description="E -> I weight", range=(0.0, 20.0))
    wII: float = parameter(11.0, description="I -> I weight", range=(0.0, 20.0))
    r: float = parameter(1.0, description="refractoriness", range=(0.0, 2.0))
    P_E: float = parameter(0.0, description="external drive to E", range=(-2.0, 4.0))
    P_I: float = parameter(0.0, description="external drive to I", range=(-2.0, 4.0))

    state_variables = ("rE", "rI")
    default_coupled_var = "rE"
    variable_units = {"rE": "1", "rI": "1"}
    variable_long_names = {"rE": "excitatory activity", "rI": "inhibitory activity"}
    initial_range = {"rE": (0.0, 0.1), "rI": (0.0, 0.1)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: WilsonCowanSymmetric) -> jax.Array:
        rE, rI = state
        input_E, input_I = inputs
        drive_E = p.wEE * rE - p.wIE * rI + p.P_E + input_E
        drive_I = p.wEI * rE - p.wII * rI + p.P_I + input_I
        return jnp.stack([
            population_rate_derivative(rE, drive_E, p.tau, p.a, p.theta, p.r),
            population_rate_derivative(rI, drive_I, p.tau, p.a, p.theta, p.r),
        ])
