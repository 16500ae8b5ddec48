r"""Which numbers of a network a fit may change: names, masks and their values.

A fit's free parameters are named after where they live in the network:

* ``"k"``: the global coupling strength (one number);
* a parameter of the node model, e.g. ``"a"`` of :class:`wbxr.models.Hopf` (one value, or
  one per region when the model holds one per region);
* ``"weights"``: the weights of the existing connections (non-zero entries of the
  connectome that the coupling uses); absent connections stay absent;
* ``"noise.<variable>.<field>"``: a parameter of the noise process on a state variable,
  e.g. ``"noise.x.sigma"`` for ``Hopf(noise={"x": White(sigma)})``, the path of the value
  in the model's pytree (``model.noise["x"].sigma``).

``params`` of :func:`wbxr.fit` is a list of such names, or a *mask*: a mapping, a pytree
that mirrors the network's parameters, whose leaves say what is free --

* ``True`` / ``False``: the whole parameter (as the network holds it) is free / fixed;
* a boolean array of shape ``(N,)`` (region order of the connectome, or an
  ``xarray.DataArray`` with a ``region`` coordinate, aligned by label) for a model or
  noise parameter: only the selected regions are fitted (the parameter becomes one value
  per region), the others keep their values exactly;
* a boolean array ``(N, N)`` (``("target", "source")``, or a DataArray aligned by label)
  for ``"weights"``: only the selected connections are fitted, and each must exist.

Noise parameters appear in the mask either under their dotted names or nested,
``{"noise": {"x": {"sigma": True}}}``.  :func:`mask` returns the full mask of a network,
every entry ``False`` except those given, ready to edit or to pass to ``fit``.

Written as :math:`\theta = (\theta_{\mathrm{free}}, \theta_{\mathrm{fixed}})`, the fit
minimises :math:`L(\theta_{\mathrm{free}}, \theta_{\mathrm{fixed}})` over the free part
only, like the filter specifications of ``equinox.partition`` (Kidger & Garcia 2021).

References
----------
Kidger, P. & Garcia, C. (2021). Equinox: neural networks in JAX via callable PyTrees and
filtered transformations. *Differentiable Programming workshop at NeurIPS 2021*.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import jax
import numpy as np
import xarray as xr

from ..coupling import effective_weights
from ..models.base import parameter_fields
from ..network import Network

__all__ = ["Selection", "mask", "select", "edges", "noise_fields"]

#: Noise fields that are not fitted, with the reason.
_NOT_FITTED = {
    "f_min": "the band edges of coloured noise fix its components' time constants, checked against the step before compiling",
    "f_max": "the band edges of coloured noise fix its components' time constants, checked against the step before compiling",
}
#: Noise fields kept positive: lower bound 0 unless bounds say otherwise.
_POSITIVE_NOISE_FIELDS = ("sigma", "tau")
#: Units of noise fields (the units :mod:`wbxr.noise` converts them to).
_NOISE_UNITS = {"tau": "ms"}


@dataclasses.dataclass(frozen=True, eq=False)
class Selection:
    """One parameter to fit, and which of its entries are free.

    Attributes
    ----------
    name
        ``"k"``, a model parameter, ``"weights"`` or ``"noise.<variable>.<field>"``.
    kind
        ``"k"``, ``"model"``, ``"weights"`` or ``"noise"``.
    entries
        None: every entry as the network holds it (a scalar stays one value); else the
        indices of the free entries -- regions (model and noise parameters) or positions
        in :func:`edges` (weights).
    """

    name: str
    kind: str
    entries: np.ndarray | None = None

    @property
    def variable(self) -> str:
        """The noisy state variable of a noise parameter."""
        return self.name.split(".")[1]

    @property
    def field(self) -> str:
        """The model or noise field the parameter is (``"k"`` and ``"weights"``: the name)."""
        return self.name.split(".")[-1]

    @property
    def positive(self) -> bool:
        """Whether the parameter is kept non-negative (weights, noise intensities and times)."""
        return self.kind == "weights" or (self.kind == "noise" and self.field in _POSITIVE_NOISE_FIELDS)


def edges(net: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows (targets), columns (sources) and weights of the connections the coupling uses.

    Examples
    --------
    >>> import wbxr
    >>> net = wbxr.Network(wbxr.models.Hopf(), wbxr.load_dataset("example_connectome"), k=0.5)
    >>> rows, cols, values = edges(net)
    >>> rows.shape, bool((rows != cols).all())     # diffusive coupling ignores the diagonal
    ((56,), True)
    """
    weights = effective_weights(net.weights, net.coupling_function)
    rows, cols = np.nonzero(weights)
    return rows, cols, weights[rows, cols]


