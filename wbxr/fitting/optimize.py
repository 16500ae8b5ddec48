r"""Fit a network's parameters to data: :func:`fit` and its :class:`FitResult`.

Three search methods share one compiled objective (:mod:`wbxr.fitting.problem`):

* ``"grad"``: gradient descent with an optax optimiser (Adam by default; Kingma & Ba 2015)
  on the unconstrained parameters, the gradient of the whole delayed, noisy simulation
  by reverse-mode automatic differentiation;
* ``"cma-es"``: the covariance matrix adaptation evolution strategy (Hansen & Ostermeier
  2001; Hansen 2016) of the ``cma`` package (pycma), each generation's population
  evaluated as one vmapped, compiled batch;
* ``"grid"``: every combination of given values, evaluated in vmapped batches (dask tasks
  when there are several, so that a ``dask.distributed`` client spreads them out).

References
----------
Kingma, D. P. & Ba, J. (2015). Adam: a method for stochastic optimization. *ICLR*.
Hansen, N. & Ostermeier, A. (2001). Completely derandomized self-adaptation in evolution
strategies. *Evolutionary Computation* 9, 159-195.
Hansen, N. (2016). The CMA evolution strategy: a tutorial. arXiv:1604.00772.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from ..analysis import fc as fc_of
from ..analysis import fc_similarity
from ..analysis import fcd as fcd_of
from ..analysis import fcd_values as fcd_values_of
from ..analysis.spectra import _default_nperseg
from ..coupling import effective_weights
from ..network import Network
from ..simulate import check_seed, plan_schedule, prepare_run, time_coordinate
from .losses import LOSSES, welch_psd
from .parameters import Selection, edges, free_value, full_value, select, with_values
from .parameters import units as units_of
from .problem import Problem, ProblemData, Slot, batch_losses, evaluate, value_and_grad
from .targets import Target, align_target
from .transforms import Transform, check_bounds

__all__ = ["fit", "FitResult", "FitSetup", "setup_fit"]

METHODS = ("grad", "cma-es", "grid")
#: Learning rate of the default optimiser, ``optax.adam`` (unconstrained units per step).
DEFAULT_LEARNING_RATE = 0.02
#: Candidates per compiled call of a grid search.
GRID_BATCH = 32


@dataclasses.dataclass(frozen=True)
class FitResult:
    """What :func:`fit` found.

    Attributes
    ----------
    parameters
        The best values, one variable per fitted parameter with its ``units`` (``k``: a
        scalar; a model or noise parameter: a scalar or dim ``region``; ``weights``: dims
        ``("target", "source")``), named as in ``params`` (e.g. ``noise.x.sigma``); a
        parameter fitted only in some regions (connections) holds all of them, with attr
        ``fitted_regions`` (``fitted_connections``); attrs ``loss`` and ``method``.
    loss
        The loss at the best values.
    history
        Dataset over ``iteration``: ``loss`` (for CMA-ES the generation's best, with
        ``loss_mean`` and ``sigma``) and the values of every fitted parameter except the
        weights.
    network
        The fitted :class:`wbxr.Network` (``net.replace(...)`` with the best values).
    prediction
        The fitted network's version of what the loss compared: ``fc`` (the seed-mean FC,
        with ``fc_similarity`` to the target) for FC losses, else the time series of the
        fitted variable over ``("seed", "time", "region")``.
    target
        The target as used, aligned to the connectome's regions.
    """

    parameters: xr.Dataset
    loss: float
    history: xr.Dataset
    network: Network
    prediction: xr.Dataset
    target: xr.DataArray

    def __repr__(self) -> str:
        values = []
        for name, variable in self.parameters.data_vars.items():
            if variable.ndim == 0:
                values.append(f"{name}={float(variable):.4g} {variable.attrs.get('units', '')}".rstrip())
            else:
                values.append(f"{name}=<{variable.size} values>")
        return (
            f"FitResult({', '.join(values)}; loss={self.loss:.4g}, method={self.parameters.attrs['method']!r}, "
            f"{self.history.sizes['iteration']} iterations)"
        )


# -- argument checks (all before anything is compiled) ------------------------------------
def _slots(
    net: Network, selections: tuple[Selection, ...], bounds: Mapping[str, Any] | None, method: str
) -> tuple[Slot, ...]:
    names = [selection.name for selection in selections]
    if bounds is None:
        bounds = {}
    if not isinstance(bounds, Mapping):
        raise TypeError(f"bounds must be a dict {{name: (low, high)}}, got {bounds!r}")
    for name in bounds:
        if name not in names:
            raise ValueError(f"bounds has key {name!r}, which is not in params={names}")
    slots, offset = [], 0
    for selection in selections:
        name = selection.name
        transform = check_bounds(name, bounds[name]) if name in bounds else Transform()
        initial = free_value(net, selection)
        if selection.kind == "weights":
            if method == "grid":
                raise ValueError("method='grid' cannot fit 'weights' (one value per connection); use 'grad' or 'cma-es'")
            if edges(net)[0].size == 0:
                raise ValueError("params contains 'weights' but the connectome has no connections")
            if np.any(initial < 0):
                raise ValueError("params contains 'weights', which are kept non-negative, but the connectome has negative weights")
        if selection.positive:
            if name not in bounds:
                transform = Transform(lower=0.0)
            elif transform.lower is None or transform.lower < 0:
                what = "weights are" if selection.kind == "weights" else f"{selection.field} is"
                raise ValueError(f"bounds[{name!r}] = {bounds[name]!r}: {what} non-negative, the lower bound must be >= 0")
        if method != "grid" and not transform.contains(initial):
            raise ValueError(
                f"the starting value of {name!r} ({_short(initial)}) must lie strictly inside "
                f"bounds[{name!r}] = ({transform.lower}, {transform.upper})"
            )
        slot = Slot(name, selection.kind, initial.shape, offset, transform, partial=selection.entries is not None)
        slots.append(slot)
        offset += slot.size
    return tuple(slots)


def _short(values: np.ndarray) -> str:
    return f"{float(values):g}" if values.ndim == 0 else f"values from {values.min():g} to {values.max():g}"


def _initial_vector(net: Network, selections: tuple[Selection, ...], slots: tuple[Slot, ...]) -> np.ndarray:
    parts = [np.ravel(slot.transform.inverse(free_value(net, selection))) for selection, slot in zip(selections, slots)]
    return np.concatenate(parts)


def _grid_vectors(slots: tuple[Slot, ...], grid: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The unconstrained vectors of every grid point, and the values of each parameter."""
    if not isinstance(grid, Mapping):
        raise TypeError(f"method='grid' needs grid={{name: values}} for every fitted parameter, got {grid!r}")
    names = [slot.name for slot in slots]
    if sorted(grid) != sorted(names):
        raise ValueError(f"grid must give values for exactly the fitted parameters {names}, got keys {list(grid)}")
    axes = {}
    for slot in slots:
        values = np.atleast_1d(np.asarray(grid[slot.name], dtype=float))
        if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)):
            raise ValueError(f"grid[{slot.name!r}] must be a non-empty 1-D list of finite numbers, got {grid[slot.name]!r}")
        if not slot.transform.contains(values):
            raise ValueError(
                f"grid[{slot.name!r}] must lie strictly inside bounds[{slot.name!r}] = "
                f"({slot.transform.lower}, {slot.transform.upper}), got {values.tolist()}"
            )
        axes[slot.name] = values
    points = []
    for combination in itertools.product(*(axes[slot.name] for slot in slots)):
        points.append(
            np.concatenate(
                [np.ravel(slot.transform.inverse(np.full(slot.shape, value))) for slot, value in zip(slots, combination)]
            )
        )
    return np.asarray(points), axes


