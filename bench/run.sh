#!/usr/bin/env bash
# `make bench [SCENARIO=name]` — needs `npm run build` first (make bench does it).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/workflow-bundle.js ] || { echo "run npm run build first (make bench does)" >&2; exit 1; }
exec npx ts-node --transpile-only bench/run.ts "$@"
