r"""Run a network in time and return the result as an :class:`xarray.Dataset`.

Time stamps: the state after ``n`` steps is stamped :math:`t = n\,\Delta t`.  Samples are
the states at the positive multiples of ``sample_every`` up to ``duration``, excluding
:math:`t \le` ``transient``.  300 ms at ``dt = 0.1`` ms with a 50 ms transient gives 2500
samples at 50.1, 50.2, ..., 300 ms.  The transient is simulated but never stored.

The compiled program is one :func:`jax.lax.scan` over *chunks* of samples, an inner scan
over *groups* of steps (one or more samples; the standard normals of a group are drawn in
one go from the counter-based generator of :mod:`wbxr.random`, keyed by the member and
counted by the step) and, inside, *blocks* of integration steps that share one gather of
delayed inputs (see :mod:`wbxr.delays`).  The recorded samples are written into a preallocated output array, so
the memory held is that of the result.  All numbers that can change between runs (seed,
``k``, model and noise parameters, weights, initial state) are traced: a second run with
other values reuses the compiled program.

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
from typing import Any

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
    stack_members,
)
from .delays import initial_history
from .random import normals_for_steps

__all__ = ["simulate", "run_members", "NonFiniteStateError"]

#: Most steps unrolled into one block of the compiled loop.
MAX_BLOCK = 10
#: Most steps per chunk, the unit in which samples are written to the output.
MAX_CHUNK_STEPS = 1000


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
    (10, 10, 2500)
    """
    max_block = min(max_block, MAX_BLOCK)
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
    monitors: Sequence[str] | None = None,
    sample_every: Any = None,
    seed: int = 0,
    method: str = "euler",
    initial_state: Mapping[str, Any] | None = None,
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
        Names of the state variables to record (default: all of them).
    sample_every
        Sampling period (quantity or ms), a whole multiple of ``dt``; default ``dt``.
    seed
        Seed of every random draw (initial state, noise).
    method
        ``"euler"`` (Euler-Maruyama with noise), ``"heun"`` (stochastic Heun) or ``"rk4"``.
    initial_state
        ``{variable: value}`` with a scalar or one value per region for any state
        variable; the others start uniformly at random in the model's ``initial_range``.
        The history before ``t = 0`` equals the initial state.

    Returns
    -------
    xarray.Dataset
        One variable per monitor, dims ``("time", "region")``; ``time`` in ms.  Attributes
        record the model and its parameters, the coupling, dt, k, speed, seed, method,
        precision and the versions of wbxr and JAX.

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
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a wbxr.Network, got {net!r}")
    spec = prepare_run(net, duration, dt, transient, sample_every, monitors, method, initial_state)
    check_seed(seed, "seed")
    schedule, block = plan_schedule(
        spec.n_samples, spec.steps_per_sample, spec.max_block(net.min_delay(spec.dt)),
        spec.n_transient_samples,
    )
    plan, params = net.discretize(spec.dt, method, block, spec.dtype)
    recorded, first_bad_step = run_members(
        stack_members([params]),
        jnp.asarray([seed], jnp.uint32),
        jnp.asarray(spec.initial_values, spec.dtype),
        jnp.asarray(spec.given_initial),
        plan=plan,
        schedule=schedule,
        monitor_indices=spec.monitor_indices,
    )
    first_bad_step = int(first_bad_step[0])
    if first_bad_step >= 0:
        when = first_bad_step * spec.dt
        raise NonFiniteStateError(
            f"the simulation blew up: the state was first NaN/Inf at t = {when:g} ms "
            f"(checked every {schedule.steps_per_group * spec.dt:g} ms); reduce dt, the "
            f"coupling k or the noise, or check the model parameters",
            when,
        )
    recorded = np.asarray(recorded[..., 0])
    data_vars = {
        name: xr.Variable(("time", "region"), recorded[:, column, :], attrs=variable_attrs(net.model, name))
        for column, name in enumerate(spec.monitors)
    }
    coords = {"time": time_coordinate(spec), "region": region_coordinate(net)}
    return xr.Dataset(data_vars, coords=coords, attrs=provenance(net, spec, seed=int(seed)))


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

    def max_block(self, min_delay: int | None) -> int:
        """The most steps that can share one gather of delayed inputs."""
        if min_delay is None:
            return MAX_BLOCK
        return min_delay + (0 if integrators.READS_STEP_END[self.method] else 1)


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
) -> RunSpec:
    """Check the arguments of a run and work out its step counts (before any compilation)."""
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
    if isinstance(monitors, str):
        monitors = [monitors]
    for name in monitors:
        if name not in variables:
            raise ValueError(
                f"monitors contains {name!r}, which is not a state variable of "
                f"{type(net.model).__name__}; expected some of {list(variables)}"
            )
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
        monitors=tuple(monitors),
        monitor_indices=tuple(variables.index(name) for name in monitors),
        initial_values=initial_values,
        given_initial=given_initial,
        dtype=jax.dtypes.canonicalize_dtype(jnp.float64),
    )