def _seeds(seeds: Any) -> list[int]:
    if isinstance(seeds, (int, np.integer)):
        raise TypeError(f"seeds must be a list of integers such as range({seeds}), got {seeds!r}")
    if not isinstance(seeds, Iterable):
        raise TypeError(f"seeds must be a list of integers, got {seeds!r}")
    seeds = [check_seed(seed, "seeds") for seed in seeds]
    if not seeds:
        raise ValueError("seeds must not be empty")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {seeds}")
    return seeds


def _check_loss(loss: Any, method: str) -> None:
    if callable(loss):
        return
    if loss not in LOSSES:
        raise ValueError(f"loss={loss!r} is not one of {list(LOSSES)} or a callable loss(series, target)")
    if method == "grad" and not LOSSES[loss]["differentiable"]:
        raise ValueError(
            f"loss={loss!r} is piecewise constant in the parameters (its gradient is zero almost "
            "everywhere): use method='cma-es' or 'grid'"
        )


def _loss_options(loss: Any, options: Mapping[str, Any] | None) -> dict[str, Any]:
    allowed = {"fcd_ks": {"window", "step"}, "psd": {"nperseg"}}.get(loss if isinstance(loss, str) else "", set())
    options = dict(options or {})
    unknown = set(options) - allowed
    if unknown:
        raise ValueError(
            f"loss_options has keys {sorted(unknown)}, which loss={loss!r} does not take; "
            f"it takes {sorted(allowed) or 'none'}"
        )
    if loss == "fcd_ks" and not {"window", "step"} <= set(options):
        raise ValueError("loss='fcd_ks' needs loss_options={'window': ..., 'step': ...} (ms or time quantities)")
    return options


