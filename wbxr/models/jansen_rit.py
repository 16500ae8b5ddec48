r"""The Jansen-Rit cortical column: pyramidal cells with excitatory and inhibitory interneurons."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class JansenRit(NodeModel):
    r"""Jansen-Rit neural mass: three populations with second-order synaptic kernels.

    .. math::

        \dot y_0 &= y_3, &\quad \dot y_3 &= A a\, S(y_1 - y_2) - 2 a y_3 - a^2 y_0 \\
        \dot y_1 &= y_4, &\quad \dot y_4 &= A a \left(p + C_2 S(C_1 y_0) + I_{y_4}\right) - 2 a y_4 - a^2 y_1 \\
        \dot y_2 &= y_5, &\quad \dot y_5 &= B b\, C_4 S(C_3 y_0) - 2 b y_5 - b^2 y_2

    with the sigmoid :math:`S(v) = 2 e_0 / (1 + e^{r (v_0 - v)})`, :math:`C_i = c_i C`,
    potentials :math:`y_0, y_1, y_2` in mV, their derivatives in mV/ms, rates in 1/ms and
    time in ms.  :math:`y_0` is the output of the pyramidal cells, :math:`y_1` and
    :math:`y_2` the excitatory and inhibitory postsynaptic potentials on them; the
    EEG-like output of the column is :math:`y_1 - y_2`.  :math:`p` is the external
    (thalamic) pulse density; Jansen & Rit drew it uniformly between 120 and 320 Hz
    (0.12-0.32 /ms); constant :math:`p` in that range gives the alpha-like limit cycle
    (about 10-11 Hz).  Defaults: Jansen & Rit (1995), :math:`A = 3.25` mV,
    :math:`B = 22` mV, :math:`a = 100` /s, :math:`b = 50` /s, :math:`e_0 = 2.5` /s,
    :math:`v_0 = 6` mV, :math:`r = 0.56` /mV, :math:`C = 135`,
    :math:`c_{1..4} = 1, 0.8, 0.25, 0.25`, :math:`p = 220` Hz.

    Inputs are pulse densities (1/ms) arriving at a population: the input of
    :math:`y_4` adds to :math:`p` (this is where network input belongs), those of
    :math:`y_3` and :math:`y_5` add inside :math:`A a(\cdot)` and :math:`B b\,(\cdot)`;
    inputs of :math:`y_0, y_1, y_2` add to their derivatives.  **Coupling:** in
    Jansen-Rit networks a region sends the firing rate :math:`S(y_1 - y_2)` of its
    pyramidal cells to the others, which receive it in :math:`y_4`: build them with
    ``wbxr.Network(JansenRit(), conn, coupling="sigmoidal_jansen_rit", reads=("y1", "y2"),
    k=...)`` (``default_coupled_var`` is ``"y4"``, the variable receiving input).

    Parameters
    ----------
    A, B
        Maximal excitatory and inhibitory postsynaptic potentials (mV).
    a, b
        Inverse time constants of the excitatory and inhibitory kernels (1/ms).
    e0
        Half of the maximal firing rate (1/ms).
    v0
        Potential at half-maximal firing (mV).
    r
        Steepness of the sigmoid (1/mV).
    C
        Average number of synapses between populations.
    c1, c2, c3, c4
        Connectivity fractions: :math:`C_i = c_i C`.
    p
        External pulse density (1/ms).

    References
    ----------
    Jansen, B. H. & Rit, V. G. (1995). Electroencephalogram and visual evoked potential
    generation in a mathematical model of coupled cortical columns. *Biological
    Cybernetics* 73, 357-366.
    Grimbert, F. & Faugeras, O. (2006). Bifurcation analysis of Jansen's neural mass model.
    *Neural Computation* 18, 3052-3068.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import JansenRit
    >>> rest = jnp.zeros((6, 1))
    >>> d = JansenRit.dfun(rest, jnp.zeros_like(rest), JansenRit())
    >>> round(float(d[4, 0]), 6)                       # A a (p + C2 S(0)) in mV/ms^2
    0.077391
    """

    A: float = parameter(3.25, description="maximal EPSP (mV)", range=(2.0, 10.0))
    B: float = parameter(22.0, description="maximal IPSP (mV)", range=(10.0, 50.0))
    a: float = parameter(0.1, unit="1/ms", description="inverse excitatory time constant", range=(0.05, 0.15))
    b: float = parameter(0.05, unit="1/ms", description="inverse inhibitory time constant", range=(0.025, 0.075))
    e0: float = parameter(0.0025, unit="1/ms", description="half maximal firing rate", range=(0.001, 0.005))
    v0: float = parameter(6.0, description="potential at half-maximal firing (mV)", range=(3.0, 8.0))
    r: float = parameter(0.56, description="sigmoid steepness (1/mV)", range=(0.3, 0.8))
    C: float = parameter(135.0, description="average number of synapses", range=(65.0, 1350.0))
    c1: float = parameter(1.0, description="pyramidal -> excitatory fraction", range=(0.5, 1.5))
    c2: float = parameter(0.8, description="excitatory -> pyramidal fraction", range=(0.4, 1.2))
    c3: float = parameter(0.25, description="pyramidal -> inhibitory fraction", range=(0.125, 0.375))
    c4: float = parameter(0.25, description="inhibitory -> pyramidal fraction", range=(0.125, 0.375))
    p: float = parameter(0.22, unit="1/ms", description="external pulse density", range=(0.0, 0.35))

    state_variables = ("y0", "y1", "y2", "y3", "y4", "y5")
    default_coupled_var = "y4"
    variable_units = {"y0": "mV", "y1": "mV", "y2": "mV", "y3": "mV/ms", "y4": "mV/ms", "y5": "mV/ms"}
    variable_long_names = {
        "y0": "pyramidal output potential",
        "y1": "excitatory PSP on pyramidal cells",
        "y2": "inhibitory PSP on pyramidal cells",
        "y3": "derivative of y0",
        "y4": "derivative of y1",
        "y5": "derivative of y2",
    }
    initial_range = {
        "y0": (-1.0, 1.0), "y1": (-2.0, 2.0), "y2": (-2.0, 2.0),
        "y3": (-0.1, 0.1), "y4": (-0.1, 0.1), "y5": (-0.1, 0.1),
    }

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: JansenRit) -> jax.Array:
        y0, y1, y2, y3, y4, y5 = state
        i0, i1, i2, i3, i4, i5 = inputs

        def sigmoid(v):
            return 2.0 * p.e0 * jax.nn.sigmoid(p.r * (v - p.v0))

        pyramidal = sigmoid(p.c1 * p.C * y0)
        inhibitory = sigmoid(p.c3 * p.C * y0)
        Aa, Bb = p.A * p.a, p.B * p.b
        dy3 = Aa * (sigmoid(y1 - y2) + i3) - 2.0 * p.a * y3 - p.a * p.a * y0
        dy4 = Aa * (p.p + p.c2 * p.C * pyramidal + i4) - 2.0 * p.a * y4 - p.a * p.a * y1
        dy5 = Bb * (p.c4 * p.C * inhibitory + i5) - 2.0 * p.b * y5 - p.b * p.b * y2
        return jnp.stack([y3 + i0, y4 + i1, y5 + i2, dy3, dy4, dy5])
