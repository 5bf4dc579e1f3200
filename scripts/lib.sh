# Shared by the scripts in this folder: build-if-needed, classpath and JVM options.
# shellcheck shell=bash
DPTRAIN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Spark's own Java 17 list (JavaModuleOptions) plus the Vector API, without which netlib's fast
# pure-Java BLAS silently degrades to scalar code.
dptrain_jvm_opts() {
  echo "-Xmx${DPTRAIN_HEAP:-6g} --add-modules=jdk.incubator.vector -XX:+IgnoreUnrecognizedVMOptions \
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
--add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
-Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true \
-Dlog4j2.configurationFile=${DPTRAIN_LOG4J2:-$DPTRAIN_ROOT/conf/log4j2.properties}"
}

# Builds the modules when a source is newer than the last build, and writes the runtime classpath.
# DPTRAIN_MVN_ARGS is passed to every mvn call (e.g. "-o -Dmaven.repo.local=/path/to/repo").
dptrain_build() {
  local stamp="$DPTRAIN_ROOT/driver/target/classpath.txt"
  if [[ ! -f "$stamp" ]] || [[ -n "$(find "$DPTRAIN_ROOT" -path '*/src/main/*' -newer "$stamp" -print -quit)" ]] \
      || [[ "$DPTRAIN_ROOT/pom.xml" -nt "$stamp" ]]; then
    echo "dptrain: building (mvn package -DskipTests) ..." >&2
    # One reactor build, nothing installed into ~/.m2; the last module (driver) writes the
    # classpath file. DPTRAIN_MVN_ARGS passes extra options, e.g. "-o -Dmaven.repo.local=DIR".
    # Every module writes the file in turn, so it goes to a temporary name and becomes the stamp only
    # when the whole build succeeded (a failed build must not look up to date next time).
    # shellcheck disable=SC2086
    rm -f "$stamp" "$stamp.tmp"
    (cd "$DPTRAIN_ROOT" && mvn -q -B ${DPTRAIN_MVN_ARGS:-} -DskipTests -pl driver -am package \
      dependency:build-classpath -Dmdep.outputFile="$stamp.tmp" >&2 && mv "$stamp.tmp" "$stamp")
  fi
}

# Builds bench/spark (the benchmark and acceptance tools, not in the product jar) when its sources
# changed, and prints its classes plus the product's classpath.
dptrain_bench_classpath() {
  local cp_file="$DPTRAIN_ROOT/bench/spark/target/classpath.txt"
  if [[ ! -f "$cp_file" ]] || [[ "$DPTRAIN_ROOT/bench/spark/pom.xml" -nt "$cp_file" ]] \
      || [[ -n "$(find "$DPTRAIN_ROOT/bench/spark/src/main" -newer "$cp_file" -print -quit)" ]]; then
    echo "dptrain: building bench/spark ..." >&2
    # shellcheck disable=SC2086
    (cd "$DPTRAIN_ROOT" && mvn -q -B ${DPTRAIN_MVN_ARGS:-} -DskipTests -pl bench/spark -am compile \
      dependency:build-classpath -Dmdep.outputFile="$cp_file.tmp" >&2 && mv "$cp_file.tmp" "$cp_file")
  fi
  echo "$DPTRAIN_ROOT/bench/spark/target/classes:$(dptrain_classpath)"
}

dptrain_classpath() {
  echo "$DPTRAIN_ROOT/driver/target/classes:$DPTRAIN_ROOT/worker/target/classes:$DPTRAIN_ROOT/model/target/classes:$(cat "$DPTRAIN_ROOT/driver/target/classpath.txt")"
}

export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
