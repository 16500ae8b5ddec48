r"""The Van der Pol relaxation oscillator."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class VanDerPol(NodeModel):
    r"""Van der Pol oscillator: a self-sustained relaxation oscillator with nonlinear damping.

    :math:`\ddot x - \mu (1 - x^2)\dot x + x = 0` written as a first-order system:

    .. math::

        \tau \frac{dx}{dt} &= y + I_x \\
        \tau \frac{dy}{dt} &= \mu (1 - x^2)\, y - x + I_y

    The equations are dimensionless; one unit of their time is ``tau`` ms (default 1 ms),
    so every derivative returned is per ms.  For :math:`\mu > 0` the origin is an unstable
    focus (eigenvalues :math:`(\mu \pm \sqrt{\mu^2 - 4})/2\tau`) surrounded by a unique
    stable limit cycle.  For small :math:`\mu` the cycle is nearly circular with amplitude
    2 and period :math:`2\pi\tau\,(1 + \mu^2/16 + O(\mu^4))`; for large :math:`\mu` it is a
    relaxation oscillation of period about :math:`(3 - 2\ln 2)\,\mu\,\tau`.  Each input
    enters the equation of its own variable; with ``coupled_var="x"`` diffusive coupling
    adds :math:`k \sum_j W_{ij}(x_j - x_i)` to :math:`dx/dt` (use ``coupled_var="y"`` to
    couple through the velocity instead).  Default :math:`\mu = 1` (van der Pol 1926).

    Parameters
    ----------
    mu
        Nonlinear damping :math:`\mu`.
    tau
        Time unit of the dimensionless equations (ms).
    noise
        ``{"x": process, "y": process}`` (keyword only), see :mod:`wbxr.noise`.

    References
    ----------
    van der Pol, B. (1926). On "relaxation-oscillations". *The London, Edinburgh, and
    Dublin Philosophical Magazine and Journal of Science* 2, 978-992.
    Strogatz, S. H. (2015). *Nonlinear Dynamics and Chaos*, 2nd ed., Westview Press, sec. 7.6.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import VanDerPol
    >>> state = jnp.array([[2.0], [1.0]])              # x = 2, y = 1
    >>> VanDerPol.dfun(state, jnp.zeros_like(state), VanDerPol(mu=0.5)).ravel().tolist()
    [1.0, -3.5]
    """

    mu: float = parameter(1.0, description="nonlinear damping", range=(0.0, 10.0))
    tau: float = parameter(1.0, unit="ms", description="time unit of the equations", range=(0.1, 100.0))

    state_variables = ("x", "y")
    default_coupled_var = "x"
    variable_units = {"x": "1", "y": "1"}
    variable_long_names = {"x": "position", "y": "velocity"}
    initial_range = {"x": (-2.0, 2.0), "y": (-2.0, 2.0)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: VanDerPol) -> jax.Array:
        x, y = state
        input_x, input_y = inputs
        dx = y + input_x
        dy = p.mu * (1.0 - x * x) * y - x + input_y
        return jnp.stack([dx / p.tau, dy / p.tau])
