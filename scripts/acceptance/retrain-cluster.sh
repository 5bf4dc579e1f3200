#!/usr/bin/env bash
# Acceptance (not in CI): dptrain retrain on the local standalone cluster (scripts/cluster-local.sh,
# a master and 2 workers). Three runs into one model directory: the first candidate is promoted
# (exit 0), a warm-started good one is promoted (exit 0), a deliberately bad one (sgd, lr 10) is
# refused (exit 7) and the current model file is byte for byte what it was.
#   scripts/acceptance/retrain-cluster.sh
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
dptrain_build
work=$DPTRAIN_ROOT/target/retrain-cluster
rm -rf "$work" && mkdir -p "$work"
CP="$(dptrain_classpath)"
EXEC_OPTS="$(DPTRAIN_HEAP=1g dptrain_jvm_opts | sed 's/-Xmx[^ ]* //')"
export DPTRAIN_CLUSTER_DIR="$work/cluster" DPTRAIN_CLASSPATH="$CP"
MASTER=$("$DPTRAIN_ROOT/scripts/cluster-local.sh" start 2 | grep '^spark://')
trap '"$DPTRAIN_ROOT/scripts/cluster-local.sh" stop >/dev/null' EXIT
fashion=/usr/share/datasets/fashion-mnist
config() { # NAME OPTIMIZER
  cat >"$work/$1.conf" <<CONF
model {
  input = [784], loss = softmax_cross_entropy
  layers = [ { type = dense, units = 128, init = he_normal }, { type = relu }, { type = dense, units = 10 } ]
}
train { epochs = 1, batch-size = 100, seed = 5, optimizer { $2 } }
data {
  format = idx
  train-images = "$fashion/train-images-idx3-ubyte.gz", train-labels = "$fashion/train-labels-idx1-ubyte.gz"
  test-images = "$fashion/t10k-images-idx3-ubyte.gz", test-labels = "$fashion/t10k-labels-idx1-ubyte.gz"
  limit = 20000
}
spark {
  partitions = 2
  conf {
    spark.driver.host = "127.0.0.1"
    spark.executor.memory = "1g"
    spark.executor.cores = "1"
    spark.cores.max = "2"
    # the cluster's SPARK_HOME holds the jars only: the executors need this build's classes too
    spark.executor.extraClassPath = "$CP"
    spark.executor.extraJavaOptions = "$EXEC_OPTS"
    spark.scheduler.minRegisteredResourcesRatio = "1.0"
  }
}
output { dir = unused, progress = lines }
CONF
}
config good "type = adam, lr = 0.001"
config bad "type = sgd, lr = 10"
models=$work/models
run() { # EXPECTED CONFIG
  set +e
  "$DPTRAIN_ROOT/scripts/dptrain" retrain "$work/$2.conf" --models "$models" --master "$MASTER" | tee "$work/$2-$1.log"
  local status=${PIPESTATUS[0]}
  set -e
  [[ $status == "$1" ]] || { echo "retrain-cluster: FAIL: $2 exited $status, expected $1" >&2; exit 1; }
}
run 0 good
run 0 good
current=$(ls -d "$models"/versions/v*/PROMOTED | tail -1 | xargs dirname)
before=$(sha256sum "$current/model/model.dptm" | cut -d' ' -f1)
run 7 bad
after=$(sha256sum "$current/model/model.dptm" | cut -d' ' -f1)
now=$(ls -d "$models"/versions/v*/PROMOTED | tail -1 | xargs dirname)
[[ "$before" == "$after" && "$now" == "$current" ]] || { echo "retrain-cluster: FAIL: the current model changed" >&2; exit 1; }
echo "retrain-cluster: PASS on $MASTER: promoted, promoted, refused (exit 7); current $current unchanged"
grep -h "^candidate\|^previous\|^decision" "$models"/versions/*/retrain.properties "$models"/rejected/*/retrain.properties
