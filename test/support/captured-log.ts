import pino, { Level, Logger } from 'pino';

/** A pino logger whose lines are kept, parsed, for a test to read (what the code logged, as it logged it). */
export function capturedLog(level: Level = 'debug'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}
