#!/usr/bin/env bash
# Submits a dptrain training run to a Spark cluster (YARN, Kubernetes or standalone) with
# $SPARK_HOME/bin/spark-submit and the settings dptrain needs on Java 17.
#
#   scripts/submit.sh [options] CONFIG
#
# Options (defaults in brackets):
#   --master URL           yarn | k8s://https://HOST:PORT | spark://HOST:7077 | local[N]   [yarn]
#   --deploy-mode MODE     client (driver here) | cluster (driver on the cluster)          [client]
#   --executors N          executors to start (YARN, Kubernetes); standalone: N x cores in all  [2]
#   --executor-cores N     cores (= concurrent tasks) per executor                           [2]
#   --executor-memory M    heap per executor                                                 [4g]
#   --driver-memory M      driver heap                                                       [4g]
#   --jar PATH             application jar [driver/target/dptrain-*-spark.jar, built by mvn package]
#   --name NAME            application name                                      [dptrain CONFIG]
#   --image IMAGE          Kubernetes: container image with Java 17 and Spark 3.5 (required there)
#   --namespace NS         Kubernetes: namespace                                              [default]
#   --conf KEY=VALUE       any further Spark setting; repeatable
#   --dry-run              print the spark-submit command instead of running it
#
# The config file is shipped to the driver with --files, so in cluster mode the driver reads it
# from its working directory; its data paths must be readable from the cluster (hdfs://, s3a://,
# or a path every node shares). Set spark.partitions in the config to executors x cores.
# Kubernetes cluster mode needs spark.kubernetes.file.upload.path (--conf) to ship the config.
#
# Examples:
#   scripts/submit.sh --master yarn --deploy-mode cluster --executors 8 --executor-cores 4 conf/fashion-mlp.conf
#   scripts/submit.sh --master k8s://https://k8s.example:6443 --deploy-mode cluster \
#     --image registry.example/dptrain:0.1 --conf spark.kubernetes.file.upload.path=s3a://bucket/tmp conf/x.conf
#   scripts/submit.sh --master spark://127.0.0.1:7077 conf/fashion-mlp.conf    # see scripts/cluster-local.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//' >&2
  exit 2
}
fail() {
  echo "submit.sh: $*" >&2
  exit 2
}

master=yarn
deploy_mode=client
executors=2
executor_cores=2
executor_memory=4g
driver_memory=4g
jar=""
name=""
image=""
namespace=""
dry_run=false
extra_conf=()
config=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --master | --deploy-mode | --executors | --executor-cores | --executor-memory | --driver-memory | --jar | --name \
      | --image | --namespace | --conf)
      [[ $# -ge 2 ]] || fail "$1 needs a value"
      case "$1" in
        --master) master=$2 ;;
        --deploy-mode) deploy_mode=$2 ;;
        --executors) executors=$2 ;;
        --executor-cores) executor_cores=$2 ;;
        --executor-memory) executor_memory=$2 ;;
        --driver-memory) driver_memory=$2 ;;
        --jar) jar=$2 ;;
        --name) name=$2 ;;
        --image) image=$2 ;;
        --namespace) namespace=$2 ;;
        --conf)
          [[ "$2" == *=* ]] || fail "--conf expects KEY=VALUE, got '$2'"
          extra_conf+=("$2") ;;
      esac
      shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h | --help) usage ;;
    -*) fail "unknown option $1 (see --help)" ;;
    *)
      [[ -z "$config" ]] || fail "one CONFIG expected, got '$config' and '$1'"
      config=$1
      shift ;;
  esac
done

[[ -n "$config" ]] || fail "no CONFIG given (see --help)"
[[ -f "$config" ]] || fail "config file '$config' does not exist"
[[ "$deploy_mode" == client || "$deploy_mode" == cluster ]] || fail "--deploy-mode must be client or cluster, got '$deploy_mode'"
for n in executors executor_cores; do
  [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || fail "--${n//_/-} must be a positive integer, got '${!n}'"
done
case "$master" in
  yarn) kind=yarn ;;
  k8s://*) kind=k8s ;;
  spark://*) kind=standalone ;;
  local*) kind=local ;;
  *) fail "--master must be yarn, k8s://..., spark://... or local[N], got '$master'" ;;
