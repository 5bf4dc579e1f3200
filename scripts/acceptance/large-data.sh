#!/usr/bin/env bash
# Acceptance (not in CI): one epoch on a Parquet data set about 7x larger than the driver heap,
# on the 2-worker standalone cluster of scripts/cluster-local.sh, with a 512 MB driver heap.
#   scripts/acceptance/large-data.sh            # 20 copies: 1.2 M rows x 784 floats = 3.76 GB as float32
#   COPIES=4 scripts/acceptance/large-data.sh   # a quicker trial
# Prints wall time, ingestion rows/s, peak driver heap (from the GC log), the executor bytes per
# example and whether Spark warned about a task of very large size; exits 1 when a check fails.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
COPIES=${COPIES:-20}
WORK=${DPTRAIN_LARGE_DIR:-$DPTRAIN_ROOT/target/large-data}
DRIVER_HEAP_MB=512
dptrain_build
BENCH_CP=$(dptrain_bench_classpath)
CP="$(dptrain_classpath)"
mkdir -p "$WORK"
DATA="$WORK/fashion-x$COPIES.parquet"
if [[ ! -d "$DATA" ]]; then
  echo "large-data: generating $DATA ($COPIES copies of Fashion-MNIST) ..."
  # shellcheck disable=SC2046
  java $(dptrain_jvm_opts) -Dlog4j2.configurationFile="$DPTRAIN_ROOT/conf/log4j2.properties" -cp "$BENCH_CP" \
    dev.dptrain.bench.spark.LargeDataGenerator --out "$DATA" --copies "$COPIES" 2>"$WORK/generate.log"
fi
ROWS=$((COPIES * 60000))
echo "large-data: $ROWS rows, $(du -sh "$DATA" | cut -f1) of Parquet, $((ROWS * 785 * 4 / 1000000)) MB as float32; driver heap ${DRIVER_HEAP_MB} MB"

export DPTRAIN_CLUSTER_DIR="$WORK/cluster" DPTRAIN_WORKER_MEMORY=${DPTRAIN_WORKER_MEMORY:-9g} DPTRAIN_CLASSPATH="$CP"
MASTER=$("$DPTRAIN_ROOT/scripts/cluster-local.sh" start 2 | grep '^spark://')
trap '"$DPTRAIN_ROOT/scripts/cluster-local.sh" stop >/dev/null' EXIT
EXEC_OPTS="$(DPTRAIN_HEAP=8g dptrain_jvm_opts | sed 's/-Xmx[^ ]* //')"
rm -rf "$WORK/run"
cat >"$WORK/large.conf" <<CONF
model {
  input = [1, 28, 28]
  loss = softmax_cross_entropy
  layers = [
    { type = dense, units = 256, init = he_normal }
    { type = batchnorm }
    { type = relu }
    { type = dense, units = 10, init = he_normal }
  ]
}
train { epochs = 1, batch-size = 512, seed = 42, optimizer { type = sgd, lr = 0.05, momentum = 0.9 } }
data { format = parquet, train = "$DATA", standardize = center }
spark {
  master = "$MASTER"
  partitions = 2
  conf {
    spark.driver.host = "127.0.0.1"
    spark.executor.memory = "8g"
    spark.executor.cores = "1"
    spark.cores.max = "2"
    spark.executor.extraClassPath = "$CP"
    spark.executor.extraJavaOptions = "$EXEC_OPTS"
    spark.scheduler.minRegisteredResourcesRatio = "1.0"
  }
}
output { dir = "$WORK/run", progress = lines, log-every = 200 }
CONF
start=$(date +%s.%N)
# shellcheck disable=SC2046
java $(DPTRAIN_HEAP=${DRIVER_HEAP_MB}m dptrain_jvm_opts) -Xlog:gc:file="$WORK/gc.log" \
  -Dlog4j2.configurationFile="$DPTRAIN_ROOT/conf/log4j2.properties" -cp "$CP" \
  dev.dptrain.driver.cli.Main train "$WORK/large.conf" 2>"$WORK/driver.err" \
  | while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done | tee "$WORK/train.log"
end=$(date +%s.%N)
loaded=$(grep -m1 'training examples in' "$WORK/train.log" | cut -d' ' -f1)
cached=$(grep -m1 'training data cached' "$WORK/train.log" | sed 's/.*cached: //')
peak=$(grep -oP '\d+M->\d+M' "$WORK/gc.log" | tr -d 'M' | tr '>' ' ' | awk -F'[- ]' '{for(i=1;i<=NF;i++) if($i+0>m) m=$i+0} END {print m+0}')
large=$(grep -c 'very large size' "$WORK/driver.err" || true)
ok=1
printf '\n%-36s %s\n' "rows" "$ROWS"
printf '%-36s %.1f s\n' "wall time (start to model saved)" "$(echo "$end - $start" | bc)"
if [[ -n "$loaded" ]]; then
  printf '%-36s %.1f s, %.0f rows/s\n' "ingestion (start to data cached)" "$(echo "$loaded - $start" | bc)" \
    "$(echo "$ROWS / ($loaded - $start)" | bc -l)"
else ok=0; echo "large-data: the run never finished loading its data" >&2; fi
printf '%-36s %s\n' "executor storage" "${cached:-?}"
printf '%-36s %s MB of %s MB\n' "peak driver heap (GC log)" "$peak" "$DRIVER_HEAP_MB"
printf '%-36s %s\n' "'task of very large size' warnings" "$large"
grep -q 'model saved to' "$WORK/train.log" || { ok=0; echo "large-data: no model saved; see $WORK/driver.err" >&2; }
[[ "$large" == 0 ]] || ok=0
[[ "$peak" -lt "$DRIVER_HEAP_MB" ]] || ok=0
[[ $ok == 1 ]] && echo "large-data: PASS" || { echo "large-data: FAIL" >&2; exit 1; }
