r"""The Wilson-Cowan model with spike-frequency adaptation."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter
from .wilson_cowan import population_rate_derivative


@node_model
class WilsonCowanAdaptation(NodeModel):
    r"""Wilson-Cowan E-I populations, each with a slow adaptation variable.

    .. math::

        \tau_E \frac{dr_E}{dt} &= -r_E + (1 - r\,r_E)\,
            F\!\left(w_{EE} r_E - w_{IE} r_I - a_E + P_E + I_E;\ a_E^F, \theta_E\right) \\
        \tau_I \frac{dr_I}{dt} &= -r_I + (1 - r\,r_I)\,
            F\!\left(w_{EI} r_E - w_{II} r_I - a_I + P_I + I_I;\ a_I^F, \theta_I\right) \\
        \tau_{aE} \frac{da_E}{dt} &= -a_E + b_E\, r_E \\
        \tau_{aI} \frac{da_I}{dt} &= -a_I + b_I\, r_I

    with :math:`F` the shifted logistic of
    :func:`~wbxr.models.wilson_cowan.wilson_cowan_sigmoid` (its gains :math:`a^F` are the
    parameters ``a_E``, ``a_I``; the adaptation variables are the states ``aE``, ``aI``).
    Each population's activity drives a slow negative feedback that subtracts from its
    input: the rate-model form of spike-frequency adaptation (Benda & Herz 2003), as in
    the Wilson-Cowan models with adaptation of Wilson (2003) and Tabak et al. (2000), and
    brainmass's ``WilsonCowanAdaptive``.  At a fixed point :math:`a = b\,r`, so adaptation
    acts like an extra self-inhibition :math:`b` and lowers the steady rate; with
    :math:`b = 0` the model is :class:`~wbxr.models.WilsonCowan`.

    Activities and adaptation are dimensionless (adaptation in units of the drive), time
    in ms; ``wIE`` is the weight from I onto E, ``wEI`` from E onto I; :math:`I_E, I_I` act
    inside :math:`F`, inputs of ``aE``, ``aI`` add to their derivatives.  Defaults: the
    parameters of :class:`~wbxr.models.WilsonCowan` (Wilson & Cowan 1972) with adaptation
    of the excitatory population only (:math:`b_E = 1`, :math:`\tau_{aE} = 100` ms,
    :math:`b_I = 0`: fast-spiking interneurons barely adapt).

    References
    ----------
    Benda, J. & Herz, A. V. M. (2003). A universal model for spike-frequency adaptation.
    *Neural Computation* 15, 2523-2564.
    Wilson, H. R. (2003). Computational evidence for a rivalry hierarchy in vision.
    *PNAS* 100, 14499-14503.
    Tabak, J., Senn, W., O'Donovan, M. J. & Rinzel, J. (2000). Modeling of spontaneous
    activity in developing spinal cord using activity-dependent depression in an excitatory
    network. *Journal of Neuroscience* 20, 3041-3056.
    Wilson, H. R. & Cowan, J. D. (1972). Excitatory and inhibitory interactions in localized
    populations of model neurons. *Biophysical Journal* 12, 1-24.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import WilsonCowanAdaptation
    >>> state = jnp.array([[0.4], [0.1], [0.0], [0.0]])     # rE, rI, aE, aI
    >>> d = WilsonCowanAdaptation.dfun(state, jnp.zeros_like(state), WilsonCowanAdaptation())
    >>> round(float(d[2, 0]), 6)                              # b_E rE / tau_aE
    0.004
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
    r: float = parameter(1.0, description="refractoriness", range=(0.0, 2.0))
    P_E: float = parameter(0.0, description="external drive to E", range=(-2.0, 4.0))
    P_I: float = parameter(0.0, description="external drive to I", range=(-2.0, 4.0))
    b_E: float = parameter(1.0, description="excitatory adaptation strength", range=(0.0, 5.0))
    b_I: float = parameter(0.0, description="inhibitory adaptation strength", range=(0.0, 5.0))
    tau_aE: float = parameter(100.0, unit="ms", description="excitatory adaptation time constant",
                              range=(10.0, 1000.0))
    tau_aI: float = parameter(100.0, unit="ms", description="inhibitory adaptation time constant",
                              range=(10.0, 1000.0))

    state_variables = ("rE", "rI", "aE", "aI")
    default_coupled_var = "rE"
    variable_units = {"rE": "1", "rI": "1", "aE": "1", "aI": "1"}
    variable_long_names = {
        "rE": "excitatory activity",
        "rI": "inhibitory activity",
        "aE": "excitatory adaptation",
        "aI": "inhibitory adaptation",
    }
    initial_range = {"rE": (0.0, 0.1), "rI": (0.0, 0.1), "aE": (0.0, 0.05), "aI": (0.0, 0.05)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: WilsonCowanAdaptation) -> jax.Array:
        rE, rI, aE, aI = state
        input_E, input_I, input_aE, input_aI = inputs
        drive_E = p.wEE * rE - p.wIE * rI - aE + p.P_E + input_E
        drive_I = p.wEI * rE - p.wII * rI - aI + p.P_I + input_I
        return jnp.stack([
            population_rate_derivative(rE, drive_E, p.tau_E, p.a_E, p.theta_E, p.r),
            population_rate_derivative(rI, drive_I, p.tau_I, p.a_I, p.theta_I, p.r),
            (-aE + p.b_E * rE) / p.tau_aE + input_aE,
            (-aI + p.b_I * rI) / p.tau_aI + input_aI,
        ])
