"""Create one virtual environment per benchmarked system, on demand and idempotently.

Each system gets ``benchmarks/.envs/<system>/`` (git-ignored), made with ``python3 -m venv``
and pip from PyPI.  What is installed is decided, in this order, by

1. ``benchmarks/locks/<system>.txt`` if it exists: a full ``pip freeze`` of an env that worked,
   installed as is (reproducible);
2. otherwise the top-level pins in :data:`SYSTEMS` below, after which the resulting
   ``pip freeze`` is written to ``benchmarks/locks/<system>.txt`` for the next time.

An env is left alone when its python exists and the system's import check passes (delete
the folder or pass ``--force`` to rebuild).  wbxr is benchmarked with the repository's own
``.venv`` when that imports wbxr (it is the env the project develops in); otherwise an env is
made with ``pip install -e <repo>``.

The hardware floor (``floor.c``) is compiled here too, into ``benchmarks/.envs/floor``.

    python benchmarks/envs.py [neurolib brainmass ...] [--force] [--floor]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
ENVS_DIR = BENCH_DIR / ".envs"
LOCKS_DIR = BENCH_DIR / "locks"
FLOOR_SRC = BENCH_DIR / "floor.c"
FLOOR_BIN = ENVS_DIR / "floor"

# Top-level pins.  The lock files pin the whole dependency tree once an env has been made.
# Deviations from the brief are explained next to the pin.
SYSTEMS: dict[str, dict] = {
    "wbxr": {
        # The repository's own venv (jax as the project pins it); a fresh env otherwise.
        "pip": ["-e", str(REPO_DIR)],
        "check": "import jax, wbxr; print(wbxr.__version__, 'jax', jax.__version__)",
    },
    "neurolib": {
        # neurolib 0.6.2 predates numpy 2 (its models and pypet use removed numpy aliases),
        # so numpy 1.26 with a numba and scipy/pandas/xarray of the same era.
        "pip": [
            "neurolib==0.6.2",
            "numpy==1.26.4",
            "numba==0.60.0",
            "scipy==1.13.1",
            "pandas==2.2.2",
            "xarray==2024.6.0",
            "h5py==3.11.0",
            "setuptools<81",  # pypet/numba import pkg_resources
        ],
        "check": "import neurolib, numba, numpy; from neurolib.models.hopf import HopfModel; "
        "print('neurolib', neurolib.__version__ if hasattr(neurolib, '__version__') else '0.6.2', "
        "'numba', numba.__version__, 'numpy', numpy.__version__)",
    },
    "brainmass": {
        # brainmass 0.1.1 asks for brainstate>=0.2.9 and braintools>=0.3.0 and an unpinned
        # jax; the versions pip resolved on 2026-11-25 are frozen in the lock file.
        "pip": ["brainmass==0.1.1"],
        "check": "import jax, brainstate, brainmass; print('brainmass', brainmass.__version__, "
        "'brainstate', brainstate.__version__, 'jax', jax.__version__)",
    },
    "tvb": {
        # tvb-library 2.10.0 (the only 2.10.x on PyPI); numba for its numba backend.
        "pip": ["tvb-library==2.10.0", "numba"],
        "check": "import numba, tvb.simulator.simulator as s; import tvb.basic; "
        "from importlib.metadata import version; "
        "print('tvb-library', version('tvb-library'), 'numba', numba.__version__)",
    },
    "vbjax": {
        # NOTES' vbjax figures are with jax 0.4.30; numpy<2 and scipy<1.14 are the ones that
        # jax/jaxlib 0.4.30 were built and tested against.
        "pip": [
            "vbjax==0.0.19",
            "jax==0.4.30",
            "jaxlib==0.4.30",
            "numpy==1.26.4",
            "scipy==1.13.1",
            "tqdm",  # imported by vbjax/crosscoder.py but not declared by vbjax 0.0.19
        ],
        "check": "import jax, vbjax; from importlib.metadata import version; "
        "print('vbjax', version('vbjax'), 'jax', jax.__version__)",
    },
}


def env_dir(system: str) -> Path:
    return ENVS_DIR / system


def env_python(system: str) -> Path:
    """The python to run ``system``'s benchmark script with (the env may not exist yet).

    wbxr: ``.envs/wbxr`` if one was made (``envs.py wbxr --force``), else the repo's ``.venv``.
    """
    own = env_dir(system) / "bin" / "python"
    if system == "wbxr" and not own.exists():
        repo_python = REPO_DIR / ".venv" / "bin" / "python"
        if _check(repo_python, SYSTEMS["wbxr"]["check"]) is not None:
            return repo_python
    return own


def _check(python: Path, code: str) -> str | None:
    """Run the import check; its output, or None when it fails."""
    if not python.exists():
        return None
    try:
        proc = subprocess.run(
            [str(python), "-c", code], capture_output=True, text=True, timeout=300,
            env={**os.environ, "JAX_PLATFORMS": "cpu"},
        )
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    return proc.stdout.strip().splitlines()[-1]   # last line: vbjax prints banners on import


def _pip(python: Path, *args: str, log) -> None:
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", *args]
    print("  $", " ".join(cmd), file=log, flush=True)
    subprocess.run(cmd, check=True, stdout=log, stderr=subprocess.STDOUT)


def ensure_env(system: str, force: bool = False, log=sys.stdout) -> Path:
    """Make ``system``'s env if it is missing or broken; return its python."""
    spec = SYSTEMS[system]
    python = env_python(system)
    if not force:
        found = _check(python, spec["check"])
        if found is not None:
            print(f"[envs] {system}: ok ({found}) at {python.parent.parent}", file=log, flush=True)
            return python
    target = env_dir(system)
    python = target / "bin" / "python"
    print(f"[envs] {system}: creating {target}", file=log, flush=True)
    t0 = time.perf_counter()
    if target.exists():
        shutil.rmtree(target)
    ENVS_DIR.mkdir(parents=True, exist_ok=True)
    # A venv made from inside another venv is based on the same base interpreter.
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    _pip(python, "-q", "--upgrade", "pip", log=log)
    lock = LOCKS_DIR / f"{system}.txt"
    if system == "wbxr":
        # The lock of wbxr's own deps would pin wbxr itself as a path; install editable.
        _pip(python, "-q", *spec["pip"], log=log)
    elif lock.exists():
        _pip(python, "-q", "-r", str(lock), log=log)
    else:
        _pip(python, "-q", *spec["pip"], log=log)
    found = _check(python, spec["check"])
    if found is None:
        raise RuntimeError(f"{system}: env made but its import check fails: {spec['check']}")
    if system != "wbxr" and not lock.exists():
        # Freeze only an env that passed its check, for the next build to reproduce.
        LOCKS_DIR.mkdir(exist_ok=True)
        freeze = subprocess.run([str(python), "-m", "pip", "freeze", "--all"], check=True,
                                capture_output=True, text=True).stdout
        lock.write_text(f"# pip freeze of benchmarks/.envs/{system} (python "
                        f"{sys.version_info.major}.{sys.version_info.minor}), written by "
                        f"benchmarks/envs.py\n" + freeze)
    print(f"[envs] {system}: ready in {time.perf_counter() - t0:.0f} s ({found})", file=log,
          flush=True)
    return python


