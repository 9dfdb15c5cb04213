import { readFileSync } from 'node:fs';

/** WORKER_ALLOCATOR: read by scripts/worker-allocator.sh, which starts the worker on it. */
export type AllocatorSetting = 'auto' | 'jemalloc' | 'glibc';

export interface LoadedAllocator {
  /** `unknown` where the process's mappings cannot be read (not Linux). */
  allocator: 'jemalloc' | 'glibc' | 'unknown';
  library: string | null;
}

/** Which malloc a process runs on, from its /proc/<pid>/maps: jemalloc when its library is mapped. */
export function allocatorFromMaps(maps: string): LoadedAllocator {
  for (const line of maps.split('\n')) {
    // address perms offset dev inode path: the path is the sixth field, and may hold spaces.
    const path = line.trim().split(/\s+/).slice(5).join(' ');
    if (/\/libjemalloc[^/]*\.so/.test(path)) return { allocator: 'jemalloc', library: path };
  }
  return { allocator: 'glibc', library: null };
}

export function loadedAllocator(mapsPath = '/proc/self/maps'): LoadedAllocator {
  let maps: string;
  try {
    maps = readFileSync(mapsPath, 'utf8');
  } catch {
    return { allocator: 'unknown', library: null };
  }
  return allocatorFromMaps(maps);
}

/**
 * What to warn of when the worker does not run on the malloc it was configured for: it was started
 * without scripts/worker-allocator.sh (plain `node dist/src/worker/main.js`), or with auto where
 * jemalloc is not installed. Its memory then grows as docs/scaling.md measured for glibc's malloc.
 * Null when all is as asked.
 */
export function allocatorWarning(setting: AllocatorSetting, loaded: LoadedAllocator): string | null {
  if (loaded.allocator === 'unknown') return null;
  if (setting === 'glibc' && loaded.allocator === 'jemalloc') {
    return `WORKER_ALLOCATOR=glibc, but the worker runs on jemalloc (${loaded.library}, from LD_PRELOAD)`;
  }
  if (setting !== 'glibc' && loaded.allocator === 'glibc') {
    return `WORKER_ALLOCATOR=${setting}, but the worker runs on glibc's malloc, whose kept free memory grows with the cases opened: start it through scripts/worker-allocator.sh with jemalloc installed (Debian: libjemalloc2)`;
  }
  return null;
}