def noise_fields(net: Network) -> dict[str, list[str]]:
    """The fittable fields of each noise process, ``{variable: [field, ...]}``.

    Examples
    --------
    >>> import wbxr
    >>> hopf = wbxr.models.Hopf(noise={"x": wbxr.noise.White(0.05), "y": wbxr.noise.OU(0.1, tau=5.0)})
    >>> net = wbxr.Network(hopf, wbxr.load_dataset("example_connectome"), k=0.5)
    >>> noise_fields(net)
    {'x': ['sigma'], 'y': ['sigma', 'tau', 'mean']}
    """
    fields = {}
    for var, process in net.model.noise.items():
        leaves = jax.tree_util.tree_flatten_with_path(process)[0]
        fields[var] = [path[0].name for path, _ in leaves if path[0].name not in _NOT_FITTED]
    return fields


def _names(net: Network) -> dict[str, str]:
    """Every fittable name and its kind."""
    names = {"k": "k"}
    names.update({field.name: "model" for field in parameter_fields(type(net.model))})
    names["weights"] = "weights"
    for var, fields in noise_fields(net).items():
        names.update({f"noise.{var}.{field}": "noise" for field in fields})
    return names


def _unknown(net: Network, name: str) -> ValueError:
    if name == "speed":
        return ValueError(
            "params contains 'speed', which cannot be fitted: the delays are whole numbers of "
            "steps, round(distance / (speed * dt)), fixed when the network is compiled, so the "
            "loss is piecewise constant in the speed and has no useful gradient; fit the other "
            "parameters at each speed of wbxr.ensemble(..., sweep={'speed': [...]}) instead"
        )
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == "noise":
        var, field = parts[1], parts[2]
        if var not in net.model.noise:
            return ValueError(
                f"params contains {name!r}, but {type(net.model).__name__} has no noise on {var!r}; "
                f"the noise parameters are {sorted(n for n in _names(net) if n.startswith('noise.'))}"
            )
        if field in _NOT_FITTED and field in _traced_noise_fields(net)[var]:
            return ValueError(f"params contains {name!r}, which cannot be fitted: {_NOT_FITTED[field]}")
        return ValueError(
            f"params contains {name!r}; the noise on {var!r} ({type(net.model.noise[var]).__name__}) "
            f"has the parameters {noise_fields(net)[var]}"
        )
    model_names = [field.name for field in parameter_fields(type(net.model))]
    noise_names = [n for n in _names(net) if n.startswith("noise.")]
    return ValueError(
        f"params contains {name!r}; expected 'k', 'weights', a parameter of "
        f"{type(net.model).__name__}: {sorted(model_names)}"
        + (f", or a noise parameter: {noise_names}" if noise_names else "")
    )


def _traced_noise_fields(net: Network) -> dict[str, list[str]]:
    """Every traced field of each noise process (fittable or not)."""
    return {
        var: [path[0].name for path, _ in jax.tree_util.tree_flatten_with_path(process)[0]]
        for var, process in net.model.noise.items()
    }


