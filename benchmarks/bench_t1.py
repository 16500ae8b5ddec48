"""Task T1 of the standard benchmark (../shared/bench/SPEC.md) for wbxr.

Hopf (Stuart-Landau) network, N = 80, delays at 10 mm/ms, diffusive coupling on x with
K = 0.5, a = -0.05, additive white noise sigma = 0.02 on x and y, dt = 0.1 ms, samples every
1 ms, 10 s simulated, float32, JAX on the CPU.

Prints the first-call time (compile included), the warm time and rate (simulated seconds
per wall second, best and median of ``--repeats``), the time of a call with a changed ``k``
and how many XLA compilations it triggered (must be 0), and the peak RSS.

    python benchmarks/bench_t1.py [--repeats 5] [--duration 10000] [--regions 80]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import numpy as np  # noqa: E402

import wbxr  # noqa: E402


def bench_connectome(n_regions: int = 80, seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """The SPEC connectome: ~40 % dense symmetric weights, max in-strength 1, distances in mm."""
    rng = np.random.default_rng(seed)
    weights = rng.random((n_regions, n_regions))
    weights = (weights + weights.T) / 2
    weights[weights < 0.6] = 0.0
    np.fill_diagonal(weights, 0.0)
    weights /= weights.sum(1).max()
    positions = rng.uniform(-70.0, 70.0, size=(n_regions, 3))
    distances = np.linalg.norm(positions[:, None, :] - positions[None, :, :], axis=-1)
    return weights, distances


def t1_network(n_regions: int = 80, k: float = 0.5) -> wbxr.Network:
    weights, distances = bench_connectome(n_regions)
    conn = wbxr.connectome(weights, distances, name=f"SPEC bench N={n_regions}")
    noise = wbxr.noise.White(sigma=0.02)
    model = wbxr.models.Hopf(a=-0.05, w=0.2, noise={"x": noise, "y": noise})
    return wbxr.Network(model, conn, speed=10.0, coupling="diffusive", coupled_var="x", k=k)


class CompileCounter:
    """Counts XLA backend compilations through jax.monitoring."""

    def __init__(self) -> None:
        self.count = 0
        jax.monitoring.register_event_duration_secs_listener(self._on_event)

    def _on_event(self, event: str, duration: float, **kwargs) -> None:
        if event == "/jax/core/compile/backend_compile_duration":
            self.count += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--duration", type=float, default=10_000.0, help="ms")
    parser.add_argument("--regions", type=int, default=80)
    args = parser.parse_args()

    counter = CompileCounter()
    net = t1_network(args.regions)
    run = lambda network, seed=0: wbxr.simulate(  # noqa: E731
        network, duration=args.duration, dt=0.1, sample_every=1.0, seed=seed
    )
    t0 = time.perf_counter()
    first = run(net)
    first_call = time.perf_counter() - t0
    warm = []
    for repeat in range(args.repeats):
        t0 = time.perf_counter()
        run(net, seed=repeat + 1)
        warm.append(time.perf_counter() - t0)
    compiles_before = counter.count
    t0 = time.perf_counter()
    changed = run(net.replace(k=0.3))
    changed_k = time.perf_counter() - t0
    new_compiles = counter.count - compiles_before

    simulated_s = args.duration / 1000.0
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"wbxr {wbxr.__version__}, jax {jax.__version__}, {jax.devices()[0].platform}, "
          f"precision {first.attrs['precision']}")
    print(f"T1 Hopf N={args.regions}, {simulated_s:g} s simulated, samples {first.x.shape}")
    print(f"first call (compile included): {first_call:.2f} s")
    print(f"warm: best {min(warm):.3f} s, median {statistics.median(warm):.3f} s -> "
          f"{simulated_s / min(warm):.1f} sim-s/s best, {simulated_s / statistics.median(warm):.1f} median")
    print(f"changed k: {changed_k:.3f} s, new compilations: {new_compiles}")
    print(f"peak RSS: {peak_rss_mb:.0f} MB; finite: {bool(np.isfinite(changed.x.values).all())}")


if __name__ == "__main__":
    main()
