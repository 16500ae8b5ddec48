r"""Noise processes attached to a node model's state variables.

A model takes ``noise={"variable": process, ...}``.  A process is of one of two kinds:
*state noise* (:class:`White`, :class:`Multiplicative`), a term of the variable's SDE, or
*input noise* (:class:`OU`, :class:`Coloured`, :class:`Brownian`), a process added to the
variable's input.

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

* **Coloured input noise** (:class:`Coloured`, with :func:`pink`, :func:`blue`,
  :func:`violet`) has the power spectrum :math:`S(f) \propto 1/f^\beta` over a stated band
  :math:`[f_\mathrm{min}, f_\mathrm{max}]`, built from independent OU processes (see
  :class:`Coloured`); **Brownian input noise** (:class:`Brownian`) is the Wiener process
  :math:`\eta = \sigma W_t` itself, the case :math:`\beta = 2`, whose variance
  :math:`\sigma^2 t` grows without bound.

* **Multiplicative state noise** (:class:`Multiplicative`) has an amplitude that depends on
  the variable, :math:`\mathrm{d}x = f\,\mathrm{d}t + \sigma\,g(x)\,\mathrm{d}W_t`.  The
  integrator fixes the calculus: Euler-Maruyama (``"euler"``, and ``"rk4"``, which adds
  :math:`\sigma g(x_n)\Delta W` to its drift step) converges to the **Itô** solution, the
  stochastic Heun scheme (``"heun"``) to the **Stratonovich** solution (Kloeden & Platen
  1992, ch. 10 and 11; Mannella 2002).

Every draw comes from an explicit JAX key; the standard normal :math:`\xi_n` of step ``n``
depends only on the simulation seed and ``n``, so a run gives the same numbers however it
is batched or chunked.

References
----------
Uhlenbeck, G. E. & Ornstein, L. S. (1930). On the theory of the Brownian motion.
*Physical Review* 36, 823.
Gillespie, D. T. (1996). Exact numerical simulation of the Ornstein-Uhlenbeck process and
its integral. *Physical Review E* 54, 2084.
van der Ziel, A. (1950). On the noise spectra of semi-conductor noise and of flicker
effect. *Physica* 16, 359-372.
Keshner, M. S. (1982). 1/f noise. *Proceedings of the IEEE* 70, 212-218.
Kasdin, N. J. (1995). Discrete simulation of colored noise and stochastic processes and
1/f^alpha power law noise generation. *Proceedings of the IEEE* 83, 802-827.
Kloeden, P. E. & Platen, E. (1992). *Numerical Solution of Stochastic Differential
Equations*. Springer.
Mannella, R. (2002). Integration of stochastic differential equations on a computer.
*International Journal of Modern Physics C* 13, 1177-1194.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any, ClassVar

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np

from ._pytree import register_dataclass_pytree
from ._units import TIME_UNIT, TIME_UNIT_NAME, UNITLESS_UNIT, region_values

__all__ = [
    "Noise",
    "White",
    "Multiplicative",
    "OU",
    "Coloured",
    "Brownian",
    "pink",
    "blue",
    "violet",
    "proportional",
]


class Noise:
    """Base class of noise processes (see the module docstring)."""

    #: ``"state"``: additive SDE noise on the variable; ``"input"``: a process added to
    #: the variable's input.
    kind: ClassVar[str] = ""

    # -- the interface of input processes (OU's defaults; see advance_block) ----------
    #: Standard normals drawn per region and step.
    normals_per_step: int = 1

    def state_shape(self, n_regions: int) -> tuple[int, ...]:
        """The shape of the process's state for one member (default one value per region)."""
        return (n_regions,)

    def initial_state(self, standard_normal: jax.Array) -> jax.Array:
        """The state at ``t = 0`` from standard normals of shape :meth:`state_shape`."""
        raise NotImplementedError

    def input_value(self, state: jax.Array, dt: float) -> jax.Array:
        """The input the process delivers in ``state``, shape ``(N, ...)``."""
        return state

    def check_step(self, dt: float, name: str) -> None:
        """Raise ValueError if the process cannot be resolved with steps of ``dt`` ms."""

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

    #: Additive: the amplitude does not depend on the state.
    multiplicative: ClassVar[bool] = False

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

    def initial_state(self, standard_normal: jax.Array) -> jax.Array:
        """The process starts stationary (see :meth:`stationary_sample`)."""
        return self.stationary_sample(standard_normal)

    def advance(self, eta: jax.Array, standard_normal: jax.Array, dt: float) -> jax.Array:
        """The exact update :math:`\\eta_n \\to \\eta_{n+1}` over a step ``dt`` (ms)."""
        decay = jnp.exp(-dt / self.tau)
        spread = self.sigma * jnp.sqrt(1.0 - decay * decay)
        return self.mean + (eta - self.mean) * decay + spread * standard_normal




