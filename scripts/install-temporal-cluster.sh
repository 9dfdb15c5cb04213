#!/usr/bin/env bash
# Builds the production Temporal binaries `make cluster` runs, once, into .tools/bin:
#   temporal-server      go.temporal.io/server/cmd/server          (frontend, history, matching, worker)
#   temporal-sql-tool    go.temporal.io/server/cmd/tools/sql       (creates and upgrades the schemas)
#   temporal-ui-server   github.com/temporalio/ui-server/v2/cmd/server (the Web UI with OIDC sign-in)
# A build is shared by every clone on this machine through the per-user cache (CI clones afresh),
# like the CLI's (scripts/install-temporal-cli.sh). About 4 minutes on 2 cores the first time.
# Prints the module cache's schema directory (schema/postgresql/v12) on its last line.
set -euo pipefail
SERVER_VERSION=v1.29.1
UI_VERSION=v2.42.1
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bin"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/caseworks/temporal-cluster-$SERVER_VERSION-ui-$UI_VERSION"

go=""
for candidate in "${GO:-}" "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then go="$candidate"; break; fi
done
[ -n "$go" ] || { echo "Go is needed to build the Temporal server (set GO=/path/to/go)" >&2; exit 1; }

names=(temporal-server temporal-sql-tool temporal-ui-server)
have_all() { for n in "${names[@]}"; do [ -x "$1/$n" ] || return 1; done; }

mkdir -p "$tools"
if ! have_all "$tools"; then
  if ! have_all "$cache"; then
    echo "building Temporal server $SERVER_VERSION and UI server $UI_VERSION with $($go version | cut -d' ' -f3) (first run only, about 4 minutes)..." >&2
    start=$(date +%s)
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    # Each `go install` into its own directory: the server and the UI server are both named `server`.
    GOBIN="$tmp/server" GOFLAGS=-mod=mod "$go" install "go.temporal.io/server/cmd/server@$SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@$SERVER_VERSION" >&2
    GOBIN="$tmp/ui" GOFLAGS=-mod=mod "$go" install "github.com/temporalio/ui-server/v2/cmd/server@$UI_VERSION" >&2
    mkdir -p "$cache"
    mv "$tmp/server/server" "$cache/temporal-server.tmp" && mv "$cache/temporal-server.tmp" "$cache/temporal-server"
    mv "$tmp/server/sql" "$cache/temporal-sql-tool.tmp" && mv "$cache/temporal-sql-tool.tmp" "$cache/temporal-sql-tool"
    mv "$tmp/ui/server" "$cache/temporal-ui-server.tmp" && mv "$cache/temporal-ui-server.tmp" "$cache/temporal-ui-server"
    echo "built in $(( $(date +%s) - start ))s" >&2
  fi
  for n in "${names[@]}"; do cp "$cache/$n" "$tools/$n.tmp" && mv "$tools/$n.tmp" "$tools/$n"; done
fi

# The schema files ship in the server's module, not in the binary.
modcache="$(GOFLAGS=-mod=mod "$go" env GOMODCACHE)"
schema="$modcache/go.temporal.io/server@$SERVER_VERSION/schema/postgresql/v12"
if [ ! -d "$schema" ]; then
  (cd "$(mktemp -d)" && GOFLAGS=-mod=mod "$go" mod download "go.temporal.io/server@$SERVER_VERSION" >&2)
fi
[ -d "$schema" ] || { echo "schema files not found at $schema" >&2; exit 1; }
echo "$schema"
