#!/usr/bin/env bash
# Time to the first step's data: dptrain's executor-side path for Fashion-MNIST as Parquet and as
# IDX (gzip) against Spark's own Parquet scan of the same rows (the floor), in one JVM.
#   scripts/bench/ingest.sh [--runs 3] [--partitions 2] [--master 'local[2]']
# Writes the Parquet copy once to target/bench-data/fashion-train.parquet.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
dptrain_build
BENCH_CP=$(dptrain_bench_classpath)
DATA="$DPTRAIN_ROOT/target/bench-data/fashion-train.parquet"
run() {
  # shellcheck disable=SC2046
  java $(dptrain_jvm_opts) ${DPTRAIN_JAVA_OPTS:-} -Dlog4j2.configurationFile="$DPTRAIN_ROOT/conf/log4j2.properties" \
    -cp "$BENCH_CP" "$@"
}
if [[ ! -d "$DATA" ]]; then
  mkdir -p "$(dirname "$DATA")"
  run dev.dptrain.bench.spark.LargeDataGenerator --out "$DATA" --copies 1 2>/dev/null
fi
run dev.dptrain.bench.spark.IngestBench --parquet "$DATA" "$@" 2>/dev/null
