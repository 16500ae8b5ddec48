r"""The threshold-linear (rectified-linear) rate model."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class ThresholdLinear(NodeModel):
    r"""Threshold-linear rate model: a population whose rate is a rectified linear function of its drive.

    .. math:: \tau \frac{dr}{dt} = -r + \beta \left[w\, r + I_0 + I_r - \theta\right]_+

    with :math:`[u]_+ = \max(u, 0)`, time in ms and the rate :math:`r` in arbitrary units
    (Hz if the drive is in Hz-equivalent units).  :math:`w` is the recurrent
    self-excitation, :math:`I_0` a constant drive and :math:`I_r` the input (network
    coupling, input noise).  For :math:`\beta w < 1` and a supra-threshold drive the single
    fixed point is :math:`r^* = \beta (I_0 - \theta)/(1 - \beta w)` with eigenvalue
    :math:`(\beta w - 1)/\tau`; below threshold it is :math:`r^* = 0` with eigenvalue
    :math:`-1/\tau`.  For :math:`\beta w > 1` activity above threshold grows without
    bound.  Defaults: :math:`\tau = 10` ms, unit gain, zero threshold, no recurrence,
    :math:`I_0 = 1` (Dayan & Abbott 2001, ch. 7; Hahnloser et al. 2000).

    Parameters
    ----------
    tau
        Time constant (ms).
    gain
        Slope :math:`\beta` above threshold.
    theta
        Threshold :math:`\theta`.
    w
        Recurrent self-excitation.
    I_0
        Constant drive.
    noise
        ``{"r": process}`` (keyword only), see :mod:`wbxr.noise`.

    References
    ----------
    Dayan, P. & Abbott, L. F. (2001). *Theoretical Neuroscience*, MIT Press, ch. 7.
    Hahnloser, R. H. R., Sarpeshkar, R., Mahowald, M. A., Douglas, R. J. & Seung, H. S.
    (2000). Digital selection and analogue amplification coexist in a cortex-inspired
    silicon circuit. *Nature* 405, 947-951.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import ThresholdLinear
    >>> r = jnp.array([[0.0, 0.0]])
    >>> ThresholdLinear.dfun(r, jnp.array([[0.0, -3.0]]), ThresholdLinear()).tolist()
    [[0.10000000149011612, 0.0]]
    """

    tau: float = parameter(10.0, unit="ms", description="time constant", range=(1.0, 100.0))
    gain: float = parameter(1.0, description="slope above threshold", range=(0.0, 5.0))
    theta: float = parameter(0.0, description="threshold", range=(-5.0, 5.0))
    w: float = parameter(0.0, description="recurrent self-excitation", range=(0.0, 2.0))
    I_0: float = parameter(1.0, description="constant drive", range=(-5.0, 5.0))

    state_variables = ("r",)
    default_coupled_var = "r"
    variable_units = {"r": "1"}
    variable_long_names = {"r": "firing rate"}
    initial_range = {"r": (0.0, 1.0)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: ThresholdLinear) -> jax.Array:
        (r,) = state
        (input_r,) = inputs
        drive = p.w * r + p.I_0 + input_r - p.theta
        return jnp.stack([(-r + p.gain * jnp.maximum(drive, 0.0)) / p.tau])
