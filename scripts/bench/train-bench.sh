#!/usr/bin/env bash
# dptrain's own benchmarks (engine throughput, Spark throughput and step overhead, time to accuracy);
# see bench/spark/src/main/java/dev/dptrain/bench/spark/TrainBench.java for the modes and options.
#   scripts/bench/train-bench.sh engine --model mlp --runs 3 --out results.jsonl
#   scripts/bench/train-bench.sh spark --master 'local[2]' --batches 128,512,2048
# OPENBLAS_NUM_THREADS sets the engine's BLAS threads (default 1).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
dptrain_build
BENCH_CP=$(dptrain_bench_classpath)
cd "$DPTRAIN_ROOT"
# shellcheck disable=SC2046
exec java $(dptrain_jvm_opts) ${DPTRAIN_JAVA_OPTS:-} -cp "$BENCH_CP" \
  dev.dptrain.bench.spark.TrainBench "$@"
