r"""Run a network in time and return the result as an :class:`xarray.Dataset`.

Time stamps: the state after ``n`` steps is stamped :math:`t = n\,\Delta t`.  Samples are
the states at the positive multiples of ``sample_every`` up to ``duration``, excluding
:math:`t \le` ``transient``.  300 ms at ``dt = 0.1`` ms with a 50 ms transient gives 2500
samples at 50.1, 50.2, ..., 300 ms.  The transient is simulated but never stored.

The compiled program is one :func:`jax.lax.scan` over *chunks* of samples, an inner scan
over *groups* of steps (one or more samples; the standard normals of a batch of groups,
see :func:`groups_per_normals_batch`, are drawn in one go from the counter-based generator
of :mod:`wbxr.random`, keyed by the member and counted by the step) and, inside, *blocks*
of integration steps that share one gather of delayed inputs (see :mod:`wbxr.delays`).
The steps leave their samples in a ring of a batch's samples; the recorded ones are
written into a preallocated output array, so the memory held is that of the result.  All
numbers that can change between runs (seed, ``k``, model and noise parameters, weights,
initial state) are traced: a second run with other values reuses the compiled program.

Randomness: the seed gives one key, split into the keys of the initial state, of the
initial values of input-noise processes and of the per-step noise.  Same seed, same
parameters: same numbers.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from . import integrators
from ._units import time_ms
from .network import (
    Network,
    NetworkState,
    StepParams,
    StepPlan,
    advance_block,
    history_values,
    noise_rows,
    rolled_steps,
    stack_members,
)
from .delays import history_from_past, history_past, initial_history
from .monitors import Monitor
from . import random

__all__ = ["simulate", "run_members", "NonFiniteStateError"]

#: Most steps in one block (one gather of delayed inputs) when the block's steps run as a
#: rolled loop (:func:`wbxr.network.rolled_steps`): a longer block saves gathers and loop
#: iterations (T3 at N = 8, shortest delay 33 steps: blocks of 20 instead of 10 steps,
#: 3.45 -> 3.05 ms per simulated second).
MAX_BLOCK = 40
#: The same where the steps are unrolled (accelerators, large states): compile time grows
#: with the block.
UNROLLED_MAX_BLOCK = 10
#: Most steps per chunk, the unit in which samples are written to the output.
MAX_CHUNK_STEPS = 1000
#: Most standard normals drawn in one go (4 MiB in float32).
MAX_BATCH_NORMALS = 2**20
#: On the CPU, most standard normals in a batch that XLA keeps as one task.  XLA's CPU
#: compiler splits a loop fusion across its threads once its estimated cost (flops plus
#: 10 per byte) passes two threads' worth of 100,000: at about 1,050 normals in float32,
#: 900 in float64.  After a split, the loop goes on in whichever thread finished last and
#: the other one spins: about 25 us per batch on the 2-core benchmark machine, which a
#: split pays back only for batches of tens of thousands of numbers.  T3 at N = 8 (320
#: normals per group): 1.63 ms per simulated second with 16,000 per batch (split), 1.42
#: ms with 640; N = 80 in batches of 6,400 (split): 14.8 -> 20.3 ms.
UNSPLIT_BATCH_NORMALS = 800
#: Most samples of a run whose result's frame (coordinates and attributes) a network
#: remembers for the next run: 0.8 MB of times.
MAX_REMEMBERED_SAMPLES = 100_000
#: Groups of steps per loop iteration on a GPU, where every iteration of a compiled loop
#: costs a round trip to the host (the CPU runs one group per iteration).  H200: T1 27.5
#: -> 35.9 sim-s/s with 4 (first call +0.4 s); 16 gave 36.9 but compiled for 7.7 s.
ACCELERATOR_GROUP_UNROLL = 4


class NonFiniteStateError(FloatingPointError):
    """The simulation produced NaN or Inf; ``time`` (ms) is when it was first seen."""

    def __init__(self, message: str, time: float) -> None:
        super().__init__(message)
        self.time = time


@dataclasses.dataclass(frozen=True)
class Schedule:
    """How the steps of a run are grouped (static: part of the compiled program)."""

    steps_per_sample: int
    samples_per_group: int  #: samples recorded per group of steps
    blocks_per_group: int
    groups_per_chunk: int
    n_chunks: int
    n_transient_samples: int
    n_recorded: int

    @property
    def n_samples(self) -> int:
        return self.n_chunks * self.groups_per_chunk * self.samples_per_group

    @property
    def steps_per_group(self) -> int:
        return max(self.samples_per_group * self.steps_per_sample, self.steps_per_sample)


def _largest_divisor(n: int, at_most: int) -> int:
    """The largest divisor of ``n`` that is at most ``at_most`` (at least 1)."""
    for d in range(max(1, min(n, at_most)), 0, -1):
        if n % d == 0:
            return d
    return 1


def groups_per_normals_batch(groups_per_chunk: int, draws_per_group: int, cpu: bool) -> int:
    """How many groups of a chunk draw their standard normals in one go.

    As many as ``MAX_BATCH_NORMALS`` allows: drawing per group costs more in per-operation
    overhead than in arithmetic.  On the CPU, where at least two groups fit in
    ``UNSPLIT_BATCH_NORMALS``, the most that fit instead, so that XLA does not split the
    draws across threads (a single group per batch would let XLA move its draws into the
    rolled step loop, where they are not vectorised: 3x slower).

    Examples
    --------
    >>> groups_per_normals_batch(50, 320, cpu=True)  # N = 8, 20 steps per group
    2
    >>> groups_per_normals_batch(50, 3200, cpu=True)  # N = 80
    50
    >>> groups_per_normals_batch(50, 320, cpu=False)
    50
    """
    if draws_per_group == 0:
        return groups_per_chunk
    if cpu:
        unsplit = _largest_divisor(groups_per_chunk, UNSPLIT_BATCH_NORMALS // draws_per_group)
        if unsplit >= 2:
            return unsplit
    return _largest_divisor(groups_per_chunk, max(1, MAX_BATCH_NORMALS // draws_per_group))


def plan_schedule(n_samples: int, steps_per_sample: int, max_block: int, n_transient_samples: int) -> tuple[Schedule, int]:
    """Group the steps into blocks (at most ``max_block`` steps), groups and chunks.

    Returns the schedule and the block length.

    Examples
    --------
    >>> schedule, block = plan_schedule(10_000, 10, max_block=6, n_transient_samples=0)
    >>> block, schedule.blocks_per_group, schedule.groups_per_chunk
    (5, 2, 100)
    >>> schedule, block = plan_schedule(3000, 1, max_block=32, n_transient_samples=500)
    >>> block, schedule.samples_per_group, schedule.n_recorded
    (30, 30, 2500)
    """
    if steps_per_sample <= max_block:
        samples_per_group = _largest_divisor(n_samples, max_block // steps_per_sample)
        block = samples_per_group * steps_per_sample
        blocks_per_group = 1
    else:
        samples_per_group = 1
        block = _largest_divisor(steps_per_sample, max_block)
        blocks_per_group = steps_per_sample // block
    steps_per_group = block * blocks_per_group
    n_groups = n_samples // samples_per_group
    groups_per_chunk = _largest_divisor(n_groups, max(1, MAX_CHUNK_STEPS // steps_per_group))
    schedule = Schedule(
        steps_per_sample=steps_per_sample,
        samples_per_group=samples_per_group,
        blocks_per_group=blocks_per_group,
        groups_per_chunk=groups_per_chunk,
        n_chunks=n_groups // groups_per_chunk,
        n_transient_samples=n_transient_samples,
        n_recorded=n_samples - n_transient_samples,
    )
    return schedule, block


def _whole_multiple(value: float, unit: float, name: str, unit_name: str) -> int:
    ratio = value / unit
    count = round(ratio)
    if abs(ratio - count) > 1e-6 * max(1.0, abs(ratio)):
        raise ValueError(f"{name}={value:g} ms must be a whole multiple of {unit_name}={unit:g} ms")
    return int(count)


def _initial_values(
    net: Network, initial_state: Mapping[str, Any] | None
) -> tuple[np.ndarray, np.ndarray]:
    """The user's initial values ``(n_variables, N)`` and which variables they gave."""
    variables = net.model.state_variables
    values = np.zeros((len(variables), net.n_regions))
    given = np.zeros(len(variables), dtype=bool)
    if initial_state is None:
        return values, given
    if not isinstance(initial_state, Mapping):
        raise TypeError(
            f"initial_state must be a dict mapping state variables to values, got {initial_state!r}"
        )
    for var, value in initial_state.items():
        if var not in variables:
            raise ValueError(
                f"initial_state has key {var!r}, which is not a state variable of "
                f"{type(net.model).__name__}; expected some of {list(variables)}"
            )
        array = np.asarray(value, dtype=float)
        if array.shape not in ((), (net.n_regions,)):
            raise ValueError(
                f"initial_state[{var!r}] must be a scalar or have shape ({net.n_regions},), "
                f"got shape {array.shape}"
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(f"initial_state[{var!r}] must be finite, got {value!r}")
        index = variables.index(var)
        values[index] = array
        given[index] = True
    return values, given


def simulate(
    net: Network,
    duration: Any,
    dt: Any,
    *,
    transient: Any = 0.0,
    monitors: Sequence[str | Monitor] | None = None,
    sample_every: Any = None,
    seed: int | None = None,
    method: str = "euler",
    initial_state: Mapping[str, Any] | None = None,
    initial: xr.Dataset | None = None,
    chunk_duration: Any = None,
    keep_state: bool = False,
) -> xr.Dataset:
    """Simulate a network and return its monitored state variables.

    Parameters
    ----------
    net
        The :class:`wbxr.Network` to run.
    duration
        Simulated time (quantity or ms); a whole multiple of ``dt`` and of ``sample_every``.
    dt
        Integration step (quantity or ms), > 0.
    transient
        Initial time to simulate but not record (quantity or ms), ``0 <= transient < duration``.
    monitors
        What to record: names of state variables (recorded every ``sample_every``) and
        in-loop observation models of :mod:`wbxr.monitors` (BOLD, temporal averages,
        EEG/MEG lead fields, subsampling), each on its own time dimension.  Default: every
        state variable.
    sample_every
        Sampling period (quantity or ms), a whole multiple of ``dt``; default ``dt``.
        Monitors read the state at this period.
    seed
        Seed of every random draw (initial state, noise); default 0, or the seed of
        ``initial`` when continuing a run.
    method
        ``"euler"`` (Euler-Maruyama with noise), ``"heun"`` (stochastic Heun) or ``"rk4"``.
    initial_state
        ``{variable: value}`` with a scalar or one value per region for any state
        variable; the others start uniformly at random in the model's ``initial_range``.
        The history before ``t = 0`` equals the initial state.
    initial
        A result of an earlier ``simulate(..., keep_state=True)`` of the same network to
        continue: the run starts from its final state, delay history, noise-process and
        monitor states, and its time axis follows on.  With the same seed, a run of
        ``T1`` continued for ``T2`` equals a run of ``T1 + T2``.
    chunk_duration
        Run in pieces of this length (quantity or ms; a whole multiple of
        ``sample_every``), continuing each from the last: the same numbers as one piece,
        with the compiled loop's temporaries bounded by a chunk.
    keep_state
        Add the final state (``final_*`` variables and the ``final_step`` attribute) to
        the result so that ``initial=`` can continue it.

    Returns
    -------
    xarray.Dataset
        One variable per state-variable monitor, dims ``("time", "region")``; one per
        in-loop monitor on ``time_<name>``; times in ms.  Attributes record the model
        and its parameters, the coupling, dt, k, speed, seed, method, precision and the
        versions of wbxr and JAX.

    Raises
    ------
    NonFiniteStateError
        If the state became NaN or Inf; the message gives the first time it was seen.

    Examples
    --------
    >>> import brainunit as u
    >>> import wbxr
    >>> net = wbxr.Network(wbxr.models.Hopf(a=0.2, w=0.3), wbxr.load_dataset("example_connectome"),
    ...                    speed=10 * u.mm / u.ms, k=0.5)
    >>> ds = wbxr.simulate(net, duration=300 * u.ms, dt=0.1 * u.ms, transient=50 * u.ms,
    ...                    monitors=["x"])
    >>> ds.x.dims, ds.x.shape
    (('time', 'region'), (2500, 8))
    >>> float(ds.time[0]), float(ds.time[-1]), ds.time.attrs["units"]
    (50.1, 300.0, 'ms')

    Continuing a run gives the numbers of one longer run:

    >>> first = wbxr.simulate(net, duration=100.0, dt=0.1, keep_state=True)
    >>> rest = wbxr.simulate(net, duration=200.0, dt=0.1, initial=first)
    >>> whole = wbxr.simulate(net, duration=300.0, dt=0.1)
    >>> float(rest.time[0]), bool((rest.x == whole.x.sel(time=rest.time)).all())
    (100.1, True)
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a wbxr.Network, got {net!r}")
    if not isinstance(keep_state, bool):
        raise TypeError(f"keep_state must be True or False, got {keep_state!r}")
    spec = prepare_run(net, duration, dt, transient, sample_every, monitors, method, initial_state, in_loop_monitors=True)
    saved = None if initial is None else _saved_state(initial, net, spec)
    if seed is None:
        seed = 0 if saved is None else saved.seed
    check_seed(seed, "seed")
    offset = 0 if saved is None else saved.step // spec.steps_per_sample
    chunk_samples = _chunk_samples(chunk_duration, spec)
    # One block length that divides every piece (and is the one-shot run's when they agree)
    # and the step a continued run starts from: the history buffer's layout has blocks
    # start at multiples of their length.
    block = plan_schedule(
        math.gcd(spec.n_samples, chunk_samples, offset),
        spec.steps_per_sample,
        spec.max_block(net.block_delay(spec.dt)),
        0,
    )[1]
    plan, params = net._memoized(("one member", spec.dt, method, block, spec.dtype),
                                 lambda: _one_member(net, spec, method, block))
    monitor_data = tuple(monitor.data(spec.dtype) for monitor in spec.observers)
    start = None
    if saved is not None:
        start = _start_from(saved, plan, spec, monitor_data, int(net.delay_steps(spec.dt).max()) + 1)
    pieces = []
    done = 0
    while done < spec.n_samples:
        n = min(chunk_samples, spec.n_samples - done)
        n_transient = min(max(spec.n_transient_samples - done, 0), n)
        schedule = plan_schedule(n, spec.steps_per_sample, block, n_transient)[0]
        plans = tuple(
            _monitor_plan(monitor, period, n, n_transient, spec)
            for monitor, period in zip(spec.observers, spec.observer_periods)
        )
        output = run_network(
            params,
            np.asarray([seed], np.uint32),
            np.asarray(spec.initial_values, spec.dtype),
            np.asarray(spec.given_initial),
            monitor_data,
            start,
            plan=plan,
            schedule=schedule,
            monitor_indices=spec.monitor_indices,
            monitor_plans=plans,
        )
        _raise_if_blew_up(int(np.asarray(output.first_bad)[0]), spec.dt, schedule)
        pieces.append(_piece_arrays(output, plans, offset + done, n, n_transient))
        start = output.final
        done += n
    ds = _assemble(net, spec, pieces, offset, seed=int(seed))
    if keep_state:
        ds = ds.merge(_state_variables(start, plan, spec, net), combine_attrs="override")
        ds.attrs["final_step"] = int(start.network.step)
    return ds


def _raise_if_blew_up(first_bad_step: int, dt: float, schedule: Schedule) -> None:
    if first_bad_step >= 0:
        when = first_bad_step * dt
        raise NonFiniteStateError(
            f"the simulation blew up: the state was first NaN/Inf at t = {when:g} ms "
            f"(checked every {schedule.steps_per_group * dt:g} ms); reduce dt, the "
            f"coupling k or the noise, or check the model parameters",
            when,
        )


def _chunk_samples(chunk_duration: Any, spec: RunSpec) -> int:
    """Samples per piece of a run done in chunks (all of them when ``chunk_duration`` is None)."""
    if chunk_duration is None:
        return spec.n_samples
    chunk_ms = time_ms(chunk_duration, "chunk_duration")
    if chunk_ms <= 0:
        raise ValueError(f"chunk_duration must be > 0, got {chunk_ms:g} ms")
    return max(1, _whole_multiple(chunk_ms, spec.sample_every, "chunk_duration", "sample_every"))


def _output_numbers(period: int, offset: int, n_samples: int, n_transient: int) -> tuple[int, int]:
    """First and last absolute output numbers of a monitor written by a run (first > last: none)."""
    return (offset + n_transient) // period + 1, (offset + n_samples) // period


def _monitor_plan(monitor: Monitor, period: int, n_samples: int, n_transient: int, spec: RunSpec) -> MonitorPlan:
    """Rows enough for any phase of the period within ``n_samples`` samples."""
    n_rows = (n_samples - n_transient) // period + 1
    return MonitorPlan(monitor, spec.variable_index(monitor.variable), period, n_rows)


def _piece_arrays(output: RunOutput, plans: tuple[MonitorPlan, ...], offset: int, n: int, n_transient: int) -> dict[str, np.ndarray]:
    """The recorded arrays of one piece of a run, monitors trimmed to the outputs written."""
    # indexed in numpy: an indexing of a device array is one more dispatched operation
    arrays = {"": np.asarray(output.recorded)[..., 0]}
    for p, values in zip(plans, output.monitored):
        first, last = _output_numbers(p.period, offset, n, n_transient)
        arrays[p.monitor.name] = np.asarray(values)[: max(0, last - first + 1), :, 0]
    return arrays


def _one_member(net: Network, spec: RunSpec, method: str, block: int) -> tuple[StepPlan, StepParams]:
    """The plan and the parameters of one member, on the device."""
    plan, params = net.discretize(spec.dt, method, block, spec.dtype)
    return plan, jax.device_put(stack_members([params]))


def _assemble(net: Network, spec: RunSpec, pieces: list[dict[str, np.ndarray]], offset: int, **extra: Any) -> xr.Dataset:
    """The Dataset of a run from its pieces: its frame (see :func:`_frame`) with their data."""
    recorded = np.concatenate([piece[""] for piece in pieces])
    data = {name: recorded[:, column, :] for column, name in enumerate(spec.monitors)}
    for monitor in spec.observers:
        data[monitor.name] = np.concatenate([piece[monitor.name] for piece in pieces])
    shapes = tuple(value.shape for value in data.values())
    # Building a Dataset costs xarray 0.3 ms, filling a copy of its frame 0.05 ms: short runs
    # reuse the frame; long ones, whose time coordinates are large, build their own.
    def build() -> xr.Dataset:
        return _frame(net, spec, offset, shapes)

    key = ("result frame", spec.dt, spec.duration, spec.transient, spec.sample_every, spec.n_transient_samples,
           spec.method, spec.dtype, spec.monitors, spec.observers, spec.observer_periods, offset, shapes)
    frame = build() if spec.n_samples > MAX_REMEMBERED_SAMPLES else net._memoized(key, build)
    ds = frame.copy(deep=False, data=data)
    ds.attrs.update(extra)
    return ds


def _frame(net: Network, spec: RunSpec, offset: int, shapes: tuple[tuple[int, ...], ...]) -> xr.Dataset:
    """The coordinates and attributes of a run's Dataset, its variables of the given shapes
    holding a zero-strided placeholder (``offset``: samples before the run)."""
    regions = region_coordinate(net)
    placeholders = iter(np.broadcast_to(np.zeros((), spec.dtype), shape) for shape in shapes)
    data_vars = {
        name: xr.Variable(("time", "region"), next(placeholders), attrs=variable_attrs(net.model, name))
        for name in spec.monitors
    }
    coords = {"region": regions}
    if spec.monitors:
        coords["time"] = time_coordinate(spec, offset)
    for monitor, period in zip(spec.observers, spec.observer_periods):
        time_dim = f"time_{monitor.name}"
        coords[time_dim] = monitor_time_coordinate(monitor, period, spec, offset)
        for dim, labels in monitor.output_coords(regions.values).items():
            coords.setdefault(dim, xr.Variable(dim, labels))
        attrs = monitor.attrs(variable_attrs(net.model, monitor.variable))
        data_vars[monitor.name] = xr.Variable((time_dim, monitor.output_dim()), next(placeholders), attrs=attrs)
    return xr.Dataset(data_vars, coords=coords, attrs=provenance(net, spec))


class SavedState(NamedTuple):
    """The final state of a run as stored in its Dataset (one member)."""

    seed: int
    step: int
    state: np.ndarray  #: (n_variables, N)
    input_noise: dict[str, np.ndarray]
    past: np.ndarray | None  #: (N, lags, channels) history, lag 0 = the last step
    monitors: dict[str, np.ndarray]


_STATE_ATTRS = {"long_name": "state at the end of the run (for continuing it with initial=)"}


def _state_variables(final: RunState, plan: StepPlan, spec: RunSpec, net: Network) -> xr.Dataset:
    """``final_*`` variables holding everything :func:`simulate` needs to continue a run."""
    network = final.network
    variables = {
        "final_state": xr.Variable(("state_variable", "region"), np.asarray(network.state[..., 0]), _STATE_ATTRS),
    }
    for var, value in network.input_noise.items():
        variables[f"final_noise_{var}"] = xr.Variable(
            tuple(f"final_noise_{var}_dim{i}" for i in range(value.ndim - 2)) + ("region",),
            np.asarray(value[..., 0]), _STATE_ATTRS,
        )
    if network.history is not None:
        past = np.asarray(history_past(network.history, network.step, plan.layout))
        variables["final_history"] = xr.Variable(("region", "history_lag", "history_channel"), past, _STATE_ATTRS)
    for monitor, carry in zip(spec.observers, final.monitors):
        carry = np.asarray(carry)[..., 0]
        dims = tuple(f"final_{monitor.name}_dim{i}" for i in range(carry.ndim - 1)) + ("region",)
        variables[f"final_{monitor.name}"] = xr.Variable(dims, carry, _STATE_ATTRS)
    coords = {"state_variable": list(net.model.state_variables), "region": region_coordinate(net)}
    return xr.Dataset(variables, coords=coords)


def _saved_state(initial: Any, net: Network, spec: RunSpec) -> SavedState:
    """Read and check the final state of an earlier run (the ``initial`` of :func:`simulate`)."""
    if not isinstance(initial, xr.Dataset):
        raise TypeError(f"initial must be the xarray.Dataset of an earlier simulate(..., keep_state=True), got {type(initial).__name__}")
    if "final_state" not in initial or "final_step" not in initial.attrs:
        raise ValueError("initial has no final state: make the earlier run with simulate(..., keep_state=True)")
    expected = {"model": type(net.model).__name__, "n_regions": net.n_regions}
    for name, value in expected.items():
        if initial.attrs.get(name) != value:
            raise ValueError(f"initial comes from a run with {name}={initial.attrs.get(name)!r}; this network has {name}={value!r}")
    if not math.isclose(float(initial.attrs["dt"]), spec.dt, rel_tol=1e-9):
        raise ValueError(f"initial was run with dt={initial.attrs['dt']} ms; continue it with the same dt, not {spec.dt:g} ms")
    step = int(initial.attrs["final_step"])
    if step % spec.steps_per_sample:
        raise ValueError(
            f"initial ends at t = {step * spec.dt:g} ms, not a multiple of sample_every={spec.sample_every:g} ms"
        )
    state = initial["final_state"].transpose("state_variable", "region")
    if list(state["state_variable"].values) != list(net.model.state_variables):
        raise ValueError(f"initial has state variables {list(state['state_variable'].values)}, expected {list(net.model.state_variables)}")
    noise = {}
    for var, process in net.model.noise.items():
        if process.kind == "input":
            if f"final_noise_{var}" not in initial:
                raise ValueError(f"initial has no state of the input noise on {var!r}")
            noise[var] = initial[f"final_noise_{var}"].values
    monitors = {
        monitor.name: initial[f"final_{monitor.name}"].values
        for monitor in spec.observers
        if f"final_{monitor.name}" in initial
    }
    past = initial["final_history"].values if "final_history" in initial else None
    return SavedState(int(initial.attrs["seed"]), step, state.values, noise, past, monitors)


def _start_from(
    saved: SavedState, plan: StepPlan, spec: RunSpec, monitor_data: tuple[Any, ...], needed_lags: int
) -> RunState:
    """The :class:`RunState` (one member) that continues ``saved`` under ``plan``."""
    dtype = spec.dtype
    step = jnp.asarray(saved.step, jnp.int32)
    history = None
    if plan.layout is not None:
        if saved.past is None:
            raise ValueError("initial was run without delays; it cannot start a network with delayed coupling")
        if saved.past.shape[1] < needed_lags:
            raise ValueError(
                f"initial keeps {saved.past.shape[1]} steps of history, fewer than the {needed_lags} "
                f"that this network's delays need"
            )
        history = history_from_past(jnp.asarray(saved.past, dtype), step, plan.layout)
    network = NetworkState(
        jnp.asarray(saved.state, dtype)[..., None],
        {var: jnp.asarray(value, dtype)[..., None] for var, value in saved.input_noise.items()},
        history,
        step,
    )
    carries = tuple(
        jnp.asarray(saved.monitors[m.name], dtype)[..., None]
        if m.name in saved.monitors
        else m.init(data, plan.n_regions, 1, dtype)
        for m, data in zip(spec.observers, monitor_data)
    )
    return RunState(network, carries, jnp.full((1,), -1, jnp.int32))


@dataclasses.dataclass(frozen=True)
class RunSpec:
    """A checked description of a run (shared by :func:`simulate` and ``ensemble``)."""

    dt: float  #: ms
    duration: float  #: ms
    transient: float  #: ms
    sample_every: float  #: ms
    steps_per_sample: int
    n_samples: int
    n_transient_samples: int
    method: str
    monitors: tuple[str, ...]
    monitor_indices: tuple[int, ...]
    initial_values: np.ndarray
    given_initial: np.ndarray
    dtype: Any
    variables: tuple[str, ...] = ()  #: the model's state variables
    observers: tuple[Monitor, ...] = ()  #: in-loop monitors (wbxr.monitors)
    observer_periods: tuple[int, ...] = ()  #: their periods in samples

    def variable_index(self, name: str) -> int:
        return self.variables.index(name)

    def max_block(self, min_delay: int | None, n_members: int = 1) -> int:
        """The most steps that can share one gather of delayed inputs.

        At most ``MAX_BLOCK`` steps where a block of ``n_members`` runs its steps as a rolled
        loop, ``UNROLLED_MAX_BLOCK`` where they are unrolled, and no more than the shortest
        delay gathered per block, ``min_delay``, allows (one more for schemes that read only
        the step's start; see :meth:`Network.block_delay` for the edges summed step by step).
        """
        rolled = rolled_steps(self.initial_values.size * n_members)  # variables x regions x members
        most = MAX_BLOCK if rolled else UNROLLED_MAX_BLOCK
        if min_delay is None:
            return most
        return min(most, min_delay + (0 if integrators.READS_STEP_END[self.method] else 1))


def check_seed(seed: Any, name: str) -> int:
    """A seed must be a non-negative integer below 2**32."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise TypeError(f"{name} must be a non-negative integer below 2**32, got {seed!r}")
    return int(seed)


def prepare_run(
    net: Network,
    duration: Any,
    dt: Any,
    transient: Any,
    sample_every: Any,
    monitors: Sequence[str] | str | None,
    method: str,
    initial_state: Mapping[str, Any] | None,
    *,
    in_loop_monitors: bool = False,
) -> RunSpec:
    """Check the arguments of a run and work out its step counts (before any compilation).

    ``in_loop_monitors`` allows :mod:`wbxr.monitors` objects among ``monitors``.
    """
    dt_ms = time_ms(dt, "dt")
    if dt_ms <= 0:
        raise ValueError(f"dt must be > 0, got {dt_ms} ms")
    duration_ms = time_ms(duration, "duration")
    if duration_ms <= 0:
        raise ValueError(f"duration must be > 0, got {duration_ms} ms")
    sample_ms = dt_ms if sample_every is None else time_ms(sample_every, "sample_every")
    if sample_ms <= 0:
        raise ValueError(f"sample_every must be > 0, got {sample_ms} ms")
    transient_ms = time_ms(transient, "transient")
    if not 0 <= transient_ms < duration_ms:
        raise ValueError(
            f"transient={transient_ms:g} ms must be >= 0 and < duration={duration_ms:g} ms"
        )
    n_steps = _whole_multiple(duration_ms, dt_ms, "duration", "dt")
    steps_per_sample = _whole_multiple(sample_ms, dt_ms, "sample_every", "dt")
    if n_steps % steps_per_sample:
        raise ValueError(
            f"duration={duration_ms:g} ms must be a whole multiple of sample_every={sample_ms:g} ms"
        )
    if method not in integrators.METHODS:
        raise ValueError(f"method={method!r} is not one of {list(integrators.METHODS)}")
    variables = net.model.state_variables
    if monitors is None:
        monitors = list(variables)
    if isinstance(monitors, (str, Monitor)):
        monitors = [monitors]
    names = [m for m in monitors if not isinstance(m, Monitor)]
    observers = [m for m in monitors if isinstance(m, Monitor)]
    if observers and not in_loop_monitors:
        raise ValueError(
            f"monitors contains {observers[0]!r}: in-loop monitors are supported by wbxr.simulate and wbxr.ensemble; "
            "here give names of state variables"
        )
    for name in names + [m.variable for m in observers]:
        if name not in variables:
            raise ValueError(
                f"monitors contains {name!r}, which is not a state variable of "
                f"{type(net.model).__name__}; expected some of {list(variables)}"
            )
    outputs = names + [m.name for m in observers]
    repeated = sorted({name for name in outputs if outputs.count(name) > 1})
    if repeated:
        raise ValueError(f"monitors records {repeated} more than once; give each output a distinct name")
    observer_periods = tuple(
        1 if m.period_ms() is None else _whole_multiple(m.period_ms(), sample_ms, f"{m.name} period", "sample_every")
        for m in observers
    )
    for m in observers:
        m.output_size(net.n_regions)  # checks the monitor's shape against the network
    initial_values, given_initial = _initial_values(net, initial_state)
    return RunSpec(
        dt=dt_ms,
        duration=duration_ms,
        transient=transient_ms,
        sample_every=sample_ms,
        steps_per_sample=steps_per_sample,
        n_samples=n_steps // steps_per_sample,
        n_transient_samples=math.floor(transient_ms / sample_ms + 1e-9),
        method=method,
        monitors=tuple(names),
        monitor_indices=tuple(variables.index(name) for name in names),
        initial_values=initial_values,
        given_initial=given_initial,
        dtype=jax.dtypes.canonicalize_dtype(jnp.float64),
        variables=tuple(variables),
        observers=tuple(observers),
        observer_periods=observer_periods,
    )


class MonitorPlan(NamedTuple):
    """A monitor as compiled: which variable it reads, its period and its output rows (static)."""

    monitor: Monitor
    variable_index: int
    period: int  #: samples between outputs
    n_rows: int  #: output rows allocated (at least the outputs of the run)


class RunState(NamedTuple):
    """Everything a run hands to its continuation (members innermost)."""

    network: NetworkState
    monitors: tuple[Any, ...]  #: running state of each in-loop monitor
    first_bad: jax.Array  #: (M,) first step seen non-finite, -1 if never


class RunOutput(NamedTuple):
    """What a compiled run returns."""

    recorded: jax.Array  #: (n_recorded, n_monitors, N, M) samples, or the FC with reduce="fc"
    first_bad: jax.Array  #: (M,)
    monitored: tuple[jax.Array, ...]  #: (n_rows, output_size, M) per in-loop monitor
    final: RunState


def _fresh_state(
    params: StepParams,
    keys: jax.Array,
    initial_values: jax.Array,
    given_initial: jax.Array,
    plan: StepPlan,
) -> NetworkState:
    """The state at ``t = 0``: given values, else uniform in the model's initial range
    (``keys``: each member's ``(n_members, 3, 2)`` key words, see :func:`_simulate_members`)."""
    model = params.model
    model_type = type(model)
    dtype = initial_values.dtype
    n_regions = plan.n_regions
    n_variables = len(model_type.state_variables)
    init_keys, input_noise_keys = keys[:, 0], keys[:, 1]

    def members_last(draws: jax.Array) -> jax.Array:
        return jnp.moveaxis(draws, 0, -1)

    low = jnp.asarray([model_type.initial_range[v][0] for v in model_type.state_variables], dtype)
    high = jnp.asarray([model_type.initial_range[v][1] for v in model_type.state_variables], dtype)
    uniform = members_last(random.uniform(init_keys, (n_variables, n_regions), dtype))
    random_state = low[:, None, None] + (high - low)[:, None, None] * uniform
    state = jnp.where(given_initial[:, None, None], initial_values[:, :, None], random_state)
    input_noise = {
        var: process.initial_state(
            members_last(random.normal(random.fold_in(input_noise_keys, row), process.state_shape(n_regions), dtype))
        )
        for row, (var, process) in enumerate(model.noise.items())
        if process.kind == "input"
    }
    history = None
    if plan.layout is not None:
        source = jnp.stack([state[index] for index in plan.read_indices])
        history = initial_history(history_values(params.coupling, source), plan.layout)
    return NetworkState(state, input_noise, history, jnp.zeros((), jnp.int32))


def _simulate_members(
    params: StepParams,
    seeds: jax.Array,
    initial_values: jax.Array,
    given_initial: jax.Array,
    monitor_data: tuple[Any, ...],
    start: RunState | None,
    *,
    plan: StepPlan,
    schedule: Schedule,
    monitor_indices: tuple[int, ...],
    monitor_plans: tuple[MonitorPlan, ...],
    reduce: str | None,
    checkpoint: bool,
) -> RunOutput:
    """The body of :func:`run_members` and :func:`run_network`."""
    model = params.model
    dtype = initial_values.dtype
    n_regions = plan.n_regions
    n_members = seeds.shape[0]
    processes = list(model.noise.items())
    # per member, the keys of jax.random.split(jax.random.key(seed), 3): of the initial
    # state, of the input noise processes' initial values and of the steps' noise
    keys = random.seed_keys(seeds, 3)
    noise_key_words = keys[:, 2]

    if start is None:
        net_state = _fresh_state(params, keys, initial_values, given_initial, plan)
        monitor_carries = tuple(
            p.monitor.init(data, n_regions, n_members, dtype) for p, data in zip(monitor_plans, monitor_data)
        )
        first_bad = jnp.full((n_members,), -1, jnp.int32)
    else:
        net_state, monitor_carries, first_bad = start
    first_bad = jnp.broadcast_to(first_bad, net_state.state.shape)  # per element until the end
    # the absolute number of the run's first sample, minus one
    sample_offset = net_state.step // schedule.steps_per_sample

    # every variable that is recorded or read by a monitor, in a fixed order
    read_indices = tuple(dict.fromkeys(monitor_indices + tuple(p.variable_index for p in monitor_plans)))
    samples_per_group = schedule.samples_per_group
    steps_per_group = schedule.steps_per_group
    sample_ms = plan.dt * schedule.steps_per_sample

    # The steps write their samples into a ring holding a batch of groups' samples, counted
    # from the run's first step (see advance_block), from which the batch takes them.
    samples_start = net_state.step

    def run_block(block_carry, normals):
        net_state, samples = block_carry
        block = advance_block(plan, params, net_state, normals, samples, samples_start, schedule.steps_per_sample)
        return block, None

    def run_group(group_carry, normals):
        net_state, first_bad, samples = group_carry
        if normals is not None and n_members == 1:
            normals = normals[..., None]  # see run_batch
        if schedule.blocks_per_group == 1:
            (net_state, samples), _ = run_block((net_state, samples), normals)
        else:
            blocks = None
            if normals is not None:
                blocks = normals.reshape(schedule.blocks_per_group, plan.block, *normals.shape[1:])
            (net_state, samples), _ = jax.lax.scan(
                run_block, (net_state, samples), blocks, length=schedule.blocks_per_group
            )
        # The first step seen NaN/Inf, element by element: reduced to the members here, it
        # took two more operations per group for XLA's CPU runtime to launch (see
        # advance_block); it is reduced once, at the end of the run.
        first_bad = jnp.where((first_bad < 0) & ~jnp.isfinite(net_state.state), net_state.step, first_bad)
        return (net_state, first_bad, samples), None

    on_cpu = jax.default_backend() == "cpu"
    draws_per_group = steps_per_group * noise_rows(model) * n_regions * n_members
    groups_per_batch = groups_per_normals_batch(schedule.groups_per_chunk, draws_per_group, cpu=on_cpu)

    def run_batch(batch_carry, _):
        net_state, first_bad, samples = batch_carry
        normals = None
        if processes:  # step n's normals depend only on the member's key and n
            normals = random.normals_for_steps(
                noise_key_words,
                net_state.step.astype(jnp.uint32),
                steps_per_group * groups_per_batch,
                (noise_rows(model), n_regions),
                dtype,
            ).reshape(groups_per_batch, steps_per_group, noise_rows(model), n_regions, n_members)
            if n_members == 1:
                # Scanned without the member axis of length 1: with it, XLA's CPU compiler
                # copied each batch into an equivalent layout, a ninth operation of the loop
                # body, which its runtime then ran from a dependency graph (more than 8) on
                # both threads instead of in order.  T3 N = 8, the program alone pinned, 8
                # alternated pairs: median 1.29 against 1.55 ms (an earlier 8: 1.42 against
                # 1.43); whole calls on 2 cores: within the noise (docs/performance.md).
                normals = normals[..., 0]
        unroll = 1 if on_cpu else min(ACCELERATOR_GROUP_UNROLL, groups_per_batch)
        (net_state, first_bad, samples), _ = jax.lax.scan(
            run_group, (net_state, first_bad, samples), normals, length=groups_per_batch, unroll=unroll
        )
        return (net_state, first_bad, samples), jnp.stack([samples[:, i] for i in read_indices], axis=1)

    def record(out, sampled, chunk_index):
        # Rows before `pad` catch samples of the transient; XLA clamps negative starts to 0.
        start = (chunk_index * sampled.shape[0] - schedule.n_transient_samples + pad).astype(jnp.int32)
        zero = jnp.zeros((), jnp.int32)
        return jax.lax.dynamic_update_slice(out, sampled, (start, zero, zero, zero))

    def accumulate(moments, sampled, chunk_index):
        """Merge a chunk's samples into the count, mean and co-moment (Chan et al. 1979).

        The chunk's own mean and centred co-moment (one contraction over its samples) are
        merged with the running ones: as stable as Welford's update per sample, which ran
        sample by sample and took half the time of a k-sweep reduced to FC on the CPU.
        Chan, T. F., Golub, G. H. & LeVeque, R. J. (1979). Updating formulae and a pairwise
        algorithm for computing sample variances. Stanford report STAN-CS-79-773.
        """
        count, mean, comoment = moments
        indices = chunk_index * sampled.shape[0] + jnp.arange(sampled.shape[0])
        weight = (indices >= schedule.n_transient_samples).astype(dtype)[:, None, None, None]
        chunk_count = jnp.sum(weight)
        chunk_mean = jnp.sum(weight * sampled, axis=0) / jnp.maximum(chunk_count, 1.0)
        centred = weight * (sampled - chunk_mean[None])
        chunk_comoment = jnp.einsum("tvnm,tvkm->vnkm", centred, centred)
        total = count + chunk_count
        delta = chunk_mean - mean
        mean = mean + delta * (chunk_count / jnp.maximum(total, 1.0))
        scale = count * chunk_count / jnp.maximum(total, 1.0)
        comoment = comoment + chunk_comoment + scale * delta[:, :, None, :] * delta[:, None, :, :]
        return total, mean, comoment

    # In-loop monitors: absolute output number e = g // period at sample number g; the
    # outputs after the transient go to rows 0, 1, ...; row n_rows catches the others.
    first_outputs = tuple(
        (sample_offset + schedule.n_transient_samples) // p.period + 1 for p in monitor_plans
    )
    monitor_columns = tuple(read_indices.index(p.variable_index) for p in monitor_plans)

    def observe(monitor_state, sample_and_number):
        carries, outputs = monitor_state
        x, g = sample_and_number
        new_carries, new_outputs = [], []
        for p, data, column, first, carry, out in zip(
            monitor_plans, monitor_data, monitor_columns, first_outputs, carries, outputs
        ):
            carry = p.monitor.update(carry, data, x[column], sample_ms)

            def emit(carry_and_out, p=p, data=data, first=first):
                carry, out = carry_and_out
                row = g // p.period - first
                row = jnp.where(row >= 0, row, p.n_rows).astype(jnp.int32)
                value = p.monitor.read(carry, data, p.period).astype(dtype)
                zero = jnp.zeros((), jnp.int32)
                out = jax.lax.dynamic_update_slice(out, value[None], (row, zero, zero))
                return p.monitor.reset(carry), out

            carry, out = jax.lax.cond(g % p.period == 0, emit, lambda c: c, (carry, out))
            new_carries.append(carry)
            new_outputs.append(out)
        return (tuple(new_carries), tuple(new_outputs)), None

    def run_chunk(chunk_carry, chunk_index):
        net_state, first_bad, samples, out, monitor_state = chunk_carry
        (net_state, first_bad, samples), sampled = jax.lax.scan(
            run_batch, (net_state, first_bad, samples), None, length=schedule.groups_per_chunk // groups_per_batch
        )
        sampled = sampled.reshape(-1, len(read_indices), n_regions, n_members)
        if monitor_plans:
            numbers = (
                sample_offset + chunk_index * sampled.shape[0] + 1 + jnp.arange(sampled.shape[0])
            ).astype(jnp.int32)
            monitor_state = jax.lax.scan(observe, monitor_state, (sampled, numbers))[0]
        recorded = sampled[:, : len(monitor_indices)]
        if reduce == "fc":
            out = accumulate(out, recorded, chunk_index)
        elif monitor_indices:
            out = record(out, recorded, chunk_index)
        return (net_state, first_bad, samples, out, monitor_state), None

    n_monitors = len(monitor_indices)
    pad = schedule.groups_per_chunk * samples_per_group
    if reduce == "fc":
        out = (
            jnp.zeros((), dtype),
            jnp.zeros((n_monitors, n_regions, n_members), dtype),
            jnp.zeros((n_monitors, n_regions, n_regions, n_members), dtype),
        )
    elif reduce is None:
        rows = schedule.n_recorded + pad if monitor_indices else 0
        out = jnp.zeros((rows, n_monitors, n_regions, n_members), dtype)
    else:
        raise ValueError(f"reduce={reduce!r} is not None or 'fc'")
    monitor_outputs = tuple(
        jnp.zeros((p.n_rows + 1, p.monitor.output_size(n_regions), n_members), dtype) for p in monitor_plans
    )
    # every row is written before it is read: carried from batch to batch, not zeroed
    samples = jnp.zeros((groups_per_batch * samples_per_group, *net_state.state.shape), dtype)
    (net_state, first_bad, _, out, (monitor_carries, monitor_outputs)), _ = jax.lax.scan(
        jax.checkpoint(run_chunk) if checkpoint else run_chunk,
        (net_state, first_bad, samples, out, (monitor_carries, monitor_outputs)),
        jnp.arange(schedule.n_chunks, dtype=jnp.int32),
    )
    first_bad = jnp.min(jnp.where(first_bad < 0, jnp.iinfo(jnp.int32).max, first_bad), axis=(0, 1))
    first_bad = jnp.where(first_bad == jnp.iinfo(jnp.int32).max, -1, first_bad)
    final = RunState(net_state, monitor_carries, first_bad)
    monitored = tuple(output[: p.n_rows] for p, output in zip(monitor_plans, monitor_outputs))
    if reduce == "fc":
        comoment = out[2]
        comoment = 0.5 * (comoment + jnp.swapaxes(comoment, 1, 2))  # symmetric to the last bit
        spread = jnp.sqrt(jnp.diagonal(comoment, axis1=1, axis2=2))  # (n_monitors, M, N)
        spread = jnp.moveaxis(spread, 1, 2)  # (n_monitors, N, M)
        return RunOutput(comoment / (spread[:, :, None, :] * spread[:, None, :, :]), first_bad, monitored, final)
    return RunOutput(out[pad:] if monitor_indices else out, first_bad, monitored, final)


@functools.partial(
    jax.jit, static_argnames=("plan", "schedule", "monitor_indices", "monitor_plans", "reduce", "checkpoint")
)
def run_members(
    params: StepParams,
    seeds: jax.Array,
    initial_values: jax.Array,
    given_initial: jax.Array,
    monitor_data: tuple[Any, ...] = (),
    *,
    plan: StepPlan,
    schedule: Schedule,
    monitor_indices: tuple[int, ...],
    monitor_plans: tuple[MonitorPlan, ...] = (),
    reduce: str | None = None,
    checkpoint: bool = False,
) -> tuple[jax.Array, ...]:
    """The compiled simulation of ``M`` members sharing a connectome and delays.

    Parameters
    ----------
    params
        Member-stacked parameters (:func:`wbxr.network.stack_members`).
    seeds
        ``(M,)`` seed of each member.
    initial_values, given_initial
        ``(n_variables, N)`` initial values and ``(n_variables,)`` flags of the variables
        whose initial value is given (the others start at random, per member).
    monitor_data, monitor_plans
        In-loop monitors (:mod:`wbxr.monitors`) computed for every member, as in
        :func:`run_network`: each one's arrays (:meth:`wbxr.monitors.Monitor.data`,
        traced) and its :class:`MonitorPlan` (static).  Default: none.
    reduce
        None to return the samples; ``"fc"`` to return only the functional connectivity
        (Pearson correlation over the recorded samples) of each monitor and member,
        accumulated inside the loop (each chunk's mean and co-moment merged into the running
        ones) so that no time series is kept.
        In-loop monitors are not reduced.
    checkpoint
        Rematerialise each chunk in reverse-mode differentiation (:func:`jax.checkpoint`):
        the gradient then stores one carry per chunk instead of every step's values.

    Returns
    -------
    The recorded samples ``(n_recorded, n_monitors, N, M)`` (or, with ``reduce="fc"``, the
    FC ``(n_monitors, N, N, M)``) and, per member, the first step at which the state was
    seen to be non-finite (-1 if never); with ``monitor_plans``, a third item: the outputs
    ``(n_rows, output_size, M)`` of each in-loop monitor (rows past the outputs written
    hold zeros).
    """
    output = _simulate_members(
        params, seeds, initial_values, given_initial, monitor_data, None,
        plan=plan, schedule=schedule, monitor_indices=monitor_indices, monitor_plans=monitor_plans,
        reduce=reduce, checkpoint=checkpoint,
    )
    if monitor_plans:
        return output.recorded, output.first_bad, output.monitored
    return output.recorded, output.first_bad


@functools.partial(jax.jit, static_argnames=("plan", "schedule", "monitor_indices", "monitor_plans"))
def run_network(
    params: StepParams,
    seeds: jax.Array,
    initial_values: jax.Array,
    given_initial: jax.Array,
    monitor_data: tuple[Any, ...],
    start: RunState | None,
    *,
    plan: StepPlan,
    schedule: Schedule,
    monitor_indices: tuple[int, ...],
    monitor_plans: tuple[MonitorPlan, ...],
) -> RunOutput:
    """Like :func:`run_members`, with in-loop monitors, from a given state, returning the final one.

    ``monitor_data`` holds each monitor's arrays (:meth:`wbxr.monitors.Monitor.data`);
    ``start`` is the :class:`RunState` to continue from, or None to start at ``t = 0``.
    """
    return _simulate_members(
        params, seeds, initial_values, given_initial, monitor_data, start,
        plan=plan, schedule=schedule, monitor_indices=monitor_indices, monitor_plans=monitor_plans,
        reduce=None, checkpoint=False,
    )


def time_coordinate(spec: RunSpec, offset: int = 0) -> xr.Variable:
    """The recorded sample times in ms: multiples of ``sample_every`` after the transient.

    ``offset`` is the number of samples before the run (when it continues another).
    """
    sample_numbers = offset + np.arange(spec.n_transient_samples + 1, spec.n_samples + 1)
    time = np.round(sample_numbers * spec.sample_every, 9)
    return xr.Variable("time", time, {"units": "ms", "long_name": "time", "standard_name": "time"})


def monitor_time_coordinate(monitor: Monitor, period: int, spec: RunSpec, offset: int = 0) -> xr.Variable:
    """The output times in ms of an in-loop monitor (dim ``time_<name>``).

    The absolute multiples of its ``period`` (in samples) after the transient; ``offset``
    is the number of samples before the run (when it continues another).
    """
    first, last = _output_numbers(period, offset, spec.n_samples, spec.n_transient_samples)
    times = np.round(np.arange(first, last + 1) * period * spec.sample_every, 9)
    attrs = {"units": "ms", "long_name": f"time of {monitor.name}", "standard_name": "time"}
    return xr.Variable(f"time_{monitor.name}", times, attrs)


def region_coordinate(net: Network) -> xr.Variable:
    """The region labels."""
    return xr.Variable("region", np.asarray(net.labels, dtype=str), {"long_name": "brain region"})


def variable_attrs(model: Any, name: str) -> dict[str, str]:
    """CF ``units`` and ``long_name`` of a state variable."""
    return {
        "units": model.variable_units.get(name, "1"),
        "long_name": model.variable_long_names.get(name, name),
    }


def provenance(net: Network, spec: RunSpec, **extra: Any) -> dict[str, Any]:
    """netCDF-safe attributes recording how a run was made."""
    from . import __version__

    model = net.model
    description = model.describe()
    attrs = {
        "title": f"wbxr simulation of a {type(model).__name__} network",
        "model": type(model).__name__,
        "model_parameters": json.dumps(description["parameters"], sort_keys=True),
        "noise": json.dumps(description["noise"], sort_keys=True),
        "coupling": net.coupling,
        "coupling_parameters": json.dumps(net.coupling_function.describe(), sort_keys=True),
        "coupled_var": net.coupled_var,
        "reads": ",".join(net.reads),
        "k": net.k,
        "delays": "none" if net.speed is None or net.distances is None else "distance / speed",
        "dt": spec.dt,
        "duration": spec.duration,
        "transient": spec.transient,
        "sample_every": spec.sample_every,
        "method": spec.method,
        "precision": str(np.dtype(spec.dtype)),
        "connectome": str(net.connectome.attrs.get("name", "")),
        "n_regions": net.n_regions,
        "attribute_units": json.dumps(
            {"dt": "ms", "duration": "ms", "transient": "ms", "sample_every": "ms", "speed": "mm/ms"}
        ),
        "wbxr_version": __version__,
        "jax_version": jax.__version__,
    }
    if net.speed is not None:
        attrs["speed"] = net.speed
    attrs.update(extra)
    return attrs
