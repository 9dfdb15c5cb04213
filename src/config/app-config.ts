import type { AppConfig as ParsedConfig } from './config.schema';

/**
 * Injection token for the parsed configuration. A class (not a string) so Nest resolves it by
 * type; the instance is the frozen result of loadConfig(). The interface merge gives it the
 * schema's fields without repeating them.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class AppConfig {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface AppConfig extends ParsedConfig {}
