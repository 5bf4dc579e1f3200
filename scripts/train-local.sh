#!/usr/bin/env bash
# Trains in Spark local mode from a config file, building first if needed.
#   scripts/train-local.sh conf/fashion-mlp.conf [--master 'local[4]']
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ $# -ge 1 ]] || { echo "usage: $0 CONFIG [--master URL]" >&2; exit 2; }
dptrain_build
# shellcheck disable=SC2046
exec java $(dptrain_jvm_opts) -Dlog4j2.configurationFile="$DPTRAIN_ROOT/conf/log4j2.properties" -cp "$(dptrain_classpath)" dev.dptrain.driver.cli.Main train "$@"
