import type { CaseEventRecord } from '../../../src/persistence/read-model/case-records';
import { observeRecordedEvents, RecordedCaseFacts, reportRecordedEvents } from '../../../src/persistence/read-model/recorded-events';

const facts: RecordedCaseFacts = { kind: 'ticket', brand: 'uoozee', priority: 'P2' };
const ev = (eventKey: string, type: string): CaseEventRecord => ({ eventKey, type, actor: 'system', occurredAt: '2026-03-02T10:00:00Z', data: {} });
const events = [ev('t:opened', 'opened'), ev('t:first', 'sla_at_risk'), ev('t:second', 'sla_breached')];

describe('reportRecordedEvents: the observer hears of newly stored events only', () => {
  const heard: string[][] = [];
  beforeEach(() => {
    heard.length = 0;
    observeRecordedEvents((_c, stored) => heard.push(stored.map((e) => e.type)));
  });
  afterAll(() => observeRecordedEvents(null));

  it('passes the events the write stored, in order, and returns the result unchanged', () => {
    const result = { snapshotWritten: true, eventsRecorded: 2, recordedEventKeys: ['t:opened', 't:second'] };
    expect(reportRecordedEvents(facts, events, result)).toBe(result);
    expect(heard).toEqual([['opened', 'sla_breached']]);
  });

  it('tells nothing for a retried write that found every event stored', () => {
    reportRecordedEvents(facts, events, { snapshotWritten: false, eventsRecorded: 0, recordedEventKeys: [] });
    expect(heard).toEqual([]);
  });

  it("never fails the write when the observer throws", () => {
    observeRecordedEvents(() => {
      throw new Error('meter gone');
    });
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const result = { snapshotWritten: true, eventsRecorded: 1, recordedEventKeys: ['t:opened'] };
    expect(reportRecordedEvents(facts, events, result)).toBe(result);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('meter gone'));
    warn.mockRestore();
  });
});
