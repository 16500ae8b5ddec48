r"""One integration step of :math:`\dot z = f(z, \theta)` with additive or multiplicative state noise.

``field(z, theta)`` evaluates the vector field at the state ``z`` of a stage placed at the
fraction ``theta`` (0, 0.5 or 1, a Python float) of the step; the caller uses ``theta`` to
interpolate time-dependent inputs (delayed coupling, input noise).  ``noise`` is the
Wiener term of the step, :math:`g\,\Delta W`: an array for additive noise, a function
``noise(z)`` returning :math:`g(z)\,\Delta W` for multiplicative noise, or None for
deterministic runs.  With multiplicative noise, ``euler`` and ``rk4`` evaluate
:math:`g` at the start of the step (**Itô**), ``heun`` averages it over predictor and start
(**Stratonovich**, Kloeden & Platen 1992, sec. 11.1; Mannella 2002):
:math:`z_{n+1} = z_n + \tfrac{\Delta t}{2}(f(z_n) + f(\tilde z)) + \tfrac12 (g(z_n) + g(\tilde z))\,\Delta W`.

* ``euler``: Euler / Euler-Maruyama,
  :math:`z_{n+1} = z_n + \Delta t\, f(z_n, 0) + g\Delta W`.
* ``heun``: Heun / stochastic Heun (the predictor-corrector of Mannella 2002, as used by
  TVB), with the same increment in predictor and corrector:
  :math:`\tilde z = z_n + \Delta t f(z_n, 0) + g\Delta W`,
  :math:`z_{n+1} = z_n + \tfrac{\Delta t}{2}\,(f(z_n, 0) + f(\tilde z, 1)) + g\Delta W`.
* ``rk4``: the classical fourth-order Runge-Kutta step of the drift, plus
  :math:`g\Delta W` (for additive noise this keeps strong order 1, like the schemes above).

References
----------
Kloeden, P. E. & Platen, E. (1992). *Numerical Solution of Stochastic Differential
Equations*. Springer.
Mannella, R. (2002). Integration of stochastic differential equations on a computer.
*International Journal of Modern Physics C* 13, 1177-1194.
"""

from __future__ import annotations

from collections.abc import Callable

import jax

Field = Callable[[jax.Array, float], jax.Array]
#: An additive increment, a function of the state (multiplicative), or None.
Noise = jax.Array | Callable[[jax.Array], jax.Array] | None


def _at(noise: Noise, z: jax.Array) -> jax.Array:
    return noise(z) if callable(noise) else noise

METHODS = ("euler", "heun", "rk4")

#: Whether a method evaluates the field at the end of the step (and so needs the
#: delayed input of step n + 1).
READS_STEP_END = {"euler": False, "heun": True, "rk4": True}


def euler(field: Field, z: jax.Array, dt: float, noise: Noise) -> jax.Array:
    """Euler(-Maruyama) step (Itô for multiplicative noise)."""
    z_next = z + dt * field(z, 0.0)
    return z_next if noise is None else z_next + _at(noise, z)


def heun(field: Field, z: jax.Array, dt: float, noise: Noise) -> jax.Array:
    """Heun (stochastic Heun) predictor-corrector step (Stratonovich for multiplicative noise)."""
    slope = field(z, 0.0)
    predicted = z + dt * slope
    start_noise = None if noise is None else _at(noise, z)
    if noise is not None:
        predicted = predicted + start_noise
    z_next = z + 0.5 * dt * (slope + field(predicted, 1.0))
    if noise is None:
        return z_next
    if callable(noise):
        return z_next + 0.5 * (start_noise + noise(predicted))
    return z_next + noise


def rk4(field: Field, z: jax.Array, dt: float, noise: Noise) -> jax.Array:
    """Classical Runge-Kutta step of the drift plus the noise increment (Itô)."""
    k1 = field(z, 0.0)
    k2 = field(z + 0.5 * dt * k1, 0.5)
    k3 = field(z + 0.5 * dt * k2, 0.5)
    k4 = field(z + dt * k3, 1.0)
    z_next = z + (dt / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return z_next if noise is None else z_next + _at(noise, z)


STEPPERS: dict[str, Callable[[Field, jax.Array, float, Noise], jax.Array]] = {
    "euler": euler,
    "heun": heun,
    "rk4": rk4,
}
