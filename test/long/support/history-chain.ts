import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;

/** The server's hard limits per run, and the share of them a run may use (issue 20: under 10 %). */
export const SERVER_LIMITS = { events: 51_200, bytes: 50 * 1024 * 1024, updates: 2_000 };
export const RUN_SHARE = 0.1;

export interface RunHistory {
  runId: string;
  events: number;
  /** Encoded size of the run's history as the server stores it (payloads as the codec left them). */
  bytes: number;
  /** Updates accepted in this run (WORKFLOW_EXECUTION_UPDATE_ACCEPTED). */
  updates: number;
  /** How the run ended: CONTINUED_AS_NEW, COMPLETED, TERMINATED, …, or RUNNING. */
  end: string;
}

export interface Chain {
  runs: RunHistory[];
  totalEvents: number;
  totalBytes: number;
  current: RunHistory;
  /** describe() of the latest run: the server's own count and size of its history. */
  described: { runId: string; status: string; historyLength: number; historySize: number | undefined };
}

const ENDS: Partial<Record<number, string>> = {
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW]: 'CONTINUED_AS_NEW',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED]: 'COMPLETED',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED]: 'FAILED',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED]: 'TERMINATED',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT]: 'TIMED_OUT',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED]: 'CANCELED',
};

/**
 * One run's history, page by page, on a connection of its own: a page of a history whose events
 * carry large views can exceed gRPC's default 4 MiB per message (seen: a ticket run's page of
 * 4.2 MB), which the SDK's client refuses (RESOURCE_EXHAUSTED, retried, then failed).
 */
async function fetchRun(connection: Connection, namespace: string, workflowId: string, runId: string): Promise<temporal.api.history.v1.IHistory> {
  const events: temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await connection.workflowService.getWorkflowExecutionHistory({ namespace, execution: { workflowId, runId }, nextPageToken, maximumPageSize: 100, skipArchival: true });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return { events };
}

/**
 * Every run of the case from its first, following each continue-as-new to the next run.
 * `apiKey`: the token the client's connection presents, where the server authorizes calls (the
 * bench on `make cluster`); the connection made here presents it too.
 */
export async function historyChain(client: Client, workflowId: string, firstRunId: string, apiKey?: string): Promise<Chain> {
  const runs: RunHistory[] = [];
  const connection = await Connection.connect({
    // The client's connection, as every client here is made (Connection.connect).
    address: (client.connection as Connection).options.address,
    ...(apiKey ? { apiKey, tls: false } : {}),
    channelArgs: { 'grpc.max_receive_message_length': 512 * 1024 * 1024 },
  });
  try {
    let runId: string | undefined = firstRunId;
    while (runId) {
      const history = await fetchRun(connection, client.options.namespace, workflowId, runId);
      const events: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
      const last: temporal.api.history.v1.IHistoryEvent | undefined = events[events.length - 1];
      runs.push({
        runId,
        events: events.length,
        bytes: temporal.api.history.v1.History.encode(history).finish().length,
        updates: events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).length,
        end: (last?.eventType != null && ENDS[last.eventType]) || 'RUNNING',
      });
      runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      if (runs.length > 10_000) throw new Error(`${workflowId}: more than 10,000 runs — a continue-as-new loop?`);
    }
  } finally {
    await connection.close();
  }
  const d = await client.workflow.getHandle(workflowId).describe();
  return {
    runs,
    totalEvents: runs.reduce((s, r) => s + r.events, 0),
    totalBytes: runs.reduce((s, r) => s + r.bytes, 0),
    current: runs[runs.length - 1],
    described: { runId: d.runId, status: d.status.name, historyLength: d.historyLength, historySize: d.historySize },
  };
}

/** What is wrong with the chain, if anything: a run over its share of a limit, a run that did not hand over, the latest run not the one described. */
export function chainProblems(chain: Chain, share = RUN_SHARE): string[] {
  const problems: string[] = [];
  const maxEvents = SERVER_LIMITS.events * share;
  const maxBytes = SERVER_LIMITS.bytes * share;
  chain.runs.forEach((r, i) => {
    const isLast = i === chain.runs.length - 1;
    if (r.events >= maxEvents) problems.push(`run ${i + 1} (${r.runId}): ${r.events} events ≥ ${maxEvents}`);
    if (r.bytes >= maxBytes) problems.push(`run ${i + 1} (${r.runId}): ${r.bytes} bytes ≥ ${maxBytes}`);
    if (r.updates >= SERVER_LIMITS.updates) problems.push(`run ${i + 1} (${r.runId}): ${r.updates} updates ≥ the server's ${SERVER_LIMITS.updates}`);
    if (!isLast && r.end !== 'CONTINUED_AS_NEW') problems.push(`run ${i + 1} (${r.runId}) ended ${r.end}, yet a later run follows`);
    if (isLast && !['RUNNING', 'COMPLETED'].includes(r.end)) problems.push(`the latest run (${r.runId}) ended ${r.end}`);
  });
  if (chain.described.runId !== chain.current.runId) problems.push(`describe() names run ${chain.described.runId}, the chain ends at ${chain.current.runId}`);
  if (chain.described.historyLength >= maxEvents) problems.push(`describe(): ${chain.described.historyLength} events ≥ ${maxEvents}`);
  if ((chain.described.historySize ?? 0) >= maxBytes) problems.push(`describe(): ${chain.described.historySize} bytes ≥ ${maxBytes}`);
  return problems;
}
