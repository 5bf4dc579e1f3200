#!/usr/bin/env bash
# Tabular acceptance (not in CI): scikit-learn's bundled data sets (breast_cancer as LibSVM with
# ±1 labels, wine as CSV with string labels and a header, digits as CSV with class indices and
# constant pixels, diabetes as CSV regression) trained with dptrain's documented minimal config
# and with sklearn's MLPClassifier / MLPRegressor (64 hidden units, StandardScaler) on the same
# 75/25 splits. Prints "data set | metric | dptrain | sklearn MLP | difference | within" and exits
# 1 when dptrain is more than 1 point (accuracy) or 5% (RMSE) worse.
# Needs Debian's python3-sklearn (apt-get install python3-sklearn).
# Usage: scripts/acceptance/tabular.sh [WORKDIR]
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
W=${1:-$(mktemp -d /tmp/dptrain-tabular.XXXXXX)}
W=$(cd "$(mkdir -p "$W" && echo "$W")" && pwd)
export DPTRAIN_HEAP=${DPTRAIN_HEAP:-2g}
DPTRAIN_MVN_ARGS=${DPTRAIN_MVN_ARGS:--o} flock /tmp/dptrain-build.lock bash -c "source '$DPTRAIN_ROOT/scripts/lib.sh'; dptrain_build"
CP=$(dptrain_classpath)
# shellcheck disable=SC2207
JVM=($(dptrain_jvm_opts))
dptrain() { java "${JVM[@]}" -cp "$CP" dev.dptrain.driver.cli.Main "$@"; }

/usr/bin/python3 "$DPTRAIN_ROOT/scripts/acceptance/tabular.py" export "$W"
for name in breast_cancer wine digits diabetes; do
  d=$W/$name
  rm -rf "$d/run"
  echo "== $name" >&2
  dptrain train "$d/run.conf" >"$d/train.out" 2>"$d/train.err" || { cat "$d/train.err" >&2; exit 1; }
  test=$(ls "$d"/test.*)
  # evaluate reads the test file as the model read its training data: no data options
  dptrain evaluate --model "$d/run/model" --data "$test" --master 'local[2]' >"$d/evaluate.out" 2>"$d/evaluate.err" \
    || { cat "$d/evaluate.err" >&2; exit 1; }
  dptrain predict --model "$d/run/model" --input "$test" --output "$d/predictions.csv" --output-format csv \
    --single-file --overwrite --master 'local[2]' >"$d/predict.out" 2>"$d/predict.err" \
    || { cat "$d/predict.err" >&2; exit 1; }
  grep -h "dptrain: " "$d/evaluate.out" >&2
done
/usr/bin/python3 "$DPTRAIN_ROOT/scripts/acceptance/tabular.py" table "$W"