def _target_array(target: Target, loss: Any, spec: Any, options: dict[str, Any], n_recorded: int) -> tuple[np.ndarray, dict[str, Any]]:
    """What the objective compares with, and the static settings of the loss."""
    extra: dict[str, Any] = {}
    if callable(loss):
        return target.values, extra
    needs_series = {"psd", "timeseries"}
    if loss in needs_series and target.kind != "timeseries":
        raise ValueError(f"loss={loss!r} needs a time series target (dims ('time', 'region')), got a {target.kind} target")
    if loss in ("fc_corr", "fc_mse"):
        if target.kind == "fcd":
            raise ValueError(f"loss={loss!r} needs an FC matrix or time series target, got an FCD matrix")
        if target.kind == "timeseries":
            return np.asarray(fc_of(target.data).values), extra
        return target.values, extra
    if loss == "timeseries":
        expected = time_coordinate(spec).values
        given = np.asarray(target.data["time"].values, dtype=float)
        if given.shape != expected.shape or not np.allclose(given, expected, rtol=0, atol=1e-6 * spec.sample_every):
            raise ValueError(
                f"loss='timeseries' needs the target sampled at the simulation's recorded times: "
                f"{expected.size} samples from {expected[0]:g} to {expected[-1]:g} ms every "
                f"{spec.sample_every:g} ms; the target has {given.size} from {given[0]:g} to {given[-1]:g} ms"
            )
        return target.values, extra
    if loss == "psd":
        if abs(target.sample_ms - spec.sample_every) > 1e-9 * spec.sample_every:
            raise ValueError(
                f"loss='psd' needs the target sampled every sample_every={spec.sample_every:g} ms, "
                f"it is sampled every {target.sample_ms:g} ms"
            )
        nperseg = options.get("nperseg", _default_nperseg(n_recorded))
        longest = min(n_recorded, target.values.shape[0])
        if isinstance(nperseg, (bool, np.bool_)) or not isinstance(nperseg, (int, np.integer)) or not 2 <= nperseg <= longest:
            raise ValueError(f"loss_options['nperseg'] must be an integer from 2 to {longest}, got {nperseg!r}")
        extra["nperseg"] = int(nperseg)
        return np.asarray(welch_psd(jnp.asarray(target.values), int(nperseg), spec.sample_every)), extra
    # fcd_ks
    from .._units import time_ms

    window_ms, step_ms = time_ms(options["window"], "loss_options['window']"), time_ms(options["step"], "loss_options['step']")
    n_window = int(round(window_ms / spec.sample_every))
    n_step = int(round(step_ms / spec.sample_every))
    if not 2 <= n_window <= n_recorded or n_step < 1:
        raise ValueError(
            f"loss_options window={window_ms:g} ms and step={step_ms:g} ms must give windows of 2 to "
            f"{n_recorded} samples and a step of at least one sample of {spec.sample_every:g} ms"
        )
    starts = tuple(range(0, n_recorded - n_window + 1, n_step))
    if len(starts) < 2:
        raise ValueError(f"loss_options window and step give {len(starts)} window(s) in the recorded run; the FCD needs at least 2")
    extra.update(fcd_starts=starts, fcd_window=n_window)
    if target.kind == "fcd":
        return target.values, extra
    if target.kind == "fc":
        raise ValueError("loss='fcd_ks' needs a time series or an FCD matrix target, got an FC matrix")
    return np.asarray(fcd_values_of(fcd_of(target.data, options["window"], options["step"])).values), extra


