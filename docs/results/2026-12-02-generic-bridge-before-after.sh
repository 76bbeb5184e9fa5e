#!/usr/bin/env bash
# Alternating before/after rounds with wsload: latency (1 socket), throughput 50x8, stream 20x4.
# usage: run.sh ROUNDS ; jars: /tmp/ab16/{before,after}/{chat,gateway}/quarkus-run.jar
set -u
W=/tmp/wsload-bin/wsload
OUT=/tmp/ab16/results.jsonl
rounds=${1:-3}
for r in $(seq 1 "$rounds"); do
  for build in before after; do
    java -XX:+UseSerialGC -Xmx128m -Dquarkus.http.port=23000 -jar /tmp/ab16/$build/chat/quarkus-run.jar > /tmp/ab16/$build-chat.log 2>&1 &
    CHAT=$!
    java -XX:+UseSerialGC -Xmx256m -Dquarkus.http.port=28080 -Dquarkus.grpc.clients.chat.port=23000 -jar /tmp/ab16/$build/gateway/quarkus-run.jar > /tmp/ab16/$build-gw.log 2>&1 &
    GW=$!
    for i in $(seq 1 60); do curl -sf localhost:28080/q/health/ready >/dev/null && break; sleep 0.5; done
    for mode in latency throughput stream; do
      case $mode in
        latency) args="latency -c 1 -w 10s -d 10s" ;;
        throughput) args="throughput -c 50 -k 8 -w 10s -d 10s" ;;
        stream) args="throughput -c 20 -k 4 -stream -w 10s -d 10s" ;;
      esac
      res=$($W $args -url ws://127.0.0.1:28080/ws -pids $GW,$CHAT -json 2>/dev/null)
      echo "{\"round\":$r,\"build\":\"$build\",\"mode\":\"$mode\",\"result\":$res}" >> $OUT
    done
    kill $GW; wait $GW 2>/dev/null; kill $CHAT; wait $CHAT 2>/dev/null
  done
done
