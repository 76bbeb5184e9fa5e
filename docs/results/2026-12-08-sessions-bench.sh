#!/usr/bin/env bash
# Protocol v2 sessions (/session) beside one-call sockets (/ws and the method socket
# /ws/chat.Chat/BidStream) on one warm pair, with the bench module's load tool: 400 requests in
# flight in each throughput shape (50 sockets x 8; 50 sessions x 8 calls x 1; 50 sessions x 1 call
# x 8; 5 sessions x 10 calls x 8), plus strict ping-pong on one connection of each. The shapes
# alternate within a round (each round starts one further along), every round's line carries the
# machine's load (/proc/loadavg) taken just before the round.
# SET=calls instead compares the same 400 gRPC calls with one request in flight each, as 400 method
# sockets, 50 sessions x 8 calls and 400 sessions x 1 call (beside method sockets 50 x 8), to tell
# the cost of a call from the cost of a session's frames.
# usage: docs/results/2026-12-08-sessions-bench.sh [ROUNDS]   (after ./mvnw -o -q install -DskipTests)
# env: SET (shapes or calls), OUT (jsonl to append to), CHAT_PORT / GW_PORT (23000 / 28080), WORK (scratch directory)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$ROOT/bench/target/bench.jar
OUT=${OUT:-$ROOT/docs/results/2026-12-08-sessions-bench${SET:+-$SET}.jsonl}
CHAT_PORT=${CHAT_PORT:-23000}; GW_PORT=${GW_PORT:-28080}
WORK=${WORK:-$(mktemp -d)}
URL=ws://127.0.0.1:$GW_PORT
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)

java -XX:+UseSerialGC -Xmx128m -Dquarkus.http.port="$CHAT_PORT" \
  -jar "$ROOT/chat-service/target/quarkus-app/quarkus-run.jar" > "$WORK/chat.log" 2>&1 &
CHAT=$!
java -XX:+UseSerialGC -Xmx256m -Dquarkus.http.port="$GW_PORT" -Dquarkus.grpc.clients.chat.port="$CHAT_PORT" \
  -jar "$ROOT/ws-gateway/target/quarkus-app/quarkus-run.jar" > "$WORK/gateway.log" 2>&1 &
GW=$!
trap 'kill $GW $CHAT 2>/dev/null; wait $GW $CHAT 2>/dev/null' EXIT
for _ in $(seq 1 300); do
  curl -sf -o /dev/null "localhost:$CHAT_PORT/q/health/ready" && curl -sf -o /dev/null "localhost:$GW_PORT/q/health/ready" && break
  sleep 0.2
done

if [ "${SET:-shapes}" = calls ]; then SHAPES=(
  "throughput -c 50 -k 8|/ws/chat.Chat/BidStream"
  "throughput -c 400 -k 1|/ws/chat.Chat/BidStream"
  "throughput -c 50 -k 1 --session --calls 8|/session"
  "throughput -c 400 -k 1 --session --calls 1|/session"
); else SHAPES=(
  "throughput -c 50 -k 8|/ws"
  "throughput -c 50 -k 8|/ws/chat.Chat/BidStream"
  "throughput -c 50 -k 1 --session --calls 8|/session"
  "throughput -c 50 -k 8 --session --calls 1|/session"
  "throughput -c 5 -k 8 --session --calls 10|/session"
  "latency -c 1|/ws"
  "latency -c 1|/ws/chat.Chat/BidStream"
  "latency -c 1 --session|/session"
); fi

run() { # shape, warm-up, duration -> the report's JSON on one line
  local load=${1%|*} path=${1#*|}
  # shellcheck disable=SC2086
  java -jar "$B" $load -w "$2" -d "$3" --url "$URL$path" --pids "$GW,$CHAT" --json "$WORK/one.json" > /dev/null 2>&1
  tr -d '\n' < "$WORK/one.json"
}

# A fresh gateway runs its first seconds interpreted (bench/README.md): every shape once, not recorded.
for shape in "${SHAPES[@]}"; do run "$shape" 2s 5s > /dev/null; done

n=${#SHAPES[@]}
for r in $(seq 1 "${1:-3}"); do
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  for i in $(seq 0 $((n - 1))); do
    shape=${SHAPES[$(((i + r - 1) % n))]}
    echo "{\"started\":\"$STARTED\",\"round\":$r,\"commit\":\"$COMMIT\",\"loadavg_before_round\":\"$load\",\"load\":\"${shape%|*}\",\"path\":\"${shape#*|}\",\"result\":$(run "$shape" 5s 10s)}" >> "$OUT"
  done
done
