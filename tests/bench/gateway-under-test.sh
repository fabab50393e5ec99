#!/usr/bin/env bash
# Starts porticod the way ../shared/bench/compare.py expects (see its docstring): listen on
# GW_PORT, route everything to BACKEND_PORT, GW_WORKERS worker threads, in the foreground.
# GW_PROGRAM=portico runs the desktop app instead of porticod (its window needs a display:
# tests/bench/gui-responsiveness gives it one).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
: "${GW_PORT:?}" "${BACKEND_PORT:?}" "${GW_WORKERS:=1}" "${GW_MODE:=plain}"
routes=${GW_ROUTES:-1} # extra routes before the catch-all, to measure matching cost

# full: the catch-all route needs the API key "bench-key" (checked as in production: hashed,
# looked up, its consumer's identity forwarded) and counts each request in a per-consumer limit
# far above the load (nginx's limit_req and HAProxy's stick table do the same in their full mode).
# tls: as plain, the listener serving HTTPS with the certificate compare.py made.
tls=()
case "$GW_MODE" in
  plain) auth="" ;;
  full) auth=", auth: [key], rate_limit: { second: 100000000 }" ;;
  tls) auth="" tls=(--tls-cert "${GW_TLS_CERT:?}" --tls-key "${GW_TLS_KEY:?}") ;;
  *) echo "gateway-under-test: unknown mode '$GW_MODE' (plain, full, tls)" >&2; exit 2 ;;
esac

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
config=$dir/bench.yaml
{
  echo "format_version: 1"
  # The Admin API on any free port: two gateways may run side by side (route scaling).
  echo "settings: { listen: '127.0.0.1:$GW_PORT', admin_listen: '127.0.0.1:0', workers: $GW_WORKERS }"
  echo "services:"
  echo "  - { name: backend, url: 'http://127.0.0.1:$BACKEND_PORT' }"
  echo "routes:"
  for ((i = 1; i < routes; i++)); do
    if ((i % 2)); then
      echo "  - { name: r$i, paths: ['/api/v$i/items'], service: backend }"
    else
      echo "  - { name: r$i, paths: ['=/exact/$i'], service: backend }"
    fi
  done
  echo "  - { name: all, paths: ['/'], service: backend$auth }"
  echo "consumers:"
  echo "  - { name: bench, keys: [ { key: bench-key } ] }"
} >"$config"
# Not exec'd, so the temporary config is removed when the benchmark stops the gateway.
"$root/build/app/${GW_PROGRAM:-porticod}" --config "$config" "${tls[@]}" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; rm -rf "$dir"' TERM INT
wait "$pid"
