"""Ensembles over noise seeds and parameter sweeps: member batching inside, dask outside.

:func:`ensemble` runs every combination of a list of seeds and of swept parameter values
(the outer product).  Members that share the connectome and delays run together in one
compiled call, with the members as the innermost array axis (see :mod:`wbxr.delays`);
each *chunk* of members is one dask task, and all chunks share one compilation.  The
result is a lazy, dask-backed :class:`xarray.Dataset` with dims
``("seed", *swept parameters, "time", "region")`` (or the dims of a reduction): nothing
runs until it is computed (``.compute()``, ``.to_zarr()``, a reduction, ...), and with a
``dask.distributed`` client active the chunks run on its workers.

The in-loop monitors of :mod:`wbxr.monitors` (BOLD, temporal averages, EEG/MEG lead
fields, subsampling) run inside the same compiled call, for every member, exactly as in
:func:`wbxr.simulate`: a sweep that records only BOLD never holds a neural time series,
not even inside a task.

The chunks form a regular grid over the member dims (every chunk but the last along each
dim has the same size, one ``speed`` value per chunk), so each chunk is exactly one chunk
of every variable: ``result.to_zarr(path)`` and :func:`wbxr.save_ensemble` write the
result chunk by chunk, holding a few chunks at a time.

A member gives the same numbers as :func:`wbxr.simulate` with its seed and parameters,
to float32 rounding (bit for bit with ``chunk_size=1``): its noise depends only on its
seed and the step, and members never mix.  A ``dask.distributed`` cluster with worker
processes gives bit-identical results to local threads.  A member whose state blows up
does not stop the others: the data variable ``nonfinite_time`` holds, per member, the
first time its state was seen to be NaN/Inf (NaN if never), the chunk that ran it emits
a :class:`NonFiniteMemberWarning` naming its coordinates, and :func:`failed_members`
lists them.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import os
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Union

import dask
import dask.array as da
import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import xarray as xr

from ._units import SPEED_UNIT, SPEED_UNIT_NAME, UNITLESS_UNIT, time_ms, to_magnitude
from .models.base import parameter_fields
from .network import Network, StepParams, region_parameters, stack_members
from .random import _x64
from .simulate import (
    MonitorPlan,
    RunSpec,
    _monitor_plan,
    check_seed,
    monitor_time_coordinate,
    plan_schedule,
    prepare_run,
    provenance,
    region_coordinate,
    run_members,
    time_coordinate,
    variable_attrs,
)

__all__ = ["ensemble", "failed_members", "NonFiniteMemberWarning", "MemberReduction"]

#: Most members per chunk when not given on the CPU: enough to fill vector units, small
#: enough to stream.  A 64-value k-sweep of N = 80 reduced to FC on 2 cores: 140.7 sim-s/s
#: in chunks of 8, 126.6 in chunks of 16.
DEFAULT_CHUNK_SIZE = 8

#: Fewest members a chunk is padded to (see the padding in :func:`ensemble`).
MIN_PADDED_MEMBERS = 4

#: Members per chunk when not given on a GPU (any platform but the CPU): one compiled call
#: then keeps the device busy, where a CPU chunk runs on one core.
ACCELERATOR_CHUNK_SIZE = 1024

#: Most bytes of a chunk's series and outputs on a GPU when the chunk size is not given
#: (1024 members of 10 s, 80 regions, two variables sampled every ms would hold 6.6 GB).
ACCELERATOR_CHUNK_BYTES = 2**31


def default_chunk_size(
    n_members: int, n_cores: int | None = None, platform: str | None = None, member_bytes: int = 0
) -> int:
    """Members per chunk when ``chunk_size`` is not given.

    On the CPU: at most :data:`DEFAULT_CHUNK_SIZE`, and small enough that every core gets
    a chunk (a chunk runs on one core): the largest power of two not above the members per
    core.  T4 (16 seeds) on 2 cores runs 1.9x faster as two chunks of 8 than as one of 16.
    On any other ``platform`` (default: JAX's default backend), all members up to
    :data:`ACCELERATOR_CHUNK_SIZE` in one chunk, and no more than hold
    :data:`ACCELERATOR_CHUNK_BYTES` when a member's series and outputs take
    ``member_bytes``.

    Examples
    --------
    >>> default_chunk_size(16, n_cores=2, platform="cpu"), default_chunk_size(1000, n_cores=2, platform="cpu")
    (8, 8)
    >>> default_chunk_size(3, n_cores=8, platform="cpu"), default_chunk_size(3000, platform="gpu")
    (1, 1024)
    >>> default_chunk_size(3000, platform="gpu", member_bytes=2**23)   # 8 MiB per member
    256
    """
    if platform is None:
        platform = jax.default_backend()
    if platform != "cpu":
        fits = ACCELERATOR_CHUNK_BYTES // member_bytes if member_bytes > 0 else ACCELERATOR_CHUNK_SIZE
        return max(1, min(n_members, ACCELERATOR_CHUNK_SIZE, fits))
    if n_cores is None:
        n_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    per_core = max(1, -(-n_members // n_cores))
    return min(DEFAULT_CHUNK_SIZE, 1 << (per_core.bit_length() - 1))


#: A per-member reduction: the member's Dataset in, named DataArrays (or numbers) out.
MemberReduction = Callable[[xr.Dataset], Union[Mapping[str, Any], xr.Dataset]]


class NonFiniteMemberWarning(RuntimeWarning):
    """Ensemble members whose state became NaN/Inf (their coordinates are in the message)."""


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


def _member_parameters(net: Network, base: StepParams, point: Mapping[str, float], dtype: Any) -> StepParams:
    """One member's traced parameters: ``base`` (its speed's discretisation) with the
    member's ``k`` and model parameters, in numpy, as :meth:`Network.discretize` gives
    them (the model's ``replace`` validates the values).  Nothing else is rebuilt per
    member: a k-sweep of 1024 members spent 4.9 s validating and discretising one network
    per member on a GPU machine, 3.5 times the simulation itself."""
    model_changes = {name: value for name, value in point.items() if name not in ("k", "speed")}
    model = net.model.replace(**model_changes) if model_changes else net.model
    k = np.asarray(point.get("k", net.k), dtype)
    return base._replace(model=region_parameters(model, net.n_regions, dtype), k=k)


def block_shape(shape: Sequence[int], chunk_size: int, first_free: int) -> tuple[int, ...]:
    """The shape of a regular chunk of members, at most ``chunk_size`` of them.

    Whole trailing axes are taken while they fit, then a part of the next axis; axes
    before ``first_free`` (``speed``: one delay structure per chunk) get 1.

    Examples
    --------
    >>> block_shape((4, 10), 16, 0)   # 4 seeds x 10 k values: one seed per chunk
    (1, 10)
    >>> block_shape((1, 64), 16, 0)   # 1 seed x 64 k values
    (1, 16)
    >>> block_shape((2, 3, 2), 16, 1)  # 2 speeds x 3 seeds x 2 values
    (1, 3, 2)
    """
    block = [1] * len(shape)
    members = 1
    for axis in reversed(range(first_free, len(shape))):
        if members * shape[axis] <= chunk_size:
            block[axis] = shape[axis]
            members *= shape[axis]
        else:
            block[axis] = max(1, chunk_size // members)
            break
    return tuple(block)


def _grid_chunks(shape: Sequence[int], block: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    return tuple(
        tuple(min(b, n - start) for start in range(0, n, b)) for n, b in zip(shape, block)
    )


@dataclasses.dataclass(frozen=True)
class _Output:
    """One reduced (or recorded) variable: its own dims, shape, dtype and attrs."""

    dims: tuple[str, ...]
    shape: tuple[int, ...]
    dtype: np.dtype
    attrs: dict


@dataclasses.dataclass(frozen=True)
class _Observed:
    """An in-loop monitor (:mod:`wbxr.monitors`) as one member records it."""

    plan: MonitorPlan  #: what the compiled call computes
    dims: tuple[str, str]  #: ``("time_<name>", "region" or "sensor")``
    shape: tuple[int, int]  #: outputs written, values per output
    coords: dict[str, xr.Variable]  #: of both dims
    attrs: dict

    @property
    def name(self) -> str:
        return self.plan.monitor.name


def _observed(net: Network, spec: RunSpec) -> tuple[_Observed, ...]:
    """The in-loop monitors of a run with their output dims, coordinates and attributes."""
    labels = region_coordinate(net).values
    observed = []
    for monitor, period in zip(spec.observers, spec.observer_periods):
        time = monitor_time_coordinate(monitor, period, spec)
        coords = {time.dims[0]: time}
        coords.update({dim: xr.Variable(dim, values) for dim, values in monitor.output_coords(labels).items()})
        observed.append(_Observed(
            plan=_monitor_plan(monitor, period, spec.n_samples, spec.n_transient_samples, spec),
            dims=(time.dims[0], monitor.output_dim()),
            shape=(time.size, monitor.output_size(net.n_regions)),
            coords=coords,
            attrs=monitor.attrs(variable_attrs(net.model, monitor.variable)),
        ))
    return tuple(observed)


@dataclasses.dataclass(frozen=True)
class _Reduction:
    """How a chunk turns its members' samples into output variables."""

    in_loop: str | None  #: ``reduce`` of :func:`wbxr.simulate.run_members`
    function: Callable[[xr.Dataset], Any] | None  #: per-member function, or None
    outputs: dict[str, _Output]
    observed: tuple[_Observed, ...]  #: in-loop monitors
    observed_fc: bool  #: reduce each in-loop monitor's series to its FC (``reduce="fc"``)
    time: xr.Variable | None  #: coordinates of a member Dataset (for ``function``)
    region: xr.Variable | None
    attrs: dict | None  #: attributes of a member Dataset
    variable_attrs: dict | None  #: attributes of its variables


def _member_bytes(reduction: _Reduction, spec: RunSpec, n_regions: int) -> int:
    """What one member holds on the device: its outputs, and its sampled series when they
    are recorded (every reduction but the in-loop FC needs them), twice (the kernel's
    buffer and the transposed copy)."""
    outputs = sum(math.prod(o.shape) * np.dtype(o.dtype).itemsize for o in reduction.outputs.values())
    series = 0 if reduction.in_loop == "fc" else spec.n_samples * len(spec.monitors) * n_regions
    return 2 * (outputs + series * np.dtype(spec.dtype).itemsize)


def _fc_and_fcd(member: xr.Dataset, *, monitors: Sequence[tuple[str, str]], window: float, step: float) -> dict:
    """The built-in ``reduce="fc+fcd"``: FC and FCD of every ``(output, time dim)`` (wbxr.analysis)."""
    from .analysis import fc, fcd

    out = {}
    for name, time_dim in monitors:
        out[f"fc_{name}"] = fc(member[name], dim=time_dim)
        out[f"fcd_{name}"] = fcd(member[name], window, step, dim=time_dim)
    return out


def _check_correlatable(observed: Sequence[_Observed], reduce: str, spec: RunSpec) -> None:
    """``reduce="fc"``/``"fc+fcd"`` correlate regions over at least two outputs."""
    for o in observed:
        if o.dims[1] != "region":
            raise ValueError(
                f"reduce={reduce!r} correlates regions, but the monitor {o.name!r} records the dim "
                f"{o.dims[1]!r}; use reduce=None or a function of the member for it"
            )
        if o.shape[0] < 2:
            period = o.plan.period * spec.sample_every
            raise ValueError(
                f"reduce={reduce!r} needs at least 2 outputs of the monitor {o.name!r} to correlate; "
                f"it writes {o.shape[0]} (every {period:g} ms over the {spec.duration - spec.transient:g} ms "
                "after the transient): lengthen the run or shorten its period"
            )


def _series_fc(series: np.ndarray, time_dim: str, failed: np.ndarray) -> np.ndarray:
    """:func:`wbxr.analysis.fc` of each member's series ``(M, T, N)``; NaN for the failed members."""
    from .analysis import fc

    with np.errstate(invalid="ignore", over="ignore"):
        matrices = fc(xr.DataArray(series, dims=("member", time_dim, "region")), dim=time_dim).values
    matrices[failed] = np.nan
    return matrices


def _as_outputs(returned: Any, where: str) -> dict[str, xr.DataArray]:
    """Check what a reduction returned: a Dataset or a mapping of names to DataArrays/numbers."""
    if isinstance(returned, xr.Dataset):
        returned = dict(returned.data_vars)
    if not isinstance(returned, Mapping) or not returned:
        raise TypeError(
            f"reduce must return a Dataset or a non-empty dict of name -> DataArray, {where} "
            f"it returned {type(returned).__name__}"
        )
    outputs = {}
    for name, value in returned.items():
        if not isinstance(name, str):
            raise TypeError(f"reduce must return string names, {where} it returned the name {name!r}")
        if isinstance(value, xr.DataArray):
            outputs[name] = value
        elif np.ndim(value) == 0 and not isinstance(value, (str, bytes)):
            outputs[name] = xr.DataArray(np.asarray(value))
        else:
            raise TypeError(
                f"reduce returned {name!r} as {type(value).__name__}; return an xarray.DataArray "
                "(its dims name the result's dims) or a number"
            )
    return outputs


def _reduction(
    reduce: str | MemberReduction | None,
    net: Network,
    spec: RunSpec,
    fcd_window: Any,
    fcd_step: Any,
    first_member: Mapping[str, Any],
) -> tuple[_Reduction, dict[str, xr.Variable]]:
    """The checked reduction and the coordinates of its output dims."""
    n_regions = net.n_regions
    observed = _observed(net, spec)
    wants_fcd = reduce == "fc+fcd"
    if (fcd_window is not None or fcd_step is not None) and not wants_fcd:
        raise ValueError(f"fcd_window and fcd_step are only used with reduce='fc+fcd', got reduce={reduce!r}")
    if reduce is None:
        outputs = {
            name: _Output(("time", "region"), (spec.n_samples - spec.n_transient_samples, n_regions),
                          np.dtype(spec.dtype), variable_attrs(net.model, name))
            for name in spec.monitors
        }
        coords = {"time": time_coordinate(spec)} if spec.monitors else {}
        coords["region"] = region_coordinate(net)
        for o in observed:
            outputs[o.name] = _Output(o.dims, o.shape, np.dtype(spec.dtype), o.attrs)
            for dim, coord in o.coords.items():
                coords.setdefault(dim, coord)
        return _Reduction(None, None, outputs, observed, False, None, None, None, None), coords
    if reduce == "fc":
        _check_correlatable(observed, "fc", spec)
        attrs = {"units": "1", "description": "Pearson correlation over time"}
        outputs = {
            f"fc_{name}": _Output(("region_i", "region_j"), (n_regions, n_regions), np.dtype(dtype),
                                  {"long_name": f"functional connectivity of {name}", **attrs})
            for name, dtype in [(name, spec.dtype) for name in spec.monitors] + [(o.name, float) for o in observed]
        }
        labels = region_coordinate(net).values
        in_loop = "fc" if spec.monitors else None
        return _Reduction(in_loop, None, outputs, observed, True, None, None, None, None), {
            "region_i": xr.Variable("region_i", labels), "region_j": xr.Variable("region_j", labels)
        }
    if wants_fcd:
        if fcd_window is None or fcd_step is None:
            raise ValueError("reduce='fc+fcd' needs fcd_window and fcd_step (time quantities or ms)")
        _check_correlatable(observed, "fc+fcd", spec)
        series = tuple((name, "time") for name in spec.monitors) + tuple((o.name, o.dims[0]) for o in observed)
        function = _FcAndFcd(series, time_ms(fcd_window, "fcd_window"), time_ms(fcd_step, "fcd_step"))
    elif callable(reduce):
        function = reduce
    else:
        raise ValueError(f"reduce={reduce!r} is not one of None, 'fc', 'fc+fcd' or a function of a member Dataset")

    # Learn the names, dims, shapes and coordinates of the outputs from one call on a
    # placeholder member of standard normal numbers with the first member's coordinates
    # (nothing is compiled or simulated).
    time = time_coordinate(spec) if spec.monitors else None
    region = region_coordinate(net)
    attrs = provenance(net, spec)
    rng = np.random.default_rng(0)
    values = rng.standard_normal((len(spec.monitors), spec.n_samples - spec.n_transient_samples, n_regions))
    values = values.astype(spec.dtype)
    series = {o.name: rng.standard_normal(o.shape).astype(spec.dtype) for o in observed}
    monitor_attrs = {name: variable_attrs(net.model, name) for name in spec.monitors}
    probe = _member_dataset(values, time, region, attrs, monitor_attrs, first_member, observed, series)
    reserved = list(first_member)
    returned = _as_outputs(function(probe), "on a placeholder member")
    outputs, coords = {}, {}
    for name, value in returned.items():
        clash = [d for d in (name, *value.dims) if d in reserved]
        if clash:
            raise ValueError(
                f"reduce returned {name!r} with dims {value.dims}; the names {clash} are taken by "
                f"the ensemble's dims {list(reserved)}"
            )
        dtype = value.dtype if np.issubdtype(value.dtype, np.inexact) else np.dtype(float)
        outputs[name] = _Output(tuple(value.dims), tuple(value.shape), np.dtype(dtype), dict(value.attrs))
        for coord_name, coord in value.coords.items():
            if coord.dims and set(coord.dims) <= set(value.dims):
                coords.setdefault(coord_name, coord.variable)
    return _Reduction(None, function, outputs, observed, False, time, region, attrs, monitor_attrs), coords


@dataclasses.dataclass(frozen=True)
class _FcAndFcd:
    """``reduce="fc+fcd"`` as a picklable per-member function."""

    monitors: tuple[tuple[str, str], ...]  #: (output, its time dim)
    window: float  #: ms
    step: float  #: ms

    def __call__(self, member: xr.Dataset) -> dict:
        return _fc_and_fcd(member, monitors=self.monitors, window=self.window, step=self.step)


def _member_dataset(values, time, region, attrs, monitor_attrs, point, observed=(), series=None) -> xr.Dataset:
    """A member as :func:`wbxr.simulate` returns it, its seed and swept values as scalar coords.

    ``values`` ``(monitors, time, N)`` holds the state variables' samples, ``series`` the
    ``(time_<name>, output)`` series of each in-loop monitor in ``observed``.
    """
    data_vars = {
        name: xr.Variable(("time", "region"), values[column], attrs=monitor_attrs[name])
        for column, name in enumerate(monitor_attrs)
    }
    coords = {"region": region}
    if time is not None:
        coords["time"] = time
    for o in observed:
        data_vars[o.name] = xr.Variable(o.dims, series[o.name], attrs=o.attrs)
        for dim, coord in o.coords.items():
            coords.setdefault(dim, coord)
    coords.update({name: xr.Variable((), value) for name, value in point.items()})
    member_attrs = dict(attrs)
    for name in ("seed", "k", "speed"):
        if name in point:
            member_attrs[name] = point[name]
    return xr.Dataset(data_vars, coords=coords, attrs=member_attrs)


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
    reduce: str | MemberReduction | None = None,
    fcd_window: Any = None,
    fcd_step: Any = None,
) -> xr.Dataset:
    r"""Simulate a network for many seeds and parameter values; return a lazy Dataset.

    Parameters
    ----------
    net
        The network; swept values replace its ``k``, ``speed`` or model parameters.
    duration, dt, transient, sample_every, method, initial_state
        As in :func:`wbxr.simulate`.
    monitors
        As in :func:`wbxr.simulate`: names of state variables (recorded every
        ``sample_every``) and in-loop monitors of :mod:`wbxr.monitors`
        (:class:`~wbxr.monitors.Bold`, :class:`~wbxr.monitors.TemporalAverage`,
        :class:`~wbxr.monitors.Subsample`, :class:`~wbxr.monitors.LeadField`), computed
        for every member inside the chunk's compiled call.  Default: every state variable.
    seeds
        The noise seeds (one ensemble member per seed and parameter combination).
    sweep
        ``{name: values}`` with ``name`` one of ``"k"``, ``"speed"`` (mm/ms or a
        quantity) or a model parameter; every combination (outer product) is simulated.
    chunk_size
        Most members per compiled call and dask task (default: see
        :func:`default_chunk_size`: on the CPU at most 16, and at least one chunk per
        core; on a GPU up to 1024, within 2 GiB of series); chunks are regular
        blocks of the ``(seed, *sweep)`` grid (whole trailing dims first).  Memory grows
        with the chunk, not with the ensemble.  Results do not depend on it.
    reduce
        What each member leaves in the result:

        - ``None`` (default): the time series, one variable per state variable with
          dims ``("seed", *sweep, "time", "region")`` and one per in-loop monitor with
          dims ``("seed", *sweep, "time_<name>", "region")`` (``"sensor"`` for a lead
          field), coordinates, units and attributes as :func:`wbxr.simulate` gives them.
        - ``"fc"``: each member's functional connectivity, variables ``fc_<name>`` with
          dims ``("seed", *sweep, "region_i", "region_j")``.  For a state variable it is
          the Pearson correlation over the recorded samples, accumulated inside the
          compiled call (each chunk of samples' moments merged in), so no time series exists at all; for an
          in-loop monitor (BOLD: the usual comparison with empirical FC) it is
          :func:`wbxr.analysis.fc` of the member's monitor output, computed in the task
          from the chunk's (short) series, which never reach the result.
        - ``"fc+fcd"``: ``fc_<name>`` as :func:`wbxr.analysis.fc` and ``fcd_<name>``
          as :func:`wbxr.analysis.fcd` with ``fcd_window`` and ``fcd_step`` (dims
          ``("window_i", "window_j")``) of every state variable and in-loop monitor
          (each over its own time dim; the window must fit every series), computed
          inside the task from the chunk's time series, which never leave the task.
          With ``"fc"`` and ``"fc+fcd"`` a lead field (sensors, not regions) is a
          ValueError: give a function for it.
        - a function ``reduce(member) -> {name: DataArray}`` (or a Dataset): ``member``
          is one member's Dataset exactly as :func:`wbxr.simulate` returns it (dims
          ``("time", "region")``, the in-loop monitors on ``time_<name>``, units,
          provenance attributes), plus scalar coordinates ``seed`` and the swept
          values.  Each returned DataArray (or
          number) becomes a variable with dims ``("seed", *sweep, *its dims)``; its
          dimension coordinates are kept.  The function runs in the dask task, on the
          time series of one chunk, which are discarded after the task: a sweep of
          10,000 members never holds more than a chunk of time series.  It is called
          once when the ensemble is built, on a placeholder member of standard normal
          numbers with the first member's coordinates, to learn the names, dims and
          shapes of its outputs (it must give the same shapes for every member).  Integer/boolean outputs are stored as floats,
          and members that blew up get NaN without calling it.  It must be picklable for
          a ``dask.distributed`` cluster (module-level functions, ``functools.partial``).
    fcd_window, fcd_step
        Window length and step of the FCD with ``reduce="fc+fcd"`` (time quantities or
        ms), as ``window`` and ``step`` of :func:`wbxr.analysis.fcd`.

    Returns
    -------
    xarray.Dataset
        Dask-backed, one chunk per dask task; variables as described under ``reduce``,
        coordinates for the seeds and swept values (with units), ``nonfinite_time`` per
        member (ms, NaN if the member stayed finite), and the provenance attributes of
        :func:`wbxr.simulate` for the base network.

    Warns
    -----
    NonFiniteMemberWarning
        When computed, for each chunk with members that blew up, naming their seed,
        swept values and blow-up time (on a ``dask.distributed`` cluster it goes to the
        worker's log; :func:`failed_members` lists them wherever the chunks ran).

    Notes
    -----
    Progress of a long computation: ``with dask.diagnostics.ProgressBar(): ens.compute()``
    with dask's local scheduler, ``distributed.progress(client.compute(ens))`` on a
    cluster, or :func:`wbxr.save_ensemble` with ``progress=True``, which also resumes an
    interrupted sweep from its zarr store.

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

    A custom reduction keeps one number per member:

    >>> def spread(member):
    ...     return {"x_std": member.x.std("time").mean("region")}
    >>> wbxr.ensemble(net, duration=100.0, dt=0.1, seeds=range(3), reduce=spread).x_std.dims
    ('seed',)

    BOLD of every member, computed inside the loop (no neural samples are kept), and
    the FC of each member's BOLD:

    >>> bold = wbxr.monitors.Bold("x", tr=500.0)
    >>> ens = wbxr.ensemble(net, duration=5000.0, dt=0.5, seeds=range(2),
    ...                     sweep={"k": [0.0, 0.5]}, monitors=[bold])
    >>> ens.bold.dims, ens.bold.shape, ens.time_bold.values[:3].tolist()
    (('seed', 'k', 'time_bold', 'region'), (2, 2, 10, 8), [500.0, 1000.0, 1500.0])
    >>> fc = wbxr.ensemble(net, duration=5000.0, dt=0.5, seeds=range(2),
    ...                    sweep={"k": [0.0, 0.5]}, monitors=[bold], reduce="fc")
    >>> fc.fc_bold.dims, bool(np.allclose(np.diagonal(fc.fc_bold.values, axis1=-2, axis2=-1), 1.0))
    (('seed', 'k', 'region_i', 'region_j'), True)
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a wbxr.Network, got {net!r}")
    spec = prepare_run(net, duration, dt, transient, sample_every, monitors, method, initial_state,
                       in_loop_monitors=True)
    if isinstance(seeds, (int, np.integer)):
        raise TypeError(f"seeds must be a list of integers such as range({seeds}), got {seeds!r}")
    seeds = [check_seed(seed, "seeds") for seed in seeds]
    if not seeds:
        raise ValueError("seeds must not be empty")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {seeds}")
    sweep_values = _sweep_values(net, sweep)
    if chunk_size is not None and (
        isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1
    ):
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    swept = list(sweep_values)
    for monitor in spec.observers:
        if monitor.name in ("seed", "nonfinite_time", *swept):
            raise ValueError(
                f"monitors has a {type(monitor).__name__} named {monitor.name!r}, a name the ensemble "
                f"uses for {'its dim' if monitor.name != 'nonfinite_time' else 'a variable'}; give it another name="
            )
    first_member = {"seed": seeds[0], **{name: values[0].item() for name, values in sweep_values.items()}}
    reduction, output_coords = _reduction(reduce, net, spec, fcd_window, fcd_step, first_member)
    if chunk_size is None:
        n_members = len(seeds) * math.prod(len(values) for values in sweep_values.values())
        chunk_size = default_chunk_size(n_members, member_bytes=_member_bytes(reduction, spec, net.n_regions))

    # Members sharing the delays must share a chunk: "speed" is outermost internally and
    # its chunks hold one value.
    internal = (["speed"] if "speed" in swept else []) + ["seed"] + [n for n in swept if n != "speed"]
    axes = {"seed": np.asarray(seeds), **sweep_values}
    shape = tuple(len(axes[name]) for name in internal)
    block = block_shape(shape, int(chunk_size), 1 if "speed" in swept else 0)
    grid = _grid_chunks(shape, block)

    def member_key(index: tuple[int, ...]) -> tuple:
        """What sets a member's network: its swept values (not its seed)."""
        return tuple(sorted((name, float(axes[name][i])) for name, i in zip(internal, index) if name != "seed"))

    # One network (connectome, delays) per speed; the other swept values only change the
    # traced parameters of the speed's discretisation.
    speeds = [float(s) for s in sweep_values["speed"]] if "speed" in sweep_values else [None]
    networks = {speed: net if speed is None else net.replace(speed=speed) for speed in speeds}

    # One dask task per chunk of the member grid, all padded to the same member count: a
    # power of two, at least MIN_PADDED_MEMBERS, because XLA on the CPU contracts
    # multiply-adds into FMAs differently for other widths (and for 2 members against 4 or
    # more), and then a member's last bits would depend on its chunk.
    padded_size = max(MIN_PADDED_MEMBERS, 1 << (math.prod(block) - 1).bit_length())

    # One compiled program for all members: the smallest block, the longest history.  One
    # network (no speed sweep) may sum its few shortest edges step by step
    # (Network.block_delay); networks of several speeds would each sum others.
    delay_of = (lambda n: n.block_delay(spec.dt)) if len(networks) == 1 else (lambda n: n.min_delay(spec.dt))
    block_delays = [m for m in map(delay_of, networks.values()) if m is not None]
    max_block = spec.max_block(min(block_delays) if block_delays else None, padded_size)
    schedule, steps_block = plan_schedule(
        spec.n_samples, spec.steps_per_sample, max_block, spec.n_transient_samples
    )
    longest = max(int(n.delay_steps(spec.dt).max()) for n in networks.values())
    by_speed = {
        speed: speed_net.discretize(spec.dt, method, steps_block, spec.dtype, max_delay=longest)
        for speed, speed_net in networks.items()
    }
    discretized = {}
    for index in itertools.product(*(range(n) for n in shape)):
        key = member_key(index)
        if key not in discretized:
            point = dict(key)
            plan, base = by_speed[point.get("speed")]
            discretized[key] = (plan, _member_parameters(net, base, point, spec.dtype))

    monitor_data = tuple(jax.tree.map(np.asarray, monitor.data(spec.dtype)) for monitor in spec.observers)
    pieces = {}
    for chunk_index in itertools.product(*(range(len(c)) for c in grid)):
        starts = [sum(c[:i]) for c, i in zip(grid, chunk_index)]
        sizes = tuple(c[i] for c, i in zip(grid, chunk_index))
        indices = list(itertools.product(*(range(s, s + n) for s, n in zip(starts, sizes))))
        points = [{name: axes[name][i].item() for name, i in zip(internal, index)} for index in indices]
        pieces[chunk_index] = _chunk_arrays(
            [member_key(index) for index in indices], points, sizes, discretized, schedule, spec,
            padded_size, reduction, monitor_data,
        )

    order = [internal.index(name) for name in ["seed", *swept]]
    dims = ("seed", *swept)
    data_vars = {}
    for name, output in reduction.outputs.items():
        values = _assemble({i: p[name] for i, p in pieces.items()}, len(shape))
        values = values.transpose(*order, *range(len(shape), values.ndim))
        data_vars[name] = xr.Variable(dims + output.dims, values, attrs=output.attrs)
    nonfinite = _assemble({i: p["nonfinite_time"] for i, p in pieces.items()}, len(shape))
    data_vars["nonfinite_time"] = xr.Variable(
        dims,
        nonfinite.transpose(*order),
        attrs={"units": "ms", "long_name": "first time the state was NaN/Inf (NaN: never)"},
    )
    coords = {"seed": ("seed", np.asarray(seeds), {"long_name": "noise seed", "standard_name": "realization"})}
    coords.update(output_coords)
    units = {"k": "1", "speed": "mm/ms"}
    units.update({f.name: f.metadata["wbxr"].unit for f in parameter_fields(type(net.model))})
    for name in swept:
        coords[name] = (name, sweep_values[name], {"units": units[name], "long_name": f"swept {name}"})
    reduce_name = reduce if isinstance(reduce, str) or reduce is None else getattr(reduce, "__name__", "function")
    extra = {"swept": ",".join(swept), "reduce": reduce_name or "none"}
    if reduce == "fc+fcd":
        extra.update(fcd_window=reduction.function.window, fcd_step=reduction.function.step)
    return xr.Dataset(data_vars, coords=coords, attrs=provenance(net, spec, **extra))


