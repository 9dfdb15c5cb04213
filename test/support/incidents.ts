import { Client } from '@temporalio/client';
import { resolve } from 'node:path';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { AlertSignal, alertFingerprint } from '../../src/domain/incident/alert';
import { IncidentPolicy, pinIncidentPolicy } from '../../src/domain/incident/incident-policy';
import { alertGroupWorkflow } from '../../src/workflows';
import { alertGroupId, alertSignal, IncidentInput } from '../../src/workflows/incident/messages';

const fixtures = PolicyRegistry.fromDirectory(resolve(__dirname, '..', 'fixtures', 'policies'));

/** The test incident policy (acks due in seconds, silence of 3 s). */
export function testIncidentPolicy(brand = 'uoozee'): IncidentPolicy {
  return pinIncidentPolicy(fixtures.find(brand)!);
}

/** A P4 incident opened by hand (no alert group), for starting the workflow straight through the client. */
export function manualIncidentInput(incidentId: string, overrides: Partial<IncidentInput> = {}): IncidentInput {
  return {
    incidentId,
    brand: 'uoozee',
    priority: 'P4',
    title: 'Checkout latency',
    impact: null,
    services: ['checkout'],
    source: 'manual',
    fingerprint: null,
    alertGroupId: null,
    alertCount: 0,
    policy: testIncidentPolicy(),
    openedBy: 'sre-kim',
    requestHash: 'h',
    ...overrides,
  };
}

export function alert(overrides: Partial<AlertSignal> = {}): AlertSignal {
  return {
    source: 'prometheus',
    kind: 'http_5xx',
    service: 'playback-api',
    region: 'eu-west-1',
    edge: null,
    count: 1,
    occurredAt: Date.now(),
    summary: 'playback-api 5xx rate above 2%',
    severity: 'critical',
    dedupKey: null,
    details: {},
    ...overrides,
  };
}

/** What POST /v1/alerts does: signal-with-start on the fingerprint's alert group. */
export async function sendAlert(client: Client, taskQueue: string, signal: AlertSignal, policy = testIncidentPolicy()): Promise<string> {
  const fingerprint = alertFingerprint(signal);
  const workflowId = alertGroupId(policy.brand, fingerprint);
  await client.workflow.signalWithStart(alertGroupWorkflow, {
    workflowId,
    taskQueue,
    args: [{ brand: policy.brand, fingerprint, incidentPolicy: policy }],
    signal: alertSignal,
    signalArgs: [signal],
  });
  return workflowId;
}
