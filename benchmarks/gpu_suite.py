"""SPEC tasks on a GPU: one system's task scripts run in ONE process, job after job.

    BENCH_JAX_PLATFORMS=cuda python benchmarks/gpu_suite.py --system wbxr \\
        --jobs T1 T2 T3:8 T3:80 T3:1000 T3:4000 T4:16 T4:1024 [--repeats 2] [--t4-duration 1000]
    python benchmarks/gpu_suite.py --summarize results.jsonl      # the table of JSON lines

``run.py`` starts one subprocess per job, which on a GPU would spend most of the lease
initialising CUDA; here each ``systems/<system>_tasks.py`` is imported once and its
``main()`` is called per job with that job's command line (``T3:N`` sets the number of
regions, ``T4:M`` the number of seeds, which ``spec.N_SEEDS`` holds).  A job that fails
prints a JSON line with its error and the next job runs.  The JSON lines are those of
``spec.run_and_report`` plus ``"platform"`` and ``"device"``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import sys
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR / "systems"))
import spec  # noqa: E402


def parse_job(job: str) -> tuple[str, int | None, int | None]:
    """``"T3:4000"`` -> ("T3", 4000 regions, None); ``"T4:1024"`` -> ("T4", None, 1024 seeds)."""
    task, _, size = job.partition(":")
    if task not in spec.TASKS:
        raise ValueError(f"job {job!r}: task must be one of {sorted(spec.TASKS)}")
    if not size:
        return task, None, None
    return (task, None, int(size)) if task == "T4" else (task, int(size), None)


def run_jobs(system: str, jobs: list[str], repeats: int, t4_duration: float | None) -> None:
    module = importlib.import_module(f"{system}_tasks")
    import jax

    parsed = [(job, *parse_job(job)) for job in jobs]   # a bad job fails before any work
    device = jax.devices()[0]
    where = {"platform": device.platform, "device": device.device_kind}
    for job, task, n, seeds in parsed:
        argv = ["--task", task, "--repeats", str(repeats)]
        if n is not None:
            argv += ["--n", str(n)]
        if task == "T4" and t4_duration is not None:
            argv += ["--duration", str(t4_duration)]
        spec.N_SEEDS = seeds or 16
        sys.argv = [f"{system}_tasks.py", *argv]
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                module.main()
            line = json.loads(out.getvalue().strip().splitlines()[-1])
        except Exception as error:  # noqa: BLE001 - report and go on with the next job
            traceback.print_exc()
            line = {"system": system, "task": task, "n_regions": n, "failed": repr(error)[:300]}
        line.update(where, job=job, n_seeds=spec.N_SEEDS if task == "T4" else 1)
        print(json.dumps(line), flush=True)


def summarize(paths: list[str]) -> str:
    """A markdown table of the JSON lines in ``paths`` (failed jobs say why)."""
    rows = []
    for path in paths:
        for text in Path(path).read_text().splitlines():
            if text.startswith("{"):
                rows.append(json.loads(text))
    rows.sort(key=lambda r: (r.get("job", ""), r.get("system", "")))
    lines = ["| job | system | device | simulated (s) | first call (s) | warm sim-s/s | notes |",
             "|---|---|---|---:|---:|---:|---|"]
    for r in rows:
        if "failed" in r:
            lines.append(f"| {r.get('job')} | {r['system']} | {r.get('device', '')} | – | – | failed | {r['failed'][:120]} |")
            continue
        lines.append(
            f"| {r['job']} | {r['system']} | {r['device']} | {r['duration_ms'] * r['n_seeds'] / 1000:g} | "
            f"{r['first_call_s']:.3g} | "
            f"{r['sim_seconds_per_wall_second']:.4g} | {r['notes'][:160]} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--system", choices=["wbxr", "vbjax", "brainmass"])
    parser.add_argument("--jobs", nargs="+", default=["T1", "T2", "T3:8", "T3:80", "T4:16"])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--t4-duration", type=float, default=None, help="ms per T4 member")
    parser.add_argument("--summarize", nargs="+", metavar="JSONL")
    args = parser.parse_args()
    if args.summarize:
        print(summarize(args.summarize))
        return
    if args.system is None:
        parser.error("--system is required unless --summarize is given")
    os.environ.setdefault("BENCH_JAX_PLATFORMS", "cuda")
    run_jobs(args.system, args.jobs, args.repeats, args.t4_duration)


if __name__ == "__main__":
    main()
