"""Ensembles: members per second of ``wbxr.ensemble`` against a plain loop over ``simulate``.

Two workloads on the SPEC connectome (T1 settings: Hopf N = 80, delays, white noise,
dt = 0.1 ms, samples every 1 ms): T4 (16 seeds, full time series) and a k-sweep
(64 members by default) reduced to FC inside the compiled call (``reduce="fc"``), each
against a Python loop over :func:`wbxr.simulate` doing the same work (for the sweep:
``simulate`` then ``.wb.fc()`` per member).  Every timing is warm (after one untimed call
that compiles) and the best of ``--repeats``; the ensemble timings include building the
lazy graph and computing it with dask's default (threaded) scheduler.  Before timing, the
script checks that the ensemble and the loop give the same numbers, so both do the same
work.

    python benchmarks/bench_ensemble.py [--duration 10000] [--repeats 2]
    BENCH_JAX_PLATFORMS=cuda python benchmarks/bench_ensemble.py --seeds 1024 --sweep-members 1024 \
        --chunk-sizes 16 128 1024 --loop-members 16     # GPU: loops over 16 members only
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("JAX_PLATFORMS", os.environ.get("BENCH_JAX_PLATFORMS", "cpu"))

import dask  # noqa: E402
import jax  # noqa: E402
import numpy as np  # noqa: E402

import wbxr  # noqa: E402
from bench_t1 import t1_network  # noqa: E402


def best_time(run, repeats: int) -> float:
    """Best wall time of ``repeats`` calls after one untimed call (compilation)."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def check_same_numbers(net, common, ks) -> None:
    """The ensemble's members equal the loop's runs (float32 rounding): the same work."""
    short = {**common, "duration": 200.0}
    ens = wbxr.ensemble(net, seeds=[0, 1], sweep={"k": ks[:2]}, **short).compute()
    for seed in (0, 1):
        for k in ks[:2]:
            solo = wbxr.simulate(net.replace(k=float(k)), seed=seed, **short)
            np.testing.assert_allclose(ens.x.sel(seed=seed, k=k).values, solo.x.values, rtol=1e-4, atol=1e-5)
    fc = wbxr.ensemble(net, sweep={"k": ks[:2]}, reduce="fc", **short).fc_x.compute()
    expected = [wbxr.simulate(net.replace(k=float(k)), **short).wb.fc("x").values for k in ks[:2]]
    np.testing.assert_allclose(fc.values[0], np.stack(expected), atol=1e-4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10_000.0, help="ms per member")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=16, help="members of T4")
    parser.add_argument("--sweep-members", type=int, default=64, help="k values of the reduced sweep")
    parser.add_argument("--chunk-sizes", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--no-loop", action="store_true", help="skip the loops over simulate (large runs)")
    parser.add_argument("--loop-members", type=int, default=None,
                        help="time the loops over only this many members (default: all)")
    args = parser.parse_args()
    net = t1_network(80)
    common = {"duration": args.duration, "dt": 0.1, "sample_every": 1.0}
    seconds = args.duration / 1000.0
    ks = np.linspace(0.0, 0.5, args.sweep_members)
    check_same_numbers(net, common, ks)

    rows = []
    seeds = range(args.seeds)
    n_loop = min(args.seeds, args.loop_members or args.seeds)
    if not args.no_loop:
        loop = best_time(lambda: [wbxr.simulate(net, seed=s, **common) for s in seeds[:n_loop]], args.repeats)
        rows.append((f"T4 {n_loop} seeds: loop over simulate", loop, n_loop))
    for chunk in args.chunk_sizes:
        if chunk > args.seeds:
            continue
        t = best_time(lambda: wbxr.ensemble(net, seeds=seeds, chunk_size=chunk, **common).compute(), args.repeats)
        rows.append((f"T4 {args.seeds} seeds: ensemble, chunk_size={chunk}", t, args.seeds))

    n = args.sweep_members
    n_loop = min(n, args.loop_members or n)
    if not args.no_loop:
        loop = best_time(lambda: [wbxr.simulate(net.replace(k=float(k)), **common).wb.fc() for k in ks[:n_loop]], 1)
        rows.append((f"{n_loop} k values -> FC: loop over simulate + fc", loop, n_loop))
    for chunk in args.chunk_sizes:
        if chunk > n:
            continue
        t = best_time(
            lambda: wbxr.ensemble(net, sweep={"k": ks}, reduce="fc", chunk_size=chunk, **common).compute(),
            args.repeats,
        )
        rows.append((f"{n} k values -> FC: ensemble(reduce='fc'), chunk_size={chunk}", t, n))

    device = jax.devices()[0]
    print(
        f"wbxr {wbxr.__version__}, jax {jax.__version__} on {device.platform} ({device.device_kind}), "
        f"{os.cpu_count()} CPUs, dask scheduler {dask.config.get('scheduler', 'threads')}; float32; "
        f"{seconds:g} s simulated per member"
    )
    print(f"{'workload':62s} {'wall s':>8s} {'members/s':>10s} {'sim-s/s':>8s}")
    for name, t, members in rows:
        print(f"{name:62s} {t:8.2f} {members / t:10.2f} {members * seconds / t:8.1f}")


if __name__ == "__main__":
    main()