@functools.partial(jax.jit, static_argnames=("plan", "schedule", "monitor_indices", "reduce"))
def run_members(
    params: StepParams,
    seeds: jax.Array,
    initial_values: jax.Array,
    given_initial: jax.Array,
    *,
    plan: StepPlan,
    schedule: Schedule,
    monitor_indices: tuple[int, ...],
    reduce: str | None = None,
) -> tuple[jax.Array, jax.Array]:
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

    reduce
        None to return the samples; ``"fc"`` to return only the functional connectivity
        (Pearson correlation over the recorded samples) of each monitor and member,
        accumulated inside the loop with Welford's update so that no time series is kept.

    Returns
    -------
    The recorded samples ``(n_recorded, n_monitors, N, M)`` (or, with ``reduce="fc"``, the
    FC ``(n_monitors, N, N, M)``) and, per member, the first step at which the state was
    seen to be non-finite (-1 if never).
    """
    model = params.model
    model_type = type(model)
    dtype = initial_values.dtype
    n_regions = plan.n_regions
    n_members = seeds.shape[0]
    n_variables = len(model_type.state_variables)
    processes = list(model.noise.items())
    keys = jax.vmap(lambda seed: jax.random.split(jax.random.key(seed), 3))(seeds)
    init_keys, input_noise_keys, noise_keys = keys[:, 0], keys[:, 1], keys[:, 2]

    def members_last(draws: jax.Array) -> jax.Array:
        return jnp.moveaxis(draws, 0, -1)

    low = jnp.asarray([model_type.initial_range[v][0] for v in model_type.state_variables], dtype)
    high = jnp.asarray([model_type.initial_range[v][1] for v in model_type.state_variables], dtype)
    uniform = members_last(
        jax.vmap(lambda key: jax.random.uniform(key, (n_variables, n_regions), dtype))(init_keys)
    )
    random_state = low[:, None, None] + (high - low)[:, None, None] * uniform
    state = jnp.where(given_initial[:, None, None], initial_values[:, :, None], random_state)
    input_noise = {
        var: process.initial_state(
            members_last(
                jax.vmap(
                    lambda key, row=row, shape=process.state_shape(n_regions): jax.random.normal(
                        jax.random.fold_in(key, row), shape, dtype
                    )
                )(input_noise_keys)
            )
        )
        for row, (var, process) in enumerate(processes)
        if process.kind == "input"
    }
    history = None
    if plan.layout is not None:
        source = jnp.stack([state[index] for index in plan.read_indices])
        history = initial_history(history_values(params.coupling, source), plan.layout)
    carry = NetworkState(state, input_noise, history, jnp.zeros((), jnp.int32))

    samples_per_group = schedule.samples_per_group
    steps_per_group = schedule.steps_per_group

    noise_key_words = jax.random.key_data(noise_keys)

    def run_group(group_carry, _):
        net_state, first_bad = group_carry
        normals = None
        if processes:  # step n's normals depend only on the member's key and n
            normals = normals_for_steps(
                noise_key_words,
                net_state.step.astype(jnp.uint32),
                steps_per_group,
                (noise_rows(model), n_regions),
                dtype,
            )
        if schedule.blocks_per_group == 1:
            net_state, states = advance_block(plan, params, net_state, normals)
            sampled = states[schedule.steps_per_sample - 1 :: schedule.steps_per_sample]
        else:
            blocks = None
            if normals is not None:
                blocks = normals.reshape(schedule.blocks_per_group, plan.block, *normals.shape[1:])
            net_state, _ = jax.lax.scan(
                lambda c, n: (advance_block(plan, params, c, n)[0], None),
                net_state,
                blocks,
                length=schedule.blocks_per_group,
            )
            sampled = net_state.state[None]
        bad = ~jnp.all(jnp.isfinite(net_state.state), axis=(0, 1))
        first_bad = jnp.where((first_bad < 0) & bad, net_state.step, first_bad)
        return (net_state, first_bad), jnp.stack([sampled[:, i] for i in monitor_indices], axis=1)

    def record(out, sampled, chunk_index):
        # Rows before `pad` catch samples of the transient; XLA clamps negative starts to 0.
        start = (chunk_index * sampled.shape[0] - schedule.n_transient_samples + pad).astype(jnp.int32)
        zero = jnp.zeros((), jnp.int32)
        return jax.lax.dynamic_update_slice(out, sampled, (start, zero, zero, zero))

    def accumulate(moments, sampled, chunk_index):
        """Welford's update of the count, mean and co-moment with the recorded samples."""

        def one(moments, sample_and_index):
            count, mean, comoment = moments
            x, index = sample_and_index
            weight = (index >= schedule.n_transient_samples).astype(dtype)
            count = count + weight
            delta = x - mean
            mean = mean + weight * delta / jnp.maximum(count, 1.0)
            comoment = comoment + weight * delta[:, :, None, :] * (x - mean)[:, None, :, :]
            return (count, mean, comoment), None

        indices = chunk_index * sampled.shape[0] + jnp.arange(sampled.shape[0])
        return jax.lax.scan(one, moments, (sampled, indices))[0]

    def run_chunk(chunk_carry, chunk_index):
        net_state, first_bad, out = chunk_carry
        (net_state, first_bad), sampled = jax.lax.scan(
            run_group, (net_state, first_bad), None, length=schedule.groups_per_chunk
        )
        sampled = sampled.reshape(-1, len(monitor_indices), n_regions, n_members)
        if reduce == "fc":
            out = accumulate(out, sampled, chunk_index)
        else:
            out = record(out, sampled, chunk_index)
        return (net_state, first_bad, out), None

    n_monitors = len(monitor_indices)
    pad = schedule.groups_per_chunk * samples_per_group
    if reduce == "fc":
        out = (
            jnp.zeros((), dtype),
            jnp.zeros((n_monitors, n_regions, n_members), dtype),
            jnp.zeros((n_monitors, n_regions, n_regions, n_members), dtype),
        )
    elif reduce is None:
        out = jnp.zeros((schedule.n_recorded + pad, n_monitors, n_regions, n_members), dtype)
    else:
        raise ValueError(f"reduce={reduce!r} is not None or 'fc'")
    first_bad = jnp.full((n_members,), -1, jnp.int32)
    (_, first_bad, out), _ = jax.lax.scan(
        run_chunk, (carry, first_bad, out), jnp.arange(schedule.n_chunks, dtype=jnp.int32)
    )
    if reduce == "fc":
        comoment = out[2]
        spread = jnp.sqrt(jnp.diagonal(comoment, axis1=1, axis2=2))  # (n_monitors, M, N)
        spread = jnp.moveaxis(spread, 1, 2)  # (n_monitors, N, M)
        return comoment / (spread[:, :, None, :] * spread[:, None, :, :]), first_bad
    return out[pad:], first_bad


def time_coordinate(spec: RunSpec) -> xr.Variable:
    """The recorded sample times in ms: multiples of ``sample_every`` after the transient."""
    sample_numbers = np.arange(spec.n_transient_samples + 1, spec.n_samples + 1)
    time = np.round(sample_numbers * spec.sample_every, 9)
    return xr.Variable("time", time, {"units": "ms", "long_name": "time", "standard_name": "time"})


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
        **extra,
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
    return attrs
