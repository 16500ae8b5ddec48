r"""What a node model is: a frozen dataclass of parameters plus a pure vector field.

A node model describes the local dynamics of one brain region.  In wbxr it is

* a frozen dataclass whose fields are the model's parameters (each a scalar or one value
  per region), plus a keyword-only ``noise`` mapping from state-variable name to a noise
  process (see :mod:`wbxr.noise`);
* class attributes naming the state variables, their units, the variable that couples to
  other regions by default and the range initial states are drawn from;
* a pure function ``dfun(state, inputs, params)`` returning the time derivatives, where
  ``state`` and ``inputs`` are arrays of shape ``(n_variables, n_regions)`` and ``params``
  is the model instance itself (whose fields are JAX arrays inside a simulation).

``inputs[v]`` is everything that drives variable ``v`` from outside the node: network
coupling (for the coupled variable) and input noise (OU, coloured, Brownian).

**State bounds.**  A model may declare ``state_bounds = {"variable": (low, high)}`` (either
end None for unbounded), e.g. firing rates :math:`\ge 0` or synaptic gating in
:math:`[0, 1]`; the simulation clips each bounded variable into its range after every
integration step, as TVB does with ``state_variable_boundaries``.  Users override them per
instance, ``Model(bounds={"S": (0, None)})``, or remove one with ``bounds={"S": None}``.
Variables without bounds are never touched, so bound-free dynamics are unchanged bit for
bit.  The model decides
where an input enters its equations (Hopf adds it to the derivative; Wilson-Cowan puts it
inside the sigmoid).

The :func:`node_model` decorator turns such a class into a JAX pytree whose leaves are the
parameter values, so a simulation traces them instead of compiling them in: changing a value
never recompiles.  Writing a new model is writing one such class::

    @node_model
    class Linear(NodeModel):
        tau: float = parameter(10.0, unit="ms", description="time constant")
        state_variables = ("x",)
        default_coupled_var = "x"
        variable_units = {"x": "1"}
        initial_range = {"x": (-0.1, 0.1)}

        @staticmethod
        def dfun(state, inputs, p):
            return (-state + inputs) / p.tau
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any, ClassVar

import brainunit as u
import jax
import numpy as np

from .._pytree import register_dataclass_pytree
from .._units import UNITLESS_UNIT, region_values
from ..noise import Noise

#: How a parameter's unit string maps onto brainunit, for converting quantities.
_UNITS = {
    "1": UNITLESS_UNIT,
    "ms": u.ms,
    "1/ms": u.kHz,
    "rad/ms": u.kHz,
    "mm": u.mm,
    "mm/ms": u.mm / u.ms,
}


@dataclasses.dataclass(frozen=True)
class ParameterInfo:
    """Metadata of one model parameter (used for docs, widgets and provenance)."""

    unit: str
    description: str
    range: tuple[float, float] | None


def parameter(
    default: float,
    *,
    unit: str = "1",
    description: str = "",
    range: tuple[float, float] | None = None,  # noqa: A002 - the natural name
) -> Any:
    """Declare a model parameter with its default, unit and a plausible range.

    Parameters
    ----------
    default
        Default value (a number in ``unit``).
    unit
        One of ``"1"``, ``"ms"``, ``"1/ms"``, ``"rad/ms"``, ``"mm"``, ``"mm/ms"``.
        Brainunit quantities passed by the user are converted to this unit.
    description
        One line saying what the parameter is.
    range
        Typical range ``(low, high)`` (for sliders and documentation; not enforced).

    Examples
    --------
    >>> import dataclasses
    >>> f = parameter(0.5, unit="ms", description="time constant")
    >>> f.default, f.metadata["wbxr"].unit
    (0.5, 'ms')
    """
    if unit not in _UNITS:
        raise ValueError(f"unit={unit!r} is not one of {sorted(_UNITS)}")
    info = ParameterInfo(unit=unit, description=description, range=range)
    return dataclasses.field(default=default, metadata={"wbxr": info})


class NodeModel:
    """Base class of node models; see the module docstring for the contract.

    Subclasses are decorated with :func:`node_model`.  Instances are immutable; use
    :meth:`replace` to change parameters.
    """

    #: Names of the state variables, in the order of the rows of ``state``.
    state_variables: ClassVar[tuple[str, ...]] = ()
    #: The variable that couples to other regions unless the network says otherwise.
    default_coupled_var: ClassVar[str] = ""
    #: Units of each state variable (CF-style strings).
    variable_units: ClassVar[Mapping[str, str]] = {}
    #: Long names of the state variables; a missing entry means the variable name.
    variable_long_names: ClassVar[Mapping[str, str]] = {}
    #: Initial states are drawn uniformly from these ranges (per variable).
    initial_range: ClassVar[Mapping[str, tuple[float, float]]] = {}
    #: Default ``(low, high)`` bounds of some variables (None: unbounded on that side).
    state_bounds: ClassVar[Mapping[str, tuple[float | None, float | None]]] = {}

    noise: Mapping[str, Noise]
    #: The bounds in force, ``{variable: (low, high)}`` with ``-inf``/``inf`` for no bound
    #: (the class's ``state_bounds`` updated by the ``bounds=`` argument).
    bounds: Mapping[str, tuple[float, float]]

    # -- the vector field -------------------------------------------------------------
    @staticmethod
    def dfun(state: jax.Array, inputs: jax.Array, params: Any) -> jax.Array:
        """Time derivatives ``d state / dt`` (per ms), shape ``(n_variables, n_regions)``."""
        raise NotImplementedError

    # -- construction -----------------------------------------------------------------
    def __post_init__(self) -> None:
        name = type(self).__name__
        for field in parameter_fields(type(self)):
            info: ParameterInfo = field.metadata["wbxr"]
            value = region_values(
                getattr(self, field.name),
                f"{name}.{field.name}",
                unit=_UNITS[info.unit],
                unit_name=info.unit,
            )
            object.__setattr__(self, field.name, value)
        noise = self.noise
        if noise is None:
            noise = {}
        if not isinstance(noise, Mapping):
            raise TypeError(
                f"{name}(noise=...) must be a dict mapping a state variable to a noise process, "
                f"got {noise!r}"
            )
        for var, process in noise.items():
            if var not in self.state_variables:
                raise ValueError(
                    f"{name}(noise=...) has key {var!r}, which is not a state variable of "
                    f"{name}; expected one of {list(self.state_variables)}"
                )
            if not isinstance(process, Noise):
                raise TypeError(
                    f"{name}(noise={{{var!r}: ...}}) must be a wbxr.noise process "
                    f"(White, OU), got {process!r}"
                )
        ordered = {var: noise[var] for var in self.state_variables if var in noise}
        object.__setattr__(self, "noise", ordered)
        object.__setattr__(self, "bounds", _checked_bounds(type(self), self.bounds))

    # -- conveniences -----------------------------------------------------------------
    def state_limits(self) -> tuple[tuple[float, float], ...]:
        """``(low, high)`` per state variable if any is bounded, else ``()``.

        Examples
        --------
        >>> from wbxr.models import Hopf, ReducedWongWang
        >>> Hopf().state_limits(), ReducedWongWang().state_limits()
        ((), ((0.0, 1.0),))
        """
        if all(np.isinf(low) and np.isinf(high) for low, high in self.bounds.values()):
            return ()
        unbounded = (-np.inf, np.inf)
        return tuple(self.bounds.get(var, unbounded) for var in self.state_variables)

    @property
    def n_variables(self) -> int:
        """Number of state variables."""
        return len(self.state_variables)

    def replace(self, **changes: Any) -> NodeModel:
        """A copy with some parameters (or ``noise``) changed.

        Examples
        --------
        >>> from wbxr.models import Hopf
        >>> Hopf(a=0.1).replace(a=-0.2).a
        -0.2
        """
        return dataclasses.replace(self, **changes)

    def parameters(self) -> dict[str, Any]:
        """The parameter values by name (floats or per-region arrays).

        Examples
        --------
        >>> from wbxr.models import Hopf
        >>> Hopf(a=0.1, w=0.3).parameters()
        {'a': 0.1, 'w': 0.3, 'beta': 1.0}
        """
        return {f.name: getattr(self, f.name) for f in parameter_fields(type(self))}

    def describe(self) -> dict[str, Any]:
        """A JSON-safe description: model name, parameters with units, noise."""
        params = {
            f.name: {
                "value": _jsonable(getattr(self, f.name)),
                "unit": f.metadata["wbxr"].unit,
            }
            for f in parameter_fields(type(self))
        }
        noise = {var: process.describe() for var, process in self.noise.items()}
        return {"model": type(self).__name__, "parameters": params, "noise": noise}

    def to_json(self) -> str:
        """:meth:`describe` as a JSON string (stored in simulation attrs)."""
        return json.dumps(self.describe(), sort_keys=True)

    def _repr_html_(self) -> str:
        from .._html import format_value, table

        rows = [
            (f.name, format_value(getattr(self, f.name)), f.metadata["wbxr"].unit, f.metadata["wbxr"].description)
            for f in parameter_fields(type(self))
        ]
        rows += [(f"noise on {var}", repr(process), "", "") for var, process in self.noise.items()]
        title = f"{type(self).__name__}: state variables {', '.join(self.state_variables)}"
        return table(title, ["parameter", "value", "unit", "meaning"], rows)

    def __repr__(self) -> str:
        parts = [f"{k}={_short(v)}" for k, v in self.parameters().items()]
        if self.noise:
            parts.append(f"noise={dict(self.noise)!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


def _checked_bounds(cls: type, overrides: Any) -> dict[str, tuple[float, float]]:
    """The class's ``state_bounds`` updated by ``overrides``, checked, as floats."""
    name = cls.__name__
    if overrides is None:
        overrides = {}
    if not isinstance(overrides, Mapping):
        raise TypeError(
            f"{name}(bounds=...) must be a dict mapping a state variable to (low, high) or None, "
            f"got {overrides!r}"
        )
    merged = {**cls.state_bounds, **overrides}
    bounds = {}
    for var in cls.state_variables:
        if var not in merged:
            continue
        if merged[var] is None:  # removed: kept as infinite, so replace() keeps it removed
            bounds[var] = (-np.inf, np.inf)
            continue
        pair = merged[var]
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"{name} bounds[{var!r}] must be (low, high) or None, got {pair!r}")
        try:
            low = -np.inf if pair[0] is None else float(pair[0])
            high = np.inf if pair[1] is None else float(pair[1])
        except (TypeError, ValueError):
            raise TypeError(f"{name} bounds[{var!r}] must hold numbers or None, got {pair!r}") from None
        if np.isnan(low) or np.isnan(high) or not low < high:
            raise ValueError(f"{name} bounds[{var!r}] must have low < high, got {pair!r}")
        bounds[var] = (low, high)
    unknown = set(merged) - set(cls.state_variables)
    if unknown:
        raise ValueError(
            f"{name} bounds has keys {sorted(unknown)}, which are not state variables of {name}; "
            f"expected some of {list(cls.state_variables)}"
        )
    return _Bounds(bounds)


