import { startStripeFake } from '../../test/fakes/stripe';
import { driveActions, exactlyOnce, settleReadModel } from '../../test/long/support/drive';
import { figuresTable, HotFigures, hotFigures } from '../../test/long/support/figures';
import { chainProblems, historyChain } from '../../test/long/support/history-chain';
import { createHotKeys, HOT_KINDS, HotKind, openHotCase } from '../../test/long/support/hot-case';
import { check, Scenario, ScenarioResult } from '../harness/scenario';
import { startStack, until } from '../harness/stack';

const N = Number(process.env.BENCH_HOT_N ?? 1_000);
const CLIENTS = Number(process.env.BENCH_HOT_CLIENTS ?? 4);
const TEXT_BYTES = Number(process.env.BENCH_HOT_TEXT_BYTES ?? 200);
const KINDS = (process.env.BENCH_HOT_KINDS?.split(',').map((k) => k.trim()) ?? [...HOT_KINDS]) as HotKind[];

/**
 * One hot case per kind: N notes on a P1 incident, N replies on a P2 ticket (agent and customer in
 * turn), N notes on a takedown under review, N evidence additions on a dispute — from a few
 * clients at once through the API — then resolved / decided. Reports throughput, latency, and
 * history events and bytes per action (over every run of the case and for the latest run), and
 * how many runs the case took. The long suite (`make test-long`) asserts the same at 10,000.
 */
export const hotCase: Scenario = {
  name: 'hot-case',
  description: `${N} actions (${TEXT_BYTES} bytes of text each) on one case of each kind (${KINDS.join(', ')}), ${CLIENTS} concurrent clients, then closed: history per action and runs`,
  async run(log): Promise<ScenarioResult> {
    const stripe = await startStripeFake();
    const stack = await startStack({ api: true, extraEnv: { STRIPE_API_KEY: stripe.apiKey, STRIPE_API_BASE: stripe.url, BILLING_WEBHOOK_SECRET: stripe.webhookSecret } });
    // The stack's own database and payload key: the bench process's environment has neither, and
    // without them the sealed replies and notes read "[unreadable]", so no action would be found.
    const env = { baseUrl: stack.apiUrl!, ds: stack.ds, client: stack.client, keys: await createHotKeys(stack.ds), stripe, sealing: stack.sealing };
    const figures: HotFigures[] = [];
    const checks: ScenarioResult['checks'] = [];
    const failed: string[] = [];
    try {
      for (const kind of KINDS) {
        try {
          const hot = await openHotCase(kind, env, { textBytes: TEXT_BYTES });
          log(`${kind} ${hot.id}: ${N} actions from ${CLIENTS} clients`);
          const drive = await driveActions(hot, N, CLIENTS, { log });
          const notAnswered = drive.ok.filter((m) => m === null).length;
          checks.push(check(`${kind}: every action answered 2xx`, notAnswered === 0 && drive.refused.length === 0, `${notAnswered} without a 2xx; refused: ${drive.refused.slice(0, 3).map((a) => `${a.status} ${JSON.stringify(a.body).slice(0, 200)}`).join(' | ')}`));
          const verdict = await settleReadModel(hot, drive);
          checks.push(
            check(
              `${kind}: every 2xx action in the read model exactly once`,
              exactlyOnce(verdict),
              `missing ${verdict.missing.length}, duplicated ${verdict.duplicated.length}, unknown ${verdict.unknown.length}, duplicate keys ${verdict.duplicateKeys}, duplicate seqs ${verdict.duplicateSeqs}${verdict.markersRecorded ? '' : ' (by count)'}`,
            ),
          );
          // A case the server terminated refuses its last steps: still measure its history below.
          let last = '';
          const ended = await hot
            .finish()
            .then(() => until(async () => (last = await hot.status()) === hot.endStatus, 120_000, `${hot.id} ${hot.endStatus}`))
            .then(
              () => true,
              (err: unknown) => ((last ||= err instanceof Error ? err.message.split('\n')[0] : String(err)), false),
            );
          checks.push(check(`${kind}: ${hot.endStatus} after the last step`, ended, last));
          const chain = await historyChain(stack.client, hot.id, hot.firstRunId, stack.temporalApiKey ?? undefined);
          const problems = chainProblems(chain);
          checks.push(check(`${kind}: every run under 10 % of the server's history limits, handed over by continue-as-new`, problems.length === 0, problems.slice(0, 3).join('; ')));
          const f = hotFigures(kind, drive, chain);
          figures.push(f);
          log(`${kind}: ${JSON.stringify(f)}`);
        } catch (err) {
          // One kind failing (e.g. its case terminated by the server) must not hide the others' figures.
          failed.push(kind);
          checks.push(check(`${kind}: ran to the end`, false, err instanceof Error ? err.message.split('\n')[0] : String(err)));
        }
      }
      if (figures.length) log(`\n${figuresTable(figures)}\n`);
      return {
        figures: { n: N, clients: CLIENTS, textBytes: TEXT_BYTES, kinds: Object.fromEntries(figures.map((f) => [f.kind, f])) },
        checks,
        headline:
          figures
            .map((f) => `${f.kind} ${f.perSecond}/s p99 ${f.latencyMs.p99} ms, ${f.total.eventsPerAction} events & ${(f.total.bytesPerAction / 1024).toFixed(1)} KiB per action, ${f.runs} run(s), latest ${f.current.events} events`)
            .join(' · ') + (failed.length ? ` · failed: ${failed.join(', ')}` : ''),
      };
    } finally {
      await stack.stop();
      await stripe.close();
    }
  },
};
