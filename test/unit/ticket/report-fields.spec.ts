import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import { policyPackSchema } from '../../../src/domain/policy/policy.schema';
import { pinTicketPolicy } from '../../../src/domain/policy/ticket-policy';
import { handleSecondsProblem, NO_REPORT_FACTS, npsProblem, reportFactsFrom, reportFactsView, withHandleTime } from '../../../src/domain/ticket/report-facts';
import { rootCausesSchema, tagRootCauses } from '../../../src/domain/ticket/root-causes';

const shipped = PolicyRegistry.fromDirectory(resolve(__dirname, '..', '..', '..', 'policies'));
const uoozee = pinTicketPolicy(shipped.find('uoozee')!, 'email', null);
const vivtone = pinTicketPolicy(shipped.find('vivtone')!, 'email', 'basic');

describe('root-cause vocabularies in the shipped packs', () => {
  it("VIVtone: 001 'root-cause taxonomies (product bug, documentation gap, usability)', each preventable", () => {
    const byId = new Map(vivtone.rootCauses!.map((c) => [c.id, c]));
    for (const id of ['product-bug', 'documentation-gap', 'usability']) expect(byId.get(id)?.preventable).toBe(true);
    expect(byId.get('billing')?.preventable).toBe(false);
  });

  it("Uoozee: 000's contact drivers — billing ('reduce it by 30–50% through clearer in-app messaging') preventable, a 'known issues' runbook item preventable, a CDN fault not", () => {
    const byId = new Map(uoozee.rootCauses!.map((c) => [c.id, c]));
    expect(byId.get('billing-confusion')?.preventable).toBe(true);
    expect(byId.get('known-issue')?.preventable).toBe(true);
    expect(byId.get('network-cdn')?.preventable).toBe(false);
    expect(byId.has('account-recovery')).toBe(true);
  });

  it('a pack without the section pins no vocabulary (the pinned object as before)', () => {
    const pack = { ...shipped.find('uoozee')! };
    delete (pack as { rootCauses?: unknown }).rootCauses;
    expect('rootCauses' in pinTicketPolicy(pack, 'email', null)).toBe(false);
  });

  it('refuses a vocabulary with a repeated id or a non-slug id', () => {
    expect(rootCausesSchema.safeParse([{ id: 'a', label: 'A', preventable: true }, { id: 'a', label: 'B', preventable: false }]).success).toBe(false);
    expect(rootCausesSchema.safeParse([{ id: 'Product Bug', label: 'A', preventable: true }]).success).toBe(false);
    // The pack as written (YAML), with its vocabulary replaced.
    const raw = parseYaml(readFileSync(resolve(__dirname, '..', '..', '..', 'policies', 'vivtone.yaml'), 'utf8')) as Record<string, unknown>;
    expect(policyPackSchema.safeParse({ ...raw, rootCauses: [{ id: 'x', label: 'X', preventable: false }] }).success).toBe(true);
    expect(policyPackSchema.safeParse({ ...raw, rootCauses: [{ id: 'x', label: 'X' }] }).success).toBe(false); // preventable is required
  });
});

describe('tagRootCauses', () => {
  it("preventable when any tag is (001 'measuring \"preventable tickets\" to drive product or KB improvements')", () => {
    expect(tagRootCauses(vivtone.rootCauses, ['billing', 'usability'])).toEqual({ ok: true, tags: ['billing', 'usability'], preventable: true });
    expect(tagRootCauses(vivtone.rootCauses, ['billing'])).toEqual({ ok: true, tags: ['billing'], preventable: false });
    expect(tagRootCauses(vivtone.rootCauses, [])).toEqual({ ok: true, tags: [], preventable: null });
    expect(tagRootCauses(vivtone.rootCauses, ['billing', 'billing'])).toEqual({ ok: true, tags: ['billing'], preventable: false });
  });

  it('names the unknown tag by its index', () => {
    expect(tagRootCauses(vivtone.rootCauses, ['billing', 'gremlins'])).toMatchObject({ ok: false, field: 'tags[1]' });
    expect(tagRootCauses(vivtone.rootCauses, Array.from({ length: 11 }, () => 'billing'))).toMatchObject({ ok: false, field: 'tags' });
  });

  it('a ticket pinned before vocabularies existed knows no tag, and says how to get one', () => {
    const refused = tagRootCauses(undefined, ['product-bug']);
    expect(refused).toMatchObject({ ok: false, field: 'tags[0]' });
    expect(refused.ok || refused.message).toContain('re-pin');
  });
});

describe('report facts', () => {
  it("handle time: whole seconds 0–14400 per step, summed (000 'AHT of 6–10 minutes')", () => {
    expect(handleSecondsProblem(0)).toBeNull();
    expect(handleSecondsProblem(14_400)).toBeNull();
    for (const bad of [-1, 14_401, 1.5, '60', null]) expect(handleSecondsProblem(bad)).toMatch(/handleSeconds/);
    const facts = withHandleTime(withHandleTime(reportFactsFrom(undefined), 360), undefined);
    expect(withHandleTime(facts, 240).handleSeconds).toBe(600);
  });

  it("NPS: integers 0–10 (001 'NPS ≥ +35')", () => {
    expect(npsProblem(0)).toBeNull();
    expect(npsProblem(10)).toBeNull();
    for (const bad of [-1, 11, 9.5, '9']) expect(npsProblem(bad)).toMatch(/nps/);
  });

  it('a run carried before the facts existed starts with none; the frozen default is never shared', () => {
    const fresh = reportFactsFrom(undefined);
    expect(fresh).toEqual(NO_REPORT_FACTS);
    fresh.rootCauseTags.push('x');
    expect(NO_REPORT_FACTS.rootCauseTags).toEqual([]);
    expect(reportFactsView({ nps: { score: 9, at: Date.UTC(2026, 0, 5) }, rootCauseTags: ['a'], preventable: true, handleSeconds: 60 })).toEqual({
      nps: { score: 9, at: '2026-01-05T00:00:00.000Z' },
      rootCauseTags: ['a'],
      preventable: true,
      handleSeconds: 60,
    });
  });
});
