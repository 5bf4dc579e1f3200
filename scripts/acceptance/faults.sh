#!/usr/bin/env bash
# Fault suite (not in CI): runs the dptrain CLI against bad inputs and real faults and prints a
# table "fault | expected | observed | ok". Needs root for the tmpfs rows (mount -t tmpfs); they
# are reported as skipped otherwise. Usage: scripts/acceptance/faults.sh [WORKDIR]
# Every failing row must end with exactly one "dptrain: error:" line on stderr and the exit status
# of README "When things go wrong"; rows that resume compare the model bytes with an
# uninterrupted reference run.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
W=${1:-$(mktemp -d /tmp/dptrain-faults.XXXXXX)}
mkdir -p "$W"
export DPTRAIN_HEAP=${DPTRAIN_HEAP:-2g}
DPTRAIN_MVN_ARGS=${DPTRAIN_MVN_ARGS:--o} flock /tmp/dptrain-build.lock bash -c "source '$DPTRAIN_ROOT/scripts/lib.sh'; dptrain_build" || exit 1
CP=$(dptrain_classpath)
# Same parameters, statistics, standardisation and config (the provenance holds the save time).
same_model() { java -cp "$CP" "$DPTRAIN_ROOT/scripts/acceptance/SameModel.java" "$1" "$2" 2>/dev/null && echo identical || echo DIFFERENT; }
# shellcheck disable=SC2207
JVM=($(dptrain_jvm_opts))
ROWS=()
FAILED=0

dptrain() { java "${JVM[@]}" -cp "$CP" dev.dptrain.driver.cli.Main "$@"; }
# bg OUT ERR ARGS...: starts the CLI in the background; $! is the java process itself (for kill -9)
bg() {
  local o=$1 e=$2; shift 2
  java "${JVM[@]}" -cp "$CP" dev.dptrain.driver.cli.Main "$@" >"$o" 2>"$e" &
}

# run NAME ARGS...: runs the CLI, stdout/stderr to $W/NAME.out/.err, sets RC and LINE (the error line)
run() {
  local name=$1; shift
  dptrain "$@" >"$W/$name.out" 2>"$W/$name.err"
  RC=$?
  LINE=$(grep '^dptrain: error:' "$W/$name.err" | head -1)
  NLINES=$(grep -c '^dptrain: error:' "$W/$name.err")
}

# row FAULT EXPECTED OBSERVED OK(0/1)
row() {
  local ok=yes
  [[ $4 == 1 ]] || { ok=NO; FAILED=$((FAILED + 1)); }
  ROWS+=("$1|$2|$3|$ok")
}

# fails_with NAME FAULT CODE PATTERN ARGS...: the CLI exits CODE with one error line matching PATTERN
fails_with() {
  local name=$1 fault=$2 code=$3 pat=$4; shift 4
  run "$name" "$@"
  local ok=0
  [[ $RC == "$code" && $NLINES == 1 && $LINE =~ $pat ]] && ok=1
  row "$fault" "exit $code: $pat" "exit $RC: ${LINE#dptrain: error: }" $ok
}

# data: 3 separable classes, 20 features, N rows
python3 - "$W" <<'PY'
import random, struct, sys
w = sys.argv[1]
rnd = random.Random(5)
def rows(n):
    out = ["label," + ",".join(f"f{j}" for j in range(20))]
    for _ in range(n):
        c = rnd.randrange(3)
        out.append(str(c) + "," + ",".join(f"{rnd.gauss(1.5 if j % 3 == c else 0, 1):.4f}" for j in range(20)))
    return "\n".join(out) + "\n"
