"""The standard benchmark (shared/bench/SPEC.md): connectome, task constants, result line.

Plain numpy and the standard library only, so that every system's own venv can import it
(the system scripts put this folder on ``sys.path``).  Nothing here imports wbxr or JAX.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from typing import Any, Callable

import numpy as np

# --- SPEC constants (units: ms, mm, mm/ms) -------------------------------------------------
DT = 0.1                 # integration step, ms
SAMPLE_EVERY = 1.0       # recording period, ms (every 10 steps)
SPEED = 10.0             # conduction speed, mm/ms
K = 0.5                  # global coupling strength (Hopf, and Wilson-Cowan where it applies)
HOPF_A = -0.05           # Hopf bifurcation parameter (stable focus, noise driven)
HOPF_W = 0.2             # Hopf angular frequency, rad/ms (wbxr's and neurolib's default)
SIGMA = 0.02             # additive noise, on x and y (Hopf) / on E (Wilson-Cowan)
N_SEEDS = 16             # T4 ensemble size
T3_SIZES = (8, 80, 400, 1000)

TASKS = {
    # task: (model, default number of regions, default simulated duration in ms)
    "T1": ("hopf", 80, 10_000.0),
    "T2": ("wilson_cowan", 80, 10_000.0),
    "T3": ("hopf", 80, 1_000.0),     # run once per N in T3_SIZES by the orchestrator
    "T4": ("hopf", 80, 10_000.0),    # N_SEEDS seeds; rate reported in aggregate
}


def bench_connectome(N: int = 80, seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """SPEC connectome: weights (target x source, ~40 % dense, max row sum 1) and distances (mm).

    Symmetric, so the target/source convention does not matter for the benchmark.
    """
    rng = np.random.default_rng(seed)
    W = rng.random((N, N))
    W = (W + W.T) / 2
    W[W < 0.6] = 0.0                      # ~40 % density
    np.fill_diagonal(W, 0.0)
    W /= W.sum(1).max()                   # max in-strength 1: stable at every N
    pos = rng.uniform(-70.0, 70.0, size=(N, 3))                       # mm
    D = np.linalg.norm(pos[:, None, :] - pos[None, :, :], axis=-1)   # mm, max ~ 220 mm
    return W, D


def delay_steps(D: np.ndarray, dt: float = DT, speed: float = SPEED) -> np.ndarray:
    """Delays in whole steps, rounded to nearest (what wbxr, TVB and vbjax-style code use)."""
    return np.rint(D / speed / dt).astype(np.int64)


def n_steps(duration_ms: float, dt: float = DT) -> int:
    return int(round(duration_ms / dt))


# --- the command line shared by every system script -----------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="One SPEC task for one system; prints a JSON line.")
    parser.add_argument("--task", required=True, choices=sorted(TASKS))
    parser.add_argument("--n", type=int, default=None, help="regions (default: the task's)")
    parser.add_argument("--duration", type=float, default=None, help="simulated ms (default: the task's)")
    parser.add_argument("--repeats", type=int, default=1, help="warm calls after the first")
    args = parser.parse_args(argv)
    _, n, duration = TASKS[args.task]
    args.n = args.n or n
    args.duration = args.duration or duration
    return args


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: Warm calls continue until they took this long in all (or MAX_WARM_CALLS were made).
MIN_WARM_SECONDS = 0.5
MAX_WARM_CALLS = 200


def run_and_report(
    *,
    system: str,
    version: str,
    args: argparse.Namespace,
    precision: str | Callable[[], str],
    call: Callable[[], Any],
    notes: str = "",
    check: Callable[[Any], str] | None = None,
) -> dict:
    """Time ``call()`` once cold and ``args.repeats`` times warm (more for calls that take
    milliseconds: see :data:`MIN_WARM_SECONDS`); print and return the JSON line.

    ``call`` must run the whole task (for T4: all N_SEEDS seeds) and return only once the
    results are computed (block on asynchronous arrays inside it).  Every call is identical
    (same arguments, same seeds), as SPEC asks of the "second identical call".  ``check``
    turns the last result into a short sanity string (shape, finiteness) for the notes.
    ``precision`` may be a function, asked after the calls (e.g. to read it off a result).
    """
    t0 = time.perf_counter()
    result = call()
    first = time.perf_counter() - t0
    warm = []
    # At least `repeats` warm calls, and more of a call of a few milliseconds (T3 at N = 8),
    # whose single timing is mostly noise: until MIN_WARM_SECONDS are spent in all.
    while len(warm) < args.repeats or (sum(warm) < MIN_WARM_SECONDS and len(warm) < MAX_WARM_CALLS):
        t0 = time.perf_counter()
        result = call()
        warm.append(time.perf_counter() - t0)
    simulated_s = args.duration / 1000.0 * (N_SEEDS if args.task == "T4" else 1)
    median_warm = statistics.median(warm) if warm else float("nan")
    extra = check(result) if check is not None else ""
    line = {
        "system": system,
        "version": version,
        "task": args.task,
        "n_regions": args.n,
        "duration_ms": args.duration,
        "precision": precision() if callable(precision) else precision,
        "first_call_s": round(first, 4),
        "warm_s": [round(w, 6) for w in warm],
        "sim_seconds_per_wall_second": round(simulated_s / median_warm, 4) if warm else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "notes": "; ".join(s for s in (notes, extra) if s),
        "python": platform.python_version(),
    }
    print(json.dumps(line), flush=True)
    return line


def summarize(x: np.ndarray) -> str:
    """Sanity string: shape, finiteness and spread of a (time, region) record."""
    x = np.asarray(x)
    finite = bool(np.isfinite(x).all())
    out = f"record {tuple(x.shape)} finite={finite} std={float(np.nanstd(x)):.3g}"
    if x.ndim == 3 and x.shape[0] > 1:   # (seed, time, region): seeds must not repeat
        out += f" seeds differ={bool(np.abs(x[0] - x[1]).max() > 0)}"
    return out


def cpu_jax() -> None:
    """Put JAX on the CPU in 32-bit (call before importing jax).

    ``BENCH_JAX_PLATFORMS`` (e.g. ``cuda``) names another platform: ``gpu_suite.py`` uses
    it to run the same task code on a GPU.
    """
    os.environ["JAX_PLATFORMS"] = os.environ.get("BENCH_JAX_PLATFORMS", "cpu")
    os.environ.setdefault("JAX_ENABLE_X64", "0")


if __name__ == "__main__":  # quick look at the connectome sizes
    for n in T3_SIZES:
        W, D = bench_connectome(n)
        d = delay_steps(D)[W > 0]
        print(f"N={n}: edges {int((W > 0).sum())} ({(W > 0).mean():.0%}), "
              f"delay steps {d.min()}..{d.max()}, max row sum {W.sum(1).max():.3f}",
              file=sys.stderr)
