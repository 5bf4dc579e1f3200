#!/usr/bin/env bash
# The whole benchmark suite on this machine, then docs/benchmarks.md and docs/benchmarks.json.
#   scripts/bench/run-all.sh [--quick]
# --quick: fewer steps and runs, no CNN time-to-accuracy; validates the harness in a few minutes.
# The full run takes ~20 minutes on 2 cores. Raw results stay in target/bench/<UTC time>/.
# Env: DPTRAIN_MVN_ARGS (passed to every mvn call, e.g. "-o -Dmaven.repo.local=..."),
# SKIP="kernels cluster dl4j tta profile" (any subset) to leave parts out.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
SKIP=" ${SKIP:-} "
OUT="$DPTRAIN_ROOT/target/bench/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
LOG="$OUT/log.txt"
BENCH="$DPTRAIN_ROOT/scripts/bench"
PY=/usr/bin/python3
if [[ $QUICK == 1 ]]; then RUNS=2; STEPS=120; DL4J_STEPS=12; else RUNS=3; STEPS=300; DL4J_STEPS=20; fi
# dptrain benchmarks every model with a conf/fashion-<model>.conf; PyTorch always runs both.
MODELS=(mlp)
[[ -f "$DPTRAIN_ROOT/conf/fashion-cnn.conf" ]] && MODELS+=(cnn)
echo "bench: output in $OUT (dptrain models: ${MODELS[*]}, runs $RUNS)" | tee -a "$LOG"

stage() { echo "== $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*" | tee -a "$LOG"; }
skipped() { [[ "$SKIP" == *" $1 "* ]]; }

machine() {
  local phase=$1
  $PY - "$OUT/machine-$phase.json" <<'EOF'
import json, os, re, subprocess, sys
cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
mem = re.search(r"MemTotal:\s*(\d+)", open("/proc/meminfo").read())
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
json.dump({"nproc": os.cpu_count(), "cpu": cpu.group(1) if cpu else "unknown",
           "memory_gib": round(int(mem.group(1)) / 1048576, 1) if mem else None,
           "java": java[0] if java else "unknown", "kernel": os.uname().release,
           "loadavg": open("/proc/loadavg").read().split()[:3]}, open(sys.argv[1], "w"))
EOF
}

machine start
dptrain_build
export OPENBLAS_NUM_THREADS=1

if ! skipped kernels; then
  stage "JMH kernels"
  if [[ $QUICK == 1 ]]; then "$BENCH/kernels.sh" --quick "$OUT/jmh.json" >>"$LOG" 2>&1
  else "$BENCH/kernels.sh" "$OUT/jmh.json" -wi 2 -w 1s -i 3 -r 1s >>"$LOG" 2>&1; fi
fi

for model in mlp cnn; do
  if [[ $model == mlp ]]; then batches=128,512,2048; steps=$STEPS; else batches=128; steps=$((STEPS / 6)); fi
  for threads in 1 2; do
    if [[ " ${MODELS[*]} " == *" $model "* ]]; then
      stage "engine $model, $threads BLAS thread(s)"
      OPENBLAS_NUM_THREADS=$threads "$BENCH/train-bench.sh" engine --model "$model" --batches "$batches" \
        --steps "$steps" --runs "$RUNS" --out "$RESULTS" >>"$LOG" 2>&1
    fi
    stage "pytorch $model, $threads thread(s)"
    OMP_WAIT_POLICY=PASSIVE $PY "$BENCH/torch_bench.py" throughput --model "$model" --threads "$threads" \
      --batches "$batches" --steps "$steps" --runs "$RUNS" --out "$RESULTS" >>"$LOG" 2>&1
  done
done

QUICK_FLAG=()
[[ $QUICK == 1 ]] && QUICK_FLAG=(--quick)
for master in 'local[1]' 'local[2]'; do
  stage "spark $master"
  transports=broadcast,channel
  [[ $master == 'local[2]' ]] && transports=broadcast,channel,channel-tcp
  "$BENCH/train-bench.sh" spark --master "$master" --runs "$RUNS" --transports "$transports" "${QUICK_FLAG[@]}" \
    --out "$RESULTS" >>"$LOG" 2>&1
done

if ! skipped cluster; then
  stage "spark standalone cluster, 2 workers"
  export DPTRAIN_CLUSTER_DIR="$OUT/cluster" DPTRAIN_MASTER_PORT=${DPTRAIN_MASTER_PORT:-7177}
  trap '"$DPTRAIN_ROOT/scripts/cluster-local.sh" stop >>"$LOG" 2>&1 || true' EXIT
  url=$("$DPTRAIN_ROOT/scripts/cluster-local.sh" start 2 | grep '^spark://')
  "$BENCH/train-bench.sh" spark --master "$url" --cluster --executors 2 --runs "$RUNS" "${QUICK_FLAG[@]}" \
    --out "$RESULTS" >>"$LOG" 2>&1
  "$DPTRAIN_ROOT/scripts/cluster-local.sh" stop >>"$LOG" 2>&1
  trap - EXIT
