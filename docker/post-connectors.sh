#!/usr/bin/env bash
# Validates, then creates or updates, every connector of connector-configs/ on a Connect cluster.
#   docker/post-connectors.sh [CONNECT_URL] [CONFIG_DIR]     (defaults: http://localhost:8083, connector-configs)
# Needs curl and jq. The ${env:...} placeholders stay in the configs: the workers resolve them from their own
# environment (EnvVarConfigProvider), so secrets are never stored in Connect's config topic.
set -euo pipefail
connect="${1:-http://localhost:8083}"
dir="${2:-$(dirname "$0")/../connector-configs}"

echo "waiting for Connect at $connect ..."
for _ in $(seq 1 120); do
  curl -fs "$connect/connectors" >/dev/null 2>&1 && break
  sleep 2
done
curl -fs "$connect/connectors" >/dev/null || { echo "Connect at $connect does not answer" >&2; exit 1; }

for file in "$dir"/*.json; do
  name=$(jq -r .name "$file")
  class=$(jq -r '.config["connector.class"]' "$file")
  result=$(jq .config "$file" | curl -fs -X PUT -H 'Content-Type: application/json' --data-binary @- \
    "$connect/connector-plugins/$class/config/validate")
  errors=$(echo "$result" | jq .error_count)
  if [ "$errors" != "0" ]; then
    echo "$file: $errors validation error(s):" >&2
    echo "$result" | jq -r '.configs[].value | select(.errors | length > 0) | "  \(.name): \(.errors | join("; "))"' >&2
    exit 1
  fi
  jq .config "$file" | curl -fs -X PUT -H 'Content-Type: application/json' --data-binary @- \
    "$connect/connectors/$name/config" >/dev/null
  echo "$name ($class): created/updated from $(basename "$file")"
done
curl -fs "$connect/connectors?expand=status" | jq -r 'to_entries[] | "\(.key): \(.value.status.connector.state)"'
