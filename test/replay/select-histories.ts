/** A workflow ID's runs as the selection sees them: what each shows and what it costs. */
export interface Candidate {
  workflowId: string;
  runs: { features: string[]; size: number }[];
}

/**
 * What a fixture must show: every patch marker (the patch's new path) and continue-as-new out of
 * a run and into the next. The rest (timers, updates, signals…) breaks ties only.
 */
export function isEssential(feature: string): boolean {
  return feature.startsWith('patch:') || feature === 'continued-as-new' || feature === 'continued-from';
}

/**
 * The next candidate to keep: the most essential features not yet covered per byte (a minor
 * feature counts a tenth); undefined once nothing new is left. The first pick is always made.
 */
export function bestNext<C extends Candidate>(candidates: readonly C[], covered: ReadonlySet<string>, first: boolean): C | undefined {
  let best: { candidate: C; score: number } | undefined;
  for (const candidate of candidates) {
    const features = new Set(candidate.runs.flatMap((r) => r.features));
    const fresh = [...features].filter((f) => !covered.has(f));
    const gain = fresh.reduce((sum, f) => sum + (isEssential(f) ? 1 : 0.1), 0);
    if (!first && !fresh.some(isEssential)) continue;
    const size = candidate.runs.reduce((sum, r) => sum + r.size, 0);
    const score = (gain + 0.01) / size;
    if (!best || score > best.score) best = { candidate, score };
  }
  return best?.candidate;
}

/** Keeps the fewest bytes that still show every essential feature the candidates show. */
export function selectCandidates<C extends Candidate>(candidates: readonly C[], accept: (candidate: C) => boolean | Promise<boolean> = () => true): Promise<C[]> {
  return (async () => {
    const left = [...candidates];
    const picked: C[] = [];
    const covered = new Set<string>();
    for (;;) {
      const next = bestNext(left, covered, picked.length === 0);
      if (!next) return picked;
      left.splice(left.indexOf(next), 1);
      if (!(await accept(next))) continue;
      picked.push(next);
      for (const run of next.runs) run.features.forEach((f) => covered.add(f));
    }
  })();
}