def proportional(x: jax.Array) -> jax.Array:
    """The amplitude :math:`g(x) = x` (geometric Brownian motion)."""
    return x


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Multiplicative(Noise):
    r"""Multiplicative white noise on a state variable: :math:`\mathrm{d}x = f\,\mathrm{d}t + \sigma\,g(x)\,\mathrm{d}W`.

    Itô with ``method="euler"`` (and ``"rk4"``), Stratonovich with ``method="heun"``:
    see the module docstring.  For :math:`g(x) = x` and :math:`f = \mu x` the Itô solution
    is :math:`x_t = x_0 \exp((\mu - \sigma^2/2)t + \sigma W_t)`, the Stratonovich one
    :math:`x_0 \exp(\mu t + \sigma W_t)`.

    Parameters
    ----------
    sigma
        Noise intensity per :math:`\sqrt{\mathrm{ms}}` (scalar or one value per region).
    g
        The amplitude, a JAX-traceable function of the variable's values (elementwise;
        default :func:`proportional`, :math:`g(x) = x`).  It is part of the compiled
        program: pass the same function object to reuse a compilation.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> import wbxr
    >>> noise = wbxr.noise.Multiplicative(sigma=0.1, g=jnp.sqrt)
    >>> noise
    Multiplicative(sigma=0.1, g=sqrt)
    >>> wbxr.models.LinearRate(noise={"x": noise}).noise["x"].multiplicative
    True
    """

    sigma: Any = 0.01
    g: Callable[[jax.Array], jax.Array] = proportional
    kind: ClassVar[str] = "state"
    multiplicative: ClassVar[bool] = True

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "sigma", region_values(
                self.sigma, "Multiplicative.sigma", unit=UNITLESS_UNIT, unit_name="1", bound=">=0"
            )
        )
        if not callable(self.g):
            raise TypeError(
                f"Multiplicative.g must be a function of the variable's values, got {self.g!r}"
            )

    def state_increment(self, standard_normal: jax.Array, dt: float) -> jax.Array:
        """The Wiener term before the amplitude, :math:`\\sigma\\sqrt{dt}\\,\\xi`."""
        return self.sigma * jnp.sqrt(dt) * standard_normal

    def amplitude(self, x: jax.Array) -> jax.Array:
        """:math:`g(x)`."""
        return self.g(x)

    def _g_name(self) -> str:
        return getattr(self.g, "__name__", type(self.g).__name__)

    def describe(self) -> dict[str, Any]:
        sigma = np.asarray(self.sigma)
        value = float(sigma) if sigma.ndim == 0 else sigma.tolist()
        return {"process": "Multiplicative", "sigma": value, "g": self._g_name()}

    def __repr__(self) -> str:
        sigma = np.asarray(self.sigma)
        value = repr(float(sigma)) if sigma.ndim == 0 else f"array{sigma.shape}"
        return f"Multiplicative(sigma={value}, g={self._g_name()})"


