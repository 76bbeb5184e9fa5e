#!/usr/bin/env bash
# /ws (protocol v1) against its method socket /ws/chat.Chat/BidStream (envelope frames), on the same
# warm gateway, alternating, with the bench module's load tool (java -jar bench/target/bench.jar):
# 50x8 round trips and 20x4 streams of ten outputs. usage: run.sh ROUNDS  (pair from $AB/$DIR)
set -u
AB=${AB:-/tmp/ab27}; DIR=${DIR:-warm2}; OUT=${OUT:-$AB/method-sockets.jsonl}
B=$(cd "$(dirname "$0")/../.." && pwd)/bench/target/bench.jar
java -XX:+UseSerialGC -Xmx128m -Dquarkus.http.port=23000 -jar "$AB/$DIR/chat/quarkus-run.jar" > "$AB/chat.log" 2>&1 &
CHAT=$!
java -XX:+UseSerialGC -Xmx256m -Dquarkus.http.port=28080 -Dquarkus.grpc.clients.chat.port=23000 \
  -jar "$AB/$DIR/gateway/quarkus-run.jar" > "$AB/gateway.log" 2>&1 &
GW=$!
for _ in $(seq 1 300); do
  curl -sf -o /dev/null localhost:23000/q/health/ready && curl -sf -o /dev/null localhost:28080/q/health/ready && break
  sleep 0.2
done
for r in $(seq 1 "${1:-3}"); do
  for load in "throughput -c 50 -k 8" "throughput -c 20 -k 4 --stream"; do
    for path in ws ws/chat.Chat/BidStream; do
      # shellcheck disable=SC2086
      java -jar "$B" $load -w 5s -d 10s --url "ws://127.0.0.1:28080/$path" --pids $GW,$CHAT --json "$AB/one.json" > /dev/null 2>&1
      echo "{\"round\":$r,\"load\":\"$load\",\"path\":\"/$path\",\"result\":$(tr -d '\n' < "$AB/one.json")}" >> "$OUT"
    done
  done
done
kill $GW; wait $GW 2>/dev/null; kill $CHAT; wait $CHAT 2>/dev/null
