r"""The two-dimensional reduction of the Epileptor (fast discharges averaged out)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class Epileptor2D(NodeModel):
    r"""Two-dimensional Epileptor of Proix et al. (2014): the fast variable and the slow permittivity.

    .. math::

        \dot x_1 &= t_t \left[-x_1^3 - 2 x_1^2 + 1 - z + I_{ext1} + K_{vf} I_{x_1}\right] \\
        \dot z &= t_t \left[r\,\big(s\,(x_1 - x_0) - z - K_s I_{x_1}\big) + I_z\right]

    obtained from the :class:`~wbxr.models.Epileptor` by eliminating :math:`y_1`
    (:math:`y_1 = 1 - 5 x_1^2`) and averaging over the fast oscillations.  :math:`x_1` is
    low (about :math:`-1.5`) between seizures and high (about 0 and above) during them;
    the slow :math:`z` moves the node between the two branches of the cubic.  With
    :math:`I_{ext1} = 3.1` and :math:`s = 4`, the node is at rest on the interictal
    branch for :math:`x_0 < x_{0c} \approx -2.06` and alternates between seizures and
    interictal periods for :math:`x_0 > x_{0c}`.  The equations are dimensionless;
    :math:`t_t` (1/ms, default 1, as in TVB) sets the time scale.  Defaults: Proix et al.
    (2014) and TVB (:math:`r = 1/\tau_0 = 0.00035`, :math:`x_0 = -1.6`).

    With ``coupling="diffusive"`` on :math:`x_1` (the default coupled variable) the term
    :math:`-K_s I_{x_1}` is exactly Proix et al.'s permittivity coupling
    :math:`-\sum_j K_{ij}(x_{1,j} - x_{1,i})`, :math:`K_{ij} = K_s k W_{ij}` (TVB's
    ``Ks`` has the opposite sign); :math:`K_{vf}` (default 0) adds the input to
    :math:`\dot x_1` too.

    Parameters
    ----------
    x0
        Epileptogenicity (excitability threshold).
    Iext
        External current :math:`I_{ext1}`.
    r
        Rate of the slow variable, :math:`1/\tau_0`.
    s
        Drive of the slow variable.
    K_vf
        Weight of the :math:`x_1` input onto :math:`\dot x_1`.
    K_s
        Permittivity coupling: weight of the :math:`x_1` input onto :math:`\dot z`.
    tt
        Time scale (1/ms).

    References
    ----------
    Proix, T., Bartolomei, F., Chauvel, P., Bernard, C. & Jirsa, V. K. (2014). Permittivity
    coupling across brain regions determines seizure recruitment in partial epilepsy.
    *Journal of Neuroscience* 34, 15009-15021.
    Proix, T., Bartolomei, F., Guye, M. & Jirsa, V. K. (2017). Individual brain structure
    and modelling predict seizure propagation. *Brain* 140, 641-654.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import Epileptor2D
    >>> state = jnp.array([[-1.0], [3.0]])              # x1 = -1, z = 3
    >>> d = Epileptor2D.dfun(state, jnp.zeros_like(state), Epileptor2D())
    >>> [round(v, 6) for v in d.ravel().tolist()]
    [0.1, -0.00021]
    """

    x0: float = parameter(-1.6, description="epileptogenicity", range=(-3.0, -1.0))
    Iext: float = parameter(3.1, description="external current", range=(1.5, 5.0))
    r: float = parameter(0.00035, description="rate of the slow variable (1/tau0)", range=(0.0, 0.001))
    s: float = parameter(4.0, description="drive of the slow variable", range=(0.0, 8.0))
    K_vf: float = parameter(0.0, description="weight of the x1 input onto dx1/dt", range=(0.0, 4.0))
    K_s: float = parameter(1.0, description="permittivity coupling weight", range=(0.0, 4.0))
    tt: float = parameter(1.0, unit="1/ms", description="time scale", range=(0.001, 10.0))

    state_variables = ("x1", "z")
    default_coupled_var = "x1"
    variable_units = {"x1": "1", "z": "1"}
    variable_long_names = {"x1": "fast variable (seizure activity)", "z": "slow permittivity variable"}
    initial_range = {"x1": (-2.0, 0.0), "z": (2.5, 4.0)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: Epileptor2D) -> jax.Array:
        x1, z = state
        i_x1, i_z = inputs
        dx1 = -x1 * x1 * x1 - 2.0 * x1 * x1 + 1.0 - z + p.Iext + p.K_vf * i_x1
        dz = p.r * (p.s * (x1 - p.x0) - z - p.K_s * i_x1) + i_z
        return jnp.stack([p.tt * dx1, p.tt * dz])
