#!/usr/bin/env bash
# The step channel's overhead with the driver and one executor on cores of their own, the nearest
# this one machine gets to separate hosts: a standalone cluster with one worker pinned to the last
# core (taskset), the bench's driver pinned to core 0, socket links (channel-tcp), the MLP at global
# batch 512. Prints one JSON line per run (overhead_ms = step wall minus the task's compute).
#   scripts/bench/channel-pinned.sh [--runs 3] [--out results.jsonl]   (other TrainBench spark options too)
# To compare two builds, run it alternately in a worktree of each (runs on this machine vary by
# ±0.7 ms; only medians of many alternating runs compare). Needs 2 cores and taskset; not for CI.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$DPTRAIN_ROOT"
export SPARK_LOCAL_IP=127.0.0.1 OPENBLAS_NUM_THREADS=1
export DPTRAIN_CLUSTER_DIR=${DPTRAIN_CLUSTER_DIR:-$DPTRAIN_ROOT/target/cluster-pinned}
last=$(( $(nproc) - 1 ))
(( last >= 1 )) || { echo "channel-pinned: needs at least 2 cores" >&2; exit 2; }
dptrain_build
taskset -c "$last" scripts/cluster-local.sh start 1 >/dev/null
trap 'scripts/cluster-local.sh stop >/dev/null 2>&1 || true' EXIT
# The bench builds its RDD from its own copy of Fashion-MNIST (bench only), so the one partition's
# task is about 190 MB, above Spark's default 128 MB RPC message limit.
DPTRAIN_JAVA_OPTS="-Dspark.rpc.message.maxSize=512 ${DPTRAIN_JAVA_OPTS:-}" taskset -c 0 \
  scripts/bench/train-bench.sh spark --master spark://127.0.0.1:${DPTRAIN_MASTER_PORT:-7077} --cluster --executors 1 \
  --batches 512 --transports channel-tcp "$@"
