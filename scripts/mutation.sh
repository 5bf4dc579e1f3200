#!/usr/bin/env bash
# Mutation testing of the model, worker and driver modules with PIT (DEFAULTS mutators), through the
# Maven profile `mutation` of model/pom.xml, worker/pom.xml and driver/pom.xml (the driver's
# pure-logic packages). Prints the mutation score per package and fails when the model's core
# packages (layers, loss, optim, train) together score below MUTATION_THRESHOLD percent, the worker
# module below WORKER_MUTATION_THRESHOLD or the driver's below DRIVER_MUTATION_THRESHOLD percent.
#
#   scripts/mutation.sh                  # run PIT on all three, then report (about 11 minutes on 2 cores; what CI runs)
#   scripts/mutation.sh --module worker  # one module only (model: ~7.5 min, worker: ~2 min)
#   scripts/mutation.sh --module driver  # the driver's pure-logic packages only (~2 min)
#   scripts/mutation.sh --report         # report on the last run only (*/target/pit-reports)
#   scripts/mutation.sh -v               # also list every mutant that was not killed
#
# Equivalent mutants (a change that no test can observe because the program's behaviour does not
# change) are listed, each with the reason, in scripts/mutation-equivalent.txt and left out of
# the score (worker: scripts/mutation-equivalent-worker.txt, driver: scripts/mutation-equivalent-driver.txt); an entry that no longer matches a
# survivor is reported.
# Not part of `mvn verify`. Maven runs under the shared build lock (/tmp/dptrain-build.lock).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Set from the improved baseline: core measured 99.9% (1672 of 1674 non-equivalent mutants, 48
# equivalent excluded) on 2026-11-30 after the tests of issue 17 (86.8% before them), and 100%
# (1654/1654, 49 equivalent) after the training-loop tests. 98 leaves room for a few new survivors
# in a refactor without letting the score slide.
THRESHOLD=${MUTATION_THRESHOLD:-98}
# Worker: measured 87.6% (all of its mutated classes) on 2026-11-30 after its tests were written
# (42.5% before), 79.8% once the executor code of the tabular, search and channel-segment work
# had landed (tested then only through the driver's Spark tests, which this run does not execute),
# and 94.5% (565/598, 9 equivalent excluded; data and (root) 100%) after worker-level tests of
# that code (kept columns, label rules, IDX streams, pixel and wide-label partitions); 93.4%
# (596/638) with the channel cipher code that followed (steps 78.0%), and 100% (626/626, 13
# equivalent excluded) after the channel's own tests. 95 (issue 17 asks for at least 85) leaves
# room for a few new survivors in a refactor without letting the score slide.
WORKER_THRESHOLD=${WORKER_MUTATION_THRESHOLD:-95}
# Driver (pure-logic packages): 62.1% (377/607) before its tests were written,
# 97.7% (596/610, 12 equivalent excluded; report 99.1%) after the tests of the report's charts
# read back from their SVG, the metrics log, progress and checkpoints (109 s wall on 2 cores).
# 95 leaves room for a few new survivors in a refactor; CI runs it with the other two.
DRIVER_THRESHOLD=${DRIVER_MUTATION_THRESHOLD:-95}
REPORT_ONLY=0
ALL=0
VERBOSE=
MODULES="model worker driver"
while [ $# -gt 0 ]; do
  case "$1" in
    --report) REPORT_ONLY=1 ;;
    -v) VERBOSE=-v ;;
    --all) ALL=1 ;;
    --module) shift; MODULES=${1:-}; [[ "$MODULES" =~ ^(model|worker|driver)$ ]] || { echo "--module model|worker|driver" >&2; exit 2; } ;;
    *) echo "usage: $0 [--report] [-v] [--all] [--module model|worker|driver]" >&2; exit 2 ;;
  esac
  shift
done
export SPARK_LOCAL_IP=127.0.0.1 OPENBLAS_NUM_THREADS=1
if [ "$REPORT_ONLY" = 0 ]; then
  props=()
  for m in model worker driver; do
    rm -f "$ROOT/$m/target/pit-reports/mutations.xml"
    [[ " $MODULES " == *" $m "* ]] || props+=("-Dpit.$m.skip=true")
  done
  # model (and worker) stay in the reactor for a later module's run: its tests need their classes
  reactor=model,worker
  [[ " $MODULES " == *" driver "* ]] && reactor=model,worker,driver
  # The model's packages that are neither gated nor among issue 17's measured ones (the sanity
  # checks, tuning, BLAS kernels, initialisers: 17% of its mutants; model/pom.xml) are mutated
  # only with --all, which keeps the CI run under 10 minutes on 2 cores.
  if [ "$ALL" = 1 ]; then
    for p in check tuning ops init; do props+=("-Dpit.model.exclude.$p=none"); done
  fi
  start=$(date +%s)
  (cd "$ROOT" && flock /tmp/dptrain-build.lock \
    mvn -B -q ${MAVEN_OFFLINE--o} -pl $reactor -P mutation "${props[@]}" \
      test-compile org.pitest:pitest-maven:mutationCoverage)
  echo "PIT run: $(( $(date +%s) - start )) s"
fi
status=0
for m in $MODULES; do
  XML="$ROOT/$m/target/pit-reports/mutations.xml"
  [ -f "$XML" ] || { echo "no PIT report at $XML" >&2; exit 1; }
  echo "== $m"
  if [ "$m" = model ]; then
    python3 "$ROOT/scripts/mutation_report.py" "$XML" "$ROOT/scripts/mutation-equivalent.txt" "$THRESHOLD" \
      layers loss optim train $VERBOSE || status=1
  elif [ "$m" = worker ]; then
    python3 "$ROOT/scripts/mutation_report.py" "$XML" "$ROOT/scripts/mutation-equivalent-worker.txt" \
      "$WORKER_THRESHOLD" --root=dev.dptrain.worker. "(root)" data steps $VERBOSE || status=1
  else
    python3 "$ROOT/scripts/mutation_report.py" "$XML" "$ROOT/scripts/mutation-equivalent-driver.txt" \
      "$DRIVER_THRESHOLD" --root=dev.dptrain.driver. \
      checkpoint cli data metrics progress report $VERBOSE || status=1
  fi
done
exit $status
