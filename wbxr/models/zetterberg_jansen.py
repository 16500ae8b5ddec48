r"""The Zetterberg-Jansen neural mass: Zetterberg's (1978) local population model as in TVB."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class ZetterbergJansen(NodeModel):
    r"""Zetterberg's neural mass: pyramidal cells with excitatory and self-inhibiting inhibitory cells.

    .. math::

        \dot v_1 &= y_1, &\quad \dot y_1 &= H_e k_e \left(\gamma_1 S(v_2 - v_3)
            + \gamma_{1T} (U + I)\right) - 2 k_e y_1 - k_e^2 v_1 \\
        \dot v_2 &= y_2, &\quad \dot y_2 &= H_e k_e \left(\gamma_2 S(v_1)
            + \gamma_{2T} (P + I)\right) - 2 k_e y_2 - k_e^2 v_2 \\
        \dot v_3 &= y_3, &\quad \dot y_3 &= H_i k_i\, \gamma_4 S(v_4 - v_5)
            - 2 k_i y_3 - k_i^2 v_3 \\
        \dot v_4 &= y_4, &\quad \dot y_4 &= H_e k_e \left(\gamma_3 S(v_2 - v_3)
            + \gamma_{3T} (Q + I)\right) - 2 k_e y_4 - k_e^2 v_4 \\
        \dot v_5 &= y_5, &\quad \dot y_5 &= H_i k_i\, \gamma_5 S(v_4 - v_5)
            - 2 k_i y_5 - k_i^2 v_5

    with :math:`S(v) = 2 e_0 / (1 + e^{\rho_1 (\rho_2 - v)})`.  :math:`v_2 - v_3` is the
    membrane potential of the pyramidal cells (the EEG-like output), :math:`v_1` that of the
    excitatory interneurons, :math:`v_4 - v_5` that of the inhibitory interneurons, which,
    unlike in :class:`~wbxr.models.JansenRit`, inhibit themselves (:math:`\gamma_5`) and are
    driven by the pyramidal cells' potential.  :math:`P, U, Q` are the external pulse
    densities onto pyramidal, excitatory and inhibitory cells.  This is the model of
    Zetterberg, Kristiansson & Mossberg (1978), from which Jansen & Rit's (1995) model derives,
    written as in The Virtual Brain's ``ZetterbergJansen`` (same parameter names and
    defaults), except that the inhibitory self-loop uses the inhibitory rate
    (:math:`k_i^2 v_5`, where TVB writes :math:`k_e^2 v_5`) and TVB's redundant auxiliary
    variables :math:`v_6 = v_2 - v_3`, :math:`v_7 = v_4 - v_5` are left out.  With the
    defaults the node has a stable focus rotating at about 13 Hz: constant input settles,
    fluctuating input gives a spectral peak near 13 Hz.

    Units: potentials :math:`v` in mV, :math:`y` in mV/ms, :math:`k_e, k_i, e_0, P, U, Q`
    in 1/ms.  **Inputs**: :math:`I`, the input of ``y2`` (``default_coupled_var``), is an
    afferent pulse density (1/ms) that, as TVB's network coupling, reaches all three
    populations with weights :math:`\gamma_{1T}, \gamma_{2T}, \gamma_{3T}`; inputs of
    ``y1`` and ``y4`` add to :math:`U` and :math:`Q` only, those of ``y3``, ``y5`` add
    inside their brackets, those of the potentials to their derivatives.  For the
    Jansen-Rit sigmoidal network coupling of the pyramidal potentials use
    ``coupling="sigmoidal_jansen_rit", reads=("v2", "v3")``.

    References
    ----------
    Zetterberg, L. H., Kristiansson, L. & Mossberg, K. (1978). Performance of a model for a
    local neuron population. *Biological Cybernetics* 31, 15-26.
    Jansen, B. H. & Rit, V. G. (1995). Electroencephalogram and visual evoked potential
    generation in a mathematical model of coupled cortical columns. *Biological
    Cybernetics* 73, 357-366.
    Sanz-Leon, P., Knock, S. A., Spiegler, A. & Jirsa, V. K. (2015). Mathematical framework
    for large-scale brain network modeling in The Virtual Brain. *NeuroImage* 111, 385-430.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import ZetterbergJansen
    >>> rest = jnp.zeros((10, 1))
    >>> d = ZetterbergJansen.dfun(rest, jnp.zeros_like(rest), ZetterbergJansen())
    >>> round(float(d[3, 0]), 6)              # He ke (gamma_2 S(0) + P) in mV/ms^2
    0.044891
    """

    He: float = parameter(3.25, description="maximal EPSP (mV)", range=(2.0, 10.0))
    Hi: float = parameter(22.0, description="maximal IPSP (mV)", range=(10.0, 50.0))
    ke: float = parameter(0.1, unit="1/ms", description="inverse excitatory time constant", range=(0.05, 0.15))
    ki: float = parameter(0.05, unit="1/ms", description="inverse inhibitory time constant", range=(0.025, 0.075))
    e0: float = parameter(0.0025, unit="1/ms", description="half maximal firing rate", range=(0.001, 0.005))
    rho_2: float = parameter(6.0, description="potential at half-maximal firing (mV)", range=(3.0, 8.0))
    rho_1: float = parameter(0.56, description="sigmoid steepness (1/mV)", range=(0.3, 0.8))
    gamma_1: float = parameter(135.0, description="pyramidal -> excitatory synapses", range=(50.0, 300.0))
    gamma_2: float = parameter(108.0, description="excitatory -> pyramidal synapses", range=(40.0, 250.0))
    gamma_3: float = parameter(33.75, description="pyramidal -> inhibitory synapses", range=(10.0, 80.0))
    gamma_4: float = parameter(33.75, description="inhibitory -> pyramidal synapses", range=(10.0, 80.0))
    gamma_5: float = parameter(15.0, description="inhibitory -> inhibitory synapses", range=(0.0, 50.0))
    gamma_1T: float = parameter(1.0, description="weight of input onto excitatory cells", range=(0.0, 2.0))
    gamma_2T: float = parameter(1.0, description="weight of input onto pyramidal cells", range=(0.0, 2.0))
    gamma_3T: float = parameter(1.0, description="weight of input onto inhibitory cells", range=(0.0, 2.0))
    P: float = parameter(0.12, unit="1/ms", description="external pulse density onto pyramidal cells",
                         range=(0.0, 0.35))
    U: float = parameter(0.12, unit="1/ms", description="external pulse density onto excitatory cells",
                         range=(0.0, 0.35))
    Q: float = parameter(0.12, unit="1/ms", description="external pulse density onto inhibitory cells",
                         range=(0.0, 0.35))

    state_variables = ("v1", "y1", "v2", "y2", "v3", "y3", "v4", "y4", "v5", "y5")
    default_coupled_var = "y2"
    variable_units = {name: ("mV" if name[0] == "v" else "mV/ms") for name in state_variables}
    variable_long_names = {
        "v1": "potential of the excitatory interneurons",
        "v2": "excitatory PSP on pyramidal cells",
        "v3": "inhibitory PSP on pyramidal cells",
        "v4": "excitatory PSP on inhibitory interneurons",
        "v5": "inhibitory PSP on inhibitory interneurons",
        "y1": "derivative of v1",
        "y2": "derivative of v2",
        "y3": "derivative of v3",
        "y4": "derivative of v4",
        "y5": "derivative of v5",
    }
    initial_range = {
        "v1": (0.0, 30.0), "y1": (-0.1, 0.1), "v2": (0.0, 30.0), "y2": (-0.1, 0.1),
        "v3": (0.0, 15.0), "y3": (-0.1, 0.1), "v4": (0.0, 10.0), "y4": (-0.1, 0.1),
        "v5": (0.0, 10.0), "y5": (-0.1, 0.1),
    }

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: ZetterbergJansen) -> jax.Array:
        v1, y1, v2, y2, v3, y3, v4, y4, v5, y5 = state
        iv1, iy1, iv2, iy2, iv3, iy3, iv4, iy4, iv5, iy5 = inputs

        def sigmoid(v):
            return 2.0 * p.e0 * jax.nn.sigmoid(p.rho_1 * (v - p.rho_2))

        pyramidal = sigmoid(v2 - v3)
        inhibitory = sigmoid(v4 - v5)
        Heke, Hiki = p.He * p.ke, p.Hi * p.ki

        def excitatory_kernel(v, y, rate):
            return Heke * rate - 2.0 * p.ke * y - p.ke * p.ke * v

        def inhibitory_kernel(v, y, rate):
            return Hiki * rate - 2.0 * p.ki * y - p.ki * p.ki * v

        dy1 = excitatory_kernel(v1, y1, p.gamma_1 * pyramidal + p.gamma_1T * (p.U + iy1 + iy2))
        dy2 = excitatory_kernel(v2, y2, p.gamma_2 * sigmoid(v1) + p.gamma_2T * (p.P + iy2))
        dy3 = inhibitory_kernel(v3, y3, p.gamma_4 * inhibitory + iy3)
        dy4 = excitatory_kernel(v4, y4, p.gamma_3 * pyramidal + p.gamma_3T * (p.Q + iy4 + iy2))
        dy5 = inhibitory_kernel(v5, y5, p.gamma_5 * inhibitory + iy5)
        return jnp.stack([y1 + iv1, dy1, y2 + iv2, dy2, y3 + iv3, dy3, y4 + iv4, dy4, y5 + iv5, dy5])
