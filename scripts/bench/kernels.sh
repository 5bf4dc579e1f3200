#!/usr/bin/env bash
# JMH kernel benchmarks (bench/kernels): sgemm through the BLAS in use, and training forward+backward
# of every layer of conf/fashion-mlp.conf and conf/fashion-cnn.conf at batch 128.
#   scripts/bench/kernels.sh [--quick] [RESULT_JSON] [JMH options, e.g. a benchmark regexp]
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
QUICK=0
if [[ "${1:-}" == "--quick" ]]; then QUICK=1; shift; fi
RESULT=${1:-$DPTRAIN_ROOT/target/bench/jmh.json}
[[ $# -gt 0 ]] && shift
mkdir -p "$(dirname "$RESULT")"
dptrain_build
CP_FILE="$DPTRAIN_ROOT/bench/kernels/target/classpath.txt"
if [[ ! -f "$CP_FILE" ]] || [[ "$DPTRAIN_ROOT/bench/kernels/pom.xml" -nt "$CP_FILE" ]]; then
  # shellcheck disable=SC2086
  (cd "$DPTRAIN_ROOT" && mvn -q -B ${DPTRAIN_MVN_ARGS:-} dependency:build-classpath -pl bench/kernels \
    -Dmdep.outputFile="$CP_FILE" >&2)
fi
# Every layer of the two reference models, as "model:index" (layers are the '{ type = ... }' entries).
LAYERS=$(for conf in "$DPTRAIN_ROOT"/conf/fashion-{mlp,cnn}.conf; do
  [[ -f "$conf" ]] || continue
  model=$(basename "$conf" .conf); model=${model#fashion-}
  n=$(grep -cE '^\s*\{\s*type\s*=' "$conf" || true)
  for ((i = 0; i < n; i++)); do printf '%s:%d,' "$model" "$i"; done
done)
LAYERS=${LAYERS%,}
ARGS=(-rf json -rff "$RESULT" -p "layer=$LAYERS" -p "confDir=$DPTRAIN_ROOT/conf")
if [[ $QUICK == 1 ]]; then ARGS+=(-wi 1 -w 300ms -i 2 -r 300ms); fi
# shellcheck disable=SC2086
exec java -cp "$DPTRAIN_ROOT/bench/kernels/target/classes:$DPTRAIN_ROOT/model/target/classes:$(cat "$CP_FILE")" \
  org.openjdk.jmh.Main "${ARGS[@]}" ${JMH_OPTS:-} "$@"
