#!/usr/bin/env bash
# Edge-pipeline peer: the real `outpost gateway` (built bundle) on the reference job, configured
# from the harness's contract env by gateway-config.mjs. Client mode against MQTT_URL, or the
# embedded broker on MQTT_LISTEN_PORT (BROKER=embedded). Stops on SIGTERM.
#   cd ../shared/bench/edge-pipeline && PEER_CMD=/path/to/outpost-gateway.sh ./run.sh custom
# OUTPOST_BUNDLE: the bundle to run (default <repo>/dist/outpost.mjs, built by `npm run build`).
# OUTPOST_NODE_ARGS: extra node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the job.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
bundle="${OUTPOST_BUNDLE:-$root/dist/outpost.mjs}"
[ -f "$bundle" ] || { echo "edge peer: $bundle is missing; run npm run build" >&2; exit 2; }
mkdir -p "$PEER_WORK_DIR"
# The harness reuses PEER_WORK_DIR across invocations; each repetition starts with a fresh store,
# as DB_PATH does for the durable variant.
[ "${PERSIST:-0}" = 1 ] || rm -f "$PEER_WORK_DIR"/gateway.db "$PEER_WORK_DIR"/gateway.db-wal "$PEER_WORK_DIR"/gateway.db-shm
cfg="$PEER_WORK_DIR/outpost.json"
id="$(node "$here/gateway-config.mjs" "$cfg")"
# Same V8 flag as the outpost launcher (apps/cli/bin/outpost.mjs).
# shellcheck disable=SC2086
node --max-semi-space-size=16 --max-old-space-size=256 ${OUTPOST_NODE_ARGS:-} "$here/run-bundle.mjs" "$bundle" gateway --config "$cfg" &
gw=$!
stop() {
  kill -TERM "$gw" 2>/dev/null || true
  wait "$gw" 2>/dev/null || true
  [ -n "${MQTT_LISTEN_PORT:-}" ] || node "$here/gateway-config.mjs" --wipe-session "$id" || true
  exit 0
}
trap stop TERM INT
wait "$gw"
