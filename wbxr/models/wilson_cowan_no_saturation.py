r"""The Wilson-Cowan model without the refractory (saturation) factor."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter
from .wilson_cowan import population_rate_derivative


@node_model
class WilsonCowanNoSaturation(NodeModel):
    r"""Wilson-Cowan E-I populations without refractoriness (no :math:`1 - r\,r_E` factor).

    .. math::

        \tau_E \frac{dr_E}{dt} &= -r_E +
            F\!\left(w_{EE} r_E - w_{IE} r_I + P_E + I_E;\ a_E, \theta_E\right) \\
        \tau_I \frac{dr_I}{dt} &= -r_I +
            F\!\left(w_{EI} r_E - w_{II} r_I + P_I + I_I;\ a_I, \theta_I\right)

    with :math:`F` the shifted logistic of
    :func:`~wbxr.models.wilson_cowan.wilson_cowan_sigmoid`.  This is the form in which the
    Wilson-Cowan equations are most often analysed (Ermentrout & Terman 2010, ch. 11;
    Destexhe & Sejnowski 2009): :class:`~wbxr.models.WilsonCowan` with refractoriness
    :math:`r = 0` (brainmass calls it ``WilsonCowanNoSaturation``).  Activities :math:`r_E, r_I` are dimensionless
    fractions, time is in ms; ``wIE`` is the weight from I onto E, ``wEI`` from E onto I.
    :math:`I_E, I_I` (network coupling through ``rE`` and input noise) act inside
    :math:`F`, like the drives :math:`P_E, P_I`.

    Defaults: the parameter set of :class:`~wbxr.models.WilsonCowan` (Wilson & Cowan
    1972, as in TVB and brainmass); without refractoriness it is bistable, with a stable
    quiescent state and a stable active state (:math:`r_E \approx 0.97`) separated by a
    saddle.  Wilson & Cowan's
    limit-cycle set (``wEE=16, wIE=12, wEI=15, wII=3, a_E=1.3, theta_E=4, a_I=2,
    theta_I=3.7``, :math:`\tau = 8` ms, ``P_E=1.25``) oscillates at about 16 Hz in this form.

    References
    ----------
    Wilson, H. R. & Cowan, J. D. (1972). Excitatory and inhibitory interactions in localized
    populations of model neurons. *Biophysical Journal* 12, 1-24.
    Ermentrout, G. B. & Terman, D. H. (2010). *Mathematical Foundations of Neuroscience*,
    ch. 11. Springer.
    Destexhe, A. & Sejnowski, T. J. (2009). The Wilson-Cowan model, 36 years later.
    *Biological Cybernetics* 101, 1-2.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import WilsonCowanNoSaturation
    >>> state = jnp.array([[0.5], [0.2]])
    >>> d = WilsonCowanNoSaturation.dfun(state, jnp.zeros_like(state), WilsonCowanNoSaturation())
    >>> [round(float(v), 4) for v in d[:, 0]]
    [0.4133, 0.3565]
    """

    tau_E: float = parameter(1.0, unit="ms", description="excitatory time constant", range=(0.5, 20.0))
    tau_I: float = parameter(1.0, unit="ms", description="inhibitory time constant", range=(0.5, 20.0))
    a_E: float = parameter(1.2, description="excitatory sigmoid gain", range=(0.5, 3.0))
    theta_E: float = parameter(2.8, description="excitatory sigmoid threshold", range=(1.0, 6.0))
    a_I: float = parameter(1.0, description="inhibitory sigmoid gain", range=(0.5, 3.0))
    theta_I: float = parameter(4.0, description="inhibitory sigmoid threshold", range=(1.0, 8.0))
    wEE: float = parameter(12.0, description="E -> E weight", range=(0.0, 20.0))
    wIE: float = parameter(4.0, description="I -> E weight", range=(0.0, 20.0))
    wEI: float = parameter(13.0, description="E -> I weight", range=(0.0, 20.0))
    wII: float = parameter(11.0, description="I -> I weight", range=(0.0, 20.0))
    P_E: float = parameter(0.0, description="external drive to E", range=(-2.0, 4.0))
    P_I: float = parameter(0.0, description="external drive to I", range=(-2.0, 4.0))

    state_variables = ("rE", "rI")
    default_coupled_var = "rE"
    variable_units = {"rE": "1", "rI": "1"}
    variable_long_names = {"rE": "excitatory activity", "rI": "inhibitory activity"}
    initial_range = {"rE": (0.0, 0.1), "rI": (0.0, 0.1)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: WilsonCowanNoSaturation) -> jax.Array:
        rE, rI = state
        input_E, input_I = inputs
        drive_E = p.wEE * rE - p.wIE * rI + p.P_E + input_E
        drive_I = p.wEI * rE - p.wII * rI + p.P_I + input_I
        return jnp.stack([
            population_rate_derivative(rE, drive_E, p.tau_E, p.a_E, p.theta_E),
            population_rate_derivative(rI, drive_I, p.tau_I, p.a_I, p.theta_I),
        ])
