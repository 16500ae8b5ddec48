r"""The Generic 2D oscillator of The Virtual Brain."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class Generic2dOscillator(NodeModel):
    r"""TVB's generic two-dimensional oscillator: a cubic and a configurable quadratic nullcline.

    .. math::

        \frac{dV}{dt} &= d\,\tau \left(\alpha W - f V^3 + e V^2 + g V
            + \gamma\, I_\mathrm{ext} + \gamma\, I_V\right) \\
        \frac{dW}{dt} &= \frac{d}{\tau} \left(a + b V + c V^2 - \beta W + I_W\right)

    with time in ms (:math:`d` in 1/ms sets the time scale).  :math:`I_V` (network
    coupling when ``coupled_var="V"``, input noise) is scaled by :math:`\gamma` like the
    external current, as in TVB.  The defaults are TVB's (Sanz-Leon et al. 2015), the
    *excitable* configuration: :math:`a=-2, b=-10, c=0, d=0.02, e=3, f=1, g=0,
    \alpha=\beta=\gamma=\tau=1`, whose single fixed point :math:`V^* \approx -0.19` is a
    stable focus.  With :math:`a = 2` the fixed point is an unstable focus and the node
    oscillates on a limit cycle; with :math:`a = -0.5` (Sanz-Leon et al. 2013) it is a
    stable focus whose damped oscillations have a frequency of about 10 Hz.

    Parameters
    ----------
    tau
        Time-scale hierarchy between V and W (dimensionless).
    I_ext
        Baseline shift of the cubic nullcline.
    a, b, c
        Constant, linear and quadratic coefficients of the W nullcline.
    d
        Temporal scale factor (1/ms).
    e, f, g
        Quadratic, cubic and linear coefficients of the V nullcline.
    alpha
        Feedback from W to V.
    beta
        Self-feedback of W.
    gamma
        Scale of the external current and of the inputs to V.

    References
    ----------
    Sanz-Leon, P., Knock, S. A., Spiegler, A. & Jirsa, V. K. (2015). Mathematical framework
    for large-scale brain network modeling in The Virtual Brain. *NeuroImage* 111, 385-430.
    Sanz-Leon, P., Knock, S. A., Woodman, M. M., Domide, L., Mersmann, J., McIntosh, A. R.
    & Jirsa, V. (2013). The Virtual Brain: a simulator of primate brain network dynamics.
    *Frontiers in Neuroinformatics* 7, 10.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import Generic2dOscillator
    >>> state = jnp.array([[1.0], [0.0]])              # V = 1, W = 0
    >>> Generic2dOscillator.dfun(state, jnp.zeros_like(state), Generic2dOscillator()).ravel().tolist()
    [0.03999999910593033, -0.23999999463558197]
    """

    tau: float = parameter(1.0, description="time-scale hierarchy of V and W", range=(1.0, 5.0))
    I_ext: float = parameter(0.0, description="baseline shift of the cubic nullcline", range=(-5.0, 5.0))
    a: float = parameter(-2.0, description="constant term of the W nullcline", range=(-5.0, 5.0))
    b: float = parameter(-10.0, description="linear term of the W nullcline", range=(-20.0, 15.0))
    c: float = parameter(0.0, description="quadratic term of the W nullcline", range=(-10.0, 10.0))
    d: float = parameter(0.02, unit="1/ms", description="temporal scale factor", range=(0.0001, 1.0))
    e: float = parameter(3.0, description="quadratic term of the V nullcline", range=(-5.0, 5.0))
    f: float = parameter(1.0, description="cubic term of the V nullcline", range=(-5.0, 5.0))
    g: float = parameter(0.0, description="linear term of the V nullcline", range=(-5.0, 5.0))
    alpha: float = parameter(1.0, description="feedback from W to V", range=(-5.0, 5.0))
    beta: float = parameter(1.0, description="self-feedback of W", range=(-5.0, 5.0))
    gamma: float = parameter(1.0, description="scale of external current and inputs", range=(-1.0, 1.0))

    state_variables = ("V", "W")
    default_coupled_var = "V"
    variable_units = {"V": "1", "W": "1"}
    variable_long_names = {"V": "fast variable", "W": "slow (recovery) variable"}
    initial_range = {"V": (-2.0, 4.0), "W": (-6.0, 6.0)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: Generic2dOscillator) -> jax.Array:
        V, W = state
        input_V, input_W = inputs
        V2 = V * V
        dV = p.d * p.tau * (
            p.alpha * W - p.f * V2 * V + p.e * V2 + p.g * V + p.gamma * (p.I_ext + input_V)
        )
        dW = p.d / p.tau * (p.a + p.b * V + p.c * V2 - p.beta * W + input_W)
        return jnp.stack([dV, dW])
