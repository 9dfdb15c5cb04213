import { Client, Connection } from '@temporalio/client';
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../../src/config/config.schema';
import { CaseKeyCodec, CASE_SEALED_ENCODING } from '../../src/temporal/case-key-codec';
import { caseKeyStoreFor } from '../../src/temporal/case-keys.store';
import { EncryptionCodec } from '../../src/temporal/encryption-codec';
import { dataConverterFor } from '../../src/temporal/temporal-options';
import { historyFeatures } from './history-features';
import { selectCandidates } from './select-histories';
import { REPLAYED_WORKFLOW_TYPES, type SavedHistoryFile } from './fixture-format';

type History = temporal.api.history.v1.History;

/** One workflow ID's runs (a case that continued as new has several), oldest first. */
interface Chain {
  workflowId: string;
  runs: { runId: string; history: History; features: string[]; size: number }[];
}

export interface HarvestOptions {
  config: AppConfig;
  /** The bundle the recorded histories must replay on (the recording code's own). */
  bundlePath: string;
  outDir: string;
  /** Only these workflow types (all 13 when empty). */
  types?: readonly string[];
  /**
   * Keep the fixture's histories and add the new ones (each old one under its own payload key):
   * a new patch's fixture must show both its paths, the old one only histories recorded before hold.
   */
  append?: boolean;
  log?: (line: string) => void;
}

/**
 * Picks, per workflow type, the fewest bytes of histories on the dev server that together show
 * every patch marker and continue-as-new both ways (select-histories.ts), keeps only the ones
 * that replay on the code that recorded them, and writes test/replay/fixtures/<type>.json.
 */
export async function harvestHistories(options: HarvestOptions): Promise<Record<string, string[]>> {
  const { config, bundlePath, outDir, log = (line) => process.stdout.write(`${line}\n`) } = options;
  quietRuntime();
  const types = options.types?.length ? options.types : REPLAYED_WORKFLOW_TYPES;
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const unseal = unsealer(config);
  const dataConverter = dataConverterFor(config);
  const coverage: Record<string, string[]> = {};
  try {
    const idsByType = new Map<string, Set<string>>();
    for await (const execution of client.workflow.list()) {
      if (!types.includes(execution.type)) continue;
      const ids = idsByType.get(execution.type) ?? new Set<string>();
      ids.add(execution.workflowId);
      idsByType.set(execution.type, ids);
    }
    mkdirSync(outDir, { recursive: true });
    for (const type of types) {
      const chains: Chain[] = [];
      for (const workflowId of idsByType.get(type) ?? []) chains.push(await fetchChain(client, workflowId, unseal));
      const seen = new Set(chains.flatMap((chain) => chain.runs.flatMap((run) => run.features)));
      log(`[record] ${type}: ${chains.length} workflow IDs on the server, showing ${[...seen].sort().join(', ')}`);
      const picked = await selectCandidates(chains, (chain) => replaysCleanly(chain, bundlePath, dataConverter, log));
      const covered = new Set(picked.flatMap((chain) => chain.runs.flatMap((run) => run.features)));
      if (picked.length === 0) {
        log(`[record] ${type}: no replayable history on the server (run a spec that starts one)`);
        continue;
      }
      const path = join(outDir, `${type}.json`);
      const kept = options.append && existsSync(path) ? keptHistories(JSON.parse(readFileSync(path, 'utf8')) as SavedHistoryFile) : [];
      const file: SavedHistoryFile = {
        key: config.PAYLOAD_ENCRYPTION_KEY!,
        histories: kept.concat(picked.flatMap((chain) =>
          chain.runs.map((run) => ({
            workflowId: chain.workflowId,
            features: run.features,
            history: Buffer.from(temporal.api.history.v1.History.encode(run.history).finish()).toString('base64'),
          })),
        )),
      };
      const text = `${JSON.stringify(file, null, 1)}\n`;
      writeFileSync(path, text);
      coverage[type] = [...covered].sort();
      log(`[record] ${type}: ${file.histories.length} histories from ${picked.length} workflow IDs, ${(text.length / 1024).toFixed(0)} KiB: ${coverage[type].join(', ')}`);
    }
  } finally {
    await connection.close();
  }
  return coverage;
}

