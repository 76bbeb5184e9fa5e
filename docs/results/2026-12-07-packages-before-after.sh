#!/usr/bin/env bash
# The gateway in packages by role: the pacing run's alternating before/after script
# (2026-12-07-pacing-before-after.sh: fresh processes, wsload), with throughput 50x8 and churn
# (2,000 cycles, then 20,000) by default; latency and stream with MODES=...
# usage: [MODES=...] [WARMUP=10s] run.sh ROUNDS
# jars: $AB/{before,after}/{chat,gateway}/quarkus-run.jar (quarkus-app dirs)
AB=${AB:-/tmp/ab26} MODES=${MODES:-throughput churn-2000 churn-20000} \
  exec bash "$(dirname "$0")/2026-12-07-pacing-before-after.sh" "$@"