# -- the search methods ---------------------------------------------------------------------
def _gradient_search(u0, data, problem, optimizer, steps):
    state = optimizer.init(u0)
    u = u0
    history_u, history_loss = [], []
    best = (np.inf, u0, None)
    for iteration in range(steps + 1):
        (loss, features), gradient = value_and_grad(u, data, problem)
        loss = float(loss)
        history_u.append(np.asarray(u))
        history_loss.append(loss)
        if not np.isfinite(loss) or not np.all(np.isfinite(np.asarray(gradient))):
            warnings.warn(
                f"fit stopped at iteration {iteration}: the loss or its gradient is not finite "
                "(the simulation blew up?); returning the best values so far",
                RuntimeWarning,
                stacklevel=3,
            )
            break
        if loss < best[0]:
            best = (loss, u, features)
        if iteration == steps:
            break
        updates, state = optimizer.update(gradient, state, u)
        u = u + updates
    return best, {"loss": np.asarray(history_loss)}, np.asarray(history_u)


def _cma_search(u0, data, problem, steps, options):
    import cma

    sigma0 = options.get("sigma0", 0.3)
    settings = {"seed": options.get("seed", 1), "verbose": -9, "maxiter": steps}
    if "popsize" in options:
        settings["popsize"] = options["popsize"]
    strategy = cma.CMAEvolutionStrategy(np.asarray(u0, dtype=float), sigma0, settings)
    best = (np.inf, u0)
    losses_best, losses_mean, sigmas, history_u = [], [], [], []
    for _ in range(steps):
        candidates = np.asarray(strategy.ask())
        losses = np.asarray(batch_losses(jnp.asarray(candidates, data.initial_values.dtype), data, problem), dtype=float)
        finite = np.where(np.isfinite(losses), losses, np.inf)
        worst = np.max(finite[np.isfinite(finite)]) if np.any(np.isfinite(finite)) else 1.0
        strategy.tell(list(candidates), list(np.where(np.isfinite(finite), finite, worst + 1.0)))
        index = int(np.argmin(finite))
        losses_best.append(finite[index])
        losses_mean.append(float(np.mean(losses[np.isfinite(losses)])) if np.any(np.isfinite(losses)) else np.nan)
        sigmas.append(float(strategy.sigma))
        history_u.append(candidates[index])
        if finite[index] < best[0]:
            best = (float(finite[index]), candidates[index])
        if strategy.stop() and "maxiter" not in strategy.stop():
            break
    history = {"loss": np.asarray(losses_best), "loss_mean": np.asarray(losses_mean), "sigma": np.asarray(sigmas)}
    return best, history, np.asarray(history_u)


def _batch_of_losses(batch: np.ndarray, data: ProblemData, problem: Problem) -> np.ndarray:
    return np.asarray(batch_losses(jnp.asarray(batch, data.initial_values.dtype), data, problem), dtype=float)


def _grid_search(points, data, problem):
    """Batches of ``GRID_BATCH`` points; after the first (which compiles), dask tasks.

    The tasks run on dask's current scheduler: local threads, or the workers of an active
    ``dask.distributed`` client.
    """
    import dask

    size = min(len(points), GRID_BATCH)  # one compiled batch shape: the last batch is padded
    batches = []
    for first in range(0, len(points), size):
        batch = points[first : first + size]
        batches.append(np.concatenate([batch, np.repeat(batch[-1:], size - len(batch), axis=0)]))
    first_losses = _batch_of_losses(batches[0], data, problem)
    tasks = [dask.delayed(_batch_of_losses, pure=True)(batch, data, problem) for batch in batches[1:]]
    losses = np.concatenate([first_losses, *dask.compute(*tasks)])[: len(points)]
    finite = np.where(np.isfinite(losses), losses, np.inf)
    index = int(np.argmin(finite))
    return (float(finite[index]), points[index]), {"loss": losses}, points


# -- results --------------------------------------------------------------------------------
def _long_name(net: Network, selection: Selection) -> str:
    if selection.kind == "noise":
        process = type(net.model.noise[selection.variable]).__name__
        return f"fitted {selection.field} of the {process} noise on {selection.variable}"
    return f"fitted {selection.name}"


def _free_attrs(net: Network, selection: Selection) -> dict[str, Any]:
    """Which entries were free, for a parameter fitted only in part."""
    if selection.entries is None:
        return {}
    if selection.kind == "weights":
        return {"fitted_connections": int(selection.entries.size)}
    return {"fitted_regions": ", ".join(net.labels[i] for i in selection.entries)}


