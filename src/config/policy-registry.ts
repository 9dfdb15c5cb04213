import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PolicyPack, policyPackSchema } from '../domain/policy/policy.schema';

/** Where a pack was read from, kept beside it (a symbol, so it never reaches a workflow input). */
const SOURCE_FILE = Symbol('sourceFile');

export class PolicyLoadError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'PolicyLoadError';
  }
}

/**
 * The brands' SLA policy packs, read from POLICY_DIR and validated at boot: a broken pack stops
 * the process with the file and field named, rather than mis-timing tickets later.
 */
export class PolicyRegistry {
  private constructor(private readonly packs: ReadonlyMap<string, PolicyPack>) {}

  static fromDirectory(dir: string): PolicyRegistry {
    const files = readdirSync(dir).filter((f) => ['.yaml', '.yml', '.json'].includes(extname(f))).sort();
    if (files.length === 0) throw new PolicyLoadError(dir, 'no policy packs (*.yaml, *.yml, *.json) found');
    return PolicyRegistry.fromPacks(
      files.map((file) => {
        const path = join(dir, file);
        const text = readFileSync(path, 'utf8');
        let raw: unknown;
        try {
          raw = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
        } catch (err) {
          throw new PolicyLoadError(path, `not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${err instanceof Error ? err.message : String(err)}`);
        }
        const parsed = policyPackSchema.safeParse(raw);
        if (!parsed.success) {
          const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
          throw new PolicyLoadError(path, why);
        }
        return { ...parsed.data, [SOURCE_FILE]: path };
      }),
    );
  }

  static fromPacks(packs: Array<PolicyPack & { [SOURCE_FILE]?: string }>): PolicyRegistry {
    const map = new Map<string, PolicyPack & { [SOURCE_FILE]?: string }>();
    for (const pack of packs) {
      const earlier = map.get(pack.brand);
      if (earlier) {
        const files = [earlier[SOURCE_FILE], pack[SOURCE_FILE]].filter(Boolean).join(' and ');
        throw new PolicyLoadError(files || pack.brand, `two packs for brand "${pack.brand}"`);
      }
      map.set(pack.brand, pack);
    }
    return new PolicyRegistry(map);
  }

  brands(): string[] {
    return [...this.packs.keys()];
  }

  find(brand: string): PolicyPack | undefined {
    return this.packs.get(brand);
  }
}
