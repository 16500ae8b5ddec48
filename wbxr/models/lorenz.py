r"""The Lorenz (1963) system."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class Lorenz(NodeModel):
    r"""Lorenz system, the classic low-dimensional chaotic attractor.

    .. math::

        \tau \frac{dx}{dt} &= \sigma (y - x) + I_x \\
        \tau \frac{dy}{dt} &= x (\rho - z) - y + I_y \\
        \tau \frac{dz}{dt} &= x y - \beta z + I_z

    The equations are dimensionless; one unit of their time is ``tau`` ms (default
    10 ms; the attractor's lobes are then visited every few tens of ms).  Defaults
    :math:`\sigma = 10`, :math:`\rho = 28`, :math:`\beta = 8/3` (Lorenz 1963).  The
    fixed points are the origin (a saddle for :math:`\rho > 1`) and
    :math:`C_\pm = (\pm\sqrt{\beta(\rho - 1)}, \pm\sqrt{\beta(\rho - 1)}, \rho - 1)`,
    unstable for :math:`\rho > \sigma(\sigma + \beta + 3)/(\sigma - \beta - 1) \approx 24.74`,
    where the trajectory is chaotic.  Each input enters the equation of its own variable.

    Parameters
    ----------
    sigma, rho, beta
        The Prandtl number, the Rayleigh number ratio and the geometric factor.
    tau
        Time unit of the dimensionless equations (ms).

    References
    ----------
    Lorenz, E. N. (1963). Deterministic nonperiodic flow. *Journal of the Atmospheric
    Sciences* 20, 130-141.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import Lorenz
    >>> state = jnp.array([[1.0], [1.0], [1.0]])
    >>> d = Lorenz.dfun(state, jnp.zeros_like(state), Lorenz(tau=1.0))
    >>> [round(v, 4) for v in d.ravel().tolist()]
    [0.0, 26.0, -1.6667]
    """

    sigma: float = parameter(10.0, description="Prandtl number", range=(0.0, 20.0))
    rho: float = parameter(28.0, description="Rayleigh number ratio", range=(0.0, 100.0))
    beta: float = parameter(8.0 / 3.0, description="geometric factor", range=(0.0, 5.0))
    tau: float = parameter(10.0, unit="ms", description="time unit of the equations", range=(0.1, 100.0))

    state_variables = ("x", "y", "z")
    default_coupled_var = "x"
    variable_units = {"x": "1", "y": "1", "z": "1"}
    variable_long_names = {"x": "x", "y": "y", "z": "z"}
    initial_range = {"x": (-10.0, 10.0), "y": (-10.0, 10.0), "z": (10.0, 40.0)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: Lorenz) -> jax.Array:
        x, y, z = state
        input_x, input_y, input_z = inputs
        dx = p.sigma * (y - x) + input_x
        dy = x * (p.rho - z) - y + input_y
        dz = x * y - p.beta * z + input_z
        return jnp.stack([dx / p.tau, dy / p.tau, dz / p.tau])
