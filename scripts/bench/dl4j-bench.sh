#!/usr/bin/env bash
# DL4J Spark 1.0.0-M2 baseline (ParameterAveragingTrainingMaster) for the Fashion-MNIST MLP.
# Builds bench/dl4j (outside the default build; the first build downloads DL4J from Maven Central)
# and runs it:   scripts/bench/dl4j-bench.sh MASTER GLOBAL_BATCH AVERAGING_FREQUENCY STEPS RUNS
# DPTRAIN_MVN_ARGS is passed to mvn (e.g. "-o -Dmaven.repo.local=..."; offline only once DL4J is there).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
DIR="$DPTRAIN_ROOT/bench/dl4j"
CP_FILE="$DIR/target/classpath.txt"
if [[ ! -f "$CP_FILE" ]] || [[ -n "$(find "$DIR/src" "$DIR/pom.xml" -newer "$CP_FILE" -print -quit)" ]]; then
  # shellcheck disable=SC2086
  (cd "$DIR" && mvn -q -B ${DPTRAIN_MVN_ARGS:-} compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >&2 \
    && touch "$CP_FILE")
fi
# One native (OpenMP/OpenBLAS) thread per Spark task, like dptrain's OPENBLAS_NUM_THREADS=1.
export OMP_NUM_THREADS=1
# shellcheck disable=SC2046
exec java $(dptrain_jvm_opts) -cp "$DIR/target/classes:$(cat "$CP_FILE")" dev.dptrain.bench.dl4j.Dl4jSparkBench "$@"