/** A fixture's histories, each naming the key its payloads are under (the file's, unless its own). */
function keptHistories(saved: SavedHistoryFile): SavedHistoryFile['histories'] {
  return saved.histories.map((h) => ({ ...h, key: h.key ?? saved.key }));
}

/** Replay workers log each start and stop at INFO: warnings only (the specs may have installed it already). */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed before: its logger stays.
  }
}

async function fetchChain(client: Client, workflowId: string, unseal: (history: History) => Promise<void>): Promise<Chain> {
  const runs: Chain['runs'] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId.replace(/'/g, "\\'")}'` })) {
    const fetched = await client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
    // Re-decoded so every Payload is a proto instance the visitor recognises.
    const history = temporal.api.history.v1.History.decode(temporal.api.history.v1.History.encode(fetched).finish());
    await unseal(history);
    runs.push({ runId: execution.runId, history, features: historyFeatures(history), size: temporal.api.history.v1.History.encode(history).finish().length });
  }
  runs.sort((a, b) => startedAt(a.history) - startedAt(b.history));
  return { workflowId, runs };
}

function startedAt(history: History): number {
  const time = history.events[0]?.eventTime;
  return Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
}

async function replaysCleanly(chain: Chain, bundlePath: string, dataConverter: ReturnType<typeof dataConverterFor>, log: (line: string) => void): Promise<boolean> {
  for (const run of chain.runs) {
    try {
      await Worker.runReplayHistory({ workflowBundle: { codePath: bundlePath }, dataConverter }, run.history, chain.workflowId);
    } catch (err) {
      log(`[record] skipped ${chain.workflowId} (${run.runId}): it does not replay on its own code: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }
  return true;
}

/**
 * Each case's payloads are sealed under a data key that lives in the recording run's database,
 * which a later test run does not have: the fixture keeps the master-key layer (the payloads stay
 * encrypted, under the test key saved with them) and drops the per-case layer beneath it.
 */
export function unsealer(config: AppConfig): (history: History) => Promise<void> {
  const master = EncryptionCodec.fromBase64(config.PAYLOAD_ENCRYPTION_KEY!);
  const caseKeys = new CaseKeyCodec(caseKeyStoreFor(config)!);
  const unsealOne = async (payload: Payload): Promise<Payload> => {
    if (encodingOf(payload) !== 'binary/encrypted') return payload;
    const [inner] = await master.decode([payload]);
    if (encodingOf(inner) !== CASE_SEALED_ENCODING) return payload;
    const [plain] = await caseKeys.decode([inner]);
    const [wrapped] = await master.encode([plain]);
    return wrapped;
  };
  return async (history) => {
    await visitPayloads(history, unsealOne);
  };
}

function encodingOf(payload: Payload): string | undefined {
  const value = payload.metadata?.[METADATA_ENCODING_KEY];
  return value ? Buffer.from(value).toString() : undefined;
}

/** Replaces every Payload anywhere in a decoded proto message (events, failures, memos, markers). */
async function visitPayloads(node: unknown, visit: (payload: Payload) => Promise<Payload>): Promise<void> {
  if (node === null || typeof node !== 'object' || ArrayBuffer.isView(node)) return;
  const record = node as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (isPayload(value)) record[key] = await visit(value);
    else await visitPayloads(value, visit);
  }
}

// The proto classes are reflection objects here, not constructors: a Payload is known by its shape.
function isPayload(value: unknown): value is Payload {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as { data?: unknown; metadata?: unknown };
  return ArrayBuffer.isView(candidate.data) && typeof candidate.metadata === 'object' && candidate.metadata !== null;
}
