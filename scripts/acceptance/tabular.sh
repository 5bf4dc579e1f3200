#!/usr/bin/env bash
# Tabular acceptance (not in CI): scikit-learn's bundled data sets (breast_cancer as LibSVM with
# ±1 labels, wine as CSV with string labels and a header, digits as CSV with class indices and
# constant pixels, diabetes as CSV regression) trained with dptrain's documented minimal config
# and with sklearn's MLPClassifier / MLPRegressor (64 hidden units, StandardScaler) on the same
# 75/25 splits, 3 seeds each (train.seed 1-3, random_state 0-2). Prints "data set | metric |
# dptrain | sklearn MLP | difference | within" (means over the seeds) and exits 1 when dptrain is
# more than 1 point (accuracy) or 5% (RMSE) worse, or when resetting digits' training-constant
# pixels changes a prediction. About 5 minutes on 2 cores.
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
  echo "== $name" >&2
  for seed in 1 2 3; do
    rm -rf "$d/seed-$seed"
    mkdir -p "$d/seed-$seed"
    sed "s/seed = 1,/seed = $seed,/; s#$d/run\"#$d/seed-$seed/run\"#" "$d/run.conf" >"$d/seed-$seed/run.conf"
    dptrain train "$d/seed-$seed/run.conf" >"$d/seed-$seed/train.out" 2>"$d/seed-$seed/train.err" \
      || { cat "$d/seed-$seed/train.err" >&2; exit 1; }
    grep -h "final test" "$d/seed-$seed/train.out" >&2
  done
  # evaluate and predict the first seed's model; evaluate reads the test file as the model read
  # its training data: no data options
  model=$d/seed-1/run/model
  test=$(ls "$d"/test.*)
  dptrain evaluate --model "$model" --data "$test" --master 'local[2]' >"$d/evaluate.out" 2>"$d/evaluate.err" \
    || { cat "$d/evaluate.err" >&2; exit 1; }
  dptrain predict --model "$model" --input "$test" --output "$d/predictions.csv" --output-format csv \
    --single-file --overwrite --master 'local[2]' >"$d/predict.out" 2>"$d/predict.err" \
    || { cat "$d/predict.err" >&2; exit 1; }
  grep -h "dptrain: " "$d/evaluate.out" >&2
done
# A feature constant in training must not steer predictions: digits' always-0 border pixels, reset
# to 0 in the test rows where they are not, must leave those rows' predicted classes unchanged.
/usr/bin/python3 "$DPTRAIN_ROOT/scripts/acceptance/tabular.py" reset "$W"
dptrain predict --model "$W/digits/seed-1/run/model" --input "$W/digits/test-reset.csv" \
  --output "$W/digits/predictions-reset.csv" --output-format csv --single-file --overwrite --master 'local[2]' \
  >"$W/digits/predict-reset.out" 2>"$W/digits/predict-reset.err" || { cat "$W/digits/predict-reset.err" >&2; exit 1; }
/usr/bin/python3 "$DPTRAIN_ROOT/scripts/acceptance/tabular.py" table "$W"
