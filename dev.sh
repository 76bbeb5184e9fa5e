#!/usr/bin/env bash
# Runs chat-service (gRPC :3000) and ws-gateway (http://localhost:8080) side by side in Quarkus dev
# mode, with live reload; each line of output is labelled. Ctrl-C stops both (exit status 130).
# When something goes wrong (the build, a service that does not start within DEV_READY_TIMEOUT
# seconds (600) or stops later) it stops both and ends with one line "[dev] FAILED: <reason>" and
# exit status 1.
set -euo pipefail
cd "$(dirname "$0")"

pids=() names=()
stop() {  # TERM the services' process groups, KILL what is left after 30 s
  local pid
  trap - EXIT
  for pid in ${pids[*]:-}; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 60); do
    for pid in ${pids[*]:-}; do kill -0 -- "-$pid" 2>/dev/null && { sleep 0.5; continue 2; }; done
    return 0
  done
  for pid in ${pids[*]:-}; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
fail() { stop; echo "[dev] FAILED: $*" >&2; exit 1; }

for port in 3000 8080; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is already in use: stop what listens there first"
  fi
done

# What the two services take from the local repository: the modules they depend on, with the parent POM.
./mvnw -B -q install -DskipTests -pl 'chat-service,ws-gateway,!chat-service,!ws-gateway' -am \
  || fail "could not install the modules chat-service and ws-gateway need (Maven's errors are above)"

trap stop EXIT
trap 'echo "[dev] stopping"; stop; exit 130' INT
trap 'stop; exit 143' TERM

run() {  # run <label> <module>: in its own process group, so that stop() reaches Maven and the app
  # The manifests' generator (dekorate, in quarkus-kubernetes) writes colour codes and a line about
  # its own logger to the build's output; neither means anything here, so they are left out.
  setsid bash -c "set -o pipefail; ./mvnw -B quarkus:dev -pl $2 -Dquarkus.console.enabled=false \
    -Dquarkus.analytics.disabled=true 2>&1 | sed -u -e 's/\x1b\[[0-9;]*m//g' -e '/^Invalid AnsiLogger Stream/d' \
    -e 's/^/[$1] /'" &
  pids+=($!) names+=("$2")
}
check_alive() {  # check_alive <what happened>: fails when a service's process has ended
  local i rc
  for i in 0 1; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      rc=0; wait "${pids[$i]}" || rc=$?
      fail "${names[$i]} $1 (exit status $rc; see its lines above)"
    fi
  done
}
run chat chat-service
run gateway ws-gateway

echo "[dev] starting: chat-service on :3000, ws-gateway on http://localhost:8080 (Ctrl-C stops both)"
deadline=$((SECONDS + ${DEV_READY_TIMEOUT:-600}))
until curl -fs -o /dev/null http://localhost:3000/q/health/ready &&
      curl -fs -o /dev/null http://localhost:8080/q/health/ready; do
  check_alive "exited before it was ready"
  ((SECONDS < deadline)) || fail "not ready within ${DEV_READY_TIMEOUT:-600} s (/q/health/ready on :3000 and :8080)"
  sleep 1
done
echo "[dev] ready: open http://localhost:8080"
while true; do
  check_alive "stopped"
  sleep 1
done
