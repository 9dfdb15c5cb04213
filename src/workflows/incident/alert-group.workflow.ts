import { formatDuration } from '../../domain/ui-details';
import { condition, continueAsNew, getExternalWorkflowHandle, ParentClosePolicy, setHandler, startChild, uuid4, workflowInfo } from '@temporalio/workflow';
import { AlertSignal, classifyAlerts, emptyAlertWindow, recordAlert, ruleFor, windowCounts } from '../../domain/incident/alert';
import { publishCaseKind } from '../common/case-recorder';
import { incidentWorkflow } from './incident.workflow';
import {
  AlertGroupInput,
  AlertGroupState,
  alertGroupQuery,
  alertResolvedSignal,
  alertSignal,
  alertsClearedSignal,
  incidentEndedSignal,
  moreAlertsSignal,
} from './messages';

/**
 * One fingerprint's alerts. Every alert is signal-with-start'ed to the workflow ID derived from
 * the fingerprint, so concurrent alerts land in one place and are counted in order: there is no
 * read-then-create race to lose, and one fingerprint never opens two incidents at once. Crossing
 * the pack's threshold opens the incident (a child that outlives this workflow); later alerts are
 * forwarded to it in batches; silence auto-resolves it. Once it is resolved, the next alert opens
 * a new one. The group ends when nothing is open and its window is empty.
 */
export async function alertGroupWorkflow(input: AlertGroupInput): Promise<AlertGroupState> {
  const state: AlertGroupState = input.carried ?? { alertsTotal: 0, window: emptyAlertWindow(), incidentId: null, incidentsOpened: [], lastAlertAt: null };
  const inbox: AlertSignal[] = [];
  let monitorResolved = false;

  setHandler(alertSignal, (s) => void inbox.push(s));
  setHandler(alertResolvedSignal, () => void (monitorResolved = true));
  setHandler(incidentEndedSignal, ({ incidentId }) => {
    if (state.incidentId === incidentId) state.incidentId = null;
  });
  setHandler(alertGroupQuery, () => ({ fingerprint: input.fingerprint, alertsTotal: state.alertsTotal, incidentId: state.incidentId, incidentsOpened: [...state.incidentsOpened] }));
  if (!input.carried) publishCaseKind('alert_group', input.brand);

  const rules = input.incidentPolicy.alerting;
  for (;;) {
    const kind = inbox[0]?.kind ?? Object.values(state.window.series)[0]?.kind ?? '*';
    const rule = ruleFor(rules, kind);
    // Quiet for the rule's silence (an open incident) or window (nothing open): time to act.
    const quietFor = state.incidentId ? rule.autoResolveAfterMs : rule.withinMs;
    const idleSince = state.lastAlertAt ?? Date.now();
    const quietSummary = state.incidentId ? `quiet for ${formatDuration(quietFor)}: auto-resolve ${state.incidentId}` : `quiet for ${formatDuration(quietFor)}: close the alert window`;
    const arrived = await condition(() => inbox.length > 0 || monitorResolved, Math.max(1, idleSince + quietFor - Date.now()), { summary: quietSummary });

    if (monitorResolved || !arrived) {
      monitorResolved = false;
      if (state.incidentId) {
        // An incident that people already closed has ended: nothing left to resolve.
        await getExternalWorkflowHandle(state.incidentId)
          .signal(alertsClearedSignal, { reason: arrived ? 'resolved by the monitor' : `no alert for ${rule.autoResolveAfterMs / 1000}s` })
          .catch(() => undefined);
        state.incidentId = null;
      }
      if (!arrived) state.window = emptyAlertWindow();
      if (inbox.length === 0 && windowCounts(state.window, Date.now()).length === 0) return state;
      continue;
    }

    let forwarded = 0;
    let lastAt = 0;
    for (const signal of inbox.splice(0)) {
      const recorded = recordAlert(state.window, signal, ruleFor(rules, signal.kind));
      state.window = recorded.window;
      state.alertsTotal += signal.count;
      state.lastAlertAt = Date.now();
      lastAt = Math.max(lastAt, signal.occurredAt);
      if (state.incidentId) {
        forwarded += signal.count;
        continue;
      }
      const priority = classifyAlerts(rules, [{ kind: signal.kind, count: recorded.count }]);
      if (priority === null) continue;
      const incidentId = `incident-${uuid4().replace(/-/g, '').slice(0, 26)}`;
      await startChild(incidentWorkflow, {
        workflowId: incidentId,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `Incident ${priority} · ${signal.kind} on ${signal.service}${signal.region ? ` (${signal.region})` : ''}`,
        args: [
          {
            incidentId,
            brand: input.brand,
            priority,
            title: signal.summary,
            impact: null,
            services: [signal.service],
            source: 'alert',
            fingerprint: input.fingerprint,
            alertGroupId: workflowInfo().workflowId,
            alertCount: recorded.count,
            policy: input.incidentPolicy,
            openedBy: signal.source,
            requestHash: input.fingerprint,
          },
        ],
      });
      state.incidentId = incidentId;
      state.incidentsOpened.push(incidentId);
    }
    if (state.incidentId && forwarded > 0) {
      // Closed in the meantime (its "ended" signal is on its way): the count no longer matters to it.
      await getExternalWorkflowHandle(state.incidentId)
        .signal(moreAlertsSignal, { count: forwarded, lastAt })
        .catch(() => undefined);
    }
    // A storm makes a long history: start afresh with the state carried over.
    if (workflowInfo().continueAsNewSuggested && inbox.length === 0) {
      await continueAsNew<typeof alertGroupWorkflow>({ ...input, carried: state });
    }
  }
}