open(f"{w}/train.csv", "w").write(rows(12000))
open(f"{w}/test.csv", "w").write(rows(1000))
bad = rows(200).split("\n"); bad[57] = bad[57].rsplit(",", 1)[0] + ",abc"
open(f"{w}/bad.csv", "w").write("\n".join(bad))
# IDX header claiming 2.7 M 28x28 images in a 1 KB file, and a labels file to match
open(f"{w}/huge-images-idx3-ubyte", "wb").write(struct.pack(">iiii", 0x803, 2_700_000, 28, 28) + bytes(1008))
open(f"{w}/huge-labels-idx1-ubyte", "wb").write(struct.pack(">ii", 0x801, 2_700_000) + bytes(1016))
open(f"{w}/binary.conf", "wb").write(bytes(range(256)) * 4)
PY

# mkconf NAME OUTDIR [TRAIN-SETTINGS] [OUTPUT-SETTINGS] [TRAIN-DATA]
mkconf() {
  cat >"$W/$1.conf" <<CONF
model { input = [20], layers = [ { type = dense, units = 64 }, { type = relu }, { type = dense, units = 3 } ] }
train { epochs = 2, batch-size = 32, seed = 11, optimizer { type = adam, lr = 0.002 }
  ${3:-}
}
data { format = csv, train = "${5:-$W/train.csv}", test = "$W/test.csv", header = true, label-column = label }
spark { master = "local[2]", partitions = 2, conf { "spark.ui.enabled" = "false" } }
output { dir = "$2", progress = lines, log-every = 100, checkpoint-every = 40 ${4:-} }
CONF
  echo "$W/$1.conf"
}

# ---- bad inputs -------------------------------------------------------------------------------
fails_with usage "unknown option" 2 "unknown argument --epochs" train "$(mkconf u "$W/u")" --epochs 3
fails_with binconf "binary file as config" 2 "not a text config file" train "$W/binary.conf"
fails_with badconf "config value out of range" 2 "config: .*batch-size" train "$(mkconf bc "$W/bc" "batch-size = 0")"
fails_with baddata "non-numeric CSV value (task side)" 3 "bad.csv: line 58" train "$(mkconf bd "$W/bd" "" "" "$W/bad.csv")"
fails_with nodata "missing training file" 3 "absent.csv" train "$(mkconf nd "$W/nd" "" "" "$W/absent.csv")"
cat >"$W/idx.conf" <<CONF
model { input = [1, 28, 28], layers = [ { type = dense, units = 10 } ] }
data { train-images = "$W/huge-images-idx3-ubyte", train-labels = "$W/huge-labels-idx1-ubyte" }
spark { master = "local[2]", partitions = 2, conf { "spark.ui.enabled" = "false" } }
output { dir = "$W/idx-run" }
CONF
fails_with idx "IDX headers claim 2.7 M records in 1 KB" 3 "huge-[a-z]+-idx[13]-ubyte: the header announces" train "$W/idx.conf"
echo x >"$W/plain-file"
fails_with underfile "output.dir under a regular file" 5 "plain-file is a regular file" train \
  "$(mkconf uf "$W/plain-file/run")"

# ---- reference run, then faults against it ----------------------------------------------------
run ref train "$(mkconf ref "$W/ref")"
row "reference run" "exit 0, model saved" "exit $RC: $(grep -o 'model saved to.*' "$W/ref.out")" $([[ $RC == 0 ]] && echo 1 || echo 0)
REF=$W/ref/model/model.dptm

cp -r "$W/ref/model" "$W/corrupt-model"
python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=0x40; open(p,'wb').write(b)" \
  "$W/corrupt-model/model.dptm"
fails_with corrupt "model file with one flipped byte" 4 "checksum mismatch" evaluate --model "$W/corrupt-model" \
  --data "$W/test.csv" --header --label-column label --master "local[2]"

mkdir -p "$W/preds" && echo keep >"$W/preds/keep.txt"
# the model does not exist either: exit 5 (not 4) shows the output was checked before any work
fails_with predout "predict --output exists" 5 "already exists" predict --model "$W/no-model" \
  --input "$W/test.csv" --header --output "$W/preds" --master "local[2]"