class _Bounds(dict):
    """Bounds as a hashable mapping (they travel in the pytree structure, see node_model)."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))


def _jsonable(value: Any) -> Any:
    array = np.asarray(value)
    return float(array) if array.ndim == 0 else array.tolist()


def _short(value: Any) -> str:
    array = np.asarray(value)
    if array.ndim == 0:
        return repr(float(array))
    return f"array(shape={array.shape}, mean={float(array.mean()):.4g})"


def parameter_fields(cls: type) -> tuple[dataclasses.Field, ...]:
    """The dataclass fields of ``cls`` that are model parameters, in declaration order."""
    return tuple(f for f in dataclasses.fields(cls) if "wbxr" in f.metadata)


def node_model(cls: type) -> type:
    """Class decorator: make ``cls`` a frozen dataclass and a JAX pytree.

    The pytree's leaves are the parameter values and the noise processes' parameters (the
    state bounds are static, in the tree structure); flattening and unflattening never re-run validation, so the model can carry traced
    values inside ``jit``/``vmap``/``grad``.
    """
    if not issubclass(cls, NodeModel):
        raise TypeError(f"@node_model expects a NodeModel subclass, got {cls!r}")
    annotations = cls.__dict__.get("__annotations__", {})
    if "noise" not in annotations:
        annotations = {**annotations, "noise": "Mapping[str, Noise]"}
        cls.__annotations__ = annotations
        cls.noise = dataclasses.field(default_factory=dict, kw_only=True)
    if "bounds" not in annotations:
        cls.__annotations__ = {**annotations, "bounds": "Mapping[str, tuple[float, float]] | None"}
        cls.bounds = dataclasses.field(default=None, kw_only=True)
    cls = dataclasses.dataclass(frozen=True, eq=False, repr=False)(cls)
    if not cls.state_variables:
        raise TypeError(f"{cls.__name__}.state_variables must name at least one variable")
    if cls.default_coupled_var not in cls.state_variables:
        raise TypeError(
            f"{cls.__name__}.default_coupled_var={cls.default_coupled_var!r} is not one of "
            f"{cls.state_variables}"
        )
    if set(cls.initial_range) != set(cls.state_variables):
        raise TypeError(f"{cls.__name__}.initial_range must give a range for every state variable")
    unknown = set(cls.state_bounds) - set(cls.state_variables)
    if unknown:
        raise TypeError(f"{cls.__name__}.state_bounds has keys {sorted(unknown)} that are not state variables")
    names = tuple(f.name for f in parameter_fields(cls)) + ("noise",)
    # the bounds are static: which variables are clipped is part of the compiled program
    register_dataclass_pytree(cls, names, static_fields=("bounds",))
    return cls
