r"""Bounds as smooth changes of variable: the optimiser works on an unconstrained number.

A fitted parameter :math:`\theta` with bounds is written as a smooth, strictly increasing
function of an unconstrained variable :math:`u \in \mathbb{R}`, so gradient steps and
CMA-ES samples can never leave the allowed range:

* no bounds: :math:`\theta = u`;
* a lower bound :math:`\ell` (positivity with :math:`\ell = 0`):
  :math:`\theta = \ell + \operatorname{softplus}(u)`, :math:`\operatorname{softplus}(u) = \log(1 + e^u)`;
* an upper bound :math:`h`: :math:`\theta = h - \operatorname{softplus}(-u)`;
* both: :math:`\theta = \ell + (h - \ell)\,\sigma(u)` with the logistic sigmoid
  :math:`\sigma(u) = 1 / (1 + e^{-u})`.

Softplus keeps the gradient of positive parameters near the bound (unlike :math:`e^u` it is
almost linear for large values); the sigmoid maps the real line onto the open interval
(the logit transform of bounded parameters, e.g. Stan Development Team 2024, section
"Constraint transforms").

References
----------
Stan Development Team (2024). *Stan Reference Manual*, "Constraint transforms".
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax
import numpy as np

__all__ = ["Transform", "check_bounds"]


@dataclasses.dataclass(frozen=True)
class Transform:
    """The change of variable of one parameter (``None``: no bound on that side).

    Examples
    --------
    >>> import numpy as np
    >>> t = Transform(lower=0.0, upper=None)
    >>> u = t.inverse(np.array([0.5, 2.0]))
    >>> np.round(np.asarray(t.forward(u)), 6).tolist()
    [0.5, 2.0]
    >>> float(Transform(0.0, 1.0).forward(0.0))     # the middle of the interval
    0.5
    """

    lower: float | None = None
    upper: float | None = None

    def forward(self, u: jax.Array) -> jax.Array:
        """The parameter value from the unconstrained variable (traceable)."""
        lo, hi = self.lower, self.upper
        if lo is not None and hi is not None:
            return lo + (hi - lo) * jax.nn.sigmoid(u)
        if lo is not None:
            return lo + jax.nn.softplus(u)
        if hi is not None:
            return hi - jax.nn.softplus(-u)
        return u

    def inverse(self, value: Any) -> np.ndarray:
        """The unconstrained variable of a value strictly inside the bounds (numpy)."""
        value = np.asarray(value, dtype=float)
        lo, hi = self.lower, self.upper
        if lo is not None and hi is not None:
            p = (value - lo) / (hi - lo)
            return np.log(p) - np.log1p(-p)
        if lo is not None:
            return _softplus_inverse(value - lo)
        if hi is not None:
            return -_softplus_inverse(hi - value)
        return value

    def contains(self, value: Any) -> bool:
        """Whether every entry of ``value`` lies strictly inside the bounds."""
        value = np.asarray(value, dtype=float)
        inside = np.isfinite(value)
        if self.lower is not None:
            inside &= value > self.lower
        if self.upper is not None:
            inside &= value < self.upper
        return bool(np.all(inside))

    def describe(self) -> str:
        """The transform's formula, for provenance."""
        lo, hi = self.lower, self.upper
        if lo is not None and hi is not None:
            return f"{lo:g} + ({hi:g} - {lo:g}) * sigmoid(u)"
        if lo is not None:
            return f"{lo:g} + softplus(u)"
        if hi is not None:
            return f"{hi:g} - softplus(-u)"
        return "u"


def _softplus_inverse(x: np.ndarray) -> np.ndarray:
    """:math:`\\log(e^x - 1)` for :math:`x > 0`, without overflow for large ``x``."""
    return x + np.log(-np.expm1(-x))


def check_bounds(name: str, given: Any) -> Transform:
    """The transform for ``bounds[name] = (low, high)`` (either may be None), checked.

    Examples
    --------
    >>> check_bounds("k", (0, None))
    Transform(lower=0.0, upper=None)
    >>> check_bounds("k", (1.0, 0.5))
    Traceback (most recent call last):
    ...
    ValueError: bounds['k'] = (1.0, 0.5): the lower bound must be below the upper bound
    """
    if isinstance(given, (str, bytes)) or not hasattr(given, "__len__") or len(given) != 2:
        raise ValueError(
            f"bounds[{name!r}] must be a pair (low, high) with None for an open side, got {given!r}"
        )
    low, high = given
    converted = []
    for side, value in (("low", low), ("high", high)):
        if value is None:
            converted.append(None)
            continue
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"bounds[{name!r}] {side} must be a number or None, got {value!r}")
        if not np.isfinite(value):
            raise ValueError(f"bounds[{name!r}] {side} must be finite (use None for no bound), got {value!r}")
        converted.append(float(value))
    if converted[0] is not None and converted[1] is not None and not converted[0] < converted[1]:
        raise ValueError(
            f"bounds[{name!r}] = {tuple(given)!r}: the lower bound must be below the upper bound"
        )
    return Transform(*converted)