[[ $(cat "$W/preds/keep.txt") == keep ]] || row "predict output untouched" "keep.txt kept" "changed" 0

sum_before=$(sha256sum "$REF" "$W/ref/metrics.jsonl")
fails_with otherconf "different config into a finished run" 2 "holds a finished run.*train.optimizer.lr: 0.002 -> 0.005" \
  train "$(mkconf ref2 "$W/ref" "optimizer.lr = 0.005")"
row "finished run untouched" "model and metrics bytes unchanged" \
  "$([[ $(sha256sum "$REF" "$W/ref/metrics.jsonl") == "$sum_before" ]] && echo unchanged || echo CHANGED)" \
  $([[ $(sha256sum "$REF" "$W/ref/metrics.jsonl") == "$sum_before" ]] && echo 1 || echo 0)

# ---- driver SIGKILL mid-training, resume, and a changed batch size on resume ------------------
KC=$(mkconf kill "$W/kill")
bg "$W/kill-1.out" "$W/kill-1.err" train "$KC"
PID=$!
for _ in $(seq 1 600); do
  [[ $(find "$W/kill/checkpoints" -name 'checkpoint-*.dpt' 2>/dev/null | wc -l) -ge 2 ]] && break
  sleep 0.1
done
kill -9 $PID; wait $PID 2>/dev/null
ck=$(find "$W/kill/checkpoints" -name 'checkpoint-*.dpt' | sort | tail -1)
[[ -e $W/kill/model/model.dptm ]] && row "driver SIGKILL" "killed mid-training" "the run had already finished" 0
fails_with resumebatch "resume with batch-size 32 -> 40" 2 "train.batch-size: 32 -> 40" \
  train "$(mkconf kill-b "$W/kill" "batch-size = 40")"
run kill-2 train "$KC"
same=$(same_model "$REF" "$W/kill/model/model.dptm")
row "driver SIGKILL at ${ck##*/}, resume" "exit 0, model bytes = reference" "exit $RC, model $same" \
  $([[ $RC == 0 && $same == identical ]] && echo 1 || echo 0)

# ---- damaged newest checkpoint: skipped with a warning, resume from the one before -------------
DC=$(mkconf dmg "$W/dmg" "" ", checkpoint-every = 100")
bg "$W/dmg-1.out" "$W/dmg-1.err" train "$DC"
PID=$!
for _ in $(seq 1 600); do
  [[ $(find "$W/dmg/checkpoints" -name 'checkpoint-*.dpt' 2>/dev/null | wc -l) -ge 2 ]] && break
  sleep 0.1
done
kill -9 $PID; wait $PID 2>/dev/null
newest=$(find "$W/dmg/checkpoints" -name 'checkpoint-*.dpt' | sort | tail -1)
truncate -s 100 "$newest"
run dmg-2 train "$DC"
same=$(same_model "$REF" "$W/dmg/model/model.dptm")
warned=$(grep -c "skipping unreadable checkpoint" "$W/dmg-2.err")
aside=$(find "$W/dmg/checkpoints" -name '*.dpt.damaged' | wc -l)
row "newest checkpoint cut to 100 bytes" "warning, kept aside, exit 0, model = reference" \
  "warnings $warned, $aside kept as .damaged, exit $RC, model $same" \
  $([[ $RC == 0 && $same == identical && $warned -ge 1 && $aside == 1 ]] && echo 1 || echo 0)

