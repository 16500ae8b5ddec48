"""Before timing on a GPU: does wbxr run there, and does it give the CPU's numbers?

    python benchmarks/gpu_check.py

Runs T1 (Hopf, N = 80, SPEC connectome, delays, white noise) for 2 s on the default device
(the GPU) and on the CPU, in float32 with the same seed, and prints the largest difference
of the recorded x (relative to its spread; float32 rounding of a damped, noise-driven system
keeps it small), the finiteness of both, and how many XLA compilations a second GPU call
with a changed ``k`` made (it should make none).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

_platform = os.environ.get("BENCH_JAX_PLATFORMS", "cuda")
os.environ["JAX_PLATFORMS"] = _platform if _platform == "cpu" else f"{_platform},cpu"  # the CPU too
sys.path.insert(0, str(Path(__file__).resolve().parent))

import jax  # noqa: E402
import numpy as np  # noqa: E402

import wbxr  # noqa: E402
from bench_t1 import t1_network  # noqa: E402


def main() -> None:
    net = t1_network(80)
    common = {"duration": 2000.0, "dt": 0.1, "sample_every": 1.0, "seed": 3}
    device = jax.devices()[0]
    print(f"wbxr {wbxr.__version__}, jax {jax.__version__}, default device {device.platform} ({device.device_kind})")

    compiles = {"n": 0}
    jax.monitoring.register_event_duration_secs_listener(
        lambda event, duration, **kw: compiles.__setitem__("n", compiles["n"] + 1)
        if event == "/jax/core/compile/backend_compile_duration" else None)

    start = time.perf_counter()
    on_gpu = wbxr.simulate(net, **common).x.values
    first = time.perf_counter() - start
    before = compiles["n"]
    wbxr.simulate(net.replace(k=0.3), **common)
    recompiles = compiles["n"] - before
    with jax.default_device(jax.devices("cpu")[0]):
        on_cpu = wbxr.simulate(net, **common).x.values

    spread = float(np.std(on_cpu))
    diff = float(np.max(np.abs(on_gpu - on_cpu)))
    print(f"first call on {device.platform}: {first:.2f} s; XLA compilations for a changed k: {recompiles}")
    print(f"x finite: gpu {bool(np.isfinite(on_gpu).all())}, cpu {bool(np.isfinite(on_cpu).all())}; "
          f"std {spread:.4g}; max |gpu - cpu| = {diff:.3g} ({diff / spread:.2g} of the std)")


if __name__ == "__main__":
    main()
