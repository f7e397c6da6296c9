#!/usr/bin/env bash
# Builds the bench module (and sync-core) and runs the benchmark orchestrator, or JMH.
#
#   bench/run.sh ping|w1|w1-line|w1-zlib|w1-defaults|w2|w3|all [--impl java|js2p|jgroups|hazelcast[,...]] [options...]
#   bench/run.sh w1 --impl java,jgroups,hazelcast                 # side by side, JIT-warm (default)
#   bench/run.sh w1 --impl java,jgroups,hazelcast --warmup short  # fresh JVMs, one 10,000-set warm-up
#   bench/run.sh jmh [JMH options, e.g. -f 1 -wi 3 -i 5 Wire]
#
# Works from any directory. The module is built with -Pbench (./mvnw verify leaves it out).
# BENCH_SKIP_BUILD=1 reuses the last build; SYNC_CORE_JAR=path runs against another sync-core
# jar (a baseline build). See docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [[ "${BENCH_SKIP_BUILD:-0}" != "1" || ! -f bench/target/classpath.txt ]]; then
  if [[ -x ./mvnw ]]; then mvn=./mvnw; else mvn=mvn; fi
  # -Pbench: the module is in a profile, so that ./mvnw verify never builds the harness
  "$mvn" -q -B -Pbench -pl bench -am package -DskipTests
fi

cp="$(cat "$root/bench/target/classpath.txt")"
if [[ -n "${SYNC_CORE_JAR:-}" ]]; then
  # Measure another build of sync-core (e.g. a baseline commit) with this harness.
  # Only the main jar: the test kit (sync-core's test-jar, *-tests.jar) stays this checkout's.
  cp="$(tr ':' '\n' <<<"$cp" | sed "/-tests\.jar\$/!s#^.*/sync-core/target/.*\$#${SYNC_CORE_JAR}#" | paste -sd: -)"
fi
cp="$root/bench/target/classes:$cp"

if [[ "${1:-}" == "jmh" ]]; then
  shift
  exec java -cp "$cp" org.openjdk.jmh.Main "$@"
fi
exec java ${BENCH_ORCHESTRATOR_OPTS:-} -Dsyncsocket.bench.root="$root" -cp "$cp" io.syncsocket.bench.Bench "$@"
