#!/usr/bin/env bash
# Runs one benchmark program with a plain java command (clean Ctrl-C, no Maven in the measured JVM).
#   bench/run-bench.sh SmallObjectsBench --objects 2000 --destination ceph
# Build first: mvn -q -B -pl bench -am install -DskipTests
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
main="${1:?usage: run-bench.sh <SmallObjectsBench|LargeObjectsBench|LatencyBench|SourceBench|MemoryBench> [--option value ...]}"
shift
# a private copy of the class path: a rebuild of the project's jars during a long run must not pull them away
lib="$here/target/run-$main"
rm -rf "$lib" && mkdir -p "$lib"
cp -r "$here/target/classes" "$lib/classes"
# the same for the unzipped bundle the workers load (the sandbox build re-unzips it)
cp -r "$root/sandbox/target/plugins" "$lib/plugins"
cp=""
for jar in $(tr ':' ' ' < "$here/target/bench.classpath"); do
  case "$jar" in
    */io/backbeat/connect/*) cp -p "$jar" "$lib/" && jar="$lib/$(basename "$jar")" ;;
  esac
  cp="$cp:$jar"
done
exec java ${BENCH_JAVA_OPTS:--Xms2g -Xmx2g} -cp "$lib/classes$cp" \
  -Dlogback.configurationFile="$here/src/main/bench/logback.xml" \
  -Dbackbeat.bench.log="$here/target/bench-$main.log" \
  -Dbackbeat.sandbox.plugin.path="$lib/plugins" \
  -Dbackbeat.sandbox.project.root="$root" \
  "io.backbeat.connect.bench.$main" "$@"