#: Corner frequencies of the OU components per decade of the band.
COMPONENTS_PER_DECADE = 2
#: The components' corners reach this factor beyond the band on each side.
BAND_MARGIN = 3.0
_MS_PER_S = 1000.0


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Coloured(Noise):
    r"""Input noise with power spectrum :math:`S(f) \propto 1/f^{\beta}` between ``f_min`` and ``f_max``.

    ``beta = 1`` is pink (flicker) noise, ``-1`` blue and ``-2`` violet (:func:`pink`,
    :func:`blue`, :func:`violet`); ``0`` is white noise band-limited to ``f_max``; any
    :math:`-2 \le \beta < 2` is accepted (``beta = 2``, Brownian noise, is
    :class:`Brownian`).

    **Method** (a bounded state, one exact update per step, usable inside a scan).  A
    superposition of Lorentzian spectra with log-uniformly distributed time constants is a
    power law (van der Ziel 1950; Keshner 1982; reviewed by Kasdin 1995):

    .. math:: \int_0^\infty \frac{\tau^{\beta'}}{1 + (\omega\tau)^2}\,\mathrm{d}\ln\tau
              \propto \omega^{-\beta'}, \qquad 0 < \beta' < 2 .

    For :math:`0 \le \beta < 2` the process is :math:`\eta = \sum_k c_k u_k`, a sum of
    :math:`K` independent unit-variance OU processes :math:`u_k` (each advanced exactly, as
    :class:`OU`) with time constants :math:`\tau_k = 1/(2\pi f_k)`, corner frequencies
    :math:`f_k` log-spaced (``COMPONENTS_PER_DECADE`` per decade) from :math:`f_\mathrm{min}/3`
    to :math:`3 f_\mathrm{max}`, and variances :math:`c_k^2 \propto \tau_k^{\beta-1}\Delta\ln\tau`
    (trapezoidal weights; the two end components also carry the integral of the truncated
    tails, :math:`\tau_1^{\beta-1}/\beta` and :math:`\tau_K^{\beta-1}/(2-\beta)`); for
    :math:`\beta = 0` a single OU process with corner :math:`3 f_\mathrm{max}`.  For
    :math:`-2 \le \beta < 0` the same sum :math:`y` is built for :math:`\beta' = \beta + 2`
    and the input is its derivative, smoothed at the fastest corner :math:`\tau_s = \tau_1`:
    :math:`\eta = (y - s)/\tau_s` with :math:`\tau_s \dot s = y - s`, so that
    :math:`S_\eta = \omega^2 S_y / (1 + \omega^2\tau_s^2)`; :math:`s` is advanced exactly for
    a :math:`y` linear within the step.

    **Band.**  The spectrum follows :math:`f^{-\beta}` between ``f_min`` and ``f_max``: the
    fitted log-log slope of the model spectrum over the band is within 0.02 of
    :math:`-\beta` for every :math:`\beta`, the local slope within 0.4 near the band's
    edges.  Below :math:`f_\mathrm{min}/3` the spectrum flattens (for :math:`\beta < 0` it
    falls as :math:`f^2`), above :math:`3 f_\mathrm{max}` it falls as :math:`f^{-2}`;
    ``3 * f_max`` should stay below the Nyquist frequency :math:`1/(2\,dt)` of the
    integration step.

    **Amplitude.**  ``sigma`` is the stationary standard deviation of :math:`\eta`
    (:math:`\sum_k c_k^2 = \sigma^2`; for :math:`\beta < 0`,
    :math:`\sum_k c_k^2/(\tau_s(\tau_s + \tau_k)) = \sigma^2`), independent of ``dt``.  The
    process starts stationary (for :math:`\beta < 0`, :math:`s` starts at :math:`y`, a
    transient of about :math:`\tau_s`).  Each step draws :math:`K` normals per region.

    Parameters
    ----------
    sigma
        Stationary standard deviation, in the units of the variable's input (>= 0).
    beta
        Spectral exponent, a number in ``[-2, 2)``; it fixes the compiled program.
    f_min, f_max
        The band (brainunit frequencies, or numbers in Hz), ``0 < f_min < f_max``.  The
        number of components :math:`K` follows from ``f_max / f_min``.

    Examples
    --------
    >>> import brainunit as u
    >>> import wbxr
    >>> noise = wbxr.noise.Coloured(sigma=0.05, beta=1.0, f_min=0.1 * u.Hz, f_max=100 * u.Hz)
    >>> noise
    Coloured(sigma=0.05, beta=1.0, f_min=0.1, f_max=100.0)
    >>> noise.normals_per_step          # components: 2 per decade over 0.033 .. 300 Hz
    9
    >>> wbxr.noise.pink(0.05).beta, wbxr.noise.violet(0.05).normals_per_step
    (1.0, 1)
    """

    sigma: Any = 0.01
    beta: float = 1.0
    f_min: Any = 0.1
    f_max: Any = 100.0
    #: :math:`K`, set from the band (static: it fixes the shapes of the compiled program).
    n_components: int = dataclasses.field(init=False, default=1)
    kind: ClassVar[str] = "input"

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "sigma", region_values(
                self.sigma, "Coloured.sigma", unit=UNITLESS_UNIT, unit_name="1", bound=">=0"
            )
        )
        beta = self.beta
        if isinstance(beta, (bool, np.bool_)) or not isinstance(beta, (int, float, np.integer, np.floating)):
            raise TypeError(f"Coloured.beta must be a number in [-2, 2), got {beta!r}")
        if not -2.0 <= float(beta) < 2.0:
            raise ValueError(
                f"Coloured.beta must be in [-2, 2) (use wbxr.noise.Brownian for beta = 2), "
                f"got {beta!r}"
            )
        object.__setattr__(self, "beta", float(beta))
        for name in ("f_min", "f_max"):
            value = region_values(
                getattr(self, name), f"Coloured.{name}", unit=u.Hz, unit_name="Hz", bound=">0"
            )
            object.__setattr__(self, name, value)
        ratio = np.asarray(self.f_max) / np.asarray(self.f_min)
        if np.any(ratio <= 1.0):
            raise ValueError(
                f"Coloured.f_max must be above f_min, got f_min={self.f_min!r} Hz, "
                f"f_max={self.f_max!r} Hz"
            )
        count = 1
        if self._exponent_of_sum != 0.0:
            decades = math.log10(float(np.max(ratio)) * BAND_MARGIN**2)
            count = int(math.ceil(COMPONENTS_PER_DECADE * decades - 1e-9)) + 1
        object.__setattr__(self, "n_components", count)

    # -- the components -------------------------------------------------------------
    @property
    def _exponent_of_sum(self) -> float:
        """:math:`\\beta'`: the exponent of the OU sum (``beta`` or ``beta + 2``)."""
        return self.beta if self.beta >= 0 else self.beta + 2.0

    @property
    def _derivative(self) -> bool:
        return self.beta < 0

    @property
    def normals_per_step(self) -> int:  # type: ignore[override]
        """:math:`K`, the number of OU components."""
        return self.n_components

    def state_shape(self, n_regions: int) -> tuple[int, ...]:
        """``(K, N)``, plus one row for the smoother :math:`s` when ``beta < 0``."""
        return (self.normals_per_step + int(self._derivative), n_regions)

    def time_constants(self, ndim: int = 1) -> jax.Array:
        """The components' :math:`\\tau_k` in ms, fastest first, shape ``(K, 1, ...)``
        broadcasting against a state of ``ndim`` dimensions."""
        count = self.normals_per_step
        f_min = jnp.asarray(self.f_min)
        f_max = jnp.asarray(self.f_max)
        tau_fast = _MS_PER_S / (2.0 * np.pi * BAND_MARGIN * f_max)
        tau_slow = _MS_PER_S * BAND_MARGIN / (2.0 * np.pi * f_min)
        tau_fast = _leading_axes(tau_fast, ndim)
        tau_slow = _leading_axes(tau_slow, ndim)
        if count == 1:
            return jnp.reshape(tau_fast, (1,) * (ndim - tau_fast.ndim) + tau_fast.shape)
        fractions = jnp.linspace(0.0, 1.0, count).reshape((count,) + (1,) * (ndim - 1))
        return tau_fast * (tau_slow / tau_fast) ** fractions

    def amplitudes(self, tau: jax.Array) -> jax.Array:
        """The components' standard deviations :math:`c_k` for time constants ``tau``."""
        exponent = self._exponent_of_sum
        count = tau.shape[0]
        if count == 1:
            variance = jnp.ones_like(tau)
        else:
            spacing = jnp.log(tau[1:2] / tau[:1])
            density = tau ** (exponent - 1.0) * spacing
            ends = jnp.zeros((count,) + (1,) * (tau.ndim - 1)).at[0].set(1.0).at[-1].set(1.0)
            variance = density * (1.0 - 0.5 * ends)
            variance = variance.at[0].add(tau[0] ** (exponent - 1.0) / exponent)
            variance = variance.at[-1].add(tau[-1] ** (exponent - 1.0) / (2.0 - exponent))
        if self._derivative:
            tau_s = tau[:1]
            total = jnp.sum(variance / (tau_s * (tau_s + tau)), axis=0, keepdims=True)
        else:
            total = jnp.sum(variance, axis=0, keepdims=True)
        return _leading_axes(self.sigma, tau.ndim) * jnp.sqrt(variance / total)

    def _sum(self, components: jax.Array) -> jax.Array:
        tau = self.time_constants(components.ndim)
        return jnp.sum(self.amplitudes(tau) * components, axis=0)

    # -- the process ------------------------------------------------------------------
    def check_step(self, dt: float, name: str) -> None:
        """The fastest corner, ``3 * f_max``, must lie below the Nyquist frequency ``1/(2 dt)``.

        Examples
        --------
        >>> Coloured(f_max=100.0).check_step(0.1, "noise")
        >>> Coloured(f_max=400.0).check_step(1.0, "noise")
        Traceback (most recent call last):
        ...
        ValueError: noise: 3 * f_max = 1200 Hz must be below the Nyquist frequency 1/(2 dt) = 500 Hz of dt = 1 ms; lower f_max or dt
        """
        nyquist_hz = _MS_PER_S / (2.0 * dt)
        fastest = BAND_MARGIN * float(np.max(np.asarray(self.f_max)))
        if fastest >= nyquist_hz:
            raise ValueError(
                f"{name}: 3 * f_max = {fastest:g} Hz must be below the Nyquist frequency "
                f"1/(2 dt) = {nyquist_hz:g} Hz of dt = {dt:g} ms; lower f_max or dt"
            )

    def initial_state(self, standard_normal: jax.Array) -> jax.Array:
        """Stationary components (and, for ``beta < 0``, the smoother at the sum)."""
        if not self._derivative:
            return standard_normal
        components = standard_normal[:-1]
        return jnp.concatenate([components, self._sum(components)[None]])

    def advance(self, state: jax.Array, standard_normal: jax.Array, dt: float) -> jax.Array:
        """The exact update of the components over ``dt`` ms (and of the smoother)."""
        components = state[:-1] if self._derivative else state
        tau = self.time_constants(components.ndim)
        decay = jnp.exp(-dt / tau)
        updated = components * decay + jnp.sqrt(1.0 - decay * decay) * standard_normal
        if not self._derivative:
            return updated
        tau_s = tau[0]
        y_start, y_end, smooth = self._sum(components), self._sum(updated), state[-1]
        keep = jnp.exp(-dt / tau_s)
        smooth = y_end + keep * (smooth - y_start) - (y_end - y_start) * (tau_s / dt) * (1.0 - keep)
        return jnp.concatenate([updated, smooth[None]])

    def input_value(self, state: jax.Array, dt: float) -> jax.Array:
        """:math:`\\eta`: the weighted sum, or for ``beta < 0`` :math:`(y - s)/\\tau_s`."""
        if not self._derivative:
            return self._sum(state)
        components = state[:-1]
        tau_s = self.time_constants(components.ndim)[0]
        return (self._sum(components) - state[-1]) / tau_s

    def __repr__(self) -> str:
        return super().__repr__().replace(f", n_components={float(self.n_components)!r}", "")