# ---- disk full (tmpfs) ------------------------------------------------------------------------
T=$W/tmpfs
mkdir -p "$T"
if mount -t tmpfs -o size=8m tmpfs "$T" 2>/dev/null; then
  # at a checkpoint: fill the disk when the first checkpoint exists
  FC=$(mkconf full "$T/run")
  bg "$W/full-1.out" "$W/full-1.err" train "$FC"
  PID=$!
  for _ in $(seq 1 600); do
    [[ -n $(find "$T/run/checkpoints" -name 'checkpoint-*.dpt' 2>/dev/null) ]] && break
    sleep 0.05
  done
  dd if=/dev/zero of="$T/filler" bs=64k 2>/dev/null
  wait $PID; RC=$?
  LINE=$(grep '^dptrain: error:' "$W/full-1.err" | head -1)
  tmps=$(find "$T/run" -name '*.tmp-*' | wc -l)
  row "disk full at a checkpoint (8 MB tmpfs)" "exit 5, no temporaries" "exit $RC, $tmps temporaries: ${LINE#dptrain: error: }" \
    $([[ $RC == 5 && $tmps == 0 ]] && echo 1 || echo 0)
  rm -f "$T/filler"
  run full-2 train "$FC"
  same=$(same_model "$REF" "$T/run/model/model.dptm")
  row "  ... space freed, same command again" "exit 0, model = reference" "exit $RC, model $same" \
    $([[ $RC == 0 && $same == identical ]] && echo 1 || echo 0)

  # at model save: fill the disk once training ended (the report line), during the final evaluation
  rm -rf "$T/run"
  bg "$W/save-1.out" "$W/save-1.err" train "$FC"
  PID=$!
  for _ in $(seq 1 3000); do
    grep -q '^dptrain: report' "$W/save-1.out" 2>/dev/null && break
    sleep 0.02
  done
  dd if=/dev/zero of="$T/filler" bs=64k 2>/dev/null
  wait $PID; RC=$?
  LINE=$(grep '^dptrain: error:' "$W/save-1.err" | head -1)
  tmps=$(find "$T/run" -name '*.tmp-*' | wc -l)
  row "disk full at model save" "exit 5, no temporaries, checkpoints kept" \
    "exit $RC, $tmps temporaries: ${LINE#dptrain: error: }" \
    $([[ $RC == 5 && $tmps == 0 && $LINE == *"checkpoints in"*"are kept"* ]] && echo 1 || echo 0)
  rm -f "$T/filler"
  run save-2 train "$FC"
  same=$(same_model "$REF" "$T/run/model/model.dptm")
  row "  ... space freed, same command again" "exit 0, no retraining, model = reference" \
    "exit $RC, model $same" $([[ $RC == 0 && $same == identical ]] && echo 1 || echo 0)

  # too small from the start: refused before training
  rm -rf "$T/run"
  dd if=/dev/zero of="$T/filler" bs=64k count=$((8 * 16 - 2)) 2>/dev/null
  fails_with small "output.dir with 128 KB free" 5 "bytes free" train "$FC"
  rm -f "$T/filler"
  umount "$T"
else
  row "disk full (tmpfs)" "exit 5" "skipped: mount -t tmpfs not permitted" 1
fi

# ---- divergence ---------------------------------------------------------------------------------
python3 -c "
import sys
lines = open('$W/train.csv').read().split('\n')
out = [lines[0]] + [l.split(',')[0] + ',' + ','.join(v + 'e15' for v in l.split(',')[1:]) for l in lines[1:] if l]
open('$W/huge.csv', 'w').write('\n'.join(out) + '\n')"
DV=$(mkconf div "$W/div" "optimizer { type = sgd, lr = 10 }" ", checkpoint-every = 0" "$W/huge.csv")
sed -i 's/label-column = label/label-column = label, standardize = none/' "$DV"
fails_with div "features of 1e15, sgd lr 10" 6 "training diverged" train "$DV"

# ---- table --------------------------------------------------------------------------------------
{
  echo "fault|expected|observed|ok"
  echo "---|---|---|---"
  printf '%s\n' "${ROWS[@]}"
} | awk -F'|' '{ o = $3; if (length(o) > 110) o = substr(o, 1, 107) "..."; printf "%-42s | %-46s | %-110s | %s\n", $1, $2, o, $4 }'
echo "work directory: $W ($FAILED rows not ok)"
[[ $FAILED == 0 ]]
