#!/usr/bin/env bash
# The gateway in packages by role: alternating before/after rounds with wsload on fresh processes:
# throughput 50x8 and churn (2,000 cycles, then 20,000); latency and stream with MODES=...
# usage: [MODES="throughput stream"] [WARMUP=10s] run.sh ROUNDS
# jars: $AB/{before,after}/{chat,gateway}/quarkus-run.jar (quarkus-app dirs)
set -u
W=/tmp/wsload-bin/wsload
AB=${AB:-/tmp/ab26}
OUT=$AB/results.jsonl
rounds=${1:-3}
MODES=${MODES:-throughput churn-2000 churn-20000}
WARMUP=${WARMUP:-10s}
for r in $(seq 1 "$rounds"); do
  for build in before after; do
    java -XX:+UseSerialGC -Xmx128m -Dquarkus.http.port=23000 -jar $AB/$build/chat/quarkus-run.jar > $AB/$build-chat.log 2>&1 &
    CHAT=$!
    java -XX:+UseSerialGC -Xmx256m -Dquarkus.http.port=28080 -Dquarkus.grpc.clients.chat.port=23000 \
      -Dquarkus.log.category.\"io.grpcbridge\".level=WARN -jar $AB/$build/gateway/quarkus-run.jar > $AB/$build-gw.log 2>&1 &
    GW=$!
    for i in $(seq 1 60); do curl -sf localhost:28080/q/health/ready >/dev/null && break; sleep 0.5; done
    for mode in $MODES; do
      case $mode in
        latency) args="latency -c 1 -w $WARMUP -d 10s" ;;
        throughput) args="throughput -c 50 -k 8 -w $WARMUP -d 10s" ;;
        stream) args="throughput -c 20 -k 4 -stream -w $WARMUP -d 10s" ;;
        churn-2000) args="churn -cycles 2000 -c 20 -close normal" ;;
        churn-20000) args="churn -cycles 20000 -c 20 -close normal" ;;
      esac
      res=$($W $args -url ws://127.0.0.1:28080/ws -pids $GW,$CHAT -json 2>/dev/null)
      echo "{\"round\":$r,\"build\":\"$build\",\"mode\":\"$mode\",\"result\":$res}" >> $OUT
    done
    kill $GW; wait $GW 2>/dev/null; kill $CHAT; wait $CHAT 2>/dev/null
  done
done
