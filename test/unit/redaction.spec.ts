import { redactPersonalData, redactPostUrl } from '../../src/domain/redaction';

describe('redactPersonalData', () => {
  it.each([
    ['mail me at jane.doe+tv@example.co.uk please', 'mail me at [email] please'],
    ['call +1 (888) 555-0199 now', 'call [phone] now'],
    ['my number 0151 234 5678', 'my number [phone]'],
    ['charged twice on 4111 1111 1111 1111!', 'charged twice on [card]!'],
    ['card 4111-1111-1111-1111', 'card [card]'],
    ['@uoozee_help my @janedoe account is locked', '[handle] my [handle] account is locked'],
    ['see https://x.example/p?id=42&u=jane', 'see [link]'],
    ['router at 192.168.1.20 drops', 'router at [ip] drops'],
  ])('%s', (input, expected) => {
    expect(redactPersonalData(input)).toBe(expected);
  });

  it('keeps the complaint itself', () => {
    const text = 'Playback stops after 10 minutes on the TV app since the 3.2 update, error E1042';
    expect(redactPersonalData(text)).toBe(text);
  });
});

describe('redactPostUrl', () => {
  it('drops query and fragment', () => {
    expect(redactPostUrl('https://social.example/uoozee/status/123?s=20&t=abc#r')).toBe('https://social.example/uoozee/status/123');
    expect(redactPostUrl('not a url')).toBe('[link]');
  });
});
