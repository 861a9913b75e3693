#!/usr/bin/env bash
# The embedded default: builds the project (bundle included), then starts the whole replication pipeline in one
# JVM on loopback and replicates a workload. Options: see `./run-sandbox.sh --help` (e.g. --stay).
# --skip-build reuses the last build.
set -euo pipefail
cd "$(dirname "$0")"

build=1
args=()
for a in "$@"; do
  if [ "$a" = "--skip-build" ]; then build=0; else args+=("$a"); fi
done

if [ "$build" = 1 ] || [ ! -f sandbox/target/sandbox.classpath ]; then
  echo "building (mvn -q -B install -DskipTests)..."
  mvn -q -B install -DskipTests
fi

mkdir -p sandbox/target
# exec: Ctrl-C goes straight to the JVM, whose shutdown hook stops everything cleanly
exec java -Xmx2g \
  -Dlogback.configurationFile=sandbox/src/main/sandbox/logback.xml \
  -Dbackbeat.sandbox.log=sandbox/target/sandbox.log \
  -Dbackbeat.sandbox.project.root=. \
  -Dbackbeat.sandbox.plugin.path=sandbox/target/plugins \
  -cp "sandbox/target/classes:$(cat sandbox/target/sandbox.classpath)" \
  io.backbeat.connect.sandbox.Sandbox "${args[@]+"${args[@]}"}"