def _parameters_dataset(net, selections, slots, values, loss, method) -> xr.Dataset:
    data_vars = {}
    labels = np.asarray(net.labels, dtype=str)
    for selection, slot in zip(selections, slots):
        attrs = {
            "units": units_of(net, selection), "long_name": _long_name(net, selection),
            "transform": slot.transform.describe(), **_free_attrs(net, selection),
        }
        value = values[selection.name]
        dims = {0: (), 1: ("region",), 2: ("target", "source")}[value.ndim]
        data_vars[selection.name] = xr.Variable(dims, value, attrs)
    coords = {}
    if any(variable.dims == ("region",) for variable in data_vars.values()):
        coords["region"] = ("region", labels)
    if any(selection.kind == "weights" for selection in selections):
        coords.update(target=("target", labels), source=("source", labels))
    return xr.Dataset(data_vars, coords=coords, attrs={"loss": float(loss), "method": method})


def _history_dataset(net, selections, slots, stats, history_u, method, loss) -> xr.Dataset:
    n = len(stats["loss"])
    data_vars = {
        "loss": xr.Variable(("iteration",), stats["loss"], {"long_name": f"loss ({loss if isinstance(loss, str) else 'custom'})", "units": "1"})
    }
    if "loss_mean" in stats:
        data_vars["loss_mean"] = xr.Variable(("iteration",), stats["loss_mean"], {"long_name": "mean loss of the population", "units": "1"})
        data_vars["sigma"] = xr.Variable(("iteration",), stats["sigma"], {"long_name": "CMA-ES step size (unconstrained units)", "units": "1"})
    region_dims = False
    for selection, slot in zip(selections, slots):
        if selection.kind == "weights":
            continue
        free = np.asarray(jax.vmap(slot.value)(jnp.asarray(history_u[:n])), dtype=float)
        values = np.stack([full_value(net, selection, row) for row in free]) if n else free
        dims = ("iteration",) if values.ndim == 1 else ("iteration", "region")
        region_dims |= values.ndim == 2
        data_vars[selection.name] = xr.Variable(dims, values, {"units": units_of(net, selection), "long_name": selection.name})
    coords = {"iteration": ("iteration", np.arange(n), {"long_name": "grid point" if method == "grid" else "iteration"})}
    if region_dims:
        coords["region"] = ("region", np.asarray(net.labels, dtype=str))
    return xr.Dataset(data_vars, coords=coords, attrs={"method": method})


def _prediction(net, features, target, problem, seeds, spec, var) -> xr.Dataset:
    labels = np.asarray(net.labels, dtype=str)
    if problem.needs == "fc":
        fc = xr.DataArray(
            np.asarray(features, dtype=float), dims=("region_i", "region_j"),
            coords={"region_i": labels, "region_j": labels}, name="fc",
            attrs={"long_name": f"functional connectivity of {var} (mean over seeds)", "units": "1"},
        )
        data_vars = {"fc": fc}
        if target.kind in ("fc", "timeseries"):
            target_fc = target.data if target.kind == "fc" else fc_of(target.data)
            data_vars["fc_similarity"] = fc_similarity(fc, target_fc)
        return xr.Dataset(data_vars)
    series = xr.DataArray(
        np.asarray(features, dtype=float), dims=("seed", "time", "region"),
        coords={"seed": np.asarray(seeds), "time": time_coordinate(spec), "region": labels},
        attrs={"long_name": var, "units": net.model.variable_units.get(var, "1")},
    )
    return xr.Dataset({var: series})


