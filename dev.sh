#!/usr/bin/env bash
# Runs chat-service (gRPC :3000) and ws-gateway (http://localhost:8080) side by side in Quarkus dev
# mode, with live reload; each line of output is labelled. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")"

for port in 3000 8080; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "[dev] port $port is already in use: stop what listens there first" >&2
    exit 1
  fi
done

./mvnw -B -q install -DskipTests -pl test-support   # the only module the others need from the local repository

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

run() {  # run <label> <module>
  setsid bash -c "./mvnw -B quarkus:dev -pl $2 -Dquarkus.console.enabled=false 2>&1 | sed -u 's/^/[$1] /'" &
  pids+=($!)
}
run chat chat-service
run gateway ws-gateway

echo "[dev] starting: chat-service on :3000, ws-gateway on http://localhost:8080 (Ctrl-C stops both)"
for _ in $(seq 300); do
  if curl -fs -o /dev/null http://localhost:8080/q/health/ready && curl -fs -o /dev/null http://localhost:3000/q/health/ready; then
    echo "[dev] ready: open http://localhost:8080"
    break
  fi
  sleep 1
done
wait
