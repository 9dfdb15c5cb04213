#!/usr/bin/env bash
# `make cluster`: Caseworks' production topology on this machine, without Docker.
#   - Temporal server 1.29.1 on the local PostgreSQL (databases temporal + temporal_visibility,
#     schemas set up and upgraded by temporal-sql-tool, SQL visibility, NUM_HISTORY_SHARDS shards),
#     as three processes: frontend + internal frontend + matching + system worker, and two history
#     processes sharing the shards (either takes over the other's when it dies);
#   - JWT authorization (the server's default authorizer) against the development OpenID provider
#     (scripts/dev-idp.mjs), which also signs people in to the UI;
#   - the Temporal UI server behind that sign-in, decoding payloads through the API's codec endpoint
#     with the person's own token;
#   - two Caseworks workers and two APIs, the APIs behind a round-robin balancer on API_PORT.
# Every long-running process is kept by the supervisor (restarted when it dies, as `make dev`'s
# worker). Binaries come from scripts/install-temporal-cluster.sh. Ctrl-C stops everything; data
# stays in PostgreSQL (CLUSTER_RESET=1 drops Temporal's two databases first).
# Config: deploy/temporal/config/caseworks.yaml, deploy/temporal/dynamicconfig/caseworks.yaml,
# deploy/temporal-ui/caseworks.yaml (the same files docker-compose.yml mounts).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
data="${CLUSTER_DATA_DIR:-$root/.data/cluster}"
mkdir -p "$data/logs" "$data/pids"

schema="$(bash scripts/install-temporal-cluster.sh | tail -1)"
temporal_cli="$(bash scripts/install-temporal-cli.sh)"
bin="$root/.tools/bin"

# --- ports and names (all overridable; test/cluster/ runs its own cluster on free ones) ---
export API_PORT="${API_PORT:-3000}"
api_ports=("${API_PORT_1:-3010}" "${API_PORT_2:-3011}")
export IDP_PORT="${IDP_PORT:-3001}"
export FRONTEND_GRPC_PORT="${FRONTEND_GRPC_PORT:-7233}"
export TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
# The APIs over HTTPS (the same round robin, TLS ended in front of them), for the UI's codec calls.
export API_TLS_PORT="${API_TLS_PORT:-3443}"
# Internal ports: base+0…+39, below 32768 (Temporal keeps membership ports in a smallint column).
port_base="${TEMPORAL_PORT_BASE:-17000}"
history_ports=("$((port_base + 4))" "$((port_base + 14))")
history_membership=("$((port_base + 5))" "$((port_base + 15))")
export FRONTEND_HTTP_PORT="$((port_base + 1))" FRONTEND_MEMBERSHIP_PORT="$((port_base + 2))"
export MATCHING_GRPC_PORT="$((port_base + 6))" MATCHING_MEMBERSHIP_PORT="$((port_base + 7))"
export WORKER_GRPC_PORT="$((port_base + 8))" WORKER_MEMBERSHIP_PORT="$((port_base + 9))"
export INTERNAL_FRONTEND_GRPC_PORT="$((port_base + 10))" INTERNAL_FRONTEND_MEMBERSHIP_PORT="$((port_base + 11))" INTERNAL_FRONTEND_HTTP_PORT="$((port_base + 12))"
export NUM_HISTORY_SHARDS="${NUM_HISTORY_SHARDS:-4}"
export DBNAME="${TEMPORAL_DB:-temporal}" VISIBILITY_DBNAME="${TEMPORAL_VISIBILITY_DB:-temporal_visibility}"
export DYNAMIC_CONFIG_FILE_PATH="$root/deploy/temporal/dynamicconfig/caseworks.yaml"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/caseworks}"
# Temporal's databases live on the same PostgreSQL server as DATABASE_URL's.
eval "$(node -e 'const u=new URL(process.argv[1]); const q=(v)=>"\x27"+v.replace(/\x27/g,"")+"\x27"; console.log(`export POSTGRES_SEEDS=${q(u.hostname)} DB_PORT=${q(u.port||"5432")} POSTGRES_USER=${q(decodeURIComponent(u.username)||"postgres")} POSTGRES_PWD=${q(decodeURIComponent(u.password))}`)' "$DATABASE_URL")"
export TEMPORAL_ADDRESS="127.0.0.1:$FRONTEND_GRPC_PORT"
export OIDC_ISSUER_URL="http://127.0.0.1:$IDP_PORT"
export OIDC_RESOURCE="urn:caseworks:api"
export OIDC_TEMPORAL_AUDIENCE=temporal
idp_secret=dev-secret-not-for-production # scripts/dev-idp.mjs's development clients
export LOG_LEVEL="${LOG_LEVEL:-info}"
temporal_log_level="${TEMPORAL_LOG_LEVEL:-warn}" # the server's info level logs every shard and queue move
if [ -z "${PAYLOAD_ENCRYPTION_KEY:-}" ]; then
  [ -s "$data/payload.key" ] || node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))' > "$data/payload.key"
  export PAYLOAD_ENCRYPTION_KEY="$(cat "$data/payload.key")"
