"""What one ``wbxr.simulate`` call costs besides the simulation: short runs of a small network.

T3's network at N = 8 (SPEC connectome, Hopf, white noise, delays at 10 mm/ms), dt = 0.1 ms,
samples every 1 ms.  For each duration it prints the CPU time per call (the best of
``--rounds`` rounds of ``--calls`` calls, the first call excluded): a 10 ms run is almost
all host work (checks, parameters, the result Dataset), a 1 s run adds the simulation.
CPU time, not wall time, so that it can be pinned to one core and compared across commits:

    taskset -c 0 python benchmarks/bench_call_overhead.py [--calls 300] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import spec  # noqa: E402

import wbxr  # noqa: E402


def network(n_regions: int) -> wbxr.Network:
    weights, distances = spec.bench_connectome(n_regions)
    noise = wbxr.noise.White(sigma=spec.SIGMA)
    model = wbxr.models.Hopf(a=spec.HOPF_A, w=spec.HOPF_W, noise={"x": noise, "y": noise})
    return wbxr.Network(model, wbxr.connectome(weights, distances), speed=spec.SPEED, coupled_var="x", k=spec.K)


def cpu_ms_per_call(call, calls: int, rounds: int) -> float:
    call()
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(calls):
            call()
        best = min(best, (time.process_time() - start) / calls)
    return best * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=8)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    net = network(args.regions)
    for duration in (10.0, 1000.0):
        ms = cpu_ms_per_call(
            lambda duration=duration: wbxr.simulate(net, duration, spec.DT, sample_every=spec.SAMPLE_EVERY)["x"].values,
            args.calls, args.rounds,
        )
        print(f"N = {args.regions}, {duration:g} ms simulated: {ms:.3f} ms CPU per call")


if __name__ == "__main__":
    main()
