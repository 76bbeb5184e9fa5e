#!/usr/bin/env bash
# Builds the two services if needed and runs them side by side: chat-service (gRPC :3000) and
# ws-gateway (http://localhost:8080). Each line of output is labelled; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")"

if [[ ! -f chat-service/target/quarkus-app/quarkus-run.jar || ! -f ws-gateway/target/quarkus-app/quarkus-run.jar ]]; then
  ./mvnw -B -q package -DskipTests
fi

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

run() {  # run <label> <module>
  setsid bash -c "exec java -jar $2/target/quarkus-app/quarkus-run.jar 2>&1 | sed -u 's/^/[$1] /'" &
  pids+=($!)
}
run chat chat-service
run gateway ws-gateway

for _ in $(seq 120); do
  if curl -fs -o /dev/null http://localhost:3000/q/health/ready && curl -fs -o /dev/null http://localhost:8080/q/health/ready; then
    echo "[run] ready: ws://localhost:8080/ws (Ctrl-C stops both)"
    break
  fi
  sleep 1
done
wait
