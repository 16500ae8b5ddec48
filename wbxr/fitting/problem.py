r"""The fitting objective: a vector of unconstrained numbers -> simulation -> loss.

A fit's free parameters (``k``, model parameters -- one value or one per region --, noise
parameters and the weights of the existing connections; see :mod:`wbxr.fitting.parameters`)
are packed into one flat vector :math:`u`; each slot maps its part of :math:`u` through its
bound transform (:mod:`wbxr.fitting.transforms`) into the traced
:class:`wbxr.network.StepParams` of the discretised network.  A slot that frees only some
regions (or some connections) writes its values into those entries and leaves the others
at the network's values.  Noise parameters enter the noise processes of the traced model:
the standard normals are fixed by the seeds, so the run is a smooth function of, e.g., the
intensity :math:`\sigma` of white noise (the Wiener term is :math:`\sigma\sqrt{dt}\,\xi_n`).

The run is :func:`wbxr.simulate.run_members` with one member per noise seed (the same seeds at every
evaluation: common random numbers, so the objective is a smooth deterministic function of
:math:`u`), with the FC accumulated inside the loop when the loss needs only FC, and with
:func:`jax.checkpoint` over chunks of steps so that reverse-mode memory grows with the
number of chunks, not of steps.  (Losses that need the time series keep it whole, and are
differentiated without checkpointing: their memory grows with the number of steps.)

Delays are integer numbers of steps fixed when the network is discretised, so the speed
is not a parameter of the objective (rounding has no useful derivative).  Fitted weights
change the delayed edge weights, the zero-delay edges, self-connections and the row sums
of diffusive coupling consistently.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ..network import StepParams, StepPlan
from ..simulate import Schedule, run_members
from .losses import (
    LOSSES,
    fc_correlation_loss,
    fc_mse_loss,
    fcd_values,
    ks_distance,
    log_psd_loss,
    welch_psd,
)
from .transforms import Transform

__all__ = ["Slot", "Problem", "ProblemData", "objective", "value_and_grad", "batch_losses", "evaluate"]


@dataclasses.dataclass(frozen=True)
class Slot:
    """One fitted parameter: its place in the vector and its change of variable."""

    name: str  #: "k", a model parameter, "weights" or "noise.<variable>.<field>"
    kind: str  #: "k", "model", "noise" or "weights"
    shape: tuple[int, ...]  #: of the free values
    offset: int
    transform: Transform
    partial: bool = False  #: only some regions / connections are free (ProblemData.entries)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=int))

    def value(self, u: jax.Array) -> jax.Array:
        """The parameter value from the full unconstrained vector."""
        return self.transform.forward(u[self.offset : self.offset + self.size].reshape(self.shape))


@dataclasses.dataclass(frozen=True)
class Problem:
    """Everything static about a fit (part of the compiled program)."""

    slots: tuple[Slot, ...]
    plan: StepPlan
    schedule: Schedule
    monitor_index: int
    loss: str | Callable[[jax.Array, jax.Array], jax.Array]
    sample_ms: float
    fcd_starts: tuple[int, ...] = ()
    fcd_window: int = 0
    nperseg: int = 0
    checkpoint: bool = True

    @property
    def needs(self) -> str:
        """What the loss compares: ``"fc"`` (accumulated in the run) or ``"timeseries"``."""
        return LOSSES[self.loss]["needs"] if isinstance(self.loss, str) else "timeseries"


class ProblemData(NamedTuple):
    """The traced inputs of the objective (change them without recompiling)."""

    base: StepParams  #: the discretised network, one member
    seeds: jax.Array  #: (S,) noise seeds
    initial_values: jax.Array
    given_initial: jax.Array
    target: jax.Array  #: FC (N, N), FCD values, time series (T, N) or PSD (F, N)
    weight_rows: jax.Array  #: (E,) target region of each existing connection
    weight_cols: jax.Array  #: (E,) source region of each existing connection
    delayed_valid: jax.Array | None  #: (N, K) which delayed-edge entries are real edges
    zero_delay_mask: jax.Array | None  #: (N, N) edges without delay
    weight_values: jax.Array  #: (E,) the network's weights of those edges
    entries: tuple[jax.Array | None, ...]  #: per slot: indices of its free entries, or None


def step_params(u: jax.Array, data: ProblemData, problem: Problem) -> StepParams:
    """The network's traced parameters (one member) with the fitted values put in."""
    params = data.base
    n_regions = problem.plan.n_regions
    model = copy.copy(params.model)  # fields set directly: no validation of traced values
    noise = dict(model.noise)
    k = params.k
    edges, instantaneous, short = params.edges, params.instantaneous, params.short
    for slot, entries in zip(problem.slots, data.entries):
        value = slot.value(u)
        if slot.kind == "k":
            k = value.astype(k.dtype)
        elif slot.kind in ("model", "noise"):
            owner = model if slot.kind == "model" else noise[slot.name.split(".")[1]]
            field = slot.name.split(".")[-1]
            old = getattr(owner, field)  # (N,): the discretised network's values
            if slot.partial:  # only these regions: the others keep the network's values
                new = jnp.asarray(old).at[entries].set(value.astype(old.dtype))
            else:
                new = jnp.broadcast_to(value, (n_regions,)).astype(old.dtype)
            if slot.kind == "noise":
                owner = copy.copy(owner)
                noise[slot.name.split(".")[1]] = owner
            object.__setattr__(owner, field, new)
        else:
            dtype = instantaneous.row_sum.dtype
            values = data.weight_values.at[entries].set(value.astype(dtype)) if slot.partial else value.astype(dtype)
            weights = jnp.zeros((n_regions, n_regions), dtype).at[data.weight_rows, data.weight_cols].set(values)
            if edges is not None:
                gathered = weights[jnp.arange(n_regions)[:, None], edges.source]
                edges = edges._replace(weight=jnp.where(data.delayed_valid, gathered, 0.0))
            if short is not None:  # the few edges summed step by step
                short = short._replace(weight=weights[short.target, short.source])
            diagonal = jnp.diagonal(weights)
            instantaneous = instantaneous._replace(
                zero_delay=None
                if instantaneous.zero_delay is None
                else jnp.where(data.zero_delay_mask, weights, 0.0),
                self_weight=diagonal,
                row_sum=weights.sum(axis=1) - diagonal,
            )
    object.__setattr__(model, "noise", noise)
    return StepParams(model, k, edges, instantaneous, params.coupling, short)


