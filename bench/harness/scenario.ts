export interface ScenarioResult {
  /** Measured numbers (ms, per second, KiB, ratios), written to bench/results/<name>.json. */
  figures: Record<string, unknown>;
  /** Exactness checks: a failed one (lost case, duplicate effect, missing breach) fails the run. */
  checks: Array<{ name: string; ok: boolean; detail?: string }>;
  /** One line for the summary table. */
  headline: string;
}

export interface Scenario {
  name: string;
  description: string;
  run(log: (line: string) => void): Promise<ScenarioResult>;
}

export const check = (name: string, ok: boolean, detail?: string) => ({ name, ok, detail });
