r"""The linear (threshold-linear) Wilson-Cowan E-I rate model."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class WilsonCowanLinear(NodeModel):
    r"""Threshold-linear Wilson-Cowan E-I rates: linear above threshold, zero below.

    .. math::

        \tau_E \frac{dr_E}{dt} &= -r_E + \left[w_{EE} r_E - w_{IE} r_I + P_E + I_E\right]_+ \\
        \tau_I \frac{dr_I}{dt} &= -r_I + \left[w_{EI} r_E - w_{II} r_I + P_I + I_I\right]_+

    with :math:`[x]_+ = \max(x, 0)`.  Where both drives are positive the equations are
    linear, :math:`\tau\,\dot{\mathbf r} = (W - 1)\,\mathbf r + \mathbf P`, the linearised
    Wilson-Cowan model; the rectification keeps rates non-negative.  This is the E-I rate
    model of Tsodyks et al. (1997) and of the inhibition-stabilised network (ISN)
    literature (Ozeki et al. 2009): with :math:`w_{EE} > 1` the excitatory subnetwork is
    unstable alone and stabilised by feedback inhibition, and the steady inhibitory rate
    then *falls* when the inhibitory population is driven harder (the "paradoxical
    effect"), :math:`\partial r_I^* / \partial P_I = (1 - w_{EE}) / \det` with
    :math:`\det = (1 - w_{EE})(1 + w_{II}) + w_{IE} w_{EI} > 0`.  brainmass calls its
    rectified-linear variant ``WilsonCowanLinear``.

    Rates are dimensionless (in units of the drive), time in ms; ``wIE`` is the weight
    from I onto E, ``wEI`` from E onto I; :math:`I_E, I_I` (network coupling through ``rE``,
    input noise) add to the drives.  Defaults: an inhibition-stabilised operating point
    chosen for wbxr (``wEE = 1.5``, ``wIE = 1``, ``wEI = 1.5``, ``wII = 0.5``, drives
    ``P_E = 1``, ``P_I = 0.5``, :math:`\tau_E = \tau_I = 10` ms), whose stable fixed point
    :math:`r_E^* = 4/3`, :math:`r_I^* = 5/3` lies in the linear region.  Rates are not
    bounded above: strong recurrent or network excitation makes them grow without limit.
    They are bounded below by zero (``state_bounds``), which the rectification guarantees
    anyway unless noise is added to the rates themselves.

    References
    ----------
    Tsodyks, M. V., Skaggs, W. E., Sejnowski, T. J. & McNaughton, B. L. (1997). Paradoxical
    effects of external modulation of inhibitory interneurons. *Journal of Neuroscience*
    17, 4382-4388.
    Ozeki, H., Finn, I. M., Schaffer, E. S., Miller, K. D. & Ferster, D. (2009). Inhibitory
    stabilization of the cortical network underlies visual surround suppression.
    *Neuron* 62, 578-592.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import WilsonCowanLinear
    >>> fixed = jnp.array([[4 / 3], [5 / 3]])          # the default fixed point
    >>> d = WilsonCowanLinear.dfun(fixed, jnp.zeros_like(fixed), WilsonCowanLinear())
    >>> bool(jnp.abs(d).max() < 1e-6)
    True
    """

    tau_E: float = parameter(10.0, unit="ms", description="excitatory time constant", range=(1.0, 50.0))
    tau_I: float = parameter(10.0, unit="ms", description="inhibitory time constant", range=(1.0, 50.0))
    wEE: float = parameter(1.5, description="E -> E weight", range=(0.0, 3.0))
    wIE: float = parameter(1.0, description="I -> E weight", range=(0.0, 3.0))
    wEI: float = parameter(1.5, description="E -> I weight", range=(0.0, 3.0))
    wII: float = parameter(0.5, description="I -> I weight", range=(0.0, 3.0))
    P_E: float = parameter(1.0, description="external drive to E", range=(-2.0, 4.0))
    P_I: float = parameter(0.5, description="external drive to I", range=(-2.0, 4.0))

    state_variables = ("rE", "rI")
    default_coupled_var = "rE"
    variable_units = {"rE": "1", "rI": "1"}
    variable_long_names = {"rE": "excitatory rate", "rI": "inhibitory rate"}
    initial_range = {"rE": (0.0, 2.0), "rI": (0.0, 2.0)}
    state_bounds = {"rE": (0.0, None), "rI": (0.0, None)}  # firing rates

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: WilsonCowanLinear) -> jax.Array:
        rE, rI = state
        input_E, input_I = inputs
        drive_E = p.wEE * rE - p.wIE * rI + p.P_E + input_E
        drive_I = p.wEI * rE - p.wII * rI + p.P_I + input_I
        return jnp.stack([
            (-rE + jax.nn.relu(drive_E)) / p.tau_E,
            (-rI + jax.nn.relu(drive_I)) / p.tau_I,
        ])
