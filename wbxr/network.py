r"""A whole-brain network: one node model per region, wired by a connectome.

:class:`Network` holds the *specification* (model, connectome, conduction speed, coupling
rule, coupled variable, global coupling strength) and checks it.  At a given step ``dt``
it is discretised into a static :class:`StepPlan` (what fixes the shapes of the compiled
program) and :class:`StepParams` (the traced numbers: parameters, weights, delays), which
:func:`advance_block` advances by one block of integration steps.  Changing ``k``, a model
parameter or a weight changes only :class:`StepParams`, so nothing recompiles.

Semantics (see :mod:`wbxr.coupling` and :mod:`wbxr.delays`):

* delays :math:`d_{ij} = \operatorname{round}(D_{ij} / (v\,\Delta t))` steps, zero on the
  diagonal and everywhere without a speed or distances;
* diffusive input :math:`I_i = k \sum_j W_{ij}\,(x_j(t - d_{ij}\Delta t) - x_i(t))`,
  additive input :math:`I_i = k \sum_j W_{ij}\, x_j(t - d_{ij}\Delta t)`;
* the input enters the coupled variable's equation where the model puts its input;
* the history before :math:`t = 0` is the initial state;
* inside a Heun or RK4 step the delayed term at a fraction :math:`\theta` of the step is
  the linear interpolation between its values at the step's start and end.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, NamedTuple, TypeVar

import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from . import integrators
from ._units import SPEED_UNIT, SPEED_UNIT_NAME, UNITLESS_UNIT, to_scalar
from .connectome import validate_connectome
from .coupling import (
    Coupling,
    InstantaneousWeights,
    as_coupling,
    coupling_name,
    effective_weights,
    instantaneous_weights,
    weighted_sums,
)
from .delays import (
    DelayedEdges,
    HistoryLayout,
    ShortEdges,
    delay_steps,
    delayed_edges,
    delayed_sums,
    record_block,
    short_sums,
    split_edges,
)
from .models.base import NodeModel

__all__ = [
    "Network",
    "StepPlan",
    "StepParams",
    "NetworkState",
    "advance_block",
    "noise_rows",
    "region_parameters",
    "stack_members",
]


#: Where the shortest delays would make blocks of steps shorter than this, the few shortest
#: edges are summed step by step instead (see :meth:`Network.block_delay`).
SHORT_BLOCK = 5
#: How many results :meth:`Network._memoized` keeps per network (edges at a few ``dt``, the
#: discretised parameters and result frames of the last few kinds of run).
MEMORY_SIZE = 16

_T = TypeVar("_T")


class Network:
    r"""Node model + connectome + coupling: a whole-brain network model.

    Parameters
    ----------
    model
        A node model instance (e.g. :class:`wbxr.models.Hopf`); each parameter is a
        scalar or one value per region.
    conn
        A connectome Dataset (see :mod:`wbxr.connectome`): ``weights`` and optionally
        ``distances`` (mm), dims ``("target", "source")``.
    speed
        Conduction speed (a brainunit quantity such as ``10 * u.mm / u.ms``, or a number in
        mm/ms = m/s).  None (default) means no conduction delays.
    coupling
        ``"diffusive"`` (default), ``"additive"``, another name of
        :data:`wbxr.coupling.COUPLINGS` (``"sigmoidal"``, ``"tanh"``, ``"kuramoto"``,
        ``"sigmoidal_jansen_rit"``) or a :class:`wbxr.coupling.Coupling` instance with its
        parameters; see :mod:`wbxr.coupling`.
    coupled_var
        The state variable that is read from other regions and receives the input;
        defaults to the model's ``default_coupled_var``.
    k
        Global coupling strength (dimensionless).
    reads
        The state variables the coupling reads from the sources (default: the coupled
        variable); e.g. ``("y1", "y2")`` for Jansen-Rit's ``"sigmoidal_jansen_rit"``.

    Examples
    --------
    >>> import brainunit as u
    >>> import wbxr
    >>> conn = wbxr.load_dataset("example_connectome")
    >>> net = wbxr.Network(wbxr.models.Hopf(a=0.2, w=0.3), conn,
    ...                    speed=10 * u.mm / u.ms, coupled_var="x", k=0.5)
    >>> net.n_regions, net.coupling, net.speed
    (8, 'diffusive', 10.0)
    >>> int(net.delay_steps(dt=0.1).max())          # 80 mm at 10 mm/ms, 0.1 ms steps
    80
    """

    def __init__(
        self,
        model: NodeModel,
        conn: xr.Dataset,
        *,
        speed: Any = None,
        coupling: str | Coupling = "diffusive",
        coupled_var: str | None = None,
        k: Any,
        reads: tuple[str, ...] | None = None,
    ) -> None:
        if not isinstance(model, NodeModel):
            raise TypeError(
                f"model must be a wbxr node model such as wbxr.models.Hopf(...), got {model!r}"
            )
        conn = validate_connectome(conn, "conn")
        n_regions = conn.sizes["target"]
        if speed is not None:
            speed = to_scalar(speed, SPEED_UNIT, "speed", SPEED_UNIT_NAME)
            if speed <= 0:
                raise ValueError(f"speed must be > 0 (mm/ms), got {speed}")
        coupling = as_coupling(coupling)
        if coupled_var is None:
            coupled_var = model.default_coupled_var
        if coupled_var not in model.state_variables:
            raise ValueError(
                f"coupled_var={coupled_var!r} is not a state variable of "
                f"{type(model).__name__}; expected one of {list(model.state_variables)}"
            )
        reads = (coupled_var,) if reads is None else tuple(reads)
        for var in reads:
            if var not in model.state_variables:
                raise ValueError(
                    f"reads contains {var!r}, which is not a state variable of "
                    f"{type(model).__name__}; expected some of {list(model.state_variables)}"
                )
        if coupling.n_reads is not None and len(reads) != coupling.n_reads:
            raise ValueError(
                f"{type(coupling).__name__} coupling reads {coupling.n_reads} variable(s), "
                f"got reads={reads}"
            )
        k = to_scalar(k, UNITLESS_UNIT, "k", "1")
        _check_region_sizes(model, n_regions)
        self._model = model
        self._connectome = conn
        self._speed = speed
        self._coupling = coupling
        self._coupled_var = coupled_var
        self._k = k
        self._reads = reads
        self._memory: dict[Hashable, Any] = {}
        self._memory_lock = threading.Lock()

    # -- the specification ------------------------------------------------------------
    @property
    def model(self) -> NodeModel:
        """The node model (one per region)."""
        return self._model

    @property
    def connectome(self) -> xr.Dataset:
        """The connectome Dataset."""
        return self._connectome

    @property
    def speed(self) -> float | None:
        """Conduction speed in mm/ms, or None without delays."""
        return self._speed

    @property
    def coupling(self) -> str:
        """The coupling's name (e.g. ``"diffusive"``); see :attr:`coupling_function`."""
        return coupling_name(self._coupling)

    @property
    def coupling_function(self) -> Coupling:
        """The coupling function with its parameters."""
        return self._coupling

    @property
    def reads(self) -> tuple[str, ...]:
        """The state variables the coupling reads from the sources."""
        return self._reads

    @property
    def coupled_var(self) -> str:
        """The coupled state variable."""
        return self._coupled_var

    @property
    def k(self) -> float:
        """Global coupling strength."""
        return self._k

    @property
    def n_regions(self) -> int:
        """Number of regions."""
        return int(self._connectome.sizes["target"])

    @property
    def labels(self) -> list[str]:
        """Region labels."""
        return [str(label) for label in self._connectome["target"].values]

    @property
    def weights(self) -> np.ndarray:
        """The weight matrix ``W[target, source]``."""
        return np.asarray(self._connectome["weights"].values, dtype=float)

    @property
    def distances(self) -> np.ndarray | None:
        """Tract lengths in mm, or None."""
        if "distances" not in self._connectome:
            return None
        return np.asarray(self._connectome["distances"].values, dtype=float)

    def replace(self, **changes: Any) -> Network:
        """A copy with some of ``model``, ``conn``, ``speed``, ``coupling``, ``coupled_var``, ``k`` changed.

        Examples
        --------
        >>> import wbxr
        >>> net = wbxr.Network(wbxr.models.Hopf(), wbxr.load_dataset("example_connectome"), k=0.5)
        >>> net.replace(k=0.1).k
        0.1
        """
        spec = {
            "model": self._model,
            "conn": self._connectome,
            "speed": self._speed,
            "coupling": self._coupling,
            "coupled_var": self._coupled_var,
            "k": self._k,
            "reads": self._reads,
        }
        unknown = set(changes) - set(spec)
        if unknown:
            raise TypeError(f"Network.replace() got unknown fields {sorted(unknown)}; expected some of {sorted(spec)}")
        if "coupled_var" in changes and "reads" not in changes and self._reads == (self._coupled_var,):
            spec["reads"] = None  # the default reads follow the coupled variable
        spec.update(changes)
        model, conn = spec.pop("model"), spec.pop("conn")
        return Network(model, conn, **spec)

    def explore(self, **kwargs: Any) -> Any:
        """Interactive sliders and live plots of this network; see :func:`wbxr.widgets.explore`."""
        from .widgets import explore

        return explore(self, **kwargs)

    def _repr_html_(self) -> str:
        from ._html import table

        rows = [
            ("regions", self.n_regions),
            ("connectome", self._connectome.attrs.get("name", "")),
            ("connections (non-zero weights)", int(np.count_nonzero(self.weights))),
            ("coupling", f"{self.coupling} into {self._coupled_var} (reads {', '.join(self._reads)})"),
            ("k", f"{self._k:g}"),
        ]
        if self._speed is None or self.distances is None:
            rows.append(("delays", "none"))
        else:
            delays = self.distances[self.weights != 0] / self._speed
            rows.append(("speed", f"{self._speed:g} mm/ms"))
            if delays.size:
                rows.append(
                    ("delays (ms)", f"{delays.min():.3g} / {np.median(delays):.3g} / {delays.max():.3g} (min / median / max)")
                )
        return table("Network", ["", ""], rows) + self._model._repr_html_()

    def __repr__(self) -> str:
        speed = "no delays" if self._speed is None else f"speed={self._speed:g} mm/ms"
        return (
            f"Network({self._model!r}, {self.n_regions} regions, {speed}, "
            f"coupling={self.coupling!r}, coupled_var={self._coupled_var!r}, k={self._k:g})"
        )

    # -- discretisation -----------------------------------------------------------------
    def delay_steps(self, dt: float) -> np.ndarray:
        """Delays in integration steps at step ``dt`` (ms), shape ``(N, N)``."""
        distances = self.distances
        if distances is None:
            return np.zeros((self.n_regions, self.n_regions), dtype=np.int64)
        return delay_steps(distances, self._speed, dt)

    def _memoized(self, key: Hashable, build: Callable[[], _T]) -> _T:
        """``build()``, computed once per ``key`` and reused: a network never changes.

        For what runs derive from the network alone (its edges at a ``dt``, its
        discretised parameters, the frame of its results).  The :data:`MEMORY_SIZE` most
        recently used keys are kept; dask may call this from several threads at once.
        """
        with self._memory_lock:
            if key in self._memory:
                value = self._memory.pop(key)
                self._memory[key] = value  # now the most recent
                return value
        value = build()  # outside the lock: may take long and may ask for other keys
        with self._memory_lock:
            self._memory[key] = value
            while len(self._memory) > MEMORY_SIZE:
                del self._memory[next(iter(self._memory))]
        return value

    def __getstate__(self) -> dict[str, Any]:
        # sent to dask workers without what it remembers (and a lock cannot be pickled)
        return {name: value for name, value in self.__dict__.items() if name not in ("_memory", "_memory_lock")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._memory = {}
        self._memory_lock = threading.Lock()

    def _coupling_parts(self, dt: float) -> tuple[DelayedEdges | None, InstantaneousWeights]:
        """Delayed edges and instantaneous terms at step ``dt``."""

        def build():
            steps = self.delay_steps(dt)
            weights = effective_weights(self.weights, self._coupling)
            return delayed_edges(weights, steps), instantaneous_weights(weights, steps, self._coupling)

        return self._memoized(("coupling parts", dt), build)

    def _split_edges(self, dt: float, shortest_gathered: int) -> tuple[DelayedEdges | None, ShortEdges | None]:
        """The delayed edges gathered per block and those summed step by step."""
        return self._memoized(
            ("split edges", dt, shortest_gathered),
            lambda: split_edges(effective_weights(self.weights, self._coupling), self.delay_steps(dt), shortest_gathered),
        )

    def min_delay(self, dt: float) -> int | None:
        """Smallest delay (steps) of any edge read from the history, or None if none is.

        It bounds how many steps can share one gather of delayed inputs.
        """
        def build():
            edges, _ = self._coupling_parts(dt)
            return None if edges is None else int(edges.delay.min())

        return self._memoized(("min delay", dt), build)

    def block_delay(self, dt: float) -> int | None:
        """The delay (steps) that bounds a block of steps sharing one gather, or None.

        The shortest delay; but where that would make blocks shorter than
        :data:`SHORT_BLOCK` steps, the shortest delay of all but the shortest few edges (at
        most half as many as regions), which :meth:`discretize` then sums step by step.
        With the SPEC connectome of 1000 regions, 14 of 319,596 edges are shorter than 3
        steps: blocks of 2 steps ran at 4.4 s per simulated second on one core, blocks of
        10 at 2.0 s.
        """
        shortest = self.min_delay(dt)
        if shortest is None or shortest >= SHORT_BLOCK:
            return shortest

        def build():
            edges, _ = self._coupling_parts(dt)
            delays = edges.delay[edges.weight != 0]  # the real edges, not the padding
            rank = min(self.n_regions // 2, delays.size - 1)  # at most N/2 edges shorter
            return int(np.partition(delays, rank)[rank])

        return self._memoized(("block delay", dt), build)

    def discretize(
        self,
        dt: float,
        method: str,
        block: int,
        dtype: Any = jnp.float32,
        max_delay: int | None = None,
    ) -> tuple[StepPlan, StepParams]:
        """The static plan and traced parameters (one member) for steps of ``dt`` ms.

        ``block`` steps share one gather of delayed inputs; edges too short for it (delay
        below ``block``, ``block - 1`` for Euler) are summed step by step instead (see
        :meth:`block_delay`).  ``max_delay`` (steps) sizes the history for a
        longer delay than this network's own, so that networks with other speeds share
        one compiled program.  Combine the parameters of several members (other ``k`` or
        model parameters, same connectome and delays) with :func:`stack_members`.
        """
        for var, process in self._model.noise.items():
            process.check_step(float(dt), f"the noise on {var!r}")
        edges, instantaneous = self._coupling_parts(dt)
        window = block + 1 if integrators.READS_STEP_END[method] else block
        layout = None
        short = None
        if edges is not None:
            longest = max(int(edges.delay.max()), max_delay or 0)
            layout = HistoryLayout.for_delays(self.n_regions, longest, block=block, window=window)
            if int(edges.delay.min()) < window - 1:  # shorter than a block's gather reads
                edges, short = self._split_edges(dt, window - 1)
                short = short._replace(weight=np.asarray(short.weight, dtype))
            if edges is not None:
                edges = DelayedEdges(
                    np.asarray(edges.source), np.asarray(edges.delay), np.asarray(edges.weight, dtype)
                )
        plan = StepPlan(
            n_regions=self.n_regions,
            coupled_index=self._model.state_variables.index(self._coupled_var),
            read_indices=tuple(self._model.state_variables.index(v) for v in self._reads),
            method=method,
            dt=float(dt),
            block=block,
            layout=layout,
        )
        model = region_parameters(self._model, self.n_regions, dtype)
        instantaneous = InstantaneousWeights(
            None if instantaneous.zero_delay is None else np.asarray(instantaneous.zero_delay, dtype),
            np.asarray(instantaneous.self_weight, dtype),
            np.asarray(instantaneous.row_sum, dtype),
            None if instantaneous.zero_delay_sources is None else np.asarray(instantaneous.zero_delay_sources),
        )
        coupling = jax.tree_util.tree_map(lambda v: np.asarray(v, dtype), self._coupling)
        params = StepParams(model, np.asarray(self._k, dtype), edges, instantaneous, coupling, short)
        return plan, params


def _check_region_sizes(model: NodeModel, n_regions: int) -> None:
    leaves = jax.tree_util.tree_leaves_with_path(model)
    for path, value in leaves:
        shape = np.shape(value)
        if shape not in ((), (n_regions,)):
            where = type(model).__name__ + jax.tree_util.keystr(path)
            raise ValueError(
                f"{where} has shape {shape}; a parameter must be a scalar or have one value "
                f"per region, shape ({n_regions},)"
            )


@dataclasses.dataclass(frozen=True)
class StepPlan:
    """What fixes the compiled program: sizes, method, step, block length, buffer layout."""

    n_regions: int
    coupled_index: int
    read_indices: tuple[int, ...]
    method: str
    dt: float
    block: int
    layout: HistoryLayout | None


class StepParams(NamedTuple):
    """The traced inputs of a step: change them freely without recompiling.

    For one member (from :meth:`Network.discretize`) the model's parameters have shape
    ``(N,)`` and ``k`` is a scalar; after :func:`stack_members` they gain a trailing member
    axis, ``(N, M)`` and ``(M,)``, which is what :func:`advance_block` takes.
    """

    model: NodeModel  #: the node model with JAX parameter arrays
    k: jax.Array  #: global coupling strength
    edges: DelayedEdges | None  #: delayed edges (ELL), shared by all members
    instantaneous: InstantaneousWeights  #: zero-delay and local coupling terms, shared
    coupling: Coupling  #: the coupling function with its (shared) parameters
    short: ShortEdges | None = None  #: edges shorter than a block, summed step by step


def region_parameters(model: NodeModel, n_regions: int, dtype: Any) -> NodeModel:
    """The model with every parameter an ``(n_regions,)`` numpy array of ``dtype``.

    What :meth:`Network.discretize` hands to the compiled call, and what ensembles build
    per member: numpy, so that no device operation runs per member or per call.

    Examples
    --------
    >>> import numpy as np
    >>> import wbxr
    >>> region_parameters(wbxr.models.Hopf(a=0.1), 3, np.float32).a
    array([0.1, 0.1, 0.1], dtype=float32)
    """
    return jax.tree_util.tree_map(lambda value: np.broadcast_to(np.asarray(value, dtype), (n_regions,)), model)


def stack_members(members: Sequence[StepParams]) -> StepParams:
    """Stack the parameters of members that share the connectome and delays (in numpy).

    The model parameters and ``k`` get a trailing member axis; edges and instantaneous
    weights are taken from the first member (all members must share them).

    Examples
    --------
    >>> import wbxr
    >>> net = wbxr.Network(wbxr.models.Hopf(), wbxr.load_dataset("example_connectome"), k=0.5)
    >>> one = net.discretize(0.1, "euler", block=1)[1]
    >>> two = net.replace(k=0.2).discretize(0.1, "euler", block=1)[1]
    >>> stacked = stack_members([one, two])
    >>> stacked.model.a.shape, stacked.k.tolist()
    ((8, 2), [0.5, 0.20000000298023224])
    """
    first = members[0]
    stack = lambda *leaves: np.stack(leaves, axis=-1)  # noqa: E731
    model = jax.tree_util.tree_map(stack, *[m.model for m in members])
    k = np.stack([m.k for m in members])
    return StepParams(model, k, first.edges, first.instantaneous, first.coupling, first.short)


class NetworkState(NamedTuple):
    """Everything a simulation carries from one block to the next (members innermost)."""

    state: jax.Array  #: (n_variables, N, n_members) node states
    input_noise: dict[str, jax.Array]  #: state of each input-noise process, (..., N, n_members)
    history: jax.Array | None  #: ring buffer of the pre-synaptic signals, see wbxr.delays
    step: jax.Array  #: number of steps taken (int32)


def history_values(coupling: Coupling, source: jax.Array) -> jax.Array:
    """What the history stores for the read variables ``(R, N, M)``: ``(N, channels * M)``."""
    pre = coupling.pre(source)
    return jnp.moveaxis(pre, 0, 1).reshape(pre.shape[1], -1)


def _between(start: jax.Array, end: jax.Array | None, theta: float) -> jax.Array:
    if theta == 0.0:
        return start
    if theta == 1.0:
        return end
    return start + theta * (end - start)


def _noise_rows(processes: Sequence[tuple[str, Any]]) -> list[int | slice]:
    """Which rows of a step's normals each process takes (one row, or a slice of several)."""
    rows: list[int | slice] = []
    start = 0
    for _, process in processes:
        count = process.normals_per_step
        rows.append(start if count == 1 else slice(start, start + count))
        start += count
    return rows


def noise_rows(model: NodeModel) -> int:
    """The rows of standard normals a step of ``model`` draws per region (all its processes)."""
    return sum(process.normals_per_step for process in model.noise.values())


def _block_state_increments(model: NodeModel, normals: jax.Array, dt: float) -> jax.Array | None:
    """The Wiener increments ``(block, n_variables, N, M)`` of the state noises, or None."""
    variables = type(model).state_variables
    processes = list(model.noise.items())
    increments = {
        variables.index(var): jax.vmap(lambda z, process=process: process.state_increment(z, dt))(normals[:, row])
        for (var, process), row in zip(processes, _noise_rows(processes))
        if process.kind != "input"
    }
    if not increments:
        return None
    zeros = jnp.zeros((normals.shape[0], *normals.shape[2:]), normals.dtype)
    return jnp.stack([increments.get(index, zeros) for index in range(len(variables))], axis=1)


def _state_dependent(increments: jax.Array, amplitudes: dict[int, Any]) -> Any:
    """The noise term :math:`g(z)\\,\\Delta W` as a function of the stage state ``z``."""

    def noise(z: jax.Array) -> jax.Array:
        return jnp.stack(
            [
                amplitudes[row](z[row]) * increments[row] if row in amplitudes else increments[row]
                for row in range(increments.shape[0])
            ]
        )

    return noise


def _clip(state: jax.Array, limits: tuple[tuple[float, float], ...]) -> jax.Array:
    """Each variable clipped into its ``(low, high)`` limits (TVB's state bounds)."""
    rows = []
    for row, (low, high) in zip(state, limits):
        if low > -np.inf:
            row = jnp.maximum(row, low)
        if high < np.inf:
            row = jnp.minimum(row, high)
        rows.append(row)
    return jnp.stack(rows)


#: On the CPU, a block's steps are a rolled loop when a step's state holds at most this many
#: numbers (variables x regions x members), unrolled above.  Rolled, XLA compiles a loop
#: this small into one kernel instead of launching every step's fused operations one by
#: one; larger, each iteration's copies of the carried state cost more than unrolling.
#: Sim-s per CPU-second, rolled vs unrolled (Hopf, 2 variables): N = 8, one member 230 vs
#: 190; 8 members of N = 8 630 vs 448; N = 80: one member 37.6 vs 36.6, 8 members 52 vs
#: 46; 12 members 41 vs 47, 16 members 56 vs 66, 32 members 46 vs 50; N = 400, 4 members
#: 2.08 vs 2.18.
ROLLED_STEP_MAX_SIZE = 1536


def rolled_steps(state_size: int) -> bool:
    """Whether a block's steps run as a rolled loop, given a step's state size (all members).

    Else they are unrolled, as always on accelerators, where every iteration of a loop
    costs a round trip to the host.
    """
    return jax.default_backend() == "cpu" and state_size <= ROLLED_STEP_MAX_SIZE


def advance_block(
    plan: StepPlan,
    params: StepParams,
    carry: NetworkState,
    normals: jax.Array | None,
    samples: jax.Array,
    samples_start: jax.Array,
    steps_per_sample: int,
) -> tuple[NetworkState, jax.Array]:
    """Advance every member of the network by ``plan.block`` steps and record its samples.

    Parameters
    ----------
    plan
        From :meth:`Network.discretize`.
    params
        Member-stacked parameters, see :func:`stack_members`.
    carry
        The network state at step ``carry.step`` (a multiple of ``plan.block``).
    normals
        Standard normal draws ``(block, noise_rows(model), N, n_members)`` for the noise
        processes (in the order of ``params.model.noise``; a process takes
        ``normals_per_step`` rows), or None without noise.
    samples
        A ring of ``R`` sampled node states ``(R, n_variables, N, n_members)``: the state
        after step ``samples_start + (p + 1) * steps_per_sample`` goes to row ``p % R``.
    samples_start
        The step before the first sampling period (int32), at most ``carry.step``;
        ``carry.step - samples_start`` is a multiple of ``plan.block`` and, where the block
        is longer than ``steps_per_sample``, of ``steps_per_sample``.
    steps_per_sample
        Steps per sampling period: a multiple or a divisor of ``plan.block``.

    Returns
    -------
    The state after the block and ``samples`` with the samples of the block written.
    """
    inputs = (params, carry, normals, samples, samples_start)
    rolled = rolled_steps(carry.state.size)
    writes_in_loop = rolled and steps_fit_one_kernel(plan, inputs, steps_per_sample)
    return _advance_block(plan, inputs, steps_per_sample, rolled, writes_in_loop)


#: The most bytes of a step's state for which :func:`steps_fit_one_kernel` asks XLA.  XLA's
#: CPU compiler makes a loop one kernel only while an iteration touches at most 1 kB
#: (``xla_cpu_small_while_loop_byte_threshold``); a step of Hopf at N = 8 (64 bytes of
#: state) touches 0.9 kB.  Seen as one kernel: Hopf at N = 8, Kuramoto at N = 8, Jansen-Rit
#: at N = 2, 4 members of Hopf at N = 2; not: Wilson-Cowan at N = 8, Hopf at N = 12 or 2
#: members at N = 4.  Asking takes 0.3 s (N = 8), once per process and input shapes.
ONE_KERNEL_MAX_STATE_BYTES = 64


def steps_fit_one_kernel(plan: StepPlan, inputs: tuple, steps_per_sample: int) -> bool:
    """Whether XLA compiles a rolled block whose steps write the history and samples
    themselves into one kernel (CPU); ``inputs`` are ``(params, carry, normals, samples,
    samples_start)`` of :func:`advance_block`.

    Asked of XLA by compiling the block alone for these shapes and reading whether its loop
    became one kernel; called while a run is traced, and compiled once per process for the
    plan, structure and shapes of the inputs.  A block written step by step runs as one
    kernel for the smallest networks (T3 at N = 8) and saves XLA's runtime 4 operations per
    block; where XLA launches the steps' operations one by one instead, writing step by
    step adds operations to every step (Hopf at N = 16: 2x slower).
    """
    state = inputs[1].state
    if state.size * state.dtype.itemsize > ONE_KERNEL_MAX_STATE_BYTES:
        return False
    leaves, treedef = jax.tree_util.tree_flatten(inputs)
    shapes = tuple((np.shape(leaf), jnp.result_type(leaf)) for leaf in leaves)
    return _block_is_one_kernel(plan, treedef, shapes, steps_per_sample)


@functools.lru_cache(maxsize=256)
def _block_is_one_kernel(plan: StepPlan, treedef: Any, shapes: tuple, steps_per_sample: int) -> bool:
    """:func:`steps_fit_one_kernel` for the inputs' structure and shapes, compiled once per
    process (0.3 s at N = 8: runs of other durations, parameters or seeds share it)."""
    abstract = treedef.unflatten([jax.ShapeDtypeStruct(shape, dtype) for shape, dtype in shapes])

    def block_written_step_by_step(inputs):
        return _advance_block(plan, inputs, steps_per_sample, rolled=True, writes_in_loop=True)

    compiled = jax.jit(block_written_step_by_step).lower(abstract).compile()
    return 'xla_cpu_small_call="true"' in compiled.as_text()


def _advance_block(
    plan: StepPlan, inputs: tuple, steps_per_sample: int, rolled: bool, writes_in_loop: bool
) -> tuple[NetworkState, jax.Array]:
    """:func:`advance_block` of ``inputs``, its steps ``rolled`` or not, writing the history
    and the samples step by step (``writes_in_loop``, rolled only) or after the block."""
    params, carry, normals, samples, samples_start = inputs
    n_rows = jnp.int32(samples.shape[0])
    model = params.model
    model_type = type(model)
    # The model's vector field sees one member: state (n_variables, N), parameters (N,).
    # Its variables leave the vmap one by one and are stacked outside it: stacked inside,
    # vmap moves the member axis first and XLA transposes every operand of the model's
    # arithmetic (8 members: 39.7 -> 47.1 sim-s per CPU-second without; T1 28.6 -> 32.8).
    by_variable = jax.vmap(
        lambda z, inputs, p: tuple(model_type.dfun(z, inputs, p)), in_axes=(-1, -1, -1), out_axes=-1
    )

    def dfun(z, inputs, p):
        return jnp.stack(by_variable(z, inputs, p))

    coupled = plan.coupled_index
    variables = model_type.state_variables
    processes = list(model.noise.items())
    coupling = params.coupling
    n_members = carry.state.shape[-1]

    def read(z):
        return jnp.stack([z[index] for index in plan.read_indices])

    # The delayed sums of the block, (window, N, channels * M), stay as gathered and each
    # step takes its own slice: rearranged for the whole block first, the gather was fused
    # with the rearrangement and ran element by element (T3, one core: N = 8 1.96 -> 1.49 ms
    # per simulated second, N = 80 25.4 -> 17.0 ms).  A rolled loop reads them region-major,
    # the order the gather writes them (N = 8 1.49 -> 1.43, N = 80 17.3 -> 16.8 ms); unrolled
    # steps (accelerators, large states) read one contiguous row each.
    sums = None
    time_axis = 1 if rolled else 0
    if params.edges is not None:
        sums = delayed_sums(carry.history, params.edges, carry.step, plan.layout)
        if rolled:
            sums = jnp.moveaxis(sums, 0, 1)

    def delayed_inputs(s):
        """The delayed sums of block step ``s``, ``(channels, N, M)``."""
        values = jax.lax.dynamic_index_in_dim(sums, s, axis=time_axis, keepdims=False)
        return jnp.moveaxis(values.reshape(plan.n_regions, -1, n_members), 1, 0)

    short = params.short
    reads_end = integrators.READS_STEP_END[plan.method]
    recent = None
    if short is not None:
        # The values of the block's steps so far, after those of the `block` steps before it
        # (from the history): row block - 1 + s is that of step `carry.step + s`.
        before = jax.lax.dynamic_slice_in_dim(carry.history, (carry.step - plan.block) % plan.layout.length,
                                              plan.block, axis=1)
        before = jnp.moveaxis(before, 1, 0)  # (block, N, channels * M)
        recent = jnp.concatenate([before, jnp.zeros_like(before)])

    def short_inputs(recent, s, newest_offset):
        summed = short_sums(recent, short, plan.block - 1 + s + newest_offset, plan.n_regions)
        return jnp.moveaxis(summed.reshape(plan.n_regions, -1, n_members), 1, 0)  # (channels, N, M)

    rows = _noise_rows(processes)
    limits = model.state_limits()
    # The Wiener increments of the whole block at once, outside the chain of steps (built
    # step by step inside it, T3 at N = 8 ran at 108 instead of 150 sim-s/s).
    block_increments = None if normals is None else _block_state_increments(model, normals, plan.dt)
    amplitudes = {
        variables.index(var): process.amplitude
        for var, process in processes
        if process.kind != "input" and process.multiplicative
    }

    def step(step_carry, step_inputs):
        state, input_noise, recent, s, history, samples = step_carry
        draws, increments = step_inputs
        delayed_start = delayed_end = None
        if sums is not None:
            delayed_start = delayed_inputs(s)
            delayed_end = delayed_inputs(s + 1) if reads_end else None
        if short is not None:
            start_inputs = short_inputs(recent, s, 0)
            delayed_start = start_inputs if delayed_start is None else delayed_start + start_inputs
            if reads_end:
                end_inputs = short_inputs(recent, s, 1)
                delayed_end = end_inputs if delayed_end is None else delayed_end + end_inputs
        next_input_noise = {}
        for (var, process), row in zip(processes, rows):
            if process.kind == "input":
                next_input_noise[var] = process.advance(input_noise[var], draws[row], plan.dt)
        state_noise = _state_dependent(increments, amplitudes) if amplitudes else increments

        def field(z, theta):
            delayed = None if delayed_start is None else _between(delayed_start, delayed_end, theta)
            inputs = [jnp.zeros_like(z[0]) for _ in variables]
            source = read(z)
            summed = weighted_sums(delayed, coupling.pre(source), params.instantaneous)
            inputs[coupled] = coupling.post(summed, source, params.k, params.instantaneous.row_sum)
            for var, value in input_noise.items():
                index = variables.index(var)
                process = model.noise[var]
                value_start = process.input_value(value, plan.dt)
                value_end = None if theta == 0.0 else process.input_value(next_input_noise[var], plan.dt)
                inputs[index] = inputs[index] + _between(value_start, value_end, theta)
            return dfun(z, jnp.stack(inputs), model)

        state = integrators.STEPPERS[plan.method](field, state, plan.dt, state_noise)
        if limits:
            state = _clip(state, limits)
        values = None
        if recent is not None or (writes_in_loop and history is not None):
            values = history_values(coupling, read(state))
        if recent is not None:
            recent = recent.at[plan.block + s].set(values)
        if not writes_in_loop:
            return (state, next_input_noise, recent, s + 1, history, samples), state
        # Written step by step, the block stays one kernel (see steps_fit_one_kernel) and a
        # group of steps launches 8 fused operations, which XLA's CPU runtime runs one
        # after the other (stacked and written after the loop, 12, which it runs from a
        # dependency graph on two threads).  Every step overwrites the row of its sampling
        # period, whose last step leaves its sample there.
        if history is not None:
            history = record_block(history, values[:, None], carry.step + s, plan.layout)
        period = jax.lax.div(carry.step + s - samples_start, jnp.int32(steps_per_sample))  # both >= 0
        samples = jax.lax.dynamic_update_index_in_dim(samples, state, jax.lax.rem(period, n_rows), 0)
        return (state, next_input_noise, recent, s + 1, history, samples), None

    # Step s reads the delayed sums of steps s and, for schemes that evaluate the field at
    # the step's end, s + 1 (the window is then one longer than the block).
    (state, input_noise, _, _, history, samples), stacked = jax.lax.scan(
        step,
        (carry.state, dict(carry.input_noise), recent, jnp.int32(0), carry.history, samples),
        (normals, block_increments),
        length=plan.block,
        unroll=1 if rolled else True,
    )  # stacked: (block, n_variables, N, M) unless written in the loop
    if not writes_in_loop:
        if history is not None:  # one pass over the block, not one per step
            source = jnp.stack([stacked[:, index] for index in plan.read_indices], axis=1)
            pre = jax.vmap(coupling.pre)(source)  # (block, channels, N, M)
            block_values = jnp.moveaxis(pre, 2, 0).reshape(pre.shape[2], plan.block, -1)
            history = record_block(history, block_values, carry.step, plan.layout)
        if plan.block % steps_per_sample == 0:  # the block holds whole sampling periods
            block_samples = stacked[steps_per_sample - 1 :: steps_per_sample]
        else:  # the block ends in (or ends) a sampling period
            block_samples = stacked[-1:]
        last_period = (carry.step + plan.block - 1 - samples_start) // steps_per_sample
        first_row = jax.lax.rem(last_period - (len(block_samples) - 1), n_rows)  # a ring of whole blocks
        samples = jax.lax.dynamic_update_slice_in_dim(samples, block_samples, first_row, 0)
    new_carry = NetworkState(state, input_noise, history, carry.step + plan.block)
    return new_carry, samples
