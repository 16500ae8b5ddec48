"""Peak memory of the gradient of a long fitting run (issue 8).

The gradient of the FC loss of a 60 s run at dt = 0.1 ms (600 000 steps) of an 80-region
noise-driven Hopf network with conduction delays, with respect to k, the bifurcation
parameter and every connection weight, as :func:`wbxr.fit` computes it: FC accumulated
inside the run (no time series kept) and :func:`jax.checkpoint` over chunks of 1000 steps.
For comparison, the same gradient without checkpointing for a shorter run (memory grows
with the number of steps there).

Each configuration runs in its own process; its peak resident memory is the process's
``ru_maxrss`` (:func:`resource.getrusage`), which includes the Python interpreter, JAX and
the compiled program.  Usage::

    .venv/bin/python benchmarks/bench_fit_memory.py               # 60 s with, 6 s without
    .venv/bin/python benchmarks/bench_fit_memory.py --duration 10000 --no-checkpoint

Prints one JSON line per configuration and a summary.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import time

N_REGIONS = 80
DT_MS = 0.1


def random_connectome(n_regions: int, seed: int = 0):
    """A sparse random connectome with tract lengths from random 3-D region centres."""
    import numpy as np

    import wbxr

    rng = np.random.default_rng(seed)
    weights = rng.lognormal(mean=-2.0, sigma=1.0, size=(n_regions, n_regions))
    weights *= rng.random((n_regions, n_regions)) < 0.3
    np.fill_diagonal(weights, 0.0)
    weights /= weights.sum(axis=1).max()
    centres = rng.uniform(-60.0, 60.0, size=(n_regions, 3))
    distances = np.linalg.norm(centres[:, None] - centres[None, :], axis=-1)
    return wbxr.connectome(weights, distances, centres=centres, name=f"random-{n_regions}")


def one(duration_ms: float, checkpoint: bool) -> dict:
    """Compute the gradient once in this process and report its peak memory."""
    import jax

    import wbxr
    from wbxr.fitting import problem as fit_problem
    from wbxr.fitting.optimize import setup_fit

    conn = random_connectome(N_REGIONS)
    model = wbxr.models.Hopf(a=-0.1, w=0.2, noise={"x": wbxr.noise.White(0.02)})
    net = wbxr.Network(model, conn, speed=10.0, k=0.2)
    labels = net.labels
    import numpy as np
    import xarray as xr

    rng = np.random.default_rng(1)  # any finite FC will do: only the memory is measured
    target = xr.DataArray(np.corrcoef(rng.standard_normal((N_REGIONS, 200))), dims=("region_i", "region_j"),
                          coords={"region_i": labels, "region_j": labels})
    setup = setup_fit(net, target, params=["k", "a", "weights"], duration=duration_ms, dt=DT_MS,
                      transient=1000.0 if duration_ms > 2000 else 0.0, loss="fc_corr", seeds=[0])
    problem = dataclasses.replace(setup.problem, checkpoint=checkpoint)
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    (loss, _), gradient = fit_problem.value_and_grad(setup.u0, setup.data, problem)
    gradient = jax.block_until_ready(gradient)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "duration_ms": duration_ms,
        "dt_ms": DT_MS,
        "steps": int(round(duration_ms / DT_MS)),
        "n_regions": N_REGIONS,
        "n_parameters": int(setup.u0.size),
        "checkpoint": checkpoint,
        "chunks": setup.problem.schedule.n_chunks,
        "loss": float(loss),
        "gradient_finite": bool(np.all(np.isfinite(np.asarray(gradient)))),
        "peak_rss_mb": round(peak_mb, 1),
        "rss_before_gradient_mb": round(before_mb, 1),
        "wall_s_including_compile": round(seconds, 1),
        "jax": jax.__version__,
        "device": str(jax.devices()[0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, help="one configuration: simulated ms")
    parser.add_argument("--no-checkpoint", action="store_true", help="one configuration without checkpointing")
    args = parser.parse_args()
    if args.duration is not None:
        print(json.dumps(one(args.duration, not args.no_checkpoint)), flush=True)
        return
    results = []
    for duration, checkpoint in [(60_000.0, True), (6_000.0, True), (6_000.0, False)]:
        command = [sys.executable, __file__, "--duration", str(duration)] + ([] if checkpoint else ["--no-checkpoint"])
        output = subprocess.run(command, check=True, capture_output=True, text=True, env=dict(os.environ))
        line = output.stdout.strip().splitlines()[-1]
        print(line, flush=True)
        results.append(json.loads(line))
    for r in results:
        print(f"{r['duration_ms'] / 1000:g} s, {r['steps']} steps, N={r['n_regions']}, "
              f"checkpoint={r['checkpoint']}: peak RSS {r['peak_rss_mb'] / 1024:.2f} GB")


if __name__ == "__main__":
    main()