def _assemble(pieces: Mapping[tuple[int, ...], da.Array], n_axes: int, prefix: tuple[int, ...] = ()) -> da.Array:
    """Concatenate a grid of blocks ``{chunk index: array}`` along the first ``n_axes`` axes."""
    axis = len(prefix)
    count = 1 + max(index[axis] for index in pieces if index[:axis] == prefix)
    if axis == n_axes - 1:
        parts = [pieces[prefix + (i,)] for i in range(count)]
    else:
        parts = [_assemble(pieces, n_axes, prefix + (i,)) for i in range(count)]
    return da.concatenate(parts, axis=axis) if len(parts) > 1 else parts[0]


def _chunk_arrays(keys, points, sizes, discretized, schedule, spec, padded_size, reduction, monitor_data):
    """Lazy arrays of one chunk of members sharing the delays (padded to ``padded_size``)."""
    n_real = len(points)
    padded_keys = keys + [keys[-1]] * (padded_size - n_real)
    params = stack_members([discretized[key][1] for key in padded_keys])
    seeds = np.asarray([p["seed"] for p in points] + [points[-1]["seed"]] * (padded_size - n_real), np.uint32)
    plan = discretized[padded_keys[0]][0]
    run = dask.delayed(_in_precision, pure=True)(
        spec.dtype, _run_chunk, params, seeds, spec.initial_values, spec.given_initial, monitor_data, plan,
        schedule, spec, points, sizes, reduction,
    )
    arrays = {
        name: da.from_delayed(run[name], shape=sizes + output.shape, dtype=output.dtype)
        for name, output in reduction.outputs.items()
    }
    arrays["nonfinite_time"] = da.from_delayed(run["nonfinite_time"], shape=sizes, dtype=float)
    return arrays


