#!/usr/bin/env bash
# Mutation testing of the model module with PIT (DEFAULTS mutators), through the Maven profile
# `mutation` of model/pom.xml. Prints the mutation score per package and fails when the core
# packages (layers, loss, optim, train) together score below MUTATION_THRESHOLD percent.
#
#   scripts/mutation.sh            # run PIT, then report (about 8 minutes on 2 cores)
#   scripts/mutation.sh --report   # report on the last run only (model/target/pit-reports)
#   scripts/mutation.sh -v         # also list every mutant that was not killed
#
# Equivalent mutants (a change that no test can observe because the program's behaviour does not
# change) are listed, each with the reason, in scripts/mutation-equivalent.txt and left out of
# the score; an entry that no longer matches a survivor is reported.
# Not part of `mvn verify`. Maven runs under the shared build lock (/tmp/dptrain-build.lock).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Set from the improved baseline: core measured 99.9% (1672 of 1674 non-equivalent mutants, 48
# equivalent excluded) on 2026-11-30 after the tests of issue 17 (86.8% before them). 98 leaves room
# for a few new survivors in a refactor without letting the score slide.
THRESHOLD=${MUTATION_THRESHOLD:-98}
REPORT_ONLY=0
VERBOSE=
for a in "$@"; do
  case "$a" in
    --report) REPORT_ONLY=1 ;;
    -v) VERBOSE=-v ;;
    *) echo "usage: $0 [--report] [-v]" >&2; exit 2 ;;
  esac
done
export SPARK_LOCAL_IP=127.0.0.1 OPENBLAS_NUM_THREADS=1
XML="$ROOT/model/target/pit-reports/mutations.xml"
if [ "$REPORT_ONLY" = 0 ]; then
  rm -f "$XML"
  start=$(date +%s)
  (cd "$ROOT" && flock /tmp/dptrain-build.lock \
    mvn -B -q ${MAVEN_OFFLINE--o} -pl model -P mutation test-compile org.pitest:pitest-maven:mutationCoverage)
  echo "PIT run: $(( $(date +%s) - start )) s"
fi
[ -f "$XML" ] || { echo "no PIT report at $XML" >&2; exit 1; }
python3 "$ROOT/scripts/mutation_report.py" "$XML" "$ROOT/scripts/mutation-equivalent.txt" "$THRESHOLD" \
  layers loss optim train $VERBOSE