def _leading_axes(value: Any, ndim: int) -> jax.Array:
    """``value`` (a scalar or ``(N, ...)``) with leading unit axes up to ``ndim`` dimensions."""
    value = jnp.asarray(value)
    if value.ndim == 0:
        return value
    return jnp.reshape(value, (1,) * (ndim - value.ndim) + value.shape)


def pink(sigma: Any = 0.01, **band: Any) -> Coloured:
    """Pink (1/f) input noise, :class:`Coloured` with ``beta=1``; ``band``: ``f_min``, ``f_max``."""
    return Coloured(sigma=sigma, beta=1.0, **band)


def blue(sigma: Any = 0.01, **band: Any) -> Coloured:
    """Blue (:math:`f^{1}`) input noise, :class:`Coloured` with ``beta=-1``."""
    return Coloured(sigma=sigma, beta=-1.0, **band)


def violet(sigma: Any = 0.01, **band: Any) -> Coloured:
    """Violet (:math:`f^{2}`) input noise, :class:`Coloured` with ``beta=-2``."""
    return Coloured(sigma=sigma, beta=-2.0, **band)


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Brownian(Noise):
    r"""Brownian (random-walk, :math:`1/f^2`) input noise :math:`\eta(t) = \eta_0 + \sigma W_t`.

    Advanced exactly, :math:`\eta_{n+1} = \eta_n + \sigma\sqrt{\Delta t}\,\xi_n`; its variance
    :math:`\sigma^2 t` grows linearly in time, so it has no stationary state and starts at
    ``start``.  Within a step the input is the linear interpolation of the end values.

    Parameters
    ----------
    sigma
        Intensity, in the units of the variable's input per :math:`\sqrt{\mathrm{ms}}`.
    start
        :math:`\eta_0`, default 0.

    Examples
    --------
    >>> from wbxr.noise import Brownian
    >>> Brownian(sigma=0.01)
    Brownian(sigma=0.01, start=0.0)
    """

    sigma: Any = 0.01
    start: Any = 0.0
    kind: ClassVar[str] = "input"

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "sigma", region_values(
                self.sigma, "Brownian.sigma", unit=UNITLESS_UNIT, unit_name="1", bound=">=0"
            )
        )
        object.__setattr__(
            self, "start", region_values(self.start, "Brownian.start", unit=UNITLESS_UNIT, unit_name="1")
        )

    def initial_state(self, standard_normal: jax.Array) -> jax.Array:
        """:math:`\\eta_0` (the draws are not used)."""
        return self.start + jnp.zeros_like(standard_normal)

    def advance(self, eta: jax.Array, standard_normal: jax.Array, dt: float) -> jax.Array:
        """:math:`\\eta + \\sigma\\sqrt{dt}\\,\\xi`."""
        return eta + self.sigma * jnp.sqrt(dt) * standard_normal


register_dataclass_pytree(White, ("sigma",))
register_dataclass_pytree(Multiplicative, ("sigma",), static_fields=("g",))
register_dataclass_pytree(OU, ("sigma", "tau", "mean"))
register_dataclass_pytree(
    Coloured, ("sigma", "f_min", "f_max"), static_fields=("beta", "n_components")
)
register_dataclass_pytree(Brownian, ("sigma", "start"))
