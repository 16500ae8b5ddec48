r"""Noise processes attached to a node model's state variables.

A model takes ``noise={"variable": process, ...}``.  Two kinds of process exist:

* **State noise** (:class:`White`) is an additive term of the stochastic differential
  equation of the variable,

  .. math:: \mathrm{d}x = f(x, I)\,\mathrm{d}t + \sigma\,\mathrm{d}W_t ,

  integrated with Euler-Maruyama (``method="euler"``) or the stochastic Heun scheme
  (``method="heun"``), both using the same Wiener increment
  :math:`\Delta W = \sqrt{\Delta t}\,\xi`, :math:`\xi \sim \mathcal N(0, 1)`.

* **Input noise** (:class:`OU`) is a coloured process :math:`\eta(t)` added to the
  variable's *input*, the same place network coupling enters (for Hopf: the derivative;
  for Wilson-Cowan: inside the sigmoid).  The Ornstein-Uhlenbeck process

  .. math:: \mathrm{d}\eta = \frac{\mu - \eta}{\tau}\,\mathrm{d}t
            + \sigma\sqrt{2/\tau}\,\mathrm{d}W_t

  has stationary mean :math:`\mu`, standard deviation :math:`\sigma` and autocorrelation
  :math:`e^{-|s|/\tau}` (Uhlenbeck & Ornstein 1930).  It is advanced with its exact
  discretisation (Gillespie 1996), stable for any step,

  .. math:: \eta_{n+1} = \mu + (\eta_n - \mu)\,e^{-\Delta t/\tau}
            + \sigma\sqrt{1 - e^{-2\Delta t/\tau}}\;\xi_n ,

  and starts from a draw of its stationary distribution.  Within a step the input is the
  linear interpolation between :math:`\eta_n` and :math:`\eta_{n+1}`.

Every draw comes from an explicit JAX key; the standard normal :math:`\xi_n` of step ``n``
depends only on the simulation seed and ``n``, so a run gives the same numbers however it
is batched or chunked.

References
----------
Uhlenbeck, G. E. & Ornstein, L. S. (1930). On the theory of the Brownian motion.
*Physical Review* 36, 823.
Gillespie, D. T. (1996). Exact numerical simulation of the Ornstein-Uhlenbeck process and
its integral. *Physical Review E* 54, 2084.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np

from ._pytree import register_dataclass_pytree
from ._units import TIME_UNIT, TIME_UNIT_NAME, UNITLESS_UNIT, region_values

__all__ = ["Noise", "White", "OU"]


class Noise:
    """Base class of noise processes (see the module docstring)."""

    #: ``"state"``: additive SDE noise on the variable; ``"input"``: a process added to
    #: the variable's input.
    kind: ClassVar[str] = ""

    def describe(self) -> dict[str, Any]:
        """A JSON-safe description of the process and its parameters."""
        values = {}
        for field in dataclasses.fields(self):
            value = np.asarray(getattr(self, field.name))
            values[field.name] = float(value) if value.ndim == 0 else value.tolist()
        return {"process": type(self).__name__, **values}

    def __repr__(self) -> str:
        parts = []
        for field in dataclasses.fields(self):
            value = np.asarray(getattr(self, field.name))
            parts.append(f"{field.name}={float(value)!r}" if value.ndim == 0 else f"{field.name}=array{value.shape}")
        return f"{type(self).__name__}({', '.join(parts)})"


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class White(Noise):
    r"""Additive white noise on a state variable: :math:`\mathrm{d}x = f\,\mathrm{d}t + \sigma\,\mathrm{d}W`.

    Parameters
    ----------
    sigma
        Noise intensity in units of the variable per :math:`\sqrt{\mathrm{ms}}`; a scalar
        or one value per region.  Over a step ``dt`` the variable receives
        :math:`\sigma\sqrt{dt}\,\xi`.

    Examples
    --------
    >>> import wbxr
    >>> wbxr.models.Hopf(noise={"x": wbxr.noise.White(sigma=0.02)}).noise
    {'x': White(sigma=0.02)}
    """

    sigma: Any = 0.01
    kind: ClassVar[str] = "state"

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "sigma", region_values(
                self.sigma, "White.sigma", unit=UNITLESS_UNIT, unit_name="1", bound=">=0"
            )
        )

    def state_increment(self, standard_normal: jax.Array, dt: float) -> jax.Array:
        """The Wiener term of one step, :math:`\\sigma\\sqrt{dt}\\,\\xi`."""
        return self.sigma * jnp.sqrt(dt) * standard_normal


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class OU(Noise):
    r"""Ornstein-Uhlenbeck input noise with stationary std ``sigma`` and correlation time ``tau``.

    Parameters
    ----------
    sigma
        Stationary standard deviation, in the units of the variable's input (>= 0).
    tau
        Correlation time (a brainunit time quantity, or a number in ms; > 0).
    mean
        Stationary mean :math:`\mu` (a constant background drive); default 0.

    Examples
    --------
    >>> import brainunit as u
    >>> from wbxr.noise import OU
    >>> OU(sigma=0.1, tau=50 * u.ms)
    OU(sigma=0.1, tau=50.0, mean=0.0)
    >>> OU(sigma=0.1, tau=0.05 * u.second).tau
    50.0
    """

    sigma: Any = 0.01
    tau: Any = 10.0
    mean: Any = 0.0
    kind: ClassVar[str] = "input"

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "sigma", region_values(
                self.sigma, "OU.sigma", unit=UNITLESS_UNIT, unit_name="1", bound=">=0"
            )
        )
        object.__setattr__(
            self,
            "tau",
            region_values(self.tau, "OU.tau", unit=TIME_UNIT, unit_name=TIME_UNIT_NAME, bound=">0"),
        )
        object.__setattr__(
            self, "mean", region_values(self.mean, "OU.mean", unit=UNITLESS_UNIT, unit_name="1")
        )

    def stationary_sample(self, standard_normal: jax.Array) -> jax.Array:
        """A draw from the stationary distribution :math:`\\mathcal N(\\mu, \\sigma^2)`."""
        return self.mean + self.sigma * standard_normal

    def advance(self, eta: jax.Array, standard_normal: jax.Array, dt: float) -> jax.Array:
        """The exact update :math:`\\eta_n \\to \\eta_{n+1}` over a step ``dt`` (ms)."""
        decay = jnp.exp(-dt / self.tau)
        spread = self.sigma * jnp.sqrt(1.0 - decay * decay)
        return self.mean + (eta - self.mean) * decay + spread * standard_normal


register_dataclass_pytree(White, ("sigma",))
register_dataclass_pytree(OU, ("sigma", "tau", "mean"))