def build_floor(force: bool = False, log=sys.stdout) -> Path:
    """Compile floor.c with gcc -O3 -march=native (once; again when the source is newer)."""
    if (not force and FLOOR_BIN.exists()
            and FLOOR_BIN.stat().st_mtime >= FLOOR_SRC.stat().st_mtime):
        return FLOOR_BIN
    ENVS_DIR.mkdir(parents=True, exist_ok=True)
    cmd = ["gcc", "-O3", "-march=native", "-std=c11", "-o", str(FLOOR_BIN), str(FLOOR_SRC), "-lm"]
    print("[envs] floor: $", " ".join(cmd), file=log, flush=True)
    subprocess.run(cmd, check=True)
    return FLOOR_BIN


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("systems", nargs="*", help=f"any of {', '.join(SYSTEMS)} (default all)")
    parser.add_argument("--force", action="store_true", help="rebuild even if the env imports")
    parser.add_argument("--floor", action="store_true", help="compile the floor as well")
    args = parser.parse_args()
    failed = []
    for system in args.systems or list(SYSTEMS):
        if system not in SYSTEMS:
            parser.error(f"unknown system {system!r}")
        try:
            ensure_env(system, force=args.force)
        except (subprocess.CalledProcessError, RuntimeError) as err:
            print(f"[envs] {system}: FAILED: {err}", flush=True)
            failed.append(system)
    if args.floor or not args.systems:
        build_floor(force=args.force)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
