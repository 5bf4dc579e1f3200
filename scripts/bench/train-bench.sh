#!/usr/bin/env bash
# dptrain's own benchmarks (engine throughput, Spark throughput and step overhead, time to accuracy);
# see bench/spark/src/main/java/dev/dptrain/bench/spark/TrainBench.java for the modes and options.
#   scripts/bench/train-bench.sh engine --model mlp --runs 3 --out results.jsonl
#   scripts/bench/train-bench.sh spark --master 'local[2]' --batches 128,512,2048
# OPENBLAS_NUM_THREADS sets the engine's BLAS threads (default 1).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
dptrain_build
CP_FILE="$DPTRAIN_ROOT/bench/spark/target/classpath.txt"
CLASSES="$DPTRAIN_ROOT/bench/spark/target/classes"
if [[ ! -f "$CP_FILE" ]] || [[ "$DPTRAIN_ROOT/bench/spark/pom.xml" -nt "$CP_FILE" ]] \
    || [[ -n "$(find "$DPTRAIN_ROOT/bench/spark/src/main" -newer "$CP_FILE" -print -quit)" ]]; then
  echo "dptrain: building bench/spark ..." >&2
  # shellcheck disable=SC2086
  (cd "$DPTRAIN_ROOT" && mvn -q -B ${DPTRAIN_MVN_ARGS:-} -DskipTests -pl bench/spark -am compile \
    dependency:build-classpath -Dmdep.outputFile="$CP_FILE.tmp" >&2 && mv "$CP_FILE.tmp" "$CP_FILE")
fi
cd "$DPTRAIN_ROOT"
# shellcheck disable=SC2046
exec java $(dptrain_jvm_opts) ${DPTRAIN_JAVA_OPTS:-} -cp "$CLASSES:$(dptrain_classpath)" \
  dev.dptrain.bench.spark.TrainBench "$@"
