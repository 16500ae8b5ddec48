r"""The Epileptor: a phenomenological model of seizure onset, seizure and offset."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class Epileptor(NodeModel):
    r"""The six-variable Epileptor of Jirsa et al. (2014).

    .. math::

        \dot x_1 &= t_t \left[y_1 - f_1(x_1, x_2, z) - z + I_{ext1} + K_{vf} I_{x_1}\right] \\
        \dot y_1 &= t_t \left[c - d\, x_1^2 - y_1 + I_{y_1}\right] \\
        \dot z &= t_t \left[r\,\big(s\,(x_1 - x_0) - z - K_s I_{x_1}\big) + I_z\right] \\
        \dot x_2 &= t_t \left[-y_2 + x_2 - x_2^3 + I_{ext2} + b_b\, g - 0.3\,(z - 3.5) + I_{x_2}\right] \\
        \dot y_2 &= t_t \left[\big(-y_2 + f_2(x_2)\big)/\tau + I_{y_2}\right] \\
        \dot g &= t_t \left[-0.01\,(g - 0.1\, x_1) + I_g\right]

    with :math:`f_1 = a x_1^3 - b x_1^2` for :math:`x_1 < 0` and
    :math:`f_1 = -(\mathrm{slope} - x_2 + 0.6 (z - 4)^2)\, x_1` otherwise, and
    :math:`f_2 = 0` for :math:`x_2 < -0.25`, :math:`f_2 = a_a (x_2 + 0.25)` otherwise.
    Subsystem 1 (:math:`x_1, y_1`) generates the fast discharges, subsystem 2
    (:math:`x_2, y_2`) the spike-and-wave events, :math:`z` is the slow permittivity
    variable driving the system in and out of seizures, and :math:`g` a low-pass filter
    of :math:`x_1` (Jirsa et al.'s :math:`0.002\, g(x_1)` term is :math:`b_b g` here, as in
    TVB).  The usual output is :math:`x_2 - x_1`.  The equations are dimensionless;
    :math:`t_t` (1/ms, default 1, TVB's convention) sets the time scale, so with the
    defaults a seizure-interictal cycle lasts about 2 s.  Defaults: Jirsa et al.
    (2014) (:math:`x_0 = -1.6`, :math:`I_{ext1} = 3.1`, :math:`I_{ext2} = 0.45`,
    :math:`r = 1/\tau_0 = 0.00035`, :math:`\tau = \tau_2 = 10`), for which an isolated
    node alternates between seizures and interictal periods; for :math:`x_0` below about
    :math:`-2.06` it rests at a stable interictal fixed point.  Jirsa et al. add white
    noise to :math:`x_2, y_2`.

    Network input of :math:`x_1` (the default coupled variable) acts through the slow
    variable: with ``coupling="diffusive"`` the term :math:`-K_s I_{x_1}` is the
    *permittivity coupling* :math:`-\sum_j K_{ij} (x_{1,j} - x_{1,i})` of Proix et al.
    (2014) with :math:`K_{ij} = K_s k W_{ij}` (TVB's ``Ks`` has the opposite sign).
    :math:`K_{vf}` (default 0) also feeds it to :math:`\dot x_1` directly.  Inputs of the
    other variables add to their equations.  TVB's extra term :math:`-0.1 z^7` for
    :math:`z < 0` is not in the published equations and is not included.

    Parameters
    ----------
    a, b
        Cubic and quadratic coefficients of :math:`f_1`.
    c, d
        Constant and quadratic coefficients of the :math:`y_1` equation.
    r
        Rate of the slow variable, :math:`1/\tau_0`.
    s
        Linear coefficient of the slow variable's drive.
    x0
        Epileptogenicity (excitability threshold).
    Iext
        External current to subsystem 1.
    slope
        Linear coefficient of :math:`f_1` for :math:`x_1 \ge 0`.
    Iext2
        External current to subsystem 2.
    tau
        Time-scale ratio :math:`\tau_2` of :math:`y_2`.
    aa
        Slope of :math:`f_2`.
    bb
        Weight of the filtered :math:`x_1` (:math:`g`) onto :math:`x_2`.
    K_vf
        Weight of the :math:`x_1` input onto :math:`\dot x_1`.
    K_s
        Permittivity coupling: weight of the :math:`x_1` input onto :math:`\dot z`.
    tt
        Time scale (1/ms).

    References
    ----------
    Jirsa, V. K., Stacey, W. C., Quilichini, P. P., Ivanov, A. I. & Bernard, C. (2014). On
    the nature of seizure dynamics. *Brain* 137, 2210-2230.
    Proix, T., Bartolomei, F., Chauvel, P., Bernard, C. & Jirsa, V. K. (2014). Permittivity
    coupling across brain regions determines seizure recruitment in partial epilepsy.
    *Journal of Neuroscience* 34, 15009-15021.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import Epileptor
    >>> state = jnp.array([[-1.5], [-10.0], [3.0], [-1.0], [0.0], [0.0]])
    >>> Epileptor.dfun(state, jnp.zeros_like(state), Epileptor()).shape
    (6, 1)
    """

    a: float = parameter(1.0, description="cubic coefficient of f1", range=(0.0, 2.0))
    b: float = parameter(3.0, description="quadratic coefficient of f1", range=(0.0, 6.0))
    c: float = parameter(1.0, description="constant of the y1 equation", range=(0.0, 2.0))
    d: float = parameter(5.0, description="quadratic coefficient of the y1 equation", range=(0.0, 10.0))
    r: float = parameter(0.00035, description="rate of the slow variable (1/tau0)", range=(0.0, 0.001))
    s: float = parameter(4.0, description="drive of the slow variable", range=(0.0, 8.0))
    x0: float = parameter(-1.6, description="epileptogenicity", range=(-3.0, -1.0))
    Iext: float = parameter(3.1, description="external current to subsystem 1", range=(1.5, 5.0))
    slope: float = parameter(0.0, description="slope of f1 for x1 >= 0", range=(-16.0, 6.0))
    Iext2: float = parameter(0.45, description="external current to subsystem 2", range=(0.0, 1.0))
    tau: float = parameter(10.0, description="time-scale ratio of y2", range=(1.0, 20.0))
    aa: float = parameter(6.0, description="slope of f2", range=(0.0, 12.0))
    bb: float = parameter(2.0, description="weight of g onto x2", range=(0.0, 4.0))
    K_vf: float = parameter(0.0, description="weight of the x1 input onto dx1/dt", range=(0.0, 4.0))
    K_s: float = parameter(1.0, description="permittivity coupling weight", range=(0.0, 4.0))
    tt: float = parameter(1.0, unit="1/ms", description="time scale", range=(0.001, 10.0))

    state_variables = ("x1", "y1", "z", "x2", "y2", "g")
    default_coupled_var = "x1"
    variable_units = {v: "1" for v in ("x1", "y1", "z", "x2", "y2", "g")}
    variable_long_names = {
        "x1": "fast discharge variable",
        "y1": "fast recovery variable",
        "z": "slow permittivity variable",
        "x2": "spike-wave variable",
        "y2": "spike-wave recovery variable",
        "g": "low-pass filtered x1",
    }
    initial_range = {
        "x1": (-2.0, 1.0), "y1": (-20.0, 2.0), "z": (2.0, 5.0),
        "x2": (-2.0, 0.0), "y2": (0.0, 2.0), "g": (-1.0, 1.0),
    }

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: Epileptor) -> jax.Array:
        x1, y1, z, x2, y2, g = state
        i_x1, i_y1, i_z, i_x2, i_y2, i_g = inputs
        slope_term = jnp.where(
            x1 < 0.0, -p.a * x1 * x1 + p.b * x1, p.slope - x2 + 0.6 * (z - 4.0) ** 2
        )
        dx1 = y1 - z + p.Iext + slope_term * x1 + p.K_vf * i_x1
        dy1 = p.c - p.d * x1 * x1 - y1 + i_y1
        dz = p.r * (p.s * (x1 - p.x0) - z - p.K_s * i_x1) + i_z
        dx2 = -y2 + x2 - x2 * x2 * x2 + p.Iext2 + p.bb * g - 0.3 * (z - 3.5) + i_x2
        f2 = jnp.where(x2 < -0.25, 0.0, p.aa * (x2 + 0.25))
        dy2 = (-y2 + f2) / p.tau + i_y2
        dg = -0.01 * (g - 0.1 * x1) + i_g
        return jnp.stack([p.tt * dx1, p.tt * dy1, p.tt * dz, p.tt * dx2, p.tt * dy2, p.tt * dg])
