r"""The Kuramoto phase oscillator."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .base import NodeModel, node_model, parameter


@node_model
class Kuramoto(NodeModel):
    r"""Kuramoto phase oscillator: a phase advancing at its natural frequency plus input.

    .. math:: \frac{d\theta}{dt} = \omega + I_\theta

    with :math:`\theta` in radians, :math:`\omega` in rad/ms and time in ms.  The phase is
    not wrapped; take ``np.angle(np.exp(1j * theta))`` or ``theta % (2 * np.pi)`` for
    analysis.  Default :math:`\omega = 2\pi \times 40` Hz :math:`= 0.2513` rad/ms, the
    gamma-band natural frequency of Cabral et al. (2011).

    **Coupling:** the Kuramoto model couples through
    :math:`k \sum_j W_{ij} \sin(\theta_j(t - d_{ij}) - \theta_i)`: build its networks
    with ``wbxr.Network(Kuramoto(), conn, coupling="kuramoto", k=...)``.  The default
    diffusive coupling would give :math:`k \sum_j W_{ij}(\theta_j - \theta_i)`, only
    the small-phase-difference linearisation.

    Parameters
    ----------
    omega
        Natural angular frequency (rad/ms); one value per region for heterogeneous
        frequencies.
    noise
        ``{"theta": process}`` (keyword only), see :mod:`wbxr.noise`.

    References
    ----------
    Kuramoto, Y. (1975). Self-entrainment of a population of coupled non-linear
    oscillators. In H. Araki (ed.), *International Symposium on Mathematical Problems in
    Theoretical Physics*, Lecture Notes in Physics 39, 420-422, Springer.
    Cabral, J., Hugues, E., Sporns, O. & Deco, G. (2011). Role of local network oscillations
    in resting-state functional connectivity. *NeuroImage* 57, 130-139.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from wbxr.models import Kuramoto
    >>> theta = jnp.zeros((1, 3))
    >>> Kuramoto.dfun(theta, jnp.zeros_like(theta), Kuramoto(omega=[0.1, 0.2, 0.3])).tolist()
    [[0.10000000149011612, 0.20000000298023224, 0.30000001192092896]]
    """

    omega: float = parameter(
        0.25132741228718347, unit="rad/ms", description="natural angular frequency", range=(0.0, 1.0)
    )

    state_variables = ("theta",)
    default_coupled_var = "theta"
    variable_units = {"theta": "rad"}
    variable_long_names = {"theta": "phase"}
    initial_range = {"theta": (0.0, 6.283185307179586)}

    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, p: Kuramoto) -> jax.Array:
        (input_theta,) = inputs
        return jnp.stack([p.omega + input_theta])
