"""SPEC tasks T1-T4 for wbxr (run with the python of the repo's .venv or benchmarks/.envs/wbxr).

    python benchmarks/systems/wbxr_tasks.py --task T1 [--n 80] [--duration 10000] [--repeats 1]

Everything as SPEC states it: Hopf a = -0.05, w = 0.2 rad/ms, K = 0.5 diffusive on x, white
noise sigma = 0.02 on x and y; Wilson-Cowan with wbxr's defaults, diffusive coupling on rE
with K = 0.5 (wbxr has no default k) and white noise sigma = 0.02 on rE; delays from
distances at 10 mm/ms; Euler-Maruyama, dt = 0.1 ms, samples every 1 ms, no transient,
float32 on the CPU.  T4: ``wbxr.ensemble`` (dask-backed, lazy, computed here) when this
wbxr has it, otherwise a plain loop over ``wbxr.simulate``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import spec  # noqa: E402

spec.cpu_jax()

import jax  # noqa: E402
import numpy as np  # noqa: E402

import wbxr  # noqa: E402


def network(task: str, n: int) -> wbxr.Network:
    W, D = spec.bench_connectome(n)
    conn = wbxr.connectome(W, D, name=f"SPEC bench N={n}")
    noise = wbxr.noise.White(sigma=spec.SIGMA)
    if task == "T2":
        model = wbxr.models.WilsonCowan(noise={"rE": noise})
        return wbxr.Network(model, conn, speed=spec.SPEED, coupling="diffusive",
                            coupled_var="rE", k=spec.K)
    model = wbxr.models.Hopf(a=spec.HOPF_A, w=spec.HOPF_W, noise={"x": noise, "y": noise})
    return wbxr.Network(model, conn, speed=spec.SPEED, coupling="diffusive",
                        coupled_var="x", k=spec.K)


def main() -> None:
    args = spec.parse_args()
    net = network(args.task, args.n)
    var = "rE" if args.task == "T2" else "x"
    precision = {}
    notes = [f"jax {jax.__version__}", "euler"]

    if args.task == "T4":
        seeds = range(spec.N_SEEDS)
        if hasattr(wbxr, "ensemble"):
            notes.append(f"T4 via wbxr.ensemble over {spec.N_SEEDS} seeds (.compute())")

            def call():
                ds = wbxr.ensemble(net, args.duration, spec.DT, seeds=seeds,
                                   sample_every=spec.SAMPLE_EVERY).compute()
                precision["p"] = ds.attrs.get("precision", str(ds[var].dtype))
                return ds[var].transpose("seed", "time", "region").values
        else:
            notes.append(f"T4 via a plain loop over wbxr.simulate ({spec.N_SEEDS} seeds; "
                         "wbxr.ensemble not available)")

            def call():
                out = []
                for seed in seeds:
                    ds = wbxr.simulate(net, duration=args.duration, dt=spec.DT,
                                       sample_every=spec.SAMPLE_EVERY, seed=seed)
                    out.append(ds[var].values)
                precision["p"] = ds.attrs["precision"]
                return np.stack(out)
    else:
        def call():
            ds = wbxr.simulate(net, duration=args.duration, dt=spec.DT,
                               sample_every=spec.SAMPLE_EVERY, seed=0)
            precision["p"] = ds.attrs["precision"]
            return ds[var].values   # numpy: computed

    # Count XLA compilations per call (the warm calls should trigger none).
    compiles = {"n": 0}
    per_call = []
    jax.monitoring.register_event_duration_secs_listener(
        lambda event, duration, **kw: compiles.__setitem__("n", compiles["n"] + 1)
        if event == "/jax/core/compile/backend_compile_duration" else None)

    def counted():
        before = compiles["n"]
        out = call()
        per_call.append(compiles["n"] - before)
        return out

    spec.run_and_report(
        system="wbxr", version=wbxr.__version__, args=args,
        precision=lambda: precision["p"], call=counted, notes=", ".join(notes),
        check=lambda out: f"{spec.summarize(out)}; XLA compiles per call {per_call}",
    )


if __name__ == "__main__":
    main()
