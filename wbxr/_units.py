"""Turn user-facing values (brainunit quantities or bare numbers) into plain magnitudes.

wbxr computes in a fixed unit system: time in milliseconds, distance in millimetres,
conduction speed in mm/ms (= m/s).  Quantities are converted at the API edge; a bare
number is taken to be in the documented default unit.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import brainunit as u
import jax
import numpy as np

TIME_UNIT = u.ms
DISTANCE_UNIT = u.mm
SPEED_UNIT = u.mm / u.ms
UNITLESS_UNIT = u.UNITLESS

TIME_UNIT_NAME = "ms"
DISTANCE_UNIT_NAME = "mm"
SPEED_UNIT_NAME = "mm/ms"


def to_magnitude(value: Any, unit: Any, name: str, unit_name: str) -> np.ndarray:
    """Return ``value`` as a float array expressed in ``unit``.

    Parameters
    ----------
    value
        A brainunit quantity, a real number or an array-like of real numbers.  Bare
        numbers are taken to be in ``unit`` already.
    unit
        The brainunit unit to express the value in.
    name
        The argument's name, used in error messages.
    unit_name
        How ``unit`` is written in error messages (``"ms"``).

    Raises
    ------
    TypeError
        If ``value`` is not numeric (strings, booleans, None, objects).
    ValueError
        If ``value`` is a quantity whose dimension does not match ``unit``.

    Examples
    --------
    >>> import brainunit as u
    >>> float(to_magnitude(0.3 * u.second, u.ms, "duration", "ms"))
    300.0
    >>> float(to_magnitude(2.5, u.ms, "dt", "ms"))
    2.5
    """
    if isinstance(value, u.Quantity):
        try:
            magnitude = value.to_decimal(unit)
        except Exception as exc:  # brainunit raises its own mismatch error type
            raise ValueError(
                f"{name}={value!r} has units of {u.get_unit(value)}, "
                f"expected a quantity convertible to {unit_name}"
            ) from exc
        return np.asarray(magnitude, dtype=float)
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, str):
        raise TypeError(
            f"{name} must be a number or a brainunit quantity in {unit_name}, got {value!r}"
        )
    if isinstance(value, numbers.Real):
        return np.asarray(float(value))
    try:
        array = np.asarray(value)
    except Exception as exc:
        raise TypeError(
            f"{name} must be a number or a brainunit quantity in {unit_name}, got {value!r}"
        ) from exc
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) and not np.issubdtype(array.dtype, np.complexfloating)
    ):
        raise TypeError(
            f"{name} must be real-valued (a number or a quantity in {unit_name}), "
            f"got {value!r} of dtype {array.dtype}"
        )
    return array.astype(float)


def to_scalar(value: Any, unit: Any, name: str, unit_name: str) -> float:
    """Like :func:`to_magnitude` but requires a single finite number.

    Examples
    --------
    >>> import brainunit as u
    >>> to_scalar(10 * u.mm / u.ms, SPEED_UNIT, "speed", "mm/ms")
    10.0
    """
    if type(value) in (float, int):  # the common case, without the checks for arrays
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {float(value)}")
        return float(value)
    magnitude = to_magnitude(value, unit, name, unit_name)
    if magnitude.ndim != 0:
        raise ValueError(f"{name} must be a single number, got an array of shape {magnitude.shape}")
    scalar = float(magnitude)
    if not np.isfinite(scalar):
        raise ValueError(f"{name} must be finite, got {scalar}")
    return scalar


def time_ms(value: Any, name: str) -> float:
    """A scalar time in milliseconds (``0.1 * u.ms`` or ``0.1``).

    Examples
    --------
    >>> import brainunit as u
    >>> time_ms(2 * u.second, "duration")
    2000.0
    """
    return to_scalar(value, TIME_UNIT, name, TIME_UNIT_NAME)


def region_values(
    value: Any, name: str, *, unit: Any, unit_name: str, bound: str | None = None
) -> Any:
    """Validate a parameter that is a scalar or one value per region.

    Returns a float (scalar) or a 1-D float array; traced JAX values pass through
    unchecked (they come from inside a transformation, not from a user).
    ``bound`` is ``None``, ``">0"`` or ``">=0"``.

    Examples
    --------
    >>> import brainunit as u
    >>> region_values(50 * u.ms, "OU.tau", unit=TIME_UNIT, unit_name="ms", bound=">0")
    50.0
    >>> region_values([1, 2], "a", unit=UNITLESS_UNIT, unit_name="1")
    array([1., 2.])
    """
    if isinstance(value, jax.core.Tracer):
        return value
    magnitude = to_magnitude(value, unit, name, unit_name)
    if magnitude.ndim > 1:
        raise ValueError(
            f"{name} must be a scalar or a 1-D array with one value per region, "
            f"got shape {magnitude.shape}"
        )
    if not np.all(np.isfinite(magnitude)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if bound == ">0" and np.any(magnitude <= 0):
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if bound == ">=0" and np.any(magnitude < 0):
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return float(magnitude) if magnitude.ndim == 0 else magnitude
