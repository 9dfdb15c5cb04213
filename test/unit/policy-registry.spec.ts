import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PolicyLoadError, PolicyRegistry } from '../../src/config/policy-registry';
import { PolicyPack } from '../../src/domain/policy/policy.schema';
import { parseDuration } from '../../src/domain/sla/duration';

const SHIPPED = resolve(__dirname, '../../policies');

const s = (n: number) => n * 1_000;
const min = (n: number) => n * 60_000;
const h = (n: number) => n * 3_600_000;
const d = (n: number) => n * 86_400_000;

/** Reads one metric back in milliseconds; fails loudly if the pack does not set it. */
function ms(value: string | undefined): number {
  if (value === undefined) throw new Error('target not set');
  return parseDuration(value);
}

describe('PolicyRegistry on the shipped policies/ folder', () => {
  const registry = PolicyRegistry.fromDirectory(SHIPPED);
  const pack = (brand: string): PolicyPack => {
    const p = registry.find(brand);
    if (!p) throw new Error(`no pack for ${brand}`);
    return p;
  };

  it('loads the brands uoozee and vivtone', () => {
    expect(registry.brands().sort()).toEqual(['uoozee', 'vivtone']);
    expect(registry.find('nobody')).toBeUndefined();
  });

  describe('the shipped packs carry the documents\' numbers', () => {
    // /work/shared/seeds/000_c24d8870754aee98.txt (Uoozee, streaming):
    // "P1 — initial response ≤15 minutes, mitigation action ≤2 hours; P2 — initial response ≤1 hour,
    //  resolution plan within 8 hours; P3 — initial response ≤4 hours, resolution within 48–72 hours;
    //  P4 — response within 72 hours."
    it('uoozee priorities P1–P4', () => {
      const { priorities } = pack('uoozee');
      expect(Object.keys(priorities).sort()).toEqual(['P1', 'P2', 'P3', 'P4']);

      expect(ms(priorities.P1.firstResponse)).toBe(min(15));
      expect(ms(priorities.P1.mitigation)).toBe(h(2));

      expect(ms(priorities.P2.firstResponse)).toBe(h(1));
      expect(ms(priorities.P2.resolution)).toBe(h(8));

      expect(ms(priorities.P3.firstResponse)).toBe(h(4));
      expect(ms(priorities.P3.resolution)).toBe(h(72)); // upper bound of 48–72 h

      expect(ms(priorities.P4.firstResponse)).toBe(h(72));
    });

    // Same document, channels: "Email/Ticketing — first response ≤4 hours, target resolution ≤48–72 hours";
    // "Live chat — first response ≤2 minutes; resolution target ≤15–30 minutes"; "Phone support — answer
    // rate ≥80% within 60 seconds"; "Social media — first response ≤1 hour".
    it('uoozee channels', () => {
      const { channels } = pack('uoozee');
      expect(ms(channels.email?.firstResponse)).toBe(h(4));
      expect(ms(channels.email?.resolution)).toBe(h(72));
      expect(ms(channels.chat?.firstResponse)).toBe(min(2));
      expect(ms(channels.chat?.resolution)).toBe(min(30));
      expect(ms(channels.phone?.firstResponse)).toBe(s(60));
      expect(ms(channels.social?.firstResponse)).toBe(h(1));
    });

    // /work/shared/seeds/001_a1369c1885b9e67c.txt (VIVtone, SaaS): "Severity 1 — initial response
    // ≤30 minutes, resolution target ≤4 hours; Severity 2 — initial response ≤2 hours, resolution target
    // ≤24–48 hours; Severity 3 — initial response ≤8 business hours, resolution target ≤72 hours."
    it('vivtone severities S1–S3', () => {
      const { priorities } = pack('vivtone');
      expect(Object.keys(priorities).sort()).toEqual(['S1', 'S2', 'S3']);

      expect(ms(priorities.S1.firstResponse)).toBe(min(30));
      expect(ms(priorities.S1.resolution)).toBe(h(4));

      expect(ms(priorities.S2.firstResponse)).toBe(h(2));
      expect(ms(priorities.S2.resolution)).toBe(h(48)); // upper bound of 24–48 h

      expect(ms(priorities.S3.firstResponse)).toBe(h(8));
      expect(ms(priorities.S3.resolution)).toBe(h(72));
    });

    // Same document: "first response ≤1 hour for email, ≤5 minutes for chat during core hours".
    it('vivtone channels', () => {
      const { channels } = pack('vivtone');
      expect(ms(channels.email?.firstResponse)).toBe(h(1));
      expect(ms(channels.chat?.firstResponse)).toBe(min(5));
    });

    it('both packs auto-close resolved tickets after 4 days and say where their numbers come from', () => {
      expect(ms(pack('uoozee').autoCloseAfter)).toBe(d(4));
      expect(ms(pack('vivtone').autoCloseAfter)).toBe(d(4));
      expect(pack('uoozee').source).toContain('000_c24d8870754aee98.txt');
      expect(pack('vivtone').source).toContain('001_a1369c1885b9e67c.txt');
    });
  });
});

