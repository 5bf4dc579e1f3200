#!/usr/bin/env bash
# Time to the first step's data: dptrain's executor-side path for Fashion-MNIST as Parquet and as
# IDX (gzip) against Spark's own Parquet scan of the same rows (the floor), in one JVM.
#   scripts/bench/ingest.sh [--runs 3] [--partitions 2] [--master 'local[2]']
# Writes the Parquet copy once to target/bench-data/fashion-train.parquet.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
dptrain_build
CP_FILE="$DPTRAIN_ROOT/bench/spark/target/classpath.txt"
CLASSES="$DPTRAIN_ROOT/bench/spark/target/classes"
if [[ ! -f "$CP_FILE" ]] || [[ -n "$(find "$DPTRAIN_ROOT/bench/spark/src/main" -newer "$CP_FILE" -print -quit)" ]]; then
  # shellcheck disable=SC2086
  (cd "$DPTRAIN_ROOT" && mvn -q -B ${DPTRAIN_MVN_ARGS:-} -DskipTests -pl bench/spark -am compile \
    dependency:build-classpath -Dmdep.outputFile="$CP_FILE.tmp" >&2 && mv "$CP_FILE.tmp" "$CP_FILE")
fi
DATA="$DPTRAIN_ROOT/target/bench-data/fashion-train.parquet"
run() {
  # shellcheck disable=SC2046
  java $(dptrain_jvm_opts) ${DPTRAIN_JAVA_OPTS:-} -Dlog4j2.configurationFile="$DPTRAIN_ROOT/conf/log4j2.properties" \
    -cp "$CLASSES:$(dptrain_classpath)" "$@"
}
if [[ ! -d "$DATA" ]]; then
  mkdir -p "$(dirname "$DATA")"
  run dev.dptrain.bench.spark.LargeDataGenerator --out "$DATA" --copies 1 2>/dev/null
fi
run dev.dptrain.bench.spark.IngestBench --parquet "$DATA" "$@" 2>/dev/null