def _flat_mask(params: Mapping[str, Any]) -> dict[str, Any]:
    """``{"noise": {"x": {"sigma": m}}}`` -> ``{"noise.x.sigma": m}``; other keys as given."""
    flat: dict[str, Any] = {}
    for key, value in params.items():
        if not isinstance(key, str):
            raise TypeError(f"params keys must be parameter names (str), got {key!r}")
        if key == "noise" and isinstance(value, Mapping):
            for var, fields in value.items():
                if not isinstance(fields, Mapping):
                    raise TypeError(
                        f"params['noise'][{var!r}] must map the noise's parameters to masks, e.g. "
                        f"{{'sigma': True}}, got {fields!r}"
                    )
                for field, entry in fields.items():
                    name = f"noise.{var}.{field}"
                    if name in flat:
                        raise ValueError(f"params gives {name!r} twice (nested and dotted)")
                    flat[name] = entry
            continue
        if key in flat:
            raise ValueError(f"params gives {key!r} twice (nested and dotted)")
        flat[key] = value
    return flat


def _as_bool_array(name: str, value: Any, dims: tuple[str, ...], labels: list[str]) -> np.ndarray:
    """A boolean mask as a numpy array in the network's region order (DataArrays by label)."""
    shape = tuple(len(labels) for _ in dims)
    if isinstance(value, xr.DataArray):
        if set(value.dims) != set(dims):
            raise ValueError(f"params[{name!r}] is a DataArray with dims {value.dims}; expected {dims}")
        value = value.transpose(*dims)
        for dim in dims:
            if dim not in value.coords:
                raise ValueError(f"params[{name!r}] has no {dim!r} coordinate to align it with the regions {labels}")
            given = [str(label) for label in value[dim].values]
            if sorted(given) != sorted(labels) or len(set(given)) != len(given):
                raise ValueError(
                    f"params[{name!r}]'s {dim!r} labels {given} do not match the connectome's regions {labels}"
                )
            value = value.assign_coords({dim: given}).sel({dim: labels})
        value = value.values
    array = np.asarray(value)
    if array.dtype != np.bool_:
        raise TypeError(
            f"params[{name!r}] must be True, False or a boolean array of shape {shape}, got "
            f"{type(value).__name__} of dtype {array.dtype}"
        )
    if array.shape != shape:
        raise ValueError(
            f"params[{name!r}] must be True, False or a boolean array of shape {shape} "
            f"(dims {dims}), got shape {array.shape}"
        )
    return array


def _selection(net: Network, name: str, kind: str, value: Any) -> Selection | None:
    """The selection one mask entry makes (None: nothing of it is free)."""
    if isinstance(value, (bool, np.bool_)):
        return Selection(name, kind) if value else None
    if kind == "k":
        raise ValueError(f"params['k'] must be True or False (k is one number), got {value!r}")
    labels = net.labels
    if kind == "weights":
        chosen = _as_bool_array(name, value, ("target", "source"), labels)
        weights = effective_weights(net.weights, net.coupling_function)
        absent = np.argwhere(chosen & (weights == 0))
        if absent.size:
            listed = ", ".join(f"{labels[i]} <- {labels[j]}" for i, j in absent[:5])
            more = f" and {len(absent) - 5} more" if len(absent) > 5 else ""
            raise ValueError(
                f"params['weights'] selects connections that do not exist (weight 0, or a "
                f"self-connection the coupling ignores): {listed}{more}; only existing "
                "connections can be fitted"
            )
        rows, cols, _ = edges(net)
        entries = np.flatnonzero(chosen[rows, cols])
        if entries.size == 0:
            return None
        return Selection(name, kind, None if entries.size == rows.size else entries)
    chosen = _as_bool_array(name, value, ("region",), labels)
    entries = np.flatnonzero(chosen)
    if entries.size == 0:
        return None
    if entries.size == chosen.size and np.ndim(held_value(net, Selection(name, kind))) == 1:
        return Selection(name, kind)  # every region of a per-region parameter: the whole of it
    return Selection(name, kind, entries)


