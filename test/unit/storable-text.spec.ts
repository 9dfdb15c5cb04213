import { storableText, withStorableMessages } from '../../src/activities/storable-text';

describe('messages to people hold only text PostgreSQL can store', () => {
  it('replaces NUL and lone surrogates, keeps pairs, at any depth, keys included', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb');
    expect(storableText({ summary: 'x \uD83D y', n: 3, list: ['\uDE00', 'ok \uD83D\uDE00'], [`k\u0000`]: null })).toEqual({
      summary: 'x \uFFFD y',
      n: 3,
      list: ['\uFFFD', 'ok \uD83D\uDE00'],
      'k\uFFFD': null,
    });
    const when = new Date(0);
    expect(storableText({ when }).when).toBe(when);
  });

  it('applies to the named activities only: a case record is refused, not repaired', async () => {
    const seen: unknown[] = [];
    const activities = withStorableMessages(
      {
        async sendNotification(n: { summary: string }) {
          seen.push(n.summary);
        },
        async recordIncident(v: { title: string }) {
          seen.push(v.title);
        },
      },
      ['sendNotification'],
    );
    await activities.sendNotification({ summary: 'title\u0000' });
    await activities.recordIncident({ title: 'title\u0000' });
    expect(seen).toEqual(['title\uFFFD', 'title\u0000']);
  });
});
