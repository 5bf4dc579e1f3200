#!/usr/bin/env bash
# Acceptance: random search (coarse -> fine) against a 5x5 grid over lr x weight decay on a
# Fashion-MNIST subset, both with dptrain search; passes when the random search's best test
# accuracy is within 0.5 points of the grid's best with no more trials than the grid (25).
#   scripts/acceptance/search.sh [TRAIN_EXAMPLES=6000] [RANDOM_TRIALS=20] ['local[2]']
# Not part of the unit tests (about 45 short training runs). Writes runs/acceptance-search/.
set -euo pipefail
cd "$(dirname "$0")/../.."
limit=${1:-6000}
trials=${2:-20}
master=${3:-local[2]}
out=runs/acceptance-search
mkdir -p "$out"
data=/usr/share/datasets/fashion-mnist
common() { # $1 = output dir, $2 = search block
  cat <<CONF
model {
  input = [1, 28, 28]
  layers = [ { type = dense, units = 128 }, { type = relu }, { type = dense, units = 10, init = xavier_uniform } ]
}
train { epochs = 3, batch-size = 100, seed = 42, optimizer { type = sgd, momentum = 0.9 } }
data {
  train-images = "$data/train-images-idx3-ubyte.gz", train-labels = "$data/train-labels-idx1-ubyte.gz"
  test-images = "$data/t10k-images-idx3-ubyte.gz", test-labels = "$data/t10k-labels-idx1-ubyte.gz"
  standardize = standardize, limit = $limit
}
spark { master = "$master", partitions = 2, conf { "spark.ui.enabled" = "false" } }
output { dir = "$1", progress = off }
search {
  metric = validation-accuracy, seed = 11
  space = [
    { path = "train.optimizer.lr", log-uniform = [1e-4, 1.0] }
    { path = "train.weight-decay", log-uniform = [1e-6, 1e-1] }
  ]
  $2
}
CONF
}
common "$out/grid" "method = grid, grid-points = 5" > "$out/grid.conf"
common "$out/random" "method = random, trials = $trials, coarse-trials = $((trials * 3 / 5)), coarse-epochs = 1" > "$out/random.conf"
scripts/dptrain search "$out/grid.conf" | tee "$out/grid.log"
scripts/dptrain search "$out/random.conf" | tee "$out/random.log"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
def trials(name):
    return [json.loads(l) for l in open(f"{out}/{name}/search.jsonl")]
def best(ts):
    full = [t for t in ts if t["phase"] != "coarse"] or ts
    return max(full, key=lambda t: t["value"] if t["status"] == "ok" else -1)
g, r = trials("grid"), trials("random")
bg, br = best(g), best(r)
gap = 100 * (bg["value"] - br["value"])
print(f"acceptance: grid   {len(g)} trials, best test accuracy {100*bg['value']:.2f}% at {bg['params']}")
print(f"acceptance: random {len(r)} trials ({sum(t['phase']=='coarse' for t in r)} coarse x 1 epoch, "
      f"{sum(t['phase']=='fine' for t in r)} fine x 3 epochs), best {100*br['value']:.2f}% at {br['params']}")
ok = gap <= 0.5 and len(r) <= len(g)
print(f"acceptance: random is {gap:+.2f} points below the grid (bar 0.5) with {len(r)} <= {len(g)} trials: "
      + ("PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
PY
