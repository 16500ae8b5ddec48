#!/usr/bin/env bash
# The GPU benchmark, as one command for a lent GPU machine (no network there).
#
#   bash benchmarks/gpu.sh [OUT_DIR]        # OUT_DIR default: benchmarks/results/gpu
#
# Expects the machine's python3 to have jax with CUDA, numpy, scipy, xarray, pandas,
# matplotlib; the pure-Python packages it lacks (dask, partd, locket, brainunit, saiunit,
# array_api_compat, vbjax) as wheels in .whl/ (see benchmarks/README.md, "On a GPU").
# Every step has its own time limit and writes its log to OUT_DIR; a failing step does not
# stop the others.  Prints the table of the JSON lines last.
set -u
OUT_DIR=${1:-benchmarks/results/gpu}
mkdir -p "$OUT_DIR"
export PYTHONUNBUFFERED=1 BENCH_JAX_PLATFORMS=${BENCH_JAX_PLATFORMS:-cuda}
if [ -d .whl ]; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site:$PWD || exit 1
else
    export PYTHONPATH=$PWD
fi

step() {  # step NAME SECONDS COMMAND...: run with a limit, log to OUT_DIR/NAME.log
    local name=$1 limit=$2
    shift 2
    local start=$SECONDS
    timeout "$limit" "$@" >"$OUT_DIR/$name.log" 2>&1
    echo "== $name: rc $? in $((SECONDS - start)) s"
}

nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm,clocks.mem --format=csv >"$OUT_DIR/gpu.txt" 2>&1
cat "$OUT_DIR/gpu.txt"
step check 45 python3 benchmarks/gpu_check.py
cat "$OUT_DIR/check.log" | tail -4
step wbxr 120 python3 benchmarks/gpu_suite.py --system wbxr --t4-duration 1000 \
    --jobs T1 T2 T3:8 T3:80 T3:400 T3:1000 T4:16 T4:1024 T3:2000 T3:4000
step vbjax 80 python3 benchmarks/gpu_suite.py --system vbjax --t4-duration 1000 \
    --jobs T1 T2 T3:8 T3:80 T3:400 T3:1000 T4:16 T4:1024 T3:2000 T3:4000
step ensemble 80 python3 benchmarks/bench_ensemble.py --duration 1000 --repeats 1 \
    --seeds 1024 --sweep-members 1024 --chunk-sizes 128 1024 --loop-members 16
grep -h '^{' "$OUT_DIR/wbxr.log" "$OUT_DIR/vbjax.log" >"$OUT_DIR/suite.jsonl"
python3 benchmarks/gpu_suite.py --summarize "$OUT_DIR/suite.jsonl" | tee "$OUT_DIR/table.md"
tail -12 "$OUT_DIR/ensemble.log"
