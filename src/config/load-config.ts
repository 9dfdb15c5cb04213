import { ZodError } from 'zod';
import { AppConfig, appConfigSchema } from './config.schema';

export class ConfigError extends Error {
  constructor(readonly variables: string[], message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; a bad or missing variable fails with a message naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings are "unset" (docker-compose passes VAR= as ""), so defaults apply to them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  try {
    return appConfigSchema.parse(cleaned);
  } catch (err) {
    if (err instanceof ZodError) {
      const lines = err.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
      const names = [...new Set(err.issues.map((i) => String(i.path[0])))];
      throw new ConfigError(names, `Invalid configuration:\n${lines.join('\n')}`);
    }
    throw err;
  }
}

/** For process entry points: print the reason and exit non-zero instead of a stack trace. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