esac
[[ "$kind" != k8s || -n "$image" ]] || fail "Kubernetes needs --image (a container image with Java 17 and Spark 3.5)"
[[ "$kind" != local || "$deploy_mode" == client ]] || fail "local masters run in client mode only"

if [[ -z "$jar" ]]; then
  shopt -s nullglob
  jars=("$ROOT"/driver/target/dptrain-*-spark.jar)
  shopt -u nullglob
  if [[ ${#jars[@]} -gt 0 ]]; then
    jar=${jars[0]}
  elif $dry_run; then
    jar="$ROOT/driver/target/dptrain-VERSION-spark.jar"
    echo "submit.sh: no application jar yet (mvn -B package -DskipTests builds it)" >&2
  else
    fail "no application jar driver/target/dptrain-*-spark.jar; build it with 'mvn -B package -DskipTests' or pass --jar"
  fi
fi
$dry_run || [[ -f "$jar" ]] || fail "application jar '$jar' does not exist"

if [[ -n "${SPARK_HOME:-}" ]]; then
  submit="$SPARK_HOME/bin/spark-submit"
  $dry_run || [[ -x "$submit" ]] || fail "$submit is not executable; is SPARK_HOME=$SPARK_HOME a Spark 3.5 installation?"
elif $dry_run; then
  submit='$SPARK_HOME/bin/spark-submit'
else
  fail "set SPARK_HOME to a Spark 3.5 (Scala 2.12) installation (scripts/cluster-local.sh makes one for trials)"
fi

# Spark's own Java 17 list plus the Vector API (fast pure-Java BLAS fallback); same as scripts/lib.sh.
java_opts="--add-modules=jdk.incubator.vector -XX:+IgnoreUnrecognizedVMOptions \
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
--add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
-Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"

driver_opts=$java_opts
# The driver's log settings; in cluster mode the cluster manager's logging applies.
[[ "$deploy_mode" == cluster ]] || driver_opts+=" -Dlog4j2.configurationFile=$ROOT/conf/log4j2.properties"

cmd=("$submit"
  --master "$master"
  --deploy-mode "$deploy_mode"
  --name "${name:-dptrain $(basename "$config")}"
  --class dev.dptrain.driver.cli.Main
  --driver-memory "$driver_memory"
  --executor-memory "$executor_memory"
  --executor-cores "$executor_cores")
case "$kind" in
  yarn | k8s) cmd+=(--num-executors "$executors") ;;
  standalone) cmd+=(--total-executor-cores "$((executors * executor_cores))") ;;
esac
cmd+=(--files "$config"
  --conf "spark.driver.extraJavaOptions=$driver_opts"
  --conf "spark.executor.extraJavaOptions=$java_opts"
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer
  --conf spark.kryo.registrator=dev.dptrain.driver.DptrainKryoRegistrator
  --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1)
case "$kind" in
  yarn) cmd+=(--conf spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS=1) ;;
  k8s)
    cmd+=(--conf "spark.kubernetes.container.image=$image" --conf spark.kubernetes.driverEnv.OPENBLAS_NUM_THREADS=1)
    [[ -z "$namespace" ]] || cmd+=(--conf "spark.kubernetes.namespace=$namespace") ;;
esac
for c in ${extra_conf[@]+"${extra_conf[@]}"}; do cmd+=(--conf "$c"); done
# In cluster mode the driver finds the shipped config in its working directory.
if [[ "$deploy_mode" == cluster ]]; then app_config=$(basename "$config"); else app_config=$config; fi
cmd+=("$jar" train "$app_config")

if $dry_run; then
  # One option and its value per line, quoted for the shell, so the output can be pasted and run.
  printf '%q' "${cmd[0]}"
  i=1
  while [[ $i -lt ${#cmd[@]} && "${cmd[$i]}" == --* ]]; do
    printf ' \\\n  %q %q' "${cmd[$i]}" "${cmd[$((i + 1))]}"
    i=$((i + 2))
  done
  printf ' \\\n  %q' "${cmd[$i]}"
  printf ' %q' "${cmd[@]:$((i + 1))}"
  printf '\n'
else
  export OPENBLAS_NUM_THREADS=1
  exec "${cmd[@]}"
fi
