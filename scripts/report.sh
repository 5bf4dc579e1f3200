#!/usr/bin/env bash
# Rebuilds RUN_DIR/report.html from RUN_DIR/metrics.jsonl (any Hadoop path), e.g. for a run that
# is still going, building first if needed.
#   scripts/report.sh runs/fashion-mlp
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ $# -eq 1 ]] || { echo "usage: $0 RUN_DIR" >&2; exit 2; }
dptrain_build
# shellcheck disable=SC2046
exec java $(DPTRAIN_HEAP=1g dptrain_jvm_opts) -Dlog4j2.configurationFile="$DPTRAIN_ROOT/conf/log4j2.properties" \
  -cp "$(dptrain_classpath)" dev.dptrain.driver.report.HtmlReport "$1"
