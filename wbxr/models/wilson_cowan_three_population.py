r"""The three-population Wilson-Cowan model: pyramidal cells, PV and SST interneurons."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter
from .wilson_cowan import population_rate_derivative


@node_model
class WilsonCowanThreePopulation(NodeModel):
    r"""Wilson-Cowan populations of excitatory (E), PV and SST inhibitory cells.

    .. math::

        \tau_E \frac{dr_E}{dt} &= -r_E + (1 - r\,r_E)\, F\!\left(w_{EE} r_E - w_{PE} r_P
            - w_{SE} r_S + P_E + I_E;\ a_E, \theta_E\right) \\
        \tau_P \frac{dr_P}{dt} &= -r_P + (1 - r\,r_P)\, F\!\left(w_{EP} r_E - w_{PP} r_P
            - w_{SP} r_S + P_P + I_P;\ a_P, \theta_P\right) \\
        \tau_S \frac{dr_S}{dt} &= -r_S + (1 - r\,r_S)\, F\!\left(w_{ES} r_E - w_{PS} r_P
            - w_{SS} r_S + P_S + I_S;\ a_S, \theta_S\right)

    with :math:`F` the shifted logistic of
    :func:`~wbxr.models.wilson_cowan.wilson_cowan_sigmoid` and :math:`w_{XY}` the weight
    from population X onto Y (as in :class:`~wbxr.models.WilsonCowan`, whose ``wIE`` is
    I onto E).  The inhibitory population of Wilson & Cowan (1972) is split into the two
    main interneuron classes, with the connectivity measured by Pfeffer et al. (2013):
    parvalbumin (PV) cells inhibit pyramidal cells and each other, somatostatin (SST) cells
    inhibit pyramidal and PV cells but not each other, and receive little PV inhibition.
    E/PV/SST rate models of this kind are those of Litwin-Kumar, Rosenbaum & Doiron (2016);
    brainmass's ``WilsonCowanThreePopulation`` adds a third (modulatory) population the
    same way.  With the SST weights set to zero the E-PV pair is
    :class:`~wbxr.models.WilsonCowan`.

    Activities are dimensionless, time in ms; inputs act inside :math:`F`.  Defaults: E and
    PV have the parameters of :class:`~wbxr.models.WilsonCowan` (Wilson & Cowan 1972); the
    SST population is slower (:math:`\tau_S = 2` ms) with the inhibitory response function,
    is excited by E (``wES = 10``), inhibits E and PV (``wSE = 3``, ``wSP = 2``) and has
    ``wPS = wSS = 0`` following Pfeffer et al. (2013); these SST strengths are illustrative
    values chosen for wbxr.

    References
    ----------
    Wilson, H. R. & Cowan, J. D. (1972). Excitatory and inhibitory interactions in localized
    populations of model neurons. *Biophysical Journal* 12, 1-24.
    Pfeffer, C. K., Xue, M., He, M., Huang, Z. J. & Scanziani, M. (2013). Inhibition of
    inhibition in visual cortex: the logic of connections between molecularly distinct
    interneurons. *Nature Neuroscience* 16, 1068-1076.
    Litwin-Kumar, A., Rosenbaum, R. & Doiron, B. (2016). Inhibitory stabilization and visual
    coding in cortical circuits with multiple interneuron subtypes. *Journal of
    Neurophysiology* 115, 1399-1409.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import WilsonCowanThreePopulation
    >>> zero = jnp.zeros((3, 2))            # the quiescent state is a fixed point
    >>> model = WilsonCowanThreePopulation()
    >>> float(jnp.abs(WilsonCowanThreePopulation.dfun(zero, zero, model)).max())
    0.0
    """

    tau_E: float = parameter(1.0, unit="ms", description="excitatory time constant", range=(0.5, 20.0))
    tau_P: float = parameter(1.0, unit="ms", description="PV time constant", range=(0.5, 20.0))
    tau_S: float = parameter(2.0, unit="ms", description="SST time constant", range=(0.5, 40.0))
    a_E: float = parameter(1.2, description="excitatory sigmoid gain", range=(0.5, 3.0))
    theta_E: float = parameter(2.8, description="excitatory sigmoid threshold", range=(1.0, 6.0))
    a_P: float = parameter(1.0, description="PV sigmoid gain", range=(0.5, 3.0))
    theta_P: float = parameter(4.0, description="PV sigmoid threshold", range=(1.0, 8.0))
    a_S: float = parameter(1.0, description="SST sigmoid gain", range=(0.5, 3.0))
    theta_S: float = parameter(4.0, description="SST sigmoid threshold", range=(1.0, 8.0))
    wEE: float = parameter(12.0, description="E -> E weight", range=(0.0, 20.0))
    wPE: float = parameter(4.0, description="PV -> E weight", range=(0.0, 20.0))
    wSE: float = parameter(3.0, description="SST -> E weight", range=(0.0, 20.0))
    wEP: float = parameter(13.0, description="E -> PV weight", range=(0.0, 20.0))
    wPP: float = parameter(11.0, description="PV -> PV weight", range=(0.0, 20.0))
    wSP: float = parameter(2.0, description="SST -> PV weight", range=(0.0, 20.0))
    wES: float = parameter(10.0, description="E -> SST weight", range=(0.0, 20.0))
    wPS: float = parameter(0.0, description="PV -> SST weight", range=(0.0, 20.0))
    wSS: float = parameter(0.0, description="SST -> SST weight", range=(0.0, 20.0))
    r: float = parameter(1.0, description="refractoriness", range=(0.0, 2.0))
    P_E: float = parameter(0.0, description="external drive to E", range=(-2.0, 4.0))
    P_P: float = parameter(0.0, description="external drive to PV", range=(-2.0, 4.0))
    P_S: float = parameter(0.0, description="external drive to SST", range=(-2.0, 4.0))

    state_variables = ("rE", "rP", "rS")
    default_coupled_var = "rE"
    variable_units = {"rE": "1", "rP": "1", "rS": "1"}
    variable_long_names = {
        "rE": "excitatory activity",
        "rP": "PV interneuron activity",
        "rS": "SST interneuron activity",
    }
    initial_range = {"rE": (0.0, 0.1), "rP": (0.0, 0.1), "rS": (0.0, 0.1)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: WilsonCowanThreePopulation) -> jax.Array:
        rE, rP, rS = state
        input_E, input_P, input_S = inputs
        drive_E = p.wEE * rE - p.wPE * rP - p.wSE * rS + p.P_E + input_E
        drive_P = p.wEP * rE - p.wPP * rP - p.wSP * rS + p.P_P + input_P
        drive_S = p.wES * rE - p.wPS * rP - p.wSS * rS + p.P_S + input_S
        return jnp.stack([
            population_rate_derivative(rE, drive_E, p.tau_E, p.a_E, p.theta_E, p.r),
            population_rate_derivative(rP, drive_P, p.tau_P, p.a_P, p.theta_P, p.r),
            population_rate_derivative(rS, drive_S, p.tau_S, p.a_S, p.theta_S, p.r),
        ])
