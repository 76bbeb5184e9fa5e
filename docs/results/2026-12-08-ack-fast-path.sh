#!/usr/bin/env bash
# Acks read without a JSON parser (SessionFrames.plainAck), before and after, same run: two gateways
# (BEFORE and AFTER, each a quarkus-app directory) on one chat-service, the shapes alternating
# between them each round: sessions with calls one request deep (50 sessions x 8 calls x 1, where a
# client sends about one ack per response) and the method socket 50 x 8 as the reference.
# usage: BEFORE=/tmp/ab/before AFTER=/tmp/ab/after docs/results/2026-12-08-ack-fast-path.sh [ROUNDS]
# (after ./mvnw -o -q install -DskipTests and ./mvnw -o -q package -pl bench)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$ROOT/bench/target/bench.jar
OUT=${OUT:-$ROOT/docs/results/2026-12-08-ack-fast-path.jsonl}
WORK=$(mktemp -d)
java -XX:+UseSerialGC -Xmx128m -Dquarkus.http.port=23000 \
  -jar "$ROOT/chat-service/target/quarkus-app/quarkus-run.jar" > "$WORK/chat.log" 2>&1 &
CHAT=$!
declare -A PORT=([before]=28080 [after]=28081) PID=()
for v in before after; do
  dir=BEFORE; [ "$v" = after ] && dir=AFTER
  java -XX:+UseSerialGC -Xmx256m -Dquarkus.http.port="${PORT[$v]}" -Dquarkus.grpc.clients.chat.port=23000 \
    -jar "${!dir}/quarkus-run.jar" > "$WORK/$v.log" 2>&1 &
  PID[$v]=$!
done
trap 'kill ${PID[before]} ${PID[after]} $CHAT 2>/dev/null; wait 2>/dev/null' EXIT
for v in before after; do
  for _ in $(seq 1 300); do curl -sf -o /dev/null "localhost:${PORT[$v]}/q/health/ready" && break; sleep 0.2; done
done
SHAPES=("throughput -c 50 -k 1 --session --calls 8|/session" "throughput -c 50 -k 8|/ws/chat.Chat/BidStream")
run() { # variant, shape, warm-up, duration
  local load=${2%|*} path=${2#*|}
  # shellcheck disable=SC2086
  java -jar "$B" $load -w "$3" -d "$4" --url "ws://127.0.0.1:${PORT[$1]}$path" --pids "${PID[$1]},$CHAT" --json "$WORK/one.json" > /dev/null 2>&1
  tr -d '\n' < "$WORK/one.json"
}
for v in before after; do for s in "${SHAPES[@]}"; do run "$v" "$s" 2s 5s > /dev/null; done; done
for r in $(seq 1 "${1:-3}"); do
  for s in "${SHAPES[@]}"; do
    order=(before after); [ $((r % 2)) = 0 ] && order=(after before)
    for v in "${order[@]}"; do
      echo "{\"round\":$r,\"variant\":\"$v\",\"loadavg\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"load\":\"${s%|*}\",\"result\":$(run "$v" "$s" 5s 10s)}" >> "$OUT"
    done
  done
done
