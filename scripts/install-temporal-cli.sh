#!/usr/bin/env bash
# Prints the path of a Temporal CLI (dev server + Web UI), building it when missing.
# Order: $TEMPORAL_CLI, a `temporal` on PATH, .tools/bin/temporal, the per-user cache, else
# `go install` into .tools/bin (and the cache).
# The Temporal server is not on npm or Debian; the CLI is built from the Go module proxy.
set -euo pipefail
VERSION=v1.5.1   # later tags carry a replace directive that `go install` refuses
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bin"

if [ -n "${TEMPORAL_CLI:-}" ]; then
  [ -x "$TEMPORAL_CLI" ] || { echo "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable" >&2; exit 1; }
  echo "$TEMPORAL_CLI"; exit 0
fi
if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi
if [ -x "$tools/temporal" ]; then echo "$tools/temporal"; exit 0; fi
# A build shared by every clone on this machine (CI clones afresh each run).
cache="${XDG_CACHE_HOME:-$HOME/.cache}/caseworks/temporal-cli-$VERSION"
if [ -x "$cache/temporal" ]; then
  mkdir -p "$tools" && cp "$cache/temporal" "$tools/temporal.tmp" && mv "$tools/temporal.tmp" "$tools/temporal"
  echo "$tools/temporal"; exit 0
fi

go=""
for candidate in "${GO:-}" "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then go="$candidate"; break; fi
done
[ -n "$go" ] || { echo "Go is needed to build the Temporal CLI (set GO=/path/to/go)" >&2; exit 1; }

mkdir -p "$tools"
echo "building Temporal CLI $VERSION with $($go version | cut -d' ' -f3) (first run only, a few minutes)..." >&2
start=$(date +%s)
# Build into a temp dir and move into place, so an interrupted build never leaves a broken binary.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp" GOFLAGS=-mod=mod "$go" install "github.com/temporalio/cli/cmd/temporal@$VERSION" >&2
mkdir -p "$cache" && cp "$tmp/temporal" "$cache/temporal.tmp" && mv "$cache/temporal.tmp" "$cache/temporal" || true
mv "$tmp/temporal" "$tools/temporal"
echo "Temporal CLI built in $(( $(date +%s) - start ))s: $tools/temporal" >&2
echo "$tools/temporal"