@functools.partial(jax.jit, static_argnums=(1, 2))
def _real_members(values: jax.Array, n_real: int, order: tuple[int, ...]) -> jax.Array:
    """The real members of a chunk's output (members innermost), axes in ``order``.

    Transposed on the device, so that each variable reaches numpy as one contiguous block:
    numpy transposing T4's 1024-member output took 0.67 s on the host of a GPU machine,
    twice the simulation.
    """
    return jnp.transpose(values[..., :n_real], order)


def _in_precision(dtype: Any, function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` with JAX's 64-bit types on exactly when ``dtype`` is float64.

    Dask runs an ensemble's chunks in its worker threads, which do not see a
    ``jax.enable_x64`` context of the thread that built the ensemble: each chunk runs in the
    precision its arrays were declared with.
    """
    with _x64(np.dtype(dtype) == np.float64):
        return function(*args)


def _run_chunk(params: StepParams, seeds, initial_values, given_initial, monitor_data, plan, schedule, spec,
               points, sizes, reduction: _Reduction) -> dict[str, np.ndarray]:
    """Run one chunk of members and reduce it; every array has the chunk's member shape first."""
    n_real = len(points)
    monitor_plans = tuple(o.plan for o in reduction.observed)
    output = run_members(
        params,
        jnp.asarray(seeds),
        jnp.asarray(initial_values, spec.dtype),
        jnp.asarray(given_initial),
        monitor_data,
        plan=plan,
        schedule=schedule,
        monitor_indices=spec.monitor_indices,
        monitor_plans=monitor_plans,
        reduce=reduction.in_loop,
    )
    result, first_bad = output[:2]
    first_bad = np.asarray(first_bad)[:n_real]
    nonfinite_time = np.where(first_bad < 0, np.nan, first_bad * spec.dt)
    # (time, monitors, N, M) -> (monitors, M, time, N); FC (monitors, N, N, M) -> (monitors, M, N, N)
    result = np.asarray(_real_members(result, n_real, (0, 3, 1, 2) if reduction.in_loop == "fc" else (1, 3, 0, 2)))
    # each in-loop monitor's outputs written, (members, time_<name>, output)
    series = {
        o.name: np.asarray(_real_members(values, n_real, (2, 0, 1)))[:, : o.shape[0]]
        for o, values in zip(reduction.observed, output[2] if monitor_plans else ())
    }
    if reduction.function is None:
        prefix = "fc_" if reduction.observed_fc else ""
        arrays = {prefix + name: result[column] for column, name in enumerate(spec.monitors)}
        failed = np.isfinite(nonfinite_time)
        for o in reduction.observed:
            if reduction.observed_fc:
                arrays[prefix + o.name] = _series_fc(series[o.name], o.dims[0], failed)
            else:
                arrays[o.name] = series[o.name]
    else:
        arrays = _reduce_members(result, series, nonfinite_time, points, spec, reduction)
    arrays = {name: values.reshape(sizes + values.shape[1:]) for name, values in arrays.items()}
    arrays["nonfinite_time"] = nonfinite_time.reshape(sizes)
    failed = [(point, when) for point, when in zip(points, nonfinite_time) if np.isfinite(when)]
    if failed:
        described = "; ".join(
            ", ".join(f"{name}={value:g}" for name, value in point.items()) + f" at t={when:g} ms"
            for point, when in failed
        )
        warnings.warn(
            f"{len(failed)} ensemble member(s) blew up (state NaN/Inf): {described}",
            NonFiniteMemberWarning,
            stacklevel=2,
        )
    return arrays


def _reduce_members(result, series, nonfinite_time, points, spec, reduction: _Reduction) -> dict[str, np.ndarray]:
    """Apply a per-member reduction to the samples ``(monitors, M, time, N)`` of a chunk.

    ``series`` holds each in-loop monitor's outputs ``(members, time_<name>, output)``.
    """
    arrays = {name: np.empty((len(points), *o.shape), o.dtype) for name, o in reduction.outputs.items()}
    for member, point in enumerate(points):
        if np.isfinite(nonfinite_time[member]):  # blew up: NaN, without calling the function
            for values in arrays.values():
                values[member] = np.nan
            continue
        values = result[:, member]  # (monitors, time, N)
        ds = _member_dataset(values, reduction.time, reduction.region, reduction.attrs,
                             reduction.variable_attrs, point, reduction.observed,
                             {name: values[member] for name, values in series.items()})
        where = "for the member " + ", ".join(f"{name}={value:g}" for name, value in point.items())
        returned = _as_outputs(reduction.function(ds), where)
        if set(returned) != set(reduction.outputs):
            raise ValueError(
                f"reduce returned the variables {sorted(returned)} {where}, but "
                f"{sorted(reduction.outputs)} for the placeholder member; it must return the same names"
            )
        for name, value in returned.items():
            expected = reduction.outputs[name]
            if value.dims != expected.dims or value.shape != expected.shape:
                raise ValueError(
                    f"reduce returned {name!r} with dims {value.dims} and shape {value.shape} {where}, "
                    f"but {expected.dims} and {expected.shape} for the placeholder member"
                )
            arrays[name][member] = value.values
    return arrays


def failed_members(result: xr.Dataset) -> pd.DataFrame:
    """The members of an ensemble whose state blew up (NaN/Inf), with their coordinates.

    Parameters
    ----------
    result
        A Dataset from :func:`wbxr.ensemble` (lazy, computed, or opened from a store);
        only its ``nonfinite_time`` is read (computing a lazy one runs the ensemble).

    Returns
    -------
    pandas.DataFrame
        One row per failed member: its seed, swept values and ``nonfinite_time`` (ms),
        the first time its state was seen to be NaN/Inf.  Empty if none failed.

    Examples
    --------
    >>> import numpy as np
    >>> import wbxr
    >>> model = wbxr.models.Hopf(a=1.0, w=0.0)  # grows without bound for beta < 0
    >>> net = wbxr.Network(model, wbxr.connectome(np.zeros((2, 2))), k=0.0)
    >>> ens = wbxr.ensemble(net, duration=10.0, dt=0.01, seeds=[0, 1],
    ...                     sweep={"beta": [1.0, -1.0]}, initial_state={"x": 1.0, "y": 0.0})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", wbxr.NonFiniteMemberWarning)
    ...     table = wbxr.failed_members(ens)
    >>> table[["seed", "beta"]].values.tolist()
    [[0.0, -1.0], [1.0, -1.0]]
    """
    if not isinstance(result, xr.Dataset) or "nonfinite_time" not in result:
        raise TypeError(
            f"result must be an ensemble Dataset with a 'nonfinite_time' variable, got {type(result).__name__}"
        )
    times = result["nonfinite_time"].compute()
    table = times.to_dataframe().reset_index()
    table = table[np.isfinite(table["nonfinite_time"].to_numpy())]
    return table[[*times.dims, "nonfinite_time"]].reset_index(drop=True)
