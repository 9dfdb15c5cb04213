#!/usr/bin/env bash
# Prints the path of promtool (Prometheus' rule and config checker), installing it when missing.
# Order: $PROMTOOL, .tools/bin/promtool, the per-user cache, else Debian's `prometheus` package:
# fetched with `apt-get download` (no install, no service started) and only promtool extracted
# into .tools/bin (and the cache). test/unit/alert-rules.spec.ts runs it on deploy/prometheus/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bin"

if [ -n "${PROMTOOL:-}" ]; then
  [ -x "$PROMTOOL" ] || { echo "PROMTOOL=$PROMTOOL is not an executable" >&2; exit 1; }
  echo "$PROMTOOL"; exit 0
fi
if [ -x "$tools/promtool" ]; then echo "$tools/promtool"; exit 0; fi
# Shared by every clone on this machine (CI clones afresh each run).
cache="${XDG_CACHE_HOME:-$HOME/.cache}/caseworks/promtool"
if [ -x "$cache/promtool" ]; then
  mkdir -p "$tools" && cp "$cache/promtool" "$tools/promtool.tmp" && mv "$tools/promtool.tmp" "$tools/promtool"
  echo "$tools/promtool"; exit 0
fi

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
  { echo "promtool is missing and this is not a Debian system: install Prometheus' promtool and set PROMTOOL" >&2; exit 1; }

echo "fetching promtool from Debian's prometheus package (first run only)..." >&2
start=$(date +%s)
# Download and extract in a temp dir and move into place: an interrupted run leaves no broken binary.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# apt fetches as its _apt user when run as root: let it write here (else a warning, same result).
if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$tmp"; fi
if ! (cd "$tmp" && apt-get download prometheus >&2); then
  # A fresh machine may have no package lists yet.
  [ "$(id -u)" = 0 ] || { echo "apt-get download prometheus failed; run apt-get update (as root) and retry" >&2; exit 1; }
  apt-get update >&2
  (cd "$tmp" && apt-get download prometheus >&2)
fi
dpkg-deb --fsys-tarfile "$tmp"/prometheus_*.deb | tar -x -C "$tmp" ./usr/bin/promtool
"$tmp/usr/bin/promtool" --version >/dev/null
mkdir -p "$tools" "$cache"
cp "$tmp/usr/bin/promtool" "$cache/promtool.tmp" && mv "$cache/promtool.tmp" "$cache/promtool" || true
mv "$tmp/usr/bin/promtool" "$tools/promtool"
echo "promtool installed in $(( $(date +%s) - start ))s: $tools/promtool" >&2
echo "$tools/promtool"
