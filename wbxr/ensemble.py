"""Ensembles over noise seeds and parameter sweeps: vmap-free batching inside, dask outside.

:func:`ensemble` runs every combination of a list of seeds and of swept parameter values
(the outer product).  Members that share the connectome and delays run together in one
compiled call, with the members as the innermost array axis (see :mod:`wbxr.delays`);
each *chunk* of members is one dask task, and all chunks share one compilation.  The
result is a lazy, dask-backed :class:`xarray.Dataset` with dims
``("seed", *swept parameters, "time", "region")``: nothing runs until it is computed
(``.compute()``, ``.to_netcdf()``, a reduction, ...), and with a ``dask.distributed``
client active the chunks run on its workers.

A member gives the same numbers as :func:`wbxr.simulate` with its seed and parameters,
to float32 rounding (bit for bit with ``chunk_size=1``): its noise depends only on its
seed and the step, and members never mix.  A ``dask.distributed`` cluster with worker
processes gives bit-identical results to local threads.  A member whose
state blows up does not stop the others: the data variable ``nonfinite_time`` holds, per
member, the first time its state was seen to be NaN/Inf (NaN if never).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import dask
import dask.array as da
import jax.numpy as jnp
import numpy as np
import xarray as xr

from ._units import SPEED_UNIT, SPEED_UNIT_NAME, UNITLESS_UNIT, to_magnitude
from .models.base import parameter_fields
from .network import Network, StepParams, stack_members
from .simulate import (
    check_seed,
    plan_schedule,
    prepare_run,
    provenance,
    region_coordinate,
    run_members,
    time_coordinate,
    variable_attrs,
)

__all__ = ["ensemble"]

#: Members per chunk when not given: enough to fill vector units, small enough to stream.
DEFAULT_CHUNK_SIZE = 16


def _sweep_values(net: Network, sweep: Mapping[str, Any] | None) -> dict[str, np.ndarray]:
    """Check the swept names and convert their values to plain float arrays."""
    if sweep is None:
        return {}
    if not isinstance(sweep, Mapping):
        raise TypeError(f"sweep must be a dict mapping a parameter name to values, got {sweep!r}")
    model_units = {f.name: f.metadata["wbxr"].unit for f in parameter_fields(type(net.model))}
    values = {}
    for name, given in sweep.items():
        if name == "k":
            array = to_magnitude(given, UNITLESS_UNIT, "sweep['k']", "1")
        elif name == "speed":
            array = to_magnitude(given, SPEED_UNIT, "sweep['speed']", SPEED_UNIT_NAME)
            if np.any(array <= 0):
                raise ValueError(f"sweep['speed'] must be > 0 mm/ms, got {given!r}")
        elif name in model_units:  # the model converts and checks each value
            items = list(given) if np.ndim(given) else [given]
            array = [getattr(net.model.replace(**{name: value}), name) for value in items]
        else:
            raise ValueError(
                f"sweep has key {name!r}; expected 'k', 'speed' or a parameter of "
                f"{type(net.model).__name__}: {sorted(model_units)}"
            )
        array = np.atleast_1d(np.asarray(array, dtype=float))
        if array.ndim != 1 or array.size == 0:
            raise ValueError(f"sweep[{name!r}] must be a non-empty 1-D list of values, got {given!r}")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"sweep[{name!r}] must be finite, got {given!r}")
        values[name] = array
    return values


def _member_network(net: Network, point: Mapping[str, float]) -> Network:
    changes = {name: value for name, value in point.items() if name in ("k", "speed")}
    model_changes = {name: value for name, value in point.items() if name not in ("k", "speed")}
    if model_changes:
        changes["model"] = net.model.replace(**model_changes)
    return net.replace(**changes) if changes else net


def ensemble(
    net: Network,
    duration: Any,
    dt: Any,
    *,
    seeds: Iterable[int] = (0,),
    sweep: Mapping[str, Any] | None = None,
    monitors: Sequence[str] | None = None,
    transient: Any = 0.0,
    sample_every: Any = None,
    method: str = "euler",
    initial_state: Mapping[str, Any] | None = None,
    chunk_size: int | None = None,
    reduce: str | None = None,
) -> xr.Dataset:
    """Simulate a network for many seeds and parameter values; return a lazy Dataset.

    Parameters
    ----------
    net
        The network; swept values replace its ``k``, ``speed`` or model parameters.
    duration, dt, transient, sample_every, monitors, method, initial_state
        As in :func:`wbxr.simulate`.
    seeds
        The noise seeds (one ensemble member per seed and parameter combination).
    sweep
        ``{name: values}`` with ``name`` one of ``"k"``, ``"speed"`` (mm/ms or a
        quantity) or a model parameter; every combination (outer product) is simulated.
    chunk_size
        Members per compiled call and dask task (default 16).  Results do not depend on it.
    reduce
        None (default) keeps the time series; ``"fc"`` computes each member's functional
        connectivity (Pearson correlation over the recorded samples) inside the compiled
        call, so a large sweep never holds its time series: the result then has variables
        ``fc_<monitor>`` with dims ``("seed", *sweep, "region_i", "region_j")``.

    Returns
    -------
    xarray.Dataset
        Dask-backed; one variable per monitor with dims
        ``("seed", *sweep, "time", "region")``, coordinates for the seeds and swept values
        (with units), ``nonfinite_time`` per member, and the provenance attributes of
        :func:`wbxr.simulate` for the base network.

    Examples
    --------
    >>> import numpy as np
    >>> import wbxr
    >>> net = wbxr.Network(wbxr.models.Hopf(a=-0.1, noise={"x": wbxr.noise.White(0.05)}),
    ...                    wbxr.load_dataset("example_connectome"), speed=10.0, k=0.2)
    >>> ens = wbxr.ensemble(net, duration=100.0, dt=0.1, seeds=range(3),
    ...                     sweep={"k": [0.0, 0.5]}, sample_every=1.0)
    >>> ens.x.dims, ens.x.shape
    (('seed', 'k', 'time', 'region'), (3, 2, 100, 8))
    >>> ens.wb.fc().mean("seed").compute().dims
    ('k', 'region_i', 'region_j')
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a wbxr.Network, got {net!r}")
    spec = prepare_run(net, duration, dt, transient, sample_every, monitors, method, initial_state)
    if isinstance(seeds, (int, np.integer)):
        raise TypeError(f"seeds must be a list of integers such as range({seeds}), got {seeds!r}")
    seeds = [check_seed(seed, "seeds") for seed in seeds]
    if not seeds:
        raise ValueError("seeds must not be empty")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {seeds}")
    sweep_values = _sweep_values(net, sweep)
    if chunk_size is None:
        chunk_size = DEFAULT_CHUNK_SIZE
    if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    if reduce not in (None, "fc"):
        raise ValueError(f"reduce={reduce!r} is not one of None, 'fc'")

    # Members sharing the delays must be contiguous: put "speed" outermost internally.
    swept = list(sweep_values)
    internal = (["speed"] if "speed" in swept else []) + ["seed"] + [n for n in swept if n != "speed"]
    axes = {"seed": np.asarray(seeds), **sweep_values}
    shape = tuple(len(axes[name]) for name in internal)
    points = [dict(zip(internal, index)) for index in itertools.product(*(range(n) for n in shape))]

    # Each member's network differs from `net` by its swept values (not by its seed).
    member_keys = [
        tuple(sorted((name, float(axes[name][i])) for name, i in point.items() if name != "seed"))
        for point in points
    ]
    networks = {}
    for key in member_keys:
        if key not in networks:
            networks[key] = _member_network(net, dict(key))

    # One compiled program for all members: the smallest block, the longest history.
    min_delays = [m for m in (n.min_delay(spec.dt) for n in networks.values()) if m is not None]
    max_block = spec.max_block(min(min_delays) if min_delays else None)
    schedule, block = plan_schedule(
        spec.n_samples, spec.steps_per_sample, max_block, spec.n_transient_samples
    )
    longest = max(int(n.delay_steps(spec.dt).max()) for n in networks.values())
    discretized = {
        key: member_net.discretize(spec.dt, method, block, spec.dtype, max_delay=longest)
        for key, member_net in networks.items()
    }

    # Chunks never mix speeds (members of one speed are contiguous: speed is outermost).
    chunk_size = min(chunk_size, len(points))
    blocks = []
    by_speed = itertools.groupby(zip(points, member_keys), key=lambda pk: dict(pk[1]).get("speed"))
    for _, group in by_speed:
        group = list(group)
        for first in range(0, len(group), chunk_size):
            part = group[first : first + chunk_size]
            blocks.append(
                _chunk_array(
                    [p for p, _ in part], [k for _, k in part], axes, discretized, schedule,
                    spec, chunk_size, reduce,
                )
            )
    results = da.concatenate([b[0] for b in blocks], axis=0)  # (members, monitors, a, b)
    nonfinite = da.concatenate([b[1] for b in blocks], axis=0)  # (members,)

    results = results.reshape(shape + results.shape[1:])
    nonfinite = nonfinite.reshape(shape)
    order = [internal.index(name) for name in ["seed", *swept]]
    dims = ("seed", *swept)
    data_vars = {}
    for column, name in enumerate(spec.monitors):
        values = results[(slice(None),) * len(shape) + (column,)]
        values = values.transpose(*order, len(shape), len(shape) + 1)
        if reduce == "fc":
            data_vars[f"fc_{name}"] = xr.Variable(
                dims + ("region_i", "region_j"),
                values,
                attrs={"long_name": f"functional connectivity of {name}", "units": "1",
                       "description": "Pearson correlation over time"},
            )
        else:
            data_vars[name] = xr.Variable(dims + ("time", "region"), values, attrs=variable_attrs(net.model, name))
    data_vars["nonfinite_time"] = xr.Variable(
        dims,
        nonfinite.transpose(*order) * spec.dt,
        attrs={"units": "ms", "long_name": "first time the state was NaN/Inf (NaN: never)"},
    )
    coords = {"seed": ("seed", np.asarray(seeds), {"long_name": "noise seed", "standard_name": "realization"})}
    if reduce == "fc":
        labels = region_coordinate(net).values
        coords["region_i"] = ("region_i", labels)
        coords["region_j"] = ("region_j", labels)
    else:
        coords["time"] = time_coordinate(spec)
        coords["region"] = region_coordinate(net)
    units = {"k": "1", "speed": "mm/ms"}
    units.update({f.name: f.metadata["wbxr"].unit for f in parameter_fields(type(net.model))})
    for name in swept:
        coords[name] = (name, sweep_values[name], {"units": units[name], "long_name": f"swept {name}"})
    attrs = provenance(net, spec, swept=",".join(swept), reduce=reduce or "none")
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _chunk_array(points, keys, axes, discretized, schedule, spec, chunk_size, reduce):
    """A lazy block of results for members sharing the delays (padded to ``chunk_size``)."""
    n_real = len(points)
    padded_points = points + [points[-1]] * (chunk_size - n_real)
    padded_keys = keys + [keys[-1]] * (chunk_size - n_real)
    params = stack_members([discretized[key][1] for key in padded_keys])
    seeds = np.asarray([axes["seed"][p["seed"]] for p in padded_points], dtype=np.uint32)
    plan = discretized[padded_keys[0]][0]
    run = dask.delayed(_run_chunk, pure=True)(
        params, seeds, spec.initial_values, spec.given_initial, plan, schedule, spec, n_real, reduce
    )
    n_monitors, n_regions = len(spec.monitors), plan.n_regions
    inner = (n_regions, n_regions) if reduce == "fc" else (schedule.n_recorded, n_regions)
    samples = da.from_delayed(run[0], shape=(n_real, n_monitors, *inner), dtype=np.dtype(spec.dtype))
    nonfinite = da.from_delayed(run[1], shape=(n_real,), dtype=float)
    return samples, nonfinite


def _run_chunk(params: StepParams, seeds, initial_values, given_initial, plan, schedule, spec, n_real, reduce):
    result, first_bad = run_members(
        params,
        jnp.asarray(seeds),
        jnp.asarray(initial_values, spec.dtype),
        jnp.asarray(given_initial),
        plan=plan,
        schedule=schedule,
        monitor_indices=spec.monitor_indices,
        reduce=reduce,
    )
    result = np.moveaxis(np.asarray(result)[..., :n_real], -1, 0)
    if reduce is None:  # (M, time, monitors, N) -> (M, monitors, time, N)
        result = np.swapaxes(result, 1, 2)
    first_bad = np.asarray(first_bad)[:n_real].astype(float)
    first_bad[first_bad < 0] = np.nan
    return result, first_bad
