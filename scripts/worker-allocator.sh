#!/bin/sh
# Starts the command it is given (the worker) on the malloc WORKER_ALLOCATOR names, then becomes it
# (exec: same PID, signals reach the worker itself).
#
#   WORKER_ALLOCATOR=auto      (default) jemalloc when its library is installed, else glibc's malloc
#                              with a warning
#   WORKER_ALLOCATOR=jemalloc  jemalloc, or exit 2 if its library is not found
#   WORKER_ALLOCATOR=glibc     glibc's malloc, as node starts by default
#   WORKER_JEMALLOC_PATH       the library, when it is not where Debian puts it (libjemalloc2)
#
# Why: under glibc's malloc the worker's RSS keeps growing with the cases it has opened, by memory
# freed and not reused (its arenas' fragmentation, 0.9–1.4 KiB per ticket opened, not levelling off
# by 20,000 open), while what it has in use stays flat; jemalloc gives freed pages back on its own
# (README, "Worker memory"; docs/scaling.md, "What the native growth is"). Node has no call for
# malloc_trim, and the allocator is chosen when the process is loaded, so it is set here, before.
set -eu

if [ "$#" -eq 0 ]; then
  echo "usage: WORKER_ALLOCATOR=auto|jemalloc|glibc $0 <command> [args...]" >&2
  exit 2
fi

allocator="${WORKER_ALLOCATOR:-auto}"
case "$allocator" in
  auto | jemalloc | glibc) ;;
  *)
    echo "WORKER_ALLOCATOR: \"$allocator\" is not one of auto, jemalloc, glibc" >&2
    exit 2
    ;;
esac
[ "$allocator" = glibc ] && exec "$@"

# Already preloaded (a profiling run sets LD_PRELOAD with its own MALLOC_CONF): leave it as it is.
case "${LD_PRELOAD:-}" in
  *libjemalloc*) exec "$@" ;;
esac

library="${WORKER_JEMALLOC_PATH:-}"
if [ -n "$library" ] && [ ! -f "$library" ]; then
  echo "WORKER_JEMALLOC_PATH: $library is not a file" >&2
  exit 2
fi
if [ -z "$library" ]; then
  for candidate in \
    /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
    /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 \
    /usr/lib64/libjemalloc.so.2 \
    /usr/lib/libjemalloc.so.2 \
    /usr/local/lib/libjemalloc.so.2; do
    if [ -f "$candidate" ]; then
      library="$candidate"
      break
    fi
  done
fi

if [ -z "$library" ]; then
  if [ "$allocator" = jemalloc ]; then
    echo "WORKER_ALLOCATOR=jemalloc: libjemalloc.so.2 not found (Debian: apt-get install libjemalloc2; or set WORKER_JEMALLOC_PATH)" >&2
    exit 2
  fi
  echo "worker allocator: libjemalloc.so.2 not found, starting on glibc's malloc (Debian: apt-get install libjemalloc2)" >&2
  exec "$@"
fi

LD_PRELOAD="$library${LD_PRELOAD:+:$LD_PRELOAD}"
export LD_PRELOAD
exec "$@"
