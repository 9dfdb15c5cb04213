#!/usr/bin/env bash
# `make dev`'s terminal view of one process's log: reads its JSON lines (pino) on stdin and prints one
# readable line per entry (pino-pretty: time, level, message, then the fields on the same line),
# prefixed with the process name; lines that are not JSON pass through as they are. Nest's start-up
# chatter (a line per module and per route) is left out: the JSON file under .data/logs keeps it all.
#   usage: … | bash scripts/dev-log-view.sh NAME [--color]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="$1"
flags=(--singleLine --translateTime 'SYS:HH:MM:ss.l' --ignore 'pid,hostname,req,res,responseTime'
  --messageFormat '{if req.method}{req.method} {req.path} {res.statusCode} {responseTime}ms {end}{msg}')
label="[$name]"
if [ "${2:-}" = --color ]; then
  flags+=(--colorize)
  label=$'\e[1m'"[$name]"$'\e[0m'
fi
{ grep --line-buffered -vE '"context":"(InstanceLoader|RoutesResolver|RouterExplorer)"' || true; } |
  "$root/node_modules/.bin/pino-pretty" "${flags[@]}" |
  while IFS= read -r line; do printf '%s %s\n' "$label" "$line"; done