# -- the entry point ------------------------------------------------------------------------
def fit(
    net: Network,
    target: xr.DataArray | xr.Dataset,
    *,
    params: Sequence[str] | Mapping[str, Any],
    duration: Any,
    dt: Any,
    transient: Any = 0.0,
    loss: str | Callable[[jax.Array, jax.Array], jax.Array] = "fc_corr",
    seeds: Iterable[int] = (0,),
    method: str = "grad",
    optimizer: Any = None,
    steps: int = 100,
    bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
    grid: Mapping[str, Any] | None = None,
    var: str | None = None,
    sample_every: Any = None,
    integrator: str = "euler",
    initial_state: Mapping[str, Any] | None = None,
    loss_options: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> FitResult:
    r"""Fit global coupling, model and noise parameters and connection weights to data.

    Minimises :math:`L(\theta)`, a distance between what the network simulated with the
    parameters :math:`\theta` produces and the target (see :mod:`wbxr.fitting.losses`),
    starting from the network's own values.  Each evaluation runs the network for every
    seed in one compiled call (same seeds every time, so :math:`L` is deterministic) and
    averages over them.  Only the free entries :math:`\theta_{\mathrm{free}}` selected by
    ``params`` are optimised; the others keep the network's values exactly.  Because the
    standard normals are fixed by the seeds, :math:`L` is smooth in noise amplitudes too
    (white noise adds :math:`\sigma\sqrt{dt}\,\xi_n` per step), so they can be fitted by
    gradient.  Bounds become smooth changes of variable (:mod:`wbxr.fitting.transforms`).
    Changing the starting values, the target or the seeds (same count) never recompiles.

    Parameters
    ----------
    net
        The network; its values of the fitted parameters are the starting point.
    target
        FC matrix (dims ``("region_i", "region_j")``), FCD matrix (``("window_i",
        "window_j")``) or time series (``("time", "region")``, or a simulation Dataset),
        with region labels matching the connectome's (in any order).
    params
        What to fit: a list of names, or a mask (see :mod:`wbxr.fitting.parameters` and
        :func:`wbxr.fitting.mask`).  Names: ``"k"``; any parameter of the node model
        (fitted per region when the network's model holds one value per region, else as
        one value); ``"weights"`` (every existing connection, kept non-negative; the
        others stay zero); ``"noise.<variable>.<field>"``, a parameter of a noise
        process, e.g. ``"noise.x.sigma"`` (intensities and OU time constants kept
        non-negative).  A mask ``{name: True/False or boolean array}`` (nested
        ``{"noise": {"x": {"sigma": ...}}}`` also works) frees a whole parameter
        (``True``) or only some regions (a boolean array ``(N,)``, or a DataArray over
        ``region`` aligned by label) or some existing connections (``(N, N)``, dims
        ``("target", "source")``); the other entries keep the network's values exactly.
        The speed cannot be fitted: the delays are whole numbers of steps.
    duration, dt, transient, sample_every, initial_state
        As in :func:`wbxr.simulate`; ``sample_every`` defaults to a time-series target's
        sampling step, else ``dt``.
    loss
        ``"fc_corr"`` (1 - FC similarity, default), ``"fc_mse"``, ``"fcd_ks"`` (not with
        ``"grad"``), ``"psd"``, ``"timeseries"``, or a function ``loss(series, target)`` of a
        JAX array ``(time, region)`` of one seed and the aligned target values, returning a
        scalar (averaged over seeds).
    seeds
        Noise seeds averaged over at every evaluation.
    method
        ``"grad"`` (optax optimiser), ``"cma-es"`` (pycma, populations vmapped) or
        ``"grid"`` (every combination of ``grid``).
    optimizer
        An optax ``GradientTransformation`` for ``"grad"``; default
        ``optax.adam(0.02)``, in the unconstrained variables.
    steps
        Optimiser steps (``"grad"``) or generations (``"cma-es"``).
    bounds
        ``{name: (low, high)}``, either side None; ``"weights"`` and noise intensities and
        time constants default to ``(0, None)``.
    grid
        ``{name: values}`` for every fitted parameter (``method="grid"``).
    var
        The fitted state variable (default: the coupled variable).
    integrator
        ``"euler"``, ``"heun"`` or ``"rk4"``.
    loss_options
        ``"fcd_ks"``: ``{"window": ..., "step": ...}`` (ms or quantities, required);
        ``"psd"``: ``{"nperseg": int}``.
    options
        ``"cma-es"``: ``{"sigma0": 0.3, "popsize": ..., "seed": 1}``.

    Returns
    -------
    FitResult
        Best values with units, loss history over ``iteration``, fitted network and its
        prediction.

    Raises
    ------
    ValueError, TypeError
        On any invalid argument, before anything is compiled; e.g. target labels that do
        not match the connectome (the message names them), ``"speed"`` in ``params``, a
        starting value outside its bounds.

    Examples
    --------
    >>> import optax
    >>> import wbxr
    >>> conn = wbxr.load_dataset("example_connectome")
    >>> hopf = wbxr.models.Hopf(a=-0.2, w=0.3, noise={"x": wbxr.noise.White(0.05)})
    >>> net = wbxr.Network(hopf, conn, speed=10.0, k=0.5)
    >>> target = wbxr.simulate(net, duration=100.0, dt=0.5).wb.fc(var="x")
    >>> result = wbxr.fit(net.replace(k=0.7), target, params=["k"], duration=100.0, dt=0.5,
    ...                   optimizer=optax.adam(0.05), steps=2)
    >>> result.history.loss.dims, result.history.sizes["iteration"]
    (('iteration',), 3)
    >>> result.parameters.k.attrs["units"], result.network.k == float(result.parameters.k)
    ('1', True)

    A mask frees ``a`` in the first two regions only, and the noise intensity on ``x``;
    the other regions keep ``a = -0.2`` exactly:

    >>> import numpy as np
    >>> free = wbxr.fitting.mask(net, a=np.arange(8) < 2, noise={"x": {"sigma": True}})
    >>> masked = wbxr.fit(net, target, params=free, duration=100.0, dt=0.5, steps=2)
    >>> a = masked.parameters["a"]
    >>> a.dims, a.attrs["fitted_regions"], bool((a.values[2:] == -0.2).all())
    (('region',), 'R0, R1', True)
    >>> masked.parameters["noise.x.sigma"].attrs["long_name"]
    'fitted sigma of the White noise on x'
    """
    setup = setup_fit(
        net, target, params=params, duration=duration, dt=dt, transient=transient, loss=loss, seeds=seeds,
        method=method, optimizer=optimizer, steps=steps, bounds=bounds, grid=grid, var=var,
        sample_every=sample_every, integrator=integrator, initial_state=initial_state,
        loss_options=loss_options, options=options,
    )
    problem, data, u0, spec = setup.problem, setup.data, setup.u0, setup.spec
    slots = problem.slots
    if method == "grad":
        (best_loss, best_u, features), stats, history_u = _gradient_search(u0, data, problem, setup.optimizer, steps)
    elif method == "cma-es":
        (best_loss, best_u), stats, history_u = _cma_search(u0, data, problem, steps, setup.options)
        features = None
    else:
        (best_loss, best_u), stats, history_u = _grid_search(setup.points, data, problem)
        features = None
    best_u = jnp.asarray(best_u, spec.dtype)
    if features is None:
        best_loss, features = evaluate(best_u, data, problem)
        best_loss = float(best_loss)
    selections = setup.selections
    values = {
        selection.name: full_value(net, selection, np.asarray(slot.value(best_u), dtype=float))
        for selection, slot in zip(selections, slots)
    }
    return FitResult(
        parameters=_parameters_dataset(net, selections, slots, values, best_loss, method),
        loss=float(best_loss),
        history=_history_dataset(net, selections, slots, stats, np.asarray(history_u), method, loss),
        network=with_values(net, selections, values),
        prediction=_prediction(net, features, setup.target, problem, setup.seeds, spec, setup.var),
        target=setup.target.data,
    )


class FitSetup(NamedTuple):
    """A checked fit, ready to run (from :func:`setup_fit`)."""

    problem: Problem
    data: ProblemData
    u0: jax.Array  #: the starting point, unconstrained
    spec: Any  #: the run's RunSpec
    target: Target
    seeds: list[int]
    points: np.ndarray | None  #: unconstrained grid points (method="grid")
    optimizer: Any
    options: dict[str, Any]
    var: str
    method: str
    steps: int
    selections: tuple[Selection, ...]  #: what is free (names and masks)


def setup_fit(
    net: Network,
    target: xr.DataArray | xr.Dataset,
    *,
    params: Sequence[str] | Mapping[str, Any],
    duration: Any,
    dt: Any,
    transient: Any = 0.0,
    loss: str | Callable[[jax.Array, jax.Array], jax.Array] = "fc_corr",
    seeds: Iterable[int] = (0,),
    method: str = "grad",
    optimizer: Any = None,
    steps: int = 100,
    bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
    grid: Mapping[str, Any] | None = None,
    var: str | None = None,
    sample_every: Any = None,
    integrator: str = "euler",
    initial_state: Mapping[str, Any] | None = None,
    loss_options: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> FitSetup:
    """Check every argument of :func:`fit` and build its problem (nothing is compiled)."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be a wbxr.Network, got {net!r}")
    if method not in METHODS:
        raise ValueError(f"method={method!r} is not one of {list(METHODS)}")
    _check_loss(loss, method)
    loss_options = _loss_options(loss, loss_options)
    if var is None:
        var = net.coupled_var
    if var not in net.model.state_variables:
        raise ValueError(f"var={var!r} is not a state variable of {type(net.model).__name__}; expected one of {list(net.model.state_variables)}")
    aligned = align_target(target, net.labels, var)
    if sample_every is None and aligned.kind == "timeseries" and (callable(loss) or LOSSES[loss]["needs"] == "timeseries"):
        sample_every = aligned.sample_ms
    spec = prepare_run(net, duration, dt, transient, sample_every, [var], integrator, initial_state)
    seeds = _seeds(seeds)
    selections = select(net, params)
    slots = _slots(net, selections, bounds, method)
    if method == "grad":
        import optax

        if optimizer is None:
            optimizer = optax.adam(DEFAULT_LEARNING_RATE)
        if not (hasattr(optimizer, "init") and hasattr(optimizer, "update")):
            raise TypeError(f"optimizer must be an optax GradientTransformation such as optax.adam(0.02), got {optimizer!r}")
    elif optimizer is not None:
        raise ValueError(f"optimizer is used by method='grad' only, not method={method!r}")
    if method != "grid":
        if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, (int, np.integer)) or steps < 1:
            raise ValueError(f"steps must be a positive integer, got {steps!r}")
        if grid is not None:
            raise ValueError(f"grid is used by method='grid' only, not method={method!r}")
    options = dict(options or {})
    allowed_options = {"sigma0", "popsize", "seed"} if method == "cma-es" else set()
    if set(options) - allowed_options:
        raise ValueError(f"options has keys {sorted(set(options) - allowed_options)}; method={method!r} takes {sorted(allowed_options) or 'none'}")
    if "sigma0" in options and not (isinstance(options["sigma0"], (int, float)) and options["sigma0"] > 0):
        raise ValueError(f"options['sigma0'] must be a number > 0, got {options['sigma0']!r}")
    if "popsize" in options and not (isinstance(options["popsize"], (int, np.integer)) and options["popsize"] >= 2):
        raise ValueError(f"options['popsize'] must be an integer >= 2, got {options['popsize']!r}")
    if "seed" in options and not (isinstance(options["seed"], (int, np.integer)) and options["seed"] >= 1):
        raise ValueError(f"options['seed'] must be an integer >= 1, got {options['seed']!r}")

    schedule, block = plan_schedule(
        spec.n_samples, spec.steps_per_sample, spec.max_block(net.block_delay(spec.dt), len(seeds)),
        spec.n_transient_samples,
    )
    target_values, loss_settings = _target_array(aligned, loss, spec, loss_options, schedule.n_recorded)
    points = _grid_vectors(slots, grid)[0] if method == "grid" else None

    plan, base = net.discretize(spec.dt, integrator, block, spec.dtype)
    problem = Problem(
        slots=slots, plan=plan, schedule=schedule, monitor_index=spec.monitor_indices[0], loss=loss,
        sample_ms=spec.sample_every, **loss_settings,
    )
    data = _problem_data(net, base, seeds, spec, target_values, selections)
    u0 = jnp.asarray(_initial_vector(net, selections, slots), spec.dtype)
    return FitSetup(
        problem, data, u0, spec, aligned, seeds, points, optimizer, options, var, method, steps, selections
    )


def _problem_data(net, base, seeds, spec, target_values, selections) -> ProblemData:
    rows, cols, edge_weights = edges(net)
    weights = effective_weights(net.weights, net.coupling_function)
    steps = net.delay_steps(spec.dt)
    delayed_valid = zero_delay_mask = None
    if base.edges is not None:  # the padding of the gathered edges has weight 0, real edges not
        delayed_valid = jnp.asarray(np.asarray(base.edges.weight) != 0)
    if base.instantaneous.zero_delay is not None:
        off_diagonal = ~np.eye(net.n_regions, dtype=bool)
        zero_delay_mask = jnp.asarray(off_diagonal & (steps == 0) & (weights != 0))
    return ProblemData(
        base=base,
        seeds=jnp.asarray(seeds, jnp.uint32),
        initial_values=jnp.asarray(spec.initial_values, spec.dtype),
        given_initial=jnp.asarray(spec.given_initial),
        target=jnp.asarray(target_values, spec.dtype),
        weight_rows=jnp.asarray(rows, jnp.int32),
        weight_cols=jnp.asarray(cols, jnp.int32),
        delayed_valid=delayed_valid,
        zero_delay_mask=zero_delay_mask,
        weight_values=jnp.asarray(edge_weights, spec.dtype),
        entries=tuple(
            None if selection.entries is None else jnp.asarray(selection.entries, jnp.int32) for selection in selections
        ),
    )
