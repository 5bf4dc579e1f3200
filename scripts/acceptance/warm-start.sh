#!/usr/bin/env bash
# Acceptance (not in CI): warm start on full Fashion-MNIST. Trains conf/fashion-mlp.conf, then a
# second run from its model (train --init-from); passes when the second run's first-epoch
# validation accuracy is no lower than the first run's final test accuracy minus 0.5 points.
#   scripts/acceptance/warm-start.sh ['local[2]']
# Takes a few minutes on 2 cores. Runs in target/warm-start; prints both figures.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
master=${1:-local[2]}
work=$DPTRAIN_ROOT/target/warm-start
rm -rf "$work" && mkdir -p "$work"
cat >"$work/first.conf" <<CONF
include file("$DPTRAIN_ROOT/conf/fashion-mlp.conf")
output { dir = "$work/first", progress = lines }
CONF
# the second run: one more epoch (the cosine schedule decays over it) from the first run's model
cat >"$work/second.conf" <<CONF
include file("$DPTRAIN_ROOT/conf/fashion-mlp.conf")
train.epochs = 1
output { dir = "$work/second", progress = lines }
CONF
"$DPTRAIN_ROOT/scripts/dptrain" train "$work/first.conf" --master "$master" | tee "$work/first.log"
"$DPTRAIN_ROOT/scripts/dptrain" train "$work/second.conf" --master "$master" --init-from "$work/first/model" \
  | tee "$work/second.log"
final=$(grep -oP 'final test .*accuracy \K[0-9.]+' "$work/first.log" | tail -1)
first_epoch=$(grep -oP '^epoch 1/1 .*validation loss [0-9.]+ acc \K[0-9.]+' "$work/second.log" | head -1)
[[ -n "$final" && -n "$first_epoch" ]] || { echo "warm-start: figures not found in $work/*.log" >&2; exit 1; }
echo "warm-start: first run final test accuracy $final; warm-started run, epoch 1 validation accuracy $first_epoch"
if awk -v a="$first_epoch" -v b="$final" 'BEGIN { exit !(a >= b - 0.005) }'; then
  echo "warm-start: PASS ($first_epoch >= $final - 0.005)"
else
  echo "warm-start: FAIL ($first_epoch < $final - 0.005)" >&2
  exit 1
fi
