#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, from the project's own classpath (no Spark
# installation needed): one master and N workers, each a separate JVM on 127.0.0.1.
#
#   scripts/cluster-local.sh start [WORKERS=2]   # prints the master URL, e.g. spark://127.0.0.1:7077
#                                                # and makes $DPTRAIN_CLUSTER_DIR/spark-home/bin/spark-submit
#   scripts/cluster-local.sh status
#   scripts/cluster-local.sh stop
#
# Environment (all optional):
#   DPTRAIN_CLUSTER_DIR    state, logs and the generated SPARK_HOME (default target/cluster-local)
#   DPTRAIN_MASTER_PORT    master RPC port (default 7077)
#   DPTRAIN_WORKER_CORES   cores per worker (default 1)
#   DPTRAIN_WORKER_MEMORY  memory a worker offers to executors (default 2g)
#   DPTRAIN_CLASSPATH      classpath to run the daemons with (default: build and use the project's)
#
# A standalone worker launches executors through Spark's launcher, which looks for
# $SPARK_HOME/jars; the script makes that folder from symlinks to the same jars.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CLUSTER_DIR=${DPTRAIN_CLUSTER_DIR:-$DPTRAIN_ROOT/target/cluster-local}
PORT=${DPTRAIN_MASTER_PORT:-7077}
CORES=${DPTRAIN_WORKER_CORES:-1}
MEMORY=${DPTRAIN_WORKER_MEMORY:-2g}
MASTER_URL="spark://127.0.0.1:$PORT"

classpath() {
  if [[ -n "${DPTRAIN_CLASSPATH:-}" ]]; then
    echo "$DPTRAIN_CLASSPATH"
  else
    dptrain_build
    dptrain_classpath
  fi
}

# Waits until LOG contains PATTERN, or fails after 60 s naming the log.
await() {
  local log=$1 pattern=$2 what=$3
  for _ in $(seq 1 600); do
    if grep -q "$pattern" "$log" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "cluster-local: $what did not come up within 60 s; see $log" >&2
  tail -20 "$log" >&2 || true
  return 1
}

start() {
  local workers=${1:-2}
  [[ "$workers" =~ ^[1-9][0-9]*$ ]] || { echo "cluster-local: WORKERS must be a positive integer, got '$workers'" >&2; exit 2; }
  if [[ -f "$CLUSTER_DIR/master.pid" ]] && kill -0 "$(cat "$CLUSTER_DIR/master.pid")" 2>/dev/null; then
    echo "cluster-local: already running ($MASTER_URL); stop it first" >&2
    exit 1
  fi
  rm -rf "$CLUSTER_DIR"
  mkdir -p "$CLUSTER_DIR/spark-home/jars" "$CLUSTER_DIR/logs" "$CLUSTER_DIR/work"
  local cp
  cp=$(classpath)
  local IFS=:
  for entry in $cp; do
    if [[ "$entry" == *.jar ]]; then ln -sf "$entry" "$CLUSTER_DIR/spark-home/jars/$(basename "$entry")"; fi
  done
  unset IFS
  export SPARK_HOME="$CLUSTER_DIR/spark-home" SPARK_SCALA_VERSION=2.12
  # The daemons log at INFO to their own files (the script waits for their start-up lines),
  # whatever log4j2 configuration is on the classpath.
  cat >"$CLUSTER_DIR/log4j2.properties" <<'LOG'
rootLogger.level = info
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
LOG
  local opts
  opts="$(DPTRAIN_HEAP=512m dptrain_jvm_opts) -Dlog4j2.configurationFile=$CLUSTER_DIR/log4j2.properties"
  # A spark-submit for this SPARK_HOME, so scripts/submit.sh works without a Spark installation.
  # It starts the driver JVM itself (no launcher), hence the JVM and log options here.
  mkdir -p "$SPARK_HOME/bin"
  cat >"$SPARK_HOME/bin/spark-submit" <<SUBMIT
#!/usr/bin/env bash
exec java $(dptrain_jvm_opts) -Dlog4j2.configurationFile=$DPTRAIN_ROOT/conf/log4j2.properties -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit "\$@"
SUBMIT
  chmod +x "$SPARK_HOME/bin/spark-submit"
  # shellcheck disable=SC2086
  nohup java $opts -cp "$cp" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$PORT" --webui-port 0 >"$CLUSTER_DIR/logs/master.log" 2>&1 &
  echo $! >"$CLUSTER_DIR/master.pid"
  await "$CLUSTER_DIR/logs/master.log" "I have been elected leader" "the master"
  for i in $(seq 1 "$workers"); do
    # shellcheck disable=SC2086
    nohup java $opts -cp "$cp" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores "$CORES" --memory "$MEMORY" --webui-port 0 \
      --work-dir "$CLUSTER_DIR/work/worker-$i" "$MASTER_URL" >"$CLUSTER_DIR/logs/worker-$i.log" 2>&1 &
    echo $! >"$CLUSTER_DIR/worker-$i.pid"
  done
  for i in $(seq 1 "$workers"); do
    await "$CLUSTER_DIR/logs/worker-$i.log" "Successfully registered with master" "worker $i"
  done
  echo "cluster-local: $workers worker(s) up; spark-submit for it: $SPARK_HOME/bin/spark-submit" >&2
  echo "$MASTER_URL"
}

stop() {
  local stopped=0
  for pidfile in "$CLUSTER_DIR"/worker-*.pid "$CLUSTER_DIR"/master.pid; do
    [[ -f "$pidfile" ]] || continue
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      stopped=$((stopped + 1))
    fi
    rm -f "$pidfile"
  done
  echo "cluster-local: stopped $stopped process(es)"
}

status() {
  local running=0
  for pidfile in "$CLUSTER_DIR"/master.pid "$CLUSTER_DIR"/worker-*.pid; do
    [[ -f "$pidfile" ]] || continue
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$(basename "$pidfile" .pid): running (pid $(cat "$pidfile"))"
      running=$((running + 1))
    else
      echo "$(basename "$pidfile" .pid): not running"
    fi
  done
  [[ $running -gt 0 ]] && echo "master: $MASTER_URL" || { echo "cluster-local: not running"; return 1; }
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start [WORKERS] | status | stop" >&2; exit 2 ;;
esac