def select(net: Network, params: Any) -> tuple[Selection, ...]:
    """Check ``params`` (names or a mask, see the module docstring) and say what is free.

    Examples
    --------
    >>> import numpy as np
    >>> import wbxr
    >>> hopf = wbxr.models.Hopf(noise={"x": wbxr.noise.White(0.05)})
    >>> net = wbxr.Network(hopf, wbxr.load_dataset("example_connectome"), k=0.5)
    >>> [s.name for s in select(net, ["k", "noise.x.sigma"])]
    ['k', 'noise.x.sigma']
    >>> chosen = select(net, {"a": np.arange(8) < 3, "noise": {"x": {"sigma": True}}})
    >>> [(s.name, s.entries) for s in chosen]
    [('a', array([0, 1, 2])), ('noise.x.sigma', None)]
    >>> select(net, {"k": np.ones(8, bool)})
    Traceback (most recent call last):
    ...
    ValueError: params['k'] must be True or False (k is one number), got array([ True,  True,  True,  True,  True,  True,  True,  True])
    """
    names = _names(net)
    if isinstance(params, Mapping):
        flat = _flat_mask(params)
        selections = []
        for name, value in flat.items():
            if name not in names:
                raise _unknown(net, name)
            selection = _selection(net, name, names[name], value)
            if selection is not None:
                selections.append(selection)
        if not selections:
            raise ValueError(f"params selects nothing to fit: every entry of the mask is False ({list(flat)})")
        return tuple(selections)
    if isinstance(params, str) or not isinstance(params, Iterable):
        raise TypeError(
            "params must be a list of parameter names such as ['k', 'a'] or a mask "
            f"{{name: True/False or a boolean array}} (see wbxr.fitting.mask), got {params!r}"
        )
    params = list(params)
    if not params:
        raise ValueError("params must name at least one parameter to fit")
    if len(set(params)) != len(params):
        raise ValueError(f"params has duplicates: {params}")
    for name in params:
        if not isinstance(name, str):
            raise TypeError(f"params must hold parameter names (str), got {name!r}")
        if name not in names:
            raise _unknown(net, name)
    return tuple(Selection(name, names[name]) for name in params)


