#!/usr/bin/env bash
# `make dev`: Temporal dev server (with Web UI, data kept in .data/), migrations, worker and API.
# Ctrl-C stops everything; run it again and the tickets are still there.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .data/logs

export API_PORT="${API_PORT:-3000}"
export TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
export TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:$TEMPORAL_PORT}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/caseworks}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
# The Web UI decodes encrypted payloads (summaries, details, inputs) through the API's codec
# endpoint, as the person signed in: sign in once at /auth/sign-in (a cookie for /codec), then
# tick "include cross-origin credentials" in the UI's codec settings. Dev IdP: scripts/dev-idp.mjs.
export TEMPORAL_UI_CODEC_ENDPOINT="${TEMPORAL_UI_CODEC_ENDPOINT:-http://127.0.0.1:$API_PORT/codec}"
export IDP_PORT="${IDP_PORT:-3001}"
start_dev_idp=false
if [ -z "${OIDC_ISSUER_URL:-}" ]; then
  start_dev_idp=true
  export OIDC_ISSUER_URL="http://127.0.0.1:$IDP_PORT"
  export OIDC_RESOURCE="${OIDC_RESOURCE:-urn:caseworks:api}"
fi
# Payload encryption in dev too, with a key made once and kept beside the dev data.
if [ -z "${PAYLOAD_ENCRYPTION_KEY:-}" ]; then
  [ -s .data/payload.key ] || node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))' > .data/payload.key
  export PAYLOAD_ENCRYPTION_KEY="$(cat .data/payload.key)"
fi

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "stopping..."
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
  echo "stopped."
}
trap cleanup INT TERM EXIT

# The metrics endpoints' development defaults (src/observability/metrics/metrics-settings.ts).
api_metrics_port="${API_METRICS_PORT:-9465}"
worker_metrics_address="${WORKER_METRICS_ADDRESS:-127.0.0.1:9464}"

ports=("$API_PORT" "$TEMPORAL_PORT" "$TEMPORAL_UI_PORT")
$start_dev_idp && ports+=("$IDP_PORT")
[ "$api_metrics_port" = off ] || ports+=("$api_metrics_port")
[ "$worker_metrics_address" = off ] || ports+=("${worker_metrics_address##*:}")
for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use (another make dev?). Set API_PORT / TEMPORAL_PORT / TEMPORAL_UI_PORT / IDP_PORT / API_METRICS_PORT / WORKER_METRICS_ADDRESS." >&2; exit 1
  fi
done

# Each process's JSON log goes whole to .data/logs/<name>.log; the terminal gets one readable,
# coloured line per entry (scripts/dev-log-view.sh). Successful /health checks are not logged at all
# (the API's request log drops them: src/api/logging/http-log-options.ts); failing ones are.
view_flag=""
if [ -t 1 ]; then view_flag=--color; fi
view() { bash scripts/dev-log-view.sh "$1" $view_flag; }

echo "starting Temporal dev server..."
node dist/scripts/dev-server.js > >(tee .data/logs/temporal.log | view temporal) 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do grep -q 'ready' .data/logs/temporal.log 2>/dev/null && break; sleep 0.5; done
grep -q 'ready' .data/logs/temporal.log || { echo "Temporal dev server did not start; see .data/logs/temporal.log" >&2; exit 1; }

node dist/scripts/migrate.js
node dist/scripts/seed-customers.js

if $start_dev_idp; then
  echo "starting the development OpenID provider..."
  node scripts/dev-idp.mjs > >(tee .data/logs/idp.log | view idp) 2>&1 &
  pids+=($!)
  for _ in $(seq 1 60); do grep -q '"ready"' .data/logs/idp.log 2>/dev/null && break; sleep 0.5; done
  grep -q '"ready"' .data/logs/idp.log || { echo "the dev OpenID provider did not start; see .data/logs/idp.log" >&2; exit 1; }
fi

# The worker runs under a supervisor: when it exits (SIGTERM, a crash) it is started again after a
# backoff, with a line in its log saying why, while the API and Temporal stay up. It runs on jemalloc
# when installed (scripts/worker-allocator.sh, WORKER_ALLOCATOR).
node dist/scripts/supervise.js worker -- sh scripts/worker-allocator.sh node dist/src/worker/main.js > >(tee .data/logs/worker.log | view worker) 2>&1 &
pids+=($!)
node dist/src/api/main.js > >(tee .data/logs/api.log | view api) 2>&1 &
pids+=($!)

api="http://127.0.0.1:$API_PORT"
for _ in $(seq 1 120); do curl -fsS "$api/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$api/health/ready" >/dev/null || { echo "API did not become ready; see .data/logs/api.log" >&2; exit 1; }

cat <<MSG

  Caseworks is running
    API          $api
    API docs     $api/docs   (OpenAPI JSON: $api/docs-json)
    Health       $api/health/ready
    Temporal UI  http://127.0.0.1:$TEMPORAL_UI_PORT
    Temporal     $TEMPORAL_ADDRESS (namespace default, task queue caseworks)
    PostgreSQL   ${DATABASE_URL%%\?*}
    Sign in      $api/auth/sign-in   (IdP $OIDC_ISSUER_URL; dev logins: ann-agent, sam-sre, lee-legal, ada-admin, any password)
    Metrics      API http://127.0.0.1:$api_metrics_port/metrics, worker http://$worker_metrics_address/metrics
    Logs         .data/logs/{temporal,api,worker,idp}.log (JSON; the terminal shows them readable)
    Worker       restarted on its own when it exits (see its log for why)

  Encrypted payloads in the Temporal UI: sign in once (link above), then in the UI's codec
  settings (the data-encoder icon) set the endpoint $TEMPORAL_UI_CODEC_ENDPOINT and tick
  "Include cross-origin credentials". Each role sees what it may: an SRE incidents, legal
  takedowns, an agent tickets and billing cases.

  Create a key:  make key ROLE=agent NAME=me      Stop: Ctrl-C

MSG
wait -n "${pids[@]}"
echo "a process exited; stopping the rest" >&2