def _for_seeds(params: StepParams, n_seeds: int) -> StepParams:
    """The same parameters for every seed: a trailing member axis."""
    model = jax.tree_util.tree_map(lambda v: jnp.broadcast_to(v[..., None], v.shape + (n_seeds,)), params.model)
    return params._replace(model=model, k=jnp.broadcast_to(params.k, (n_seeds,)))


def objective(u: jax.Array, data: ProblemData, problem: Problem) -> tuple[jax.Array, jax.Array]:
    """The loss at ``u`` and what it compared (the seed-mean FC or the time series).

    Returns NaN when a seed's state became non-finite.
    """
    params = _for_seeds(step_params(u, data, problem), data.seeds.shape[0])
    needs_fc = problem.needs == "fc"
    out, first_bad = run_members(
        params,
        data.seeds,
        data.initial_values,
        data.given_initial,
        plan=problem.plan,
        schedule=problem.schedule,
        monitor_indices=(problem.monitor_index,),
        reduce="fc" if needs_fc else None,
        checkpoint=problem.checkpoint and needs_fc,
    )
    if needs_fc:
        features = out[0].mean(axis=-1)  # (N, N), mean over seeds
        measure = fc_correlation_loss if problem.loss == "fc_corr" else fc_mse_loss
        loss = measure(features, data.target)
    else:
        features = jnp.moveaxis(out[:, 0], -1, 0)  # (S, T, N)
        loss = _series_loss(features, data.target, problem)
    blew_up = jnp.any(first_bad >= 0)
    return jnp.where(blew_up, jnp.nan, loss), features


def _series_loss(series: jax.Array, target: jax.Array, problem: Problem) -> jax.Array:
    if problem.loss == "timeseries":
        return jnp.mean((series - target[None]) ** 2)
    if problem.loss == "psd":
        spectra = jnp.stack([welch_psd(s, problem.nperseg, problem.sample_ms) for s in series])
        return log_psd_loss(spectra.mean(axis=0), target)
    if problem.loss == "fcd_ks":
        return jnp.mean(
            jnp.stack([ks_distance(fcd_values(s, problem.fcd_starts, problem.fcd_window), target) for s in series])
        )
    return jnp.mean(jnp.stack([jnp.asarray(problem.loss(s, target)) for s in series]))


@functools.partial(jax.jit, static_argnames=("problem",))
def value_and_grad(u: jax.Array, data: ProblemData, problem: Problem) -> Any:
    """``((loss, features), d loss / d u)``, compiled once per problem structure."""
    return jax.value_and_grad(objective, has_aux=True)(u, data, problem)


@functools.partial(jax.jit, static_argnames=("problem",))
def batch_losses(population: jax.Array, data: ProblemData, problem: Problem) -> jax.Array:
    """The losses of a population ``(P, D)`` of candidates, vmapped in one compiled call."""
    return jax.vmap(lambda u: objective(u, data, problem)[0])(population)


@functools.partial(jax.jit, static_argnames=("problem",))
def evaluate(u: jax.Array, data: ProblemData, problem: Problem) -> tuple[jax.Array, jax.Array]:
    """The loss and the compared quantity of one candidate."""
    return objective(u, data, problem)
