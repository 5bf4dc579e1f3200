#!/usr/bin/env bash
# Throughput of the Fashion-MNIST MLP: single-process engine (1 BLAS thread) and Spark at global
# batch 128/512/2048 with per-step overhead against an empty job of the same size.
#   scripts/bench/train-bench.sh [engine|spark|all] [master, default local[2]]
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
dptrain_build
# shellcheck disable=SC2046
exec java $(dptrain_jvm_opts) -cp "$(dptrain_classpath)" dev.dptrain.driver.bench.TrainBench "$@"