def mask(net: Network, **selected: Any) -> dict[str, Any]:
    """The fitting mask of ``net``: every parameter ``False`` except those given.

    A nested dict mirroring the network's parameters -- ``"k"``, each node-model
    parameter, ``"weights"`` and ``"noise": {variable: {field: ...}}`` -- whose leaves are
    ``True``/``False`` or boolean arrays (see the module docstring).  Pass it as
    ``wbxr.fit(..., params=mask)``; being a pytree of booleans, it can be edited with
    ``jax.tree_util.tree_map`` or by item assignment.

    Parameters
    ----------
    net
        The network.
    **selected
        Entries to set: ``k=True``, ``a=np.array([...])`` (one boolean per region),
        ``weights=True`` or an ``(N, N)`` boolean array of existing connections,
        ``noise={"x": {"sigma": True}}``.

    Returns
    -------
    dict
        The mask, checked (a bad entry is a ValueError or TypeError naming it).

    Examples
    --------
    >>> import numpy as np
    >>> import wbxr
    >>> hopf = wbxr.models.Hopf(noise={"x": wbxr.noise.White(0.05)})
    >>> net = wbxr.Network(hopf, wbxr.load_dataset("example_connectome"), k=0.5)
    >>> wbxr.fitting.mask(net)
    {'k': False, 'a': False, 'w': False, 'beta': False, 'weights': False, 'noise': {'x': {'sigma': False}}}
    >>> m = wbxr.fitting.mask(net, k=True, a=np.arange(8) < 4, noise={"x": {"sigma": True}})
    >>> m["k"], m["a"].tolist()[:5], m["noise"]
    (True, [True, True, True, True, False], {'x': {'sigma': True}})
    >>> wbxr.fitting.mask(net, b=True)
    Traceback (most recent call last):
    ...
    ValueError: params contains 'b'; expected 'k', 'weights', a parameter of Hopf: ['a', 'beta', 'w'], or a noise parameter: ['noise.x.sigma']
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a wbxr.Network, got {net!r}")
    full: dict[str, Any] = {"k": False}
    full.update({field.name: False for field in parameter_fields(type(net.model))})
    full["weights"] = False
    fields = noise_fields(net)
    if fields:
        full["noise"] = {var: {field: False for field in names} for var, names in fields.items()}
    for key, value in selected.items():
        if key == "noise":
            if not isinstance(value, Mapping):
                raise TypeError(f"mask(noise=...) must be a dict {{variable: {{field: mask}}}}, got {value!r}")
            for name, entry in _flat_mask({"noise": value}).items():
                _, var, field = name.split(".")
                if name not in _names(net):
                    raise _unknown(net, name)
                full["noise"][var][field] = entry
        elif key not in full:
            raise _unknown(net, key)
        else:
            full[key] = value
    names = _names(net)
    for name, value in _flat_mask(full).items():  # every entry checked
        _selection(net, name, names[name], value)
    return full


# -- values -----------------------------------------------------------------------------------
def held_value(net: Network, selection: Selection) -> Any:
    """The parameter as the network holds it: float, ``(N,)`` array, or edge weights ``(E,)``."""
    if selection.kind == "k":
        return float(net.k)
    if selection.kind == "weights":
        return edges(net)[2]
    if selection.kind == "noise":
        return getattr(net.model.noise[selection.variable], selection.field)
    return getattr(net.model, selection.name)


def free_value(net: Network, selection: Selection) -> np.ndarray:
    """The starting values of the free entries."""
    value = np.asarray(held_value(net, selection), dtype=float)
    if selection.entries is None:
        return value
    if selection.kind != "weights":
        value = np.broadcast_to(value, (net.n_regions,))
    return value[selection.entries]


def full_value(net: Network, selection: Selection, fitted: np.ndarray) -> np.ndarray:
    """The whole parameter with the fitted free entries put in (float64).

    The fixed entries are copied from the network, so they are bit-identical to its values.
    Weights come back as the ``(N, N)`` matrix ``W[target, source]``.
    """
    fitted = np.asarray(fitted, dtype=float)
    if selection.kind == "weights":
        rows, cols, _ = edges(net)
        weights = net.weights.copy()
        chosen = slice(None) if selection.entries is None else selection.entries
        weights[rows[chosen], cols[chosen]] = fitted
        return weights
    if selection.entries is None:
        return fitted
    value = np.array(np.broadcast_to(np.asarray(held_value(net, selection), dtype=float), (net.n_regions,)))
    value[selection.entries] = fitted
    return value


def with_values(net: Network, selections: tuple[Selection, ...], values: Mapping[str, np.ndarray]) -> Network:
    """``net`` with the full values of :func:`full_value` put in (``net.replace``)."""
    changes: dict[str, Any] = {}
    model_changes: dict[str, Any] = {}
    noise = dict(net.model.noise)
    for selection in selections:
        value = values[selection.name]
        value = float(value) if np.ndim(value) == 0 else value
        if selection.kind == "k":
            changes["k"] = value
        elif selection.kind == "model":
            model_changes[selection.name] = value
        elif selection.kind == "noise":
            var = selection.variable
            noise[var] = dataclasses.replace(noise[var], **{selection.field: value})
        else:
            conn = net.connectome.copy()
            conn["weights"] = conn["weights"].copy(data=value)
            changes["conn"] = conn
    if any(selection.kind == "noise" for selection in selections):
        model_changes["noise"] = noise
    if model_changes:
        changes["model"] = net.model.replace(**model_changes)
    return net.replace(**changes)


def units(net: Network, selection: Selection) -> str:
    """The CF units string of a parameter."""
    if selection.kind == "k":
        return "1"
    if selection.kind == "weights":
        return str(net.connectome["weights"].attrs.get("units", "1"))
    if selection.kind == "noise":
        return _NOISE_UNITS.get(selection.field, "1")
    field = next(f for f in parameter_fields(type(net.model)) if f.name == selection.name)
    return field.metadata["wbxr"].unit