describe('PolicyRegistry.fromDirectory on broken folders', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'caseworks-policies-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const packYaml = (brand: string, p1FirstResponse = '15m') =>
    [
      `brand: ${brand}`,
      'version: "1"',
      'displayName: Test brand',
      'source: unit test',
      'priorities:',
      `  P1: { label: urgent, firstResponse: ${p1FirstResponse} }`,
      '',
    ].join('\n');

  it('names the file when a pack is not valid YAML or JSON', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'brand: [unclosed');
    expect(() => PolicyRegistry.fromDirectory(dir)).toThrow(PolicyLoadError);
    expect(() => PolicyRegistry.fromDirectory(dir)).toThrow(/bad\.yaml: not valid YAML/);
    rmSync(join(dir, 'bad.yaml'));
    writeFileSync(join(dir, 'bad.json'), '{"brand": ');
    expect(() => PolicyRegistry.fromDirectory(dir)).toThrow(/bad\.json: not valid JSON/);
  });

  it('names both files when two packs claim one brand', () => {
    writeFileSync(join(dir, 'a.yaml'), packYaml('acme'));
    writeFileSync(join(dir, 'b.yaml'), packYaml('acme'));
    expect(() => PolicyRegistry.fromDirectory(dir)).toThrow(/a\.yaml and .*b\.yaml/);
  });

  it('loads a good pack (the fixture itself is valid)', () => {
    writeFileSync(join(dir, 'acme.yaml'), packYaml('acme'));
    const registry = PolicyRegistry.fromDirectory(dir);
    expect(registry.brands()).toEqual(['acme']);
    expect(registry.find('acme')?.priorities.P1.firstResponse).toBe('15m');
  });

  it('reads .json packs too, and ignores files of other types', () => {
    writeFileSync(
      join(dir, 'acme.json'),
      JSON.stringify({ brand: 'acme', version: '1', displayName: 'A', source: 't', priorities: { P1: { label: 'x', firstResponse: '1h' } } }),
    );
    writeFileSync(join(dir, 'README.md'), '# not a pack\n');
    expect(PolicyRegistry.fromDirectory(dir).brands()).toEqual(['acme']);
  });

  it('a bad duration → PolicyLoadError naming the file and the field path', () => {
    const file = join(dir, 'acme.yaml');
    writeFileSync(file, packYaml('acme', '15 minutes'));
    let caught: unknown;
    try {
      PolicyRegistry.fromDirectory(dir);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PolicyLoadError);
    const err = caught as PolicyLoadError;
    expect(err.file).toBe(file);
    expect(err.message).toContain(file);
    expect(err.message).toContain('priorities.P1.firstResponse');
  });

  it('an unknown field → PolicyLoadError (packs are strict)', () => {
    writeFileSync(join(dir, 'acme.yaml'), packYaml('acme') + 'channels:\n  chat: { firstReponse: 2m }\n');
    expect(() => PolicyRegistry.fromDirectory(dir)).toThrow(PolicyLoadError);
  });

  it('two packs for the same brand → PolicyLoadError naming the brand', () => {
    writeFileSync(join(dir, 'acme.yaml'), packYaml('acme'));
    writeFileSync(join(dir, 'acme-copy.yml'), packYaml('acme'));
    expect(() => PolicyRegistry.fromDirectory(dir)).toThrow(PolicyLoadError);
    expect(() => PolicyRegistry.fromDirectory(dir)).toThrow(/acme/);
  });

  it('an empty folder → PolicyLoadError naming the folder', () => {
    expect(() => PolicyRegistry.fromDirectory(dir)).toThrow(PolicyLoadError);
    expect(() => PolicyRegistry.fromDirectory(dir)).toThrow(dir);
  });

  it('a folder with no pack files (only other files or subfolders) → PolicyLoadError', () => {
    writeFileSync(join(dir, 'notes.txt'), 'brand: acme\n');
    mkdirSync(join(dir, 'sub'));
    expect(() => PolicyRegistry.fromDirectory(dir)).toThrow(PolicyLoadError);
  });
});
