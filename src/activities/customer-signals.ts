import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { PolicyRegistry } from '../config/policy-registry';
import { CustomerFacts, judgeSignal, signalKey, signalTaskBody } from '../domain/customer/churn-signals';
import { parseDuration } from '../domain/sla/duration';
import type { CrmPort, CustomerLookup } from '../integrations/crm/crm-port';
import type { ReadModelSealer } from '../persistence/read-model-sealer';

export interface CustomerSignalDeps {
  dataSource: DataSource;
  logger: Logger;
  sealer: ReadModelSealer;
  policyPacks?: () => PolicyRegistry;
  /** Where a raised signal becomes a task (an outside CRM); absent: the customer_signals table is the CSMs' list. */
  crmSync?: CrmPort;
  /** Who the account's CSM is. */
  crm?: CustomerLookup;
}

export interface CustomerSignalsResult {
  raised: number;
  delivered: number;
  failed: number;
}

interface CaseRow {
  id: string;
  customer_ref: string;
  opened_at: Date;
  sla_breached?: boolean;
  csat_score?: number | null;
  kind?: string;
  snapshot?: unknown;
}

const emptyFacts = (): CustomerFacts => ({ tickets: [], dunning: [], refunds: [] });

export function createCustomerSignalActivities({ dataSource, logger, sealer, policyPacks, crmSync, crm }: CustomerSignalDeps) {
  /** Each customer's cases since `since` (the longest window of the brand's rules), by their pseudonym. */
  async function factsOf(brand: string, since: Date): Promise<Map<string, { facts: CustomerFacts; openedAt: Map<string, number> }>> {
    const byCustomer = new Map<string, { facts: CustomerFacts; openedAt: Map<string, number> }>();
    const of = (ref: string) => {
      let entry = byCustomer.get(ref);
      if (!entry) byCustomer.set(ref, (entry = { facts: emptyFacts(), openedAt: new Map() }));
      return entry;
    };
    const tickets: CaseRow[] = await dataSource.query(`SELECT id, customer_ref, opened_at, sla_breached, csat_score FROM tickets WHERE brand = $1 AND opened_at >= $2 AND customer_ref IS NOT NULL`, [brand, since]);
    for (const t of tickets) {
      const e = of(t.customer_ref);
      e.facts.tickets.push({ id: t.id, slaBreached: t.sla_breached === true, csat: t.csat_score ?? null });
      e.openedAt.set(t.id, t.opened_at.getTime());
    }
    const billing: CaseRow[] = await dataSource.query(`SELECT id, kind, customer_ref, opened_at, snapshot FROM billing_cases WHERE brand = $1 AND opened_at >= $2 AND kind IN ('dunning', 'refund')`, [brand, since]);
    for (const b of billing) {
      const e = of(b.customer_ref);
      e.openedAt.set(b.id, b.opened_at.getTime());
      if (b.kind === 'dunning') e.facts.dunning.push({ id: b.id });
      else {
        // The plan's interval is in the refund's sealed snapshot.
        const snapshot = (await sealer.open(b.snapshot)) as { plan?: { interval?: string } } | null;
        e.facts.refunds.push({ id: b.id, interval: snapshot?.plan?.interval ?? null });
      }
    }
    return byCustomer;
  }

  /** The customer's own reference, from a case of theirs (the read model keeps only a pseudonym in customer_ref). */
  async function referenceOf(caseIds: string[]): Promise<string | null> {
    const rows: { snapshot: unknown }[] = await dataSource.query(
      `SELECT snapshot FROM tickets WHERE id = ANY($1) UNION ALL SELECT snapshot FROM billing_cases WHERE id = ANY($1) LIMIT 1`,
      [caseIds],
    );
    const opened = rows[0] ? ((await sealer.open(rows[0].snapshot)) as { customerRef?: unknown } | null) : null;
    const ref = opened?.customerRef;
    return typeof ref === 'string' && ref !== '[erased]' ? ref : null;
  }

  /** A signal not yet a CRM task becomes one, keyed by the signal (a retry finds it there). */
  async function deliver(row: { key: string; brand: string; label: string; evidence: string[]; why: string[]; task_due_at: Date }): Promise<void> {
    const ref = await referenceOf(row.evidence);
    const profile = ref && crm ? await crm.lookupCustomer(ref) : null;
    const task = await crmSync!.createTask({
      key: row.key,
      customerRef: ref ?? '',
      ownerId: profile?.csmOwnerId ?? null,
      subject: `${row.label} · ${row.brand}`,
      body: signalTaskBody(row),
      dueAt: row.task_due_at.toISOString(),
    });
    await dataSource.query(`UPDATE customer_signals SET crm_task_id = $2, delivered_at = now(), last_error = NULL WHERE key = $1`, [row.key, task.crmId || null]);
  }

  return {
    /**
     * Judges every brand's churn and expansion rules against the read model and records each
     * signal once per rule, customer and window; with an outside CRM, each becomes a task for the
     * account's CSM. A CRM that fails one task leaves it for the next run.
     */
    async raiseCustomerSignals({ now: asOf }: { now?: string } = {}): Promise<CustomerSignalsResult> {
      const now = asOf ? Date.parse(asOf) : Date.now();
      const packs = policyPacks?.();
      const result = { raised: 0, delivered: 0, failed: 0 };
      for (const brand of packs?.brands() ?? []) {
        const policy = packs!.find(brand)!.customerSuccess;
        if (!policy) continue;
        const longest = Math.max(...policy.signals.map((r) => parseDuration(r.within)));
        const customers = await factsOf(brand, new Date(now - longest));
        for (const rule of policy.signals) {
          const from = now - parseDuration(rule.within);
          for (const [customer, { facts, openedAt }] of customers) {
            const inWindow = (c: { id: string }) => (openedAt.get(c.id) ?? 0) >= from;
            const raised = judgeSignal(rule, { tickets: facts.tickets.filter(inWindow), dunning: facts.dunning.filter(inWindow), refunds: facts.refunds.filter(inWindow) });
            if (!raised) continue;
            const inserted: unknown[] = await dataSource.query(
              `INSERT INTO customer_signals (key, brand, rule_id, customer_ref, label, evidence, why, task_due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
               ON CONFLICT (key) DO NOTHING RETURNING key`,
              [signalKey(brand, rule, customer, now), brand, rule.id, customer, raised.label, raised.evidence, raised.why, new Date(now + parseDuration(policy.taskDueIn))],
            );
            result.raised += inserted.length;
          }
        }
      }
      if (crmSync) {
        const pending: Parameters<typeof deliver>[0][] = await dataSource.query(`SELECT key, brand, label, evidence, why, task_due_at FROM customer_signals WHERE delivered_at IS NULL ORDER BY raised_at LIMIT 200`);
        for (const row of pending) {
          try {
            await deliver(row);
            result.delivered++;
          } catch (err) {
            result.failed++;
            await dataSource.query(`UPDATE customer_signals SET last_error = $2 WHERE key = $1`, [row.key, err instanceof Error ? err.message.slice(0, 500) : String(err)]);
          }
        }
      }
      logger.info(result, 'customer signals judged');
      return result;
    },
  };
}
