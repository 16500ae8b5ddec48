"""Memory of a long BOLD-only run (issue 7's target: 10 min at dt = 0.1 ms, N = 80, under 1 GB).

The T1 network of ../shared/bench/SPEC.md (Hopf, N = 80, delays, noise, float32) runs for
``--minutes`` of simulated time at dt = 0.1 ms with only the in-loop Balloon-Windkessel
monitor (TR = 720 ms): the 6 million neural samples are never stored.  Prints the wall time,
the simulated rate and the peak resident memory of the process (``ru_maxrss``), and, for
comparison, the memory the neural samples would have needed.

    python benchmarks/bench_bold_memory.py [--minutes 10] [--chunk-minutes 0]
"""

from __future__ import annotations

import argparse
import os
import resource
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import numpy as np  # noqa: E402

import wbxr  # noqa: E402
from bench_t1 import t1_network  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--regions", type=int, default=80)
    parser.add_argument("--chunk-minutes", type=float, default=0.0, help="run in chunks of this length (0: one piece)")
    args = parser.parse_args()

    net = t1_network(args.regions)
    duration = args.minutes * 60_000.0
    chunk = args.chunk_minutes * 60_000.0 or None
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    ds = wbxr.simulate(net, duration=duration, dt=0.1, monitors=[wbxr.monitors.Bold("x", tr=720.0)],
                       chunk_duration=chunk, seed=0)
    wall = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    samples_gb = duration / 0.1 * args.regions * 4 / 1e9
    print(f"wbxr {wbxr.__version__}, jax {jax.__version__}, {jax.devices()[0].platform}")
    print(f"BOLD-only run: {args.minutes:g} min simulated at dt = 0.1 ms, N = {args.regions}, "
          f"chunks: {args.chunk_minutes or 'none'}; bold {ds.bold.shape}, finite {bool(np.isfinite(ds.bold).all())}")
    print(f"wall {wall:.1f} s ({duration / 1000 / wall:.1f} sim-s/s, compile included)")
    print(f"peak RSS {peak_mb:.0f} MB (after imports {before_mb:.0f} MB); the neural samples alone "
          f"would take {samples_gb:.1f} GB in float32")


if __name__ == "__main__":
    main()
