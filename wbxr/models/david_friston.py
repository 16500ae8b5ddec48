r"""The David-Friston neural mass: Jansen-Rit with two kinetic sub-populations."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter

_SUBPOPULATIONS = ("1", "2")
_VARIABLES = tuple(f"y{i}_{k}" for k in _SUBPOPULATIONS for i in range(6))


@node_model
class DavidFriston(NodeModel):
    r"""David-Friston neural mass: a mixture of two Jansen-Rit columns with different kinetics.

    Each sub-population :math:`k \in \{1, 2\}` is a Jansen-Rit column (see
    :class:`~wbxr.models.JansenRit`) with its own synaptic gains :math:`A_k, B_k` and time
    constants :math:`\tau_{e,k}, \tau_{i,k}`; the firing rates are functions of the
    mixtures :math:`\bar y_j = w\, y_{j,1} + (1 - w)\, y_{j,2}`:

    .. math::

        \dot y_{0,k} &= y_{3,k}, &\quad \tau_{e,k} \dot y_{3,k} &= A_k\, S(\bar y_1 - \bar y_2)
            - 2 y_{3,k} - y_{0,k} / \tau_{e,k} \\
        \dot y_{1,k} &= y_{4,k}, &\quad \tau_{e,k} \dot y_{4,k} &= A_k \left(p + C_2 S(C_1 \bar y_0)
            + I\right) - 2 y_{4,k} - y_{1,k} / \tau_{e,k} \\
        \dot y_{2,k} &= y_{5,k}, &\quad \tau_{i,k} \dot y_{5,k} &= B_k\, C_4 S(C_3 \bar y_0)
            - 2 y_{5,k} - y_{2,k} / \tau_{i,k}

    with :math:`S(v) = 2 e_0 / (1 + e^{r (v_0 - v)})` and :math:`C_i = c_i C`.  The output
    (pyramidal membrane potential, EEG/MEG-like) is :math:`\bar y_1 - \bar y_2`.  With
    :math:`w = 1` (or equal kinetics) the model is Jansen-Rit.  David & Friston (2003)
    mixed a slow, alpha-generating sub-population (:math:`\tau_e = 10.8`,
    :math:`\tau_i = 22` ms) with a fast, gamma-generating one (:math:`\tau_e = 4.6`,
    :math:`\tau_i = 2.9` ms), :math:`w = 0.8`, to obtain broader, more realistic MEG
    spectra; these are the defaults, with the other parameters of Jansen & Rit (1995).
    With them and :math:`p = 220` Hz the node has a stable focus rotating at about 10 Hz:
    driven by fluctuating input (David & Friston drove it with noise) its spectrum peaks
    in the alpha band.

    Units: potentials :math:`y_0 .. y_2` in mV, :math:`y_3 .. y_5` in mV/ms, rates
    (:math:`e_0, p`) in 1/ms, time constants in ms.  **Inputs**: those of
    :math:`y_{3,k}, y_{4,k}, y_{5,k}` are pulse densities (1/ms) arriving at the area; the
    two sub-populations' inputs of each kernel are summed and enter *both* kernels (the
    input of :math:`y_4` next to :math:`p`, where network input belongs;
    ``default_coupled_var`` is ``"y4_1"``); inputs of :math:`y_0 .. y_2` add to their
    derivatives.

    References
    ----------
    David, O. & Friston, K. J. (2003). A neural mass model for MEG/EEG: coupling and
    neuronal dynamics. *NeuroImage* 20, 1743-1755.
    Jansen, B. H. & Rit, V. G. (1995). Electroencephalogram and visual evoked potential
    generation in a mathematical model of coupled cortical columns. *Biological
    Cybernetics* 73, 357-366.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import DavidFriston
    >>> rest = jnp.zeros((12, 1))
    >>> d = DavidFriston.dfun(rest, jnp.zeros_like(rest), DavidFriston())
    >>> round(float(d[4, 0]), 6), round(float(d[10, 0]), 6)  # A / tau_e (p + C2 S(0)), k = 1, 2
    (0.071659, 0.168242)
    """

    A_1: float = parameter(3.25, description="maximal EPSP of sub-population 1 (mV)", range=(2.0, 10.0))
    B_1: float = parameter(22.0, description="maximal IPSP of sub-population 1 (mV)", range=(10.0, 50.0))
    tau_e_1: float = parameter(10.8, unit="ms", description="excitatory time constant, sub-population 1",
                               range=(2.0, 30.0))
    tau_i_1: float = parameter(22.0, unit="ms", description="inhibitory time constant, sub-population 1",
                               range=(2.0, 50.0))
    A_2: float = parameter(3.25, description="maximal EPSP of sub-population 2 (mV)", range=(2.0, 10.0))
    B_2: float = parameter(22.0, description="maximal IPSP of sub-population 2 (mV)", range=(10.0, 50.0))
    tau_e_2: float = parameter(4.6, unit="ms", description="excitatory time constant, sub-population 2",
                               range=(1.0, 30.0))
    tau_i_2: float = parameter(2.9, unit="ms", description="inhibitory time constant, sub-population 2",
                               range=(1.0, 50.0))
    w: float = parameter(0.8, description="fraction of sub-population 1", range=(0.0, 1.0))
    e0: float = parameter(0.0025, unit="1/ms", description="half maximal firing rate", range=(0.001, 0.005))
    v0: float = parameter(6.0, description="potential at half-maximal firing (mV)", range=(3.0, 8.0))
    r: float = parameter(0.56, description="sigmoid steepness (1/mV)", range=(0.3, 0.8))
    C: float = parameter(135.0, description="average number of synapses", range=(65.0, 1350.0))
    c1: float = parameter(1.0, description="pyramidal -> excitatory fraction", range=(0.5, 1.5))
    c2: float = parameter(0.8, description="excitatory -> pyramidal fraction", range=(0.4, 1.2))
    c3: float = parameter(0.25, description="pyramidal -> inhibitory fraction", range=(0.125, 0.375))
    c4: float = parameter(0.25, description="inhibitory -> pyramidal fraction", range=(0.125, 0.375))
    p: float = parameter(0.22, unit="1/ms", description="external pulse density", range=(0.0, 0.35))

    state_variables = _VARIABLES
    default_coupled_var = "y4_1"
    variable_units = {
        name: ("mV" if int(name[1]) < 3 else "mV/ms") for name in _VARIABLES
    }
    variable_long_names = {
        f"y{i}_{k}": f"{what}, sub-population {k}"
        for k in _SUBPOPULATIONS
        for i, what in enumerate((
            "pyramidal output potential", "excitatory PSP on pyramidal cells",
            "inhibitory PSP on pyramidal cells", "derivative of y0", "derivative of y1",
            "derivative of y2",
        ))
    }
    initial_range = {
        name: {"0": (-1.0, 1.0), "1": (-2.0, 2.0), "2": (-2.0, 2.0)}.get(name[1], (-0.1, 0.1))
        for name in _VARIABLES
    }

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: DavidFriston) -> jax.Array:
        first, second = state[:6], state[6:]
        mixture = [p.w * one + (1.0 - p.w) * two for one, two in zip(first, second)]

        def sigmoid(v):
            return 2.0 * p.e0 * jax.nn.sigmoid(p.r * (v - p.v0))

        to_pyramidal = sigmoid(mixture[1] - mixture[2])
        excitatory = p.p + p.c2 * p.C * sigmoid(p.c1 * p.C * mixture[0])
        inhibitory = p.c4 * p.C * sigmoid(p.c3 * p.C * mixture[0])
        afferent = inputs[3:6] + inputs[9:12]      # pulse densities reach both sub-populations

        def column(y, i, A, B, tau_e, tau_i):
            y0, y1, y2, y3, y4, y5 = y
            dy3 = (A * (to_pyramidal + afferent[0]) - 2.0 * y3 - y0 / tau_e) / tau_e
            dy4 = (A * (excitatory + afferent[1]) - 2.0 * y4 - y1 / tau_e) / tau_e
            dy5 = (B * (inhibitory + afferent[2]) - 2.0 * y5 - y2 / tau_i) / tau_i
            return [y3 + i[0], y4 + i[1], y5 + i[2], dy3, dy4, dy5]

        return jnp.stack(
            column(first, inputs[:3], p.A_1, p.B_1, p.tau_e_1, p.tau_i_1)
            + column(second, inputs[6:9], p.A_2, p.B_2, p.tau_e_2, p.tau_i_2)
        )
