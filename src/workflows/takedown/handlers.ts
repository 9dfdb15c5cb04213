import { readTime } from '../common/read-time';
import { deprecatePatch, setHandler } from '@temporalio/workflow';
import { complaintDecisionMessage, counterNoticeForwardMessage, decisionNoticeMessage, restoredMessage } from '../../domain/takedown/case-messages';
import {
  applyDecisionUpdate,
  assignReviewerUpdate,
  closeTakedownUpdate,
  complaintUpdate,
  counterNoticeUpdate,
  decideTakedownUpdate,
  informationReceivedUpdate,
  noteTakedownUpdate,
  requestInformationUpdate,
  reverseDecisionUpdate,
  suitFiledUpdate,
  takedownStatusQuery,
  TakedownView,
  upholdDecisionUpdate,
} from './messages';
import { actOnContent, communicate, informUploader, pageSafetyTeam, requestInformation } from './effects';
import type { Proceeding } from './proceeding';

/**
 * Legal staff's actions, as updates: each validator asks the domain (only valid transitions, only
 * the legal role), each handler counts towards the run's budget and answers a retry from an
 * earlier run with the case as it is.
 */
export function registerTakedownHandlers(p: Proceeding): void {
  // First, so the case is readable from its first moment.
  setHandler(takedownStatusQuery, (read) => p.view(readTime(read)));

  /** The handler's body runs once per update: a retry from an earlier run is answered, not applied. */
  const once =
    <A>(apply: (args: A) => Promise<TakedownView>) =>
    async (args: A): Promise<TakedownView> => {
      p.budget.countUpdate();
      if (p.retries.alreadyApplied()) return p.view();
      return apply(args);
    };

  setHandler(
    assignReviewerUpdate,
    once(async ({ actor, reviewer }) => p.commitEntry(p.act({ action: 'assign', reviewer }, actor))),
    { validator: ({ actor, reviewer }) => p.check({ action: 'assign', reviewer }, actor) },
  );

  setHandler(
    requestInformationUpdate,
    once(async ({ actor, missing, message }) => requestInformation(p, missing, actor, message)),
    { validator: ({ actor, missing }) => p.check({ action: 'request_info', missing }, actor) },
  );

  setHandler(
    informationReceivedUpdate,
    once(async ({ actor, note }) => {
      const entry = p.act({ action: 'info_received' }, actor);
      p.s.informationRequested = null;
      return p.commitEntry(entry, { note });
    }),
    { validator: ({ actor }) => p.check({ action: 'info_received' }, actor) },
  );

  setHandler(
    decideTakedownUpdate,
    once(async ({ actor, decision }) => {
      const entry = p.act({ action: 'decide', decision }, actor);
      p.s.decidedBy = actor.id;
      const due = p.s.c.decisionDue;
      await p.commitEntry(entry, { onTime: due === null || p.s.c.decidedAt! <= due.dueAt });
      // DSA Art. 16(5): the notifier hears the decision and the redress open to them.
      await communicate(p, 'notifier', 'decision_notice', decisionNoticeMessage(p.id, p.s.c), `${p.id}:decision-notice`);
      return p.view();
    }),
    { validator: ({ actor, decision }) => p.check({ action: 'decide', decision }, actor) },
  );

  setHandler(
    applyDecisionUpdate,
    once(async ({ actor, authorityInformed }) => {
      const entry = p.act({ action: 'apply', ...(authorityInformed ? { authorityInformed } : {}) }, actor);
      await p.commitEntry(entry);
      const measure = p.s.c.decision!.measure;
      if (measure.kind !== 'no_action') {
        // The uploader's statement of reasons goes out no later than the restriction takes effect.
        await informUploader(p);
        await actOnContent(p, measure.kind === 'global_removal' ? 'remove' : 'geo_restrict', 'apply', measure.kind === 'geo_restriction' ? measure.countries : null);
      }
      // Escalated to safety: the safety team's on-call hears of it now. Retired patch (issue 13):
      // the call stays where patched() was asked, so histories with its marker replay.
      if (p.s.c.decision!.outcome === 'escalate_safety') {
        deprecatePatch('takedown-safety-escalation-page');
        await pageSafetyTeam(p, authorityInformed);
      }
      return p.view();
    }),
    { validator: ({ actor, authorityInformed }) => p.check({ action: 'apply', ...(authorityInformed ? { authorityInformed } : {}) }, actor) },
  );

  setHandler(
    closeTakedownUpdate,
    once(async ({ actor }) => p.commitEntry(p.act({ action: 'close' }, actor))),
    { validator: ({ actor }) => p.check({ action: 'close' }, actor) },
  );

  setHandler(
    counterNoticeUpdate,
    once(async ({ actor, counterNotice }) => {
      const received = p.act({ action: 'counter_notice' }, actor);
      await p.commitEntry(received);
      // §512(g)(2)(B): promptly forward a copy to the notifier, with the restore date. The
      // counter-notice itself (the uploader's name, address, phone) goes only into that message.
      await communicate(p, 'notifier', 'counter_notice_forwarded', counterNoticeForwardMessage(p.id, p.s.c, { ...counterNotice }), `${p.id}:counter-notice-forwarded`);
      return p.commitEntry(p.act({ action: 'forward_counter_notice' }, actor));
    }),
    { validator: ({ actor }) => p.check({ action: 'counter_notice' }, actor) },
  );

  setHandler(
    suitFiledUpdate,
    once(async ({ actor, court }) => p.commitEntry(p.act({ action: 'suit_filed', ...(court ? { court } : {}) }, actor))),
    { validator: ({ actor }) => p.check({ action: 'suit_filed' }, actor) },
  );

  setHandler(
    complaintUpdate,
    once(async ({ actor, by, grounds }) => p.commitEntry(p.act({ action: 'complaint', by, grounds }, actor))),
    { validator: ({ actor, by, grounds }) => p.check({ action: 'complaint', by, grounds }, actor) },
  );

  setHandler(
    upholdDecisionUpdate,
    once(async ({ actor, reasons }) => {
      const complainant = p.s.lastComplaintBy ?? 'uploader';
      await p.commitEntry(p.act({ action: 'uphold', reasons }, actor));
      await communicate(p, complainant, 'complaint_decision', complaintDecisionMessage(p.id, 'upheld', reasons), `${p.id}:complaint-decision`);
      return p.view();
    }),
    { validator: ({ actor, reasons }) => p.check({ action: 'uphold', reasons }, actor) },
  );

  setHandler(
    reverseDecisionUpdate,
    once(async ({ actor, reasons }) => {
      const complainant = p.s.lastComplaintBy ?? 'uploader';
      await p.commitEntry(p.act({ action: 'reverse', reasons }, actor));
      // Art. 20(4): a reversal undoes the restriction without undue delay.
      if (p.s.restrictionLiftedAt === null && p.s.contentActions.some((a) => a.action === 'remove' || a.action === 'geo_restrict')) {
        await actOnContent(p, 'restore', 'reverse', null);
        await communicate(p, 'uploader', 'content_restored', restoredMessage(p.id, 'complaint_reversed', p.input.notice.items), `${p.id}:restored`);
      }
      await communicate(p, complainant, 'complaint_decision', complaintDecisionMessage(p.id, 'reversed', reasons), `${p.id}:complaint-decision`);
      return p.view();
    }),
    { validator: ({ actor, reasons }) => p.check({ action: 'reverse', reasons }, actor) },
  );

  setHandler(
    noteTakedownUpdate,
    once(async ({ actor, text }) => p.commitEntry(p.act({ action: 'note', text }, actor))),
    { validator: ({ actor, text }) => p.check({ action: 'note', text }, actor) },
  );
}
