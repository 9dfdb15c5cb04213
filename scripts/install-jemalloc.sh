#!/usr/bin/env bash
# Debian's jemalloc (libjemalloc2), which the worker runs on (scripts/worker-allocator.sh; README,
# "Worker memory"). Idempotent: nothing to do when the library is installed. Without it the worker
# still starts, on glibc's malloc, with a warning.
set -euo pipefail
if [ -n "$(ls /usr/lib/*-linux-gnu/libjemalloc.so.2 2>/dev/null)" ]; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" libjemalloc2 libjemalloc.so.2
