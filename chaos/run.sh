#!/usr/bin/env bash
# Long chaos run of syncsocket: Java nodes in separate JVMs and real js2p nodes on 127.0.0.1,
# random sets/deltas/deletes while nodes are SIGKILLed and restarted and links are cut,
# blackholed and slowed; then everything is healed and checked (see
# sync-core/src/test/java/io/syncsocket/faults/ChaosTests.java and docs/reliability.md).
#
#   ./chaos/run.sh                 # 600 s (10 minutes), random seed
#   ./chaos/run.sh 300             # 5 minutes
#   ./chaos/run.sh 300 42          # 5 minutes, seed 42 (the fault schedule; timing still varies)
#   CHAOS_OPTS="-Dchaos.javaNodes=7 -Dchaos.js2pNodes=3 -Dchaos.opsPerSecond=200" ./chaos/run.sh 600
#
# Prints the summary line
#   CHAOS seed=.. duration=..s ops=.. faults=.. (kills=.., restarts=.., partitions=.., js2pKills=..) liveDivergence=0 divergence=0 lostAcknowledgedWrites=0
# and exits non-zero if the Java nodes diverge (live, or after the final state exchange) or an
# acknowledged write is lost. The full
# test output goes to target/chaos/chaos-<time>.log, the node logs to sync-core/target/fault-logs.
# CI runs the short variant (45 s) as part of the normal test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-600}"
args=(-Dchaos.duration="$duration")
if [[ $# -ge 2 ]]; then
  args+=(-Dchaos.seed="$2")
fi
if [[ -x ./mvnw ]]; then mvn=./mvnw; else mvn=mvn; fi

mkdir -p target/chaos
log="target/chaos/chaos-$(date +%Y%m%d-%H%M%S).log"
echo "chaos: ${duration}s, log in $log" >&2

set +e
# shellcheck disable=SC2086 # CHAOS_OPTS is a list of -D options
"$mvn" -q -B -pl sync-core test -Dtest=ChaosTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsyncsocket.interop.required=true "${args[@]}" ${CHAOS_OPTS:-} >"$log" 2>&1
status=$?
set -e

grep -h "CHAOS details" "$log" | sed 's/^.*CHAOS details/details/' >&2 || true
if ! grep -h "^CHAOS seed=" "$log"; then
  echo "chaos: no summary line (the run did not finish); see $log" >&2
  tail -n 40 "$log" >&2
fi
exit "$status"
