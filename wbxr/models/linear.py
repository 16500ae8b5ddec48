r"""The linear rate model: a leaky integrator of its input."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class LinearRate(NodeModel):
    r"""Linear rate model: each region low-pass filters its input.

    .. math:: \tau \frac{dx}{dt} = -x + I_x

    with time in ms.  Alone, a region relaxes to :math:`x = 0` with rate :math:`1/\tau`.
    In a network with ``coupling="additive"`` the whole system is the linear
    (Ornstein-Uhlenbeck) model :math:`\tau \dot{\mathbf x} = (k W - 1)\,\mathbf x + \xi`,
    stable while the largest real part of the eigenvalues of :math:`k W` is below 1; its
    stationary covariance, hence its functional connectivity, is known in closed form
    (Galán 2008).  Default :math:`\tau = 10` ms (Dayan & Abbott 2001, ch. 7).

    Parameters
    ----------
    tau
        Time constant (ms).
    noise
        ``{"x": process}`` (keyword only), see :mod:`wbxr.noise`.

    References
    ----------
    Dayan, P. & Abbott, L. F. (2001). *Theoretical Neuroscience*, MIT Press, ch. 7.
    Galán, R. F. (2008). On how network architecture determines the dominant patterns of
    spontaneous neural activity. *PLoS ONE* 3, e2148.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import LinearRate
    >>> x = jnp.array([[1.0, 2.0]])
    >>> LinearRate.dfun(x, jnp.array([[1.0, 0.0]]), LinearRate(tau=5.0)).tolist()
    [[0.0, -0.4000000059604645]]
    """

    tau: float = parameter(10.0, unit="ms", description="time constant", range=(1.0, 100.0))

    state_variables = ("x",)
    default_coupled_var = "x"
    variable_units = {"x": "1"}
    variable_long_names = {"x": "activity"}
    initial_range = {"x": (-0.1, 0.1)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: LinearRate) -> jax.Array:
        (x,) = state
        (input_x,) = inputs
        return jnp.stack([(-x + input_x) / p.tau])