fi

for port in "$API_PORT" "$API_TLS_PORT" "${api_ports[@]}" "$IDP_PORT" "$FRONTEND_GRPC_PORT" "$TEMPORAL_UI_PORT" "${history_ports[@]}" "$MATCHING_GRPC_PORT" "$WORKER_GRPC_PORT" "$INTERNAL_FRONTEND_GRPC_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use (make dev or another make cluster?). Set API_PORT / API_TLS_PORT / IDP_PORT / FRONTEND_GRPC_PORT / TEMPORAL_UI_PORT / TEMPORAL_PORT_BASE." >&2; exit 1
  fi
done

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "stopping the cluster..."
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
  rm -f "$data"/pids/*.pid
  echo "stopped."
}
trap cleanup INT TERM EXIT

# Starts a long-running process under the supervisor; its pid file names the supervisor (the
# process itself is its child: `pgrep -P "$(cat <name>.pid)"`).
keep() {
  local name="$1"; shift
  node dist/scripts/supervise.js "$name" -- "$@" >>"$data/logs/$name.log" 2>&1 &
  pids+=($!)
  echo $! > "$data/pids/$name.pid"
}
wait_for() { # <what> <seconds> <command…>
  local what="$1" seconds="$2"; shift 2
  for _ in $(seq 1 $((seconds * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "$what did not come up within ${seconds}s; logs in $data/logs/" >&2; exit 1
}

# --- Temporal's databases: created, set up, and upgraded to the server's schema version ---
sqltool() { SQL_PASSWORD="$POSTGRES_PWD" "$bin/temporal-sql-tool" --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"; }
for pair in "$DBNAME:temporal" "$VISIBILITY_DBNAME:visibility"; do
  db="${pair%%:*}"; dir="${pair#*:}"
  if [ "${CLUSTER_RESET:-}" = 1 ]; then sqltool drop --db "$db" -f >/dev/null 2>&1 || true; fi
  sqltool --db "$db" create >/dev/null 2>&1 || true # exists already: fine
  # setup-schema -v 0.0 only makes the version table; a set-up database keeps its version.
  sqltool --db "$db" setup-schema -v 0.0 >/dev/null 2>&1 || true
  sqltool --db "$db" update-schema -d "$schema/$dir/versioned" >>"$data/logs/schema.log" 2>&1 \
    || { echo "schema upgrade of $db failed; see $data/logs/schema.log" >&2; exit 1; }
done
echo "temporal schemas ready ($DBNAME, $VISIBILITY_DBNAME; $NUM_HISTORY_SHARDS history shards)"

# --- the OpenID provider: people (UI sign-in) and services (client_credentials) ---
echo "starting the development OpenID provider..."
TEMPORAL_UI_CALLBACK_URLS="http://127.0.0.1:$TEMPORAL_UI_PORT/auth/sso/callback,http://localhost:$TEMPORAL_UI_PORT/auth/sso/callback" \
  keep idp node scripts/dev-idp.mjs
wait_for "the OpenID provider" 60 curl -fsS "$OIDC_ISSUER_URL/.well-known/openid-configuration"
export TEMPORAL_JWT_KEY_SOURCE1="$OIDC_ISSUER_URL/jwks"

# --- Temporal server: three processes, one cluster ---
echo "starting Temporal server (frontend, matching, worker; history ×2)..."
LOG_LEVEL="$temporal_log_level" keep temporal-frontend "$bin/temporal-server" --root "$root" --config deploy/temporal/config --env caseworks start \
  --service frontend --service internal-frontend --service matching --service worker
for i in 0 1; do
  LOG_LEVEL="$temporal_log_level" HISTORY_GRPC_PORT="${history_ports[$i]}" HISTORY_MEMBERSHIP_PORT="${history_membership[$i]}" \
    keep "temporal-history-$((i + 1))" "$bin/temporal-server" --root "$root" --config deploy/temporal/config --env caseworks start --service history
done
wait_for "the Temporal frontend" 120 "$temporal_cli" operator cluster health --address "$TEMPORAL_ADDRESS"

token_for() { # a client_credentials token of the dev IdP for the Temporal cluster
  curl -fsS -u "$1:$idp_secret" -d grant_type=client_credentials -d resource=urn:temporal:cluster -d scope=temporal "$OIDC_ISSUER_URL/token" \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).access_token))'
}
admin_token="$(token_for temporal-admin)"
# The namespace and the search attributes (deploy/temporal/create-namespace.sh does it for compose).
TEMPORAL_API_KEY="$admin_token" node dist/scripts/cluster-namespace.js default

if [ "${CLUSTER_TEMPORAL_ONLY:-}" = 1 ]; then
  # The Temporal part alone, for `BENCH_SERVER=cluster make bench` (the bench runs its own
  # workers and API against it): no Caseworks processes, no UI.
  echo "cluster ready" > "$data/ready"
  echo "Temporal cluster ready at $TEMPORAL_ADDRESS (Temporal only)"
  wait -n "${pids[@]}"
  echo "a supervisor exited; stopping the rest" >&2
  exit 1
fi

# --- Caseworks ---
node dist/scripts/migrate.js
node dist/scripts/seed-customers.js

echo "starting 2 workers and 2 APIs..."
# The production start: the workflow bundle `npm run build` made (as docker-compose.yml's worker).
# Bundling at start instead costs each worker tens of seconds of CPU, on every restart too. Each
# runs on jemalloc when installed (scripts/worker-allocator.sh), as the image's worker does.
declare -A worker_log_from # each worker log's length before this start: the logs keep earlier runs
for i in 1 2; do
  worker_log_from[$i]=1
  if [ -f "$data/logs/worker-$i.log" ]; then worker_log_from[$i]=$(( $(wc -l < "$data/logs/worker-$i.log") + 1 )); fi
  TEMPORAL_OIDC_CLIENT_ID=caseworks-worker TEMPORAL_OIDC_CLIENT_SECRET="$idp_secret" \
    WORKER_METRICS_ADDRESS="127.0.0.1:$((port_base + 20 + i))" WORKFLOW_BUNDLE_PATH="$root/dist/workflow-bundle.js" \
    keep "worker-$i" sh scripts/worker-allocator.sh node dist/src/worker/main.js
done
for i in 0 1; do
  TEMPORAL_OIDC_CLIENT_ID=caseworks-api TEMPORAL_OIDC_CLIENT_SECRET="$idp_secret" \
    API_PORT="${api_ports[$i]}" API_METRICS_PORT="$((port_base + 30 + i))" \
    CODEC_CORS_ORIGINS="http://127.0.0.1:$TEMPORAL_UI_PORT,http://localhost:$TEMPORAL_UI_PORT" \
    PUBLIC_API_URL="http://127.0.0.1:$API_PORT" \
    keep "api-$((i + 1))" node dist/src/api/main.js
done
keep balancer node dist/scripts/round-robin.js "$API_PORT" "127.0.0.1:${api_ports[0]}" "127.0.0.1:${api_ports[1]}"
# The Temporal UI hands a person's access token only to an https:// codec endpoint (passAccessToken);
# over http it never calls it and shows "Codec Server could not connect". So the APIs also answer
# over HTTPS, with a certificate for 127.0.0.1 and localhost made once for this data folder
# (self-signed: a browser asks to trust it once; see the README).
tls="$data/tls"
if [ ! -s "$tls/cert.pem" ] || [ ! -s "$tls/key.pem" ]; then
  command -v openssl >/dev/null || { echo "make cluster needs openssl to make its local HTTPS certificate" >&2; exit 1; }
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=Caseworks make cluster" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$tls/key.pem" -out "$tls/cert.pem" 2>>"$data/logs/tls.log" \
    || { echo "could not make the HTTPS certificate; see $data/logs/tls.log" >&2; exit 1; }
  chmod 600 "$tls/key.pem"
fi
keep balancer-tls node dist/scripts/round-robin.js --tls-cert "$tls/cert.pem" --tls-key "$tls/key.pem" "$API_TLS_PORT" "127.0.0.1:${api_ports[0]}" "127.0.0.1:${api_ports[1]}"
for p in "${api_ports[@]}"; do wait_for "the API on $p" 120 curl -fsS "http://127.0.0.1:$p/health/ready"; done
wait_for "the balancer" 30 curl -fsS "http://127.0.0.1:$API_PORT/health/ready"
wait_for "the HTTPS balancer" 30 curl -fsS --cacert "$tls/cert.pem" "https://127.0.0.1:$API_TLS_PORT/health/ready"
# Ready means cases move: both workers poll their task queue (each logs "worker started" then).
worker_started() { tail -n "+${worker_log_from[$1]}" "$data/logs/worker-$1.log" | grep -q '"worker started"'; }
for i in 1 2; do wait_for "worker $i" 120 worker_started "$i"; done

# --- the Web UI, behind sign-in ---
TEMPORAL_AUTH_PROVIDER_URL="$OIDC_ISSUER_URL" TEMPORAL_AUTH_CLIENT_SECRET="$idp_secret" \
  TEMPORAL_AUTH_CALLBACK_URL="http://127.0.0.1:$TEMPORAL_UI_PORT/auth/sso/callback" \
  TEMPORAL_UI_PUBLIC_URL="http://127.0.0.1:$TEMPORAL_UI_PORT" TEMPORAL_CODEC_ENDPOINT="https://127.0.0.1:$API_TLS_PORT/codec" \
  keep temporal-ui "$bin/temporal-ui-server" --root "$root" --config deploy/temporal-ui --env caseworks start
wait_for "the Temporal UI" 60 curl -fsS "http://127.0.0.1:$TEMPORAL_UI_PORT/api/v1/settings"

cat <<MSG

  Caseworks cluster is running (production topology)
    API          http://127.0.0.1:$API_PORT   (round robin over :${api_ports[0]} and :${api_ports[1]})
                 https://127.0.0.1:$API_TLS_PORT  (the same, for the UI's codec calls; certificate $tls/cert.pem:
                 open https://127.0.0.1:$API_TLS_PORT/health/ready once in your browser and trust it, or the UI shows payloads encoded)
    Temporal UI  http://127.0.0.1:$TEMPORAL_UI_PORT   (sign in: sam-sre may act, ann-agent may only look; any password)
    Temporal     $TEMPORAL_ADDRESS (JWT required; $NUM_HISTORY_SHARDS shards over 2 history processes)
    IdP          $OIDC_ISSUER_URL
    PostgreSQL   ${DATABASE_URL%%\?*} and databases $DBNAME, $VISIBILITY_DBNAME
    Logs, pids   $data/logs/, $data/pids/

  Create a key:  make key ROLE=agent NAME=me      Stop: Ctrl-C
MSG
echo "cluster ready" > "$data/ready"
trap 'rm -f "$data/ready"; cleanup' INT TERM EXIT
wait -n "${pids[@]}"
echo "a supervisor exited; stopping the rest" >&2