fi

if ! skipped dl4j; then
  for batch in 128 512; do
    for freq in 1 5; do
      stage "dl4j spark local[2], batch $batch, averaging every $freq"
      # A failure is recorded in the log and the report, not fatal for the suite.
      if ! "$BENCH/dl4j-bench.sh" 'local[2]' "$batch" "$freq" "$DL4J_STEPS" "$RUNS" >"$OUT/dl4j-$batch-$freq.log" 2>&1; then
        echo "dl4j batch $batch freq $freq FAILED, see $OUT/dl4j-$batch-$freq.log" | tee -a "$LOG"
        tail -5 "$OUT/dl4j-$batch-$freq.log" >>"$LOG"
      fi
      grep '^RESULT ' "$OUT/dl4j-$batch-$freq.log" | sed 's/^RESULT //' >>"$RESULTS" || true
    done
  done
fi

if ! skipped tta; then
  stage "time to accuracy: mlp 88%"
  "$BENCH/train-bench.sh" tta --model mlp --target 0.88 --max-epochs 10 --runs "$RUNS" --out "$RESULTS" >>"$LOG" 2>&1
  $PY "$BENCH/torch_bench.py" tta --model mlp --threads 1 --target 0.88 --max-epochs 10 --runs "$RUNS" \
    --out "$RESULTS" >>"$LOG" 2>&1
fi

if ! skipped profile; then
  # Where the time goes in the two setups the targets are about (JFR CPU samples).
  stage "profile: spark local[2] MLP at batch 512, engine MLP (1 thread) and CNN (2 threads) at 128 (JFR)"
  DPTRAIN_JAVA_OPTS="-XX:StartFlightRecording=filename=$OUT/spark.jfr,settings=profile" \
    "$BENCH/train-bench.sh" spark --master 'local[2]' --batches 512 --runs 1 >>"$LOG" 2>&1
  DPTRAIN_JAVA_OPTS="-XX:StartFlightRecording=filename=$OUT/engine.jfr,settings=profile" \
    "$BENCH/train-bench.sh" engine --model mlp --batches 128 --steps 2000 --runs 1 >>"$LOG" 2>&1
  if [[ " ${MODELS[*]} " == *" cnn "* ]]; then
    DPTRAIN_JAVA_OPTS="-XX:StartFlightRecording=filename=$OUT/engine-cnn.jfr,settings=profile" OPENBLAS_NUM_THREADS=2 \
      "$BENCH/train-bench.sh" engine --model cnn --batches 128 --steps 60 --runs 1 >>"$LOG" 2>&1
  fi
  for name in spark engine engine-cnn; do
    [[ -f "$OUT/$name.jfr" ]] || continue
    jfr print --stack-depth 30 --events jdk.ExecutionSample,jdk.NativeMethodSample "$OUT/$name.jfr" | $PY "$BENCH/jfr_summary.py" \
      >"$OUT/profile-$name.json"
  done
fi

# Last because it is the longest (~1 minute per CNN epoch on 2 cores).
if [[ $QUICK == 0 && " ${MODELS[*]} " == *" cnn "* ]] && ! skipped tta; then
  stage "time to accuracy: cnn 91% (2 threads, 1 run each, at most 4 epochs)"
  OPENBLAS_NUM_THREADS=2 "$BENCH/train-bench.sh" tta --model cnn --target 0.91 --max-epochs 4 --runs 1 \
    --out "$RESULTS" >>"$LOG" 2>&1
  OMP_WAIT_POLICY=PASSIVE $PY "$BENCH/torch_bench.py" tta --model cnn --threads 2 --target 0.91 --max-epochs 4 \
    --runs 1 --out "$RESULTS" >>"$LOG" 2>&1
fi

machine end
stage "report"
BLAS=$(grep -m1 '^BLAS: ' "$LOG" | sed 's/^BLAS: //' || echo unknown)
TORCH=$($PY -c 'import torch; print(torch.__version__)')
$PY "$BENCH/report.py" --dir "$OUT" --blas "$BLAS" --torch "$TORCH" $([[ $QUICK == 1 ]] && echo --quick) \
  --md "$DPTRAIN_ROOT/docs/benchmarks.md" --json "$DPTRAIN_ROOT/docs/benchmarks.json"
stage "done: docs/benchmarks.md, docs/benchmarks.json"
