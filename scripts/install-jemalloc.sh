#!/usr/bin/env bash
# Debian's jemalloc (libjemalloc2), which the worker runs on (scripts/worker-allocator.sh; README,
# "Worker memory"). Idempotent: nothing to do when the library is installed.
set -euo pipefail
if [ -n "$(ls /usr/lib/*-linux-gnu/libjemalloc.so.2 2>/dev/null)" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-jemalloc: libjemalloc.so.2 is missing; run as root (or: sudo apt-get install -y libjemalloc2). Without it the worker starts on glibc's malloc." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends libjemalloc2 >/dev/null
