r"""The FitzHugh-Nagumo excitable/oscillatory system."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class FitzHughNagumo(NodeModel):
    r"""FitzHugh-Nagumo model: a fast voltage-like variable and a slow recovery variable.

    .. math::

        \tau \frac{dv}{dt} &= v - \frac{v^3}{3} - w + I_\mathrm{ext} + I_v \\
        \tau \frac{dw}{dt} &= \varepsilon\,(v + a - b\,w) + I_w

    The equations are dimensionless; one unit of their time is ``tau`` ms (default 1 ms),
    so every derivative returned is per ms.  :math:`I_v, I_w` are the inputs (network
    coupling when ``coupled_var="v"``, input noise).  Defaults: :math:`a = 0.7`,
    :math:`b = 0.8`, :math:`\varepsilon = 0.08` (FitzHugh 1961, in the form of Izhikevich &
    FitzHugh 2006).  With :math:`I_\mathrm{ext} = 0` the single fixed point
    :math:`(v^*, w^*) \approx (-1.199, -0.624)` is stable and the node is *excitable*: a
    small perturbation decays, a supra-threshold one produces one large excursion (a
    spike) before returning.  For :math:`0.33 \lesssim I_\mathrm{ext} \lesssim 1.42` the
    fixed point is unstable (:math:`1 - v^{*2} > \varepsilon b`) and the node oscillates
    on a relaxation limit cycle (period about 39.5 time units at :math:`I_\mathrm{ext} = 0.5`).

    Parameters
    ----------
    a, b
        Offset and slope of the recovery nullcline.
    eps
        Time-scale ratio :math:`\varepsilon` of recovery to voltage.
    I_ext
        Constant external drive.
    tau
        Time unit of the dimensionless equations (ms).
    noise
        ``{"v": process, "w": process}`` (keyword only), see :mod:`wbxr.noise`.

    References
    ----------
    FitzHugh, R. (1961). Impulses and physiological states in theoretical models of nerve
    membrane. *Biophysical Journal* 1, 445-466.
    Nagumo, J., Arimoto, S. & Yoshizawa, S. (1962). An active pulse transmission line
    simulating nerve axon. *Proceedings of the IRE* 50, 2061-2070.
    Izhikevich, E. M. & FitzHugh, R. (2006). FitzHugh-Nagumo model. *Scholarpedia* 1, 1349.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import FitzHughNagumo
    >>> state = jnp.array([[0.0], [0.0]])              # v = w = 0 in one region
    >>> FitzHughNagumo.dfun(state, jnp.zeros_like(state), FitzHughNagumo()).ravel().tolist()
    [0.0, 0.0559999980032444]
    """

    a: float = parameter(0.7, description="offset of the recovery nullcline", range=(-1.0, 1.5))
    b: float = parameter(0.8, description="slope of the recovery nullcline", range=(0.0, 2.0))
    eps: float = parameter(0.08, description="recovery time-scale ratio", range=(0.001, 1.0))
    I_ext: float = parameter(0.0, description="constant external drive", range=(-1.0, 2.0))
    tau: float = parameter(1.0, unit="ms", description="time unit of the equations", range=(0.1, 100.0))

    state_variables = ("v", "w")
    default_coupled_var = "v"
    variable_units = {"v": "1", "w": "1"}
    variable_long_names = {"v": "membrane potential (fast variable)", "w": "recovery variable"}
    initial_range = {"v": (-2.0, 2.0), "w": (-1.0, 1.5)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: FitzHughNagumo) -> jax.Array:
        v, w = state
        input_v, input_w = inputs
        dv = v - v * v * v / 3.0 - w + p.I_ext + input_v
        dw = p.eps * (v + p.a - p.b * w) + input_w
        return jnp.stack([dv / p.tau, dw / p.tau])
