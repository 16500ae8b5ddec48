"""Ensembles: members per second of ``wbxr.ensemble`` against a plain loop over ``simulate``.

Two workloads on the SPEC connectome (T1 settings: Hopf N = 80, delays, white noise):
T4 (16 seeds, full time series) and a 64-member k-sweep reduced to FC inside the compiled
call (``reduce="fc"``).  Each is timed warm (after one call that compiles), as the best of
``--repeats``.

    python benchmarks/bench_ensemble.py [--duration 10000] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np  # noqa: E402

import wbxr  # noqa: E402
from bench_t1 import t1_network  # noqa: E402


def best_time(run, repeats: int) -> float:
    run()  # compile
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10_000.0, help="ms per member")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    net = t1_network(80)
    common = {"duration": args.duration, "dt": 0.1, "sample_every": 1.0}
    seconds = args.duration / 1000.0

    seeds = range(16)
    loop = best_time(lambda: [wbxr.simulate(net, seed=s, **common) for s in seeds], args.repeats)
    rows = [("T4 16 seeds: loop over simulate", loop, 16)]
    for chunk in (8, 16):
        t = best_time(lambda: wbxr.ensemble(net, seeds=seeds, chunk_size=chunk, **common).x.compute(), args.repeats)
        rows.append((f"T4 16 seeds: ensemble, chunk_size={chunk}", t, 16))

    ks = np.linspace(0.0, 0.5, 64)
    loop = best_time(lambda: [wbxr.simulate(net.replace(k=k), **common).wb.fc() for k in ks], 1)
    rows.append(("64 k values -> FC: loop over simulate + fc", loop, 64))
    for chunk in (16, 32):
        t = best_time(lambda: wbxr.ensemble(net, sweep={"k": ks}, reduce="fc", chunk_size=chunk, **common).compute(), 1)
        rows.append((f"64 k values -> FC: ensemble(reduce='fc'), chunk_size={chunk}", t, 64))

    print(f"wbxr {wbxr.__version__}; {seconds:g} s simulated per member; 2-core CPU")
    print(f"{'workload':58s} {'wall s':>8s} {'members/s':>10s} {'sim-s/s':>8s}")
    for name, t, members in rows:
        print(f"{name:58s} {t:8.2f} {members / t:10.2f} {members * seconds / t:8.1f}")


if __name__ == "__main__":
    main()
