#!/usr/bin/env bash
# A new socket's cost, cold and warm: ours (one or more builds), the Go seed and wsload's bare echo,
# each on fresh processes, in the same run.
#   storm: a gateway that has just reported ready gets 5,000 sockets at once, each answered once
#          (wsload idle -n 5000 -rate 100000 -par 256): sockets/s and the first round trip's p99;
#   churn: on fresh processes, 2,000 cycles (the first ones, counted), then 3,000 clean and 3,000
#          abrupt (connect, one round trip, close; 20 at a time).
#   with MODES="steady" instead (nothing else regresses): 50x8 round trips (10 s warm-up, 10 s), then
#          10,000 idle sockets (wsload idle -n 10000 -rate 1000 -hold 3s: RSS per socket), give the
#          gateway GW_OPTS="-Dgateway.upgrade.max-connections=10000 -Dquarkus.http.limits.max-connections=10256".
# usage: [TARGETS="ours seed echo"] [VARIANTS="base"] [MODES="storm churn"] [GW_OPTS=...] [JAVA=java] run.sh ROUNDS
# ours: $AB/<variant>/{chat,gateway}/quarkus-run.jar (quarkus-app dirs); a variant named like
#       "<dir>+<jvm options>" runs $AB/<dir> with extra gateway JVM options (e.g. "base+-Dx=y");
#       $AB/<dir>/java, if there (a link to a java binary), runs it instead of $JAVA; an app.aot beside
#       a quarkus-run.jar is its AOT cache (Java 25).
# seed: /tmp/seedgo-bin (shared/reference/seed-go/build.sh); echo: /tmp/wsload-bin/wsload-testserver.
set -u
W=/tmp/wsload-bin/wsload
AB=${AB:-/tmp/ab27}
OUT=${OUT:-$AB/storm.jsonl}
JAVA=${JAVA:-java}
rounds=${1:-3}
TARGETS=${TARGETS:-ours seed echo}
VARIANTS=${VARIANTS:-base}
MODES=${MODES:-storm churn}
GW_OPTS=${GW_OPTS:-}
URL=ws://127.0.0.1:28080/ws

ready() {  # waits until $1 answers 200 (at most 60 s)
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done
  return 1
}
listening() { for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/28080) 2>/dev/null && return 0; sleep 0.2; done; return 1; }

aot() { [ -f "$1/app.aot" ] && echo "-XX:AOTCache=$1/app.aot"; }  # a Java 25 AOT cache beside the jar, if any

start() {  # start <target> <variant>: sets PIDS
  case $1 in
    ours)
      local dir=${2%%+*} extra=
      [[ $2 == *+* ]] && extra=${2#*+}
      local java=$JAVA
      [ -x "$AB/$dir/java" ] && java=$AB/$dir/java
      $java -XX:+UseSerialGC -Xmx128m -Dquarkus.http.port=23000 $(aot "$AB/$dir/chat") -jar "$AB/$dir/chat/quarkus-run.jar" > "$AB/chat.log" 2>&1 &
      CHAT=$!
      # shellcheck disable=SC2086
      $java -XX:+UseSerialGC -Xmx256m -Dquarkus.http.port=28080 -Dquarkus.grpc.clients.chat.port=23000 \
        $(aot "$AB/$dir/gateway") $GW_OPTS $extra -jar "$AB/$dir/gateway/quarkus-run.jar" > "$AB/gateway.log" 2>&1 &
      GW=$!
      ready http://127.0.0.1:23000/q/health/ready && ready http://127.0.0.1:28080/q/health/ready
      PIDS=$GW,$CHAT ;;
    seed)
      /work/shared/reference/seed-go/run.sh 23000 28080 -quiet > /dev/null
      PIDS=$(cat /tmp/seedgo-run/gateway.pid),$(cat /tmp/seedgo-run/server.pid) ;;
    echo)
      /tmp/wsload-bin/wsload-testserver -echo -listen 127.0.0.1:28080 > "$AB/echo.log" 2>&1 &
      ECHO=$!
      listening
      PIDS=$ECHO ;;
  esac
}

stop() {
  case $1 in
    ours) kill "$GW"; wait "$GW" 2>/dev/null; kill "$CHAT"; wait "$CHAT" 2>/dev/null ;;
    seed) /work/shared/reference/seed-go/stop.sh > /dev/null ;;
    echo) kill "$ECHO"; wait "$ECHO" 2>/dev/null ;;
  esac
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/28080) 2>/dev/null || return 0; sleep 0.1; done
}

record() {  # record <round> <target> <variant> <mode> <wsload args...>
  local r=$1 t=$2 v=$3 m=$4; shift 4
  local res
  res=$($W "$@" -url $URL -pids "$PIDS" -json 2>/dev/null)
  echo "{\"round\":$r,\"target\":\"$t\",\"variant\":\"$v\",\"mode\":\"$m\",\"result\":${res:-null}}" >> "$OUT"
}

mkdir -p "$AB"
for r in $(seq 1 "$rounds"); do
  for t in $TARGETS; do
    variants=base; [ "$t" = ours ] && variants=$VARIANTS
    for v in $variants; do
      for m in $MODES; do
        start "$t" "$v"
        case $m in
          storm)
            record "$r" "$t" "$v" storm idle -n 5000 -rate 100000 -par 256 -hold 1s ;;
          churn)
            record "$r" "$t" "$v" churn-first-2000 churn -cycles 2000 -c 20 -close normal
            record "$r" "$t" "$v" churn-normal-3000 churn -cycles 3000 -c 20 -close normal
            record "$r" "$t" "$v" churn-abrupt-3000 churn -cycles 3000 -c 20 -close abrupt ;;
          steady)
            record "$r" "$t" "$v" throughput-50x8 throughput -c 50 -k 8 -w 10s -d 10s
            record "$r" "$t" "$v" idle-10000 idle -n 10000 -rate 1000 -hold 3s ;;
        esac
        stop "$t"
      done
    done
  done
done
