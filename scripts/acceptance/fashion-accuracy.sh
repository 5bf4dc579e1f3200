#!/usr/bin/env bash
# Acceptance: trains a Fashion-MNIST config in Spark local mode and checks the final test accuracy.
#   scripts/acceptance/fashion-accuracy.sh conf/fashion-mlp.conf 0.875 ['local[2]']
# Not part of the unit tests (it trains on the full data set); exits 1 below the bar.
set -euo pipefail
cd "$(dirname "$0")/../.."
config=${1:?config}
bar=${2:?minimum test accuracy, e.g. 0.875}
master=${3:-local[2]}
log=$(mktemp)
scripts/train-local.sh "$config" --master "$master" | tee "$log"
acc=$(grep -oP 'final test .*accuracy \K[0-9.]+' "$log" | tail -1)
[[ -n "$acc" ]] || { echo "acceptance: no final test accuracy in the output" >&2; exit 1; }
if awk -v a="$acc" -v b="$bar" 'BEGIN { exit !(a >= b) }'; then
  echo "acceptance: $config reached test accuracy $acc >= $bar on $master"
else
  echo "acceptance: $config reached test accuracy $acc < $bar on $master" >&2
  exit 1
fi
