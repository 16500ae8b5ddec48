r"""The Wilson-Cowan excitatory-inhibitory population model."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


def wilson_cowan_sigmoid(x: jax.Array, gain: jax.Array, threshold: jax.Array) -> jax.Array:
    r"""The Wilson-Cowan response function, shifted so that :math:`F(0) = 0`.

    .. math:: F(x; a, \theta) = \frac{1}{1 + e^{-a (x - \theta)}} - \frac{1}{1 + e^{a \theta}}

    Examples
    --------
    >>> float(wilson_cowan_sigmoid(0.0, 1.2, 2.8))
    0.0
    """
    return jax.nn.sigmoid(gain * (x - threshold)) - jax.nn.sigmoid(-gain * threshold)


def population_rate_derivative(
    rate: jax.Array,
    drive: jax.Array,
    tau: jax.Array,
    gain: jax.Array,
    threshold: jax.Array,
    refractoriness: jax.Array | float = 0.0,
) -> jax.Array:
    r"""Rate of change of one Wilson-Cowan population, shared by the Wilson-Cowan family.

    .. math:: \frac{dr}{dt} = \frac{-r + (1 - \rho\, r)\, F(x; a, \theta)}{\tau}

    with :math:`x` the total drive, :math:`F` the shifted logistic of
    :func:`wilson_cowan_sigmoid` and :math:`\rho` the refractoriness (``0`` drops the
    saturation factor :math:`1 - \rho r`).

    Examples
    --------
    >>> round(float(population_rate_derivative(0.5, 4.0, 2.0, 1.2, 2.8, 1.0)), 6)
    -0.056279
    """
    return (-rate + (1.0 - refractoriness * rate) * wilson_cowan_sigmoid(drive, gain, threshold)) / tau


@node_model
class WilsonCowan(NodeModel):
    r"""Wilson-Cowan excitatory (E) and inhibitory (I) populations with refractoriness.

    .. math::

        \tau_E \frac{dr_E}{dt} &= -r_E + (1 - r\,r_E)\,
            F\!\left(w_{EE} r_E - w_{IE} r_I + P_E + I_E;\ a_E, \theta_E\right) \\
        \tau_I \frac{dr_I}{dt} &= -r_I + (1 - r\,r_I)\,
            F\!\left(w_{EI} r_E - w_{II} r_I + P_I + I_I;\ a_I, \theta_I\right)

    with :math:`F` the shifted logistic of :func:`wilson_cowan_sigmoid`, :math:`r_E, r_I`
    the fractions of active cells, :math:`P_E, P_I` constant external drives and
    :math:`I_E, I_I` the inputs (network coupling when ``coupled_var="rE"``, and input
    noise), which act *inside* the response function.  ``wIE`` is the weight from the
    inhibitory onto the excitatory population, ``wEI`` from E onto I.  Time in ms;
    the defaults are the parameter set taken from Wilson & Cowan (1972) by The Virtual
    Brain and brainmass, with unit time constants.  With zero drive the quiescent state :math:`r_E = r_I = 0` is a stable
    fixed point; noise or drive moves the node away from it.  Because :math:`F` is shifted
    to vanish at zero drive, it is slightly negative for negative drive, so with
    inhibition-dominated input or noise the activities can dip a little below zero (as in
    TVB's and brainmass's versions of the model).

    References
    ----------
    Wilson, H. R. & Cowan, J. D. (1972). Excitatory and inhibitory interactions in localized
    populations of model neurons. *Biophysical Journal* 12, 1-24.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import WilsonCowan
    >>> model = WilsonCowan()
    >>> zero = jnp.zeros((2, 3))                  # quiescent state, three regions
    >>> float(jnp.abs(WilsonCowan.dfun(zero, zero, model)).max())
    0.0
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

    state_variables = ("rE", "rI")
    default_coupled_var = "rE"
    variable_units = {"rE": "1", "rI": "1"}
    variable_long_names = {"rE": "excitatory activity", "rI": "inhibitory activity"}
    initial_range = {"rE": (0.0, 0.1), "rI": (0.0, 0.1)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: WilsonCowan) -> jax.Array:
        rE, rI = state
        input_E, input_I = inputs
        drive_E = p.wEE * rE - p.wIE * rI + p.P_E + input_E
        drive_I = p.wEI * rE - p.wII * rI + p.P_I + input_I
        d_rE = population_rate_derivative(rE, drive_E, p.tau_E, p.a_E, p.theta_E, p.r)
        d_rI = population_rate_derivative(rI, drive_I, p.tau_I, p.a_I, p.theta_I, p.r)
        return jnp.stack([d_rE, d_rI])
