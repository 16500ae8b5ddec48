"""SPEC tasks T1-T4 for neurolib (run with benchmarks/.envs/neurolib/bin/python).

    python benchmarks/systems/neurolib_tasks.py --task T1 [--n 80] [--duration 10000] [--repeats 1]

neurolib's own models (``HopfModel``, ``WCModel``), integrated by their numba loops (Euler,
float64 only: neurolib allocates float64 arrays).  Deviations from neurolib's defaults:

* Hopf: a = -0.05, K_gl = 0.5, diffusive coupling on x (neurolib's default coupling), delays
  from the SPEC distances with ``signalV`` = 10 (neurolib's unit, m/s, equals mm/ms).
* Noise: neurolib's only noise is an Ornstein-Uhlenbeck input added to the derivative,
  ``ou <- ou + (mean - ou) dt / tau_ou + sigma_ou sqrt(dt) xi``.  With ``tau_ou = dt`` the
  process forgets itself every step, ``ou = sigma_ou sqrt(dt) xi``, so the state gets
  ``dt * ou = (sigma_ou dt) sqrt(dt) xi``: SPEC's additive white noise with
  ``sigma_ou = sigma / dt`` (Hopf; divided by tau_exc in Wilson-Cowan, see below).
* Wilson-Cowan: neurolib's defaults (tau_exc 2.5 ms, ...) and its coupling, which is additive on
  E (it has no diffusive option), K_gl = 0.5.  Its noise enters as ``(... + exc_ou) / tau_exc``
  and one ``sigma_ou`` drives both E and I, so noise is on E *and* I here (same cost as E only);
  ``sigma_ou = sigma * tau_exc / dt`` gives sigma on E.
* Recording: ``sampling_dt = 1 ms``.  neurolib still draws all the noise up front into
  (N, steps) float64 arrays and keeps the full history, so memory is O(N * steps).
* T4: neurolib has no batched runner (its pypet-based exploration spawns processes per
  parameter point), so a plain loop over 16 seeds in one model.
"""

from __future__ import annotations

import logging
import sys
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import spec  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402
from neurolib.models.hopf import HopfModel  # noqa: E402
from neurolib.models.wc import WCModel  # noqa: E402

logging.getLogger().setLevel(logging.WARNING)


def make_model(task: str, n: int, duration: float):
    W, D = spec.bench_connectome(n)
    if task == "T2":
        model = WCModel(Cmat=W, Dmat=D, seed=0)
        var = "exc"
        model.params["sigma_ou"] = spec.SIGMA * model.params["tau_exc"] / spec.DT
    else:
        model = HopfModel(Cmat=W, Dmat=D, seed=0)
        var = "x"
        model.params["a"] = spec.HOPF_A
        model.params["w"] = spec.HOPF_W
        model.params["coupling"] = "diffusive"
        model.params["sigma_ou"] = spec.SIGMA / spec.DT
    model.params["K_gl"] = spec.K
    model.params["signalV"] = spec.SPEED
    model.params["tau_ou"] = spec.DT        # white noise, see the module docstring
    model.params["dt"] = spec.DT
    model.params["duration"] = duration
    model.params["sampling_dt"] = spec.SAMPLE_EVERY
    return model, var


def main() -> None:
    args = spec.parse_args()
    model, var = make_model(args.task, args.n, args.duration)
    seeds = range(spec.N_SEEDS) if args.task == "T4" else [0]

    def call():
        out = []
        for seed in seeds:
            model.params["seed"] = seed
            model.run()
            out.append(np.array(model[var]).T)   # (time, region)
        return np.stack(out) if args.task == "T4" else out[0]

    notes = [f"numba {numba.__version__}", f"numpy {np.__version__}", "euler",
             "white noise as OU with tau_ou = dt"]
    if args.task == "T2":
        notes.append("WC coupling additive (neurolib has no diffusive WC), noise on E and I")
    if args.task == "T4":
        notes.append(f"T4 via a plain loop over {spec.N_SEEDS} seeds (no batching in neurolib)")
    spec.run_and_report(
        system="neurolib", version=version("neurolib"), args=args, precision="float64",
        call=call, notes=", ".join(notes), check=spec.summarize,
    )


if __name__ == "__main__":
    main()
