import { cardBrand, cardLast4, refundTraceNumber } from '../../../src/domain/billing/card-facts';

describe('card facts an agent may see', () => {
  it('keeps a brand and four digits, nothing else', () => {
    expect(cardBrand('visa')).toBe('visa');
    expect(cardBrand('cartes_bancaires')).toBe('cartes_bancaires');
    expect(cardBrand('4242424242424242')).toBeNull();
    expect(cardBrand(undefined)).toBeNull();
    expect(cardLast4('4242')).toBe('4242');
    expect(cardLast4('4242424242424242')).toBeNull();
    expect(cardLast4('42a2')).toBeNull();
    expect(cardLast4(4242)).toBeNull();
  });

  it('keeps a 23-digit ARN and short references', () => {
    expect(refundTraceNumber('74567890123456789012345')).toBe('74567890123456789012345');
    expect(refundTraceNumber('123456789012')).toBe('123456789012');
    expect(refundTraceNumber('ARN-2026-000123')).toBe('ARN-2026-000123');
  });

  it('drops a "trace number" that holds a card number, or anything not shaped like one', () => {
    expect(refundTraceNumber('4242424242424242')).toBeNull();
    expect(refundTraceNumber('ref-4000056655665556')).toBeNull();
    expect(refundTraceNumber('has spaces 123')).toBeNull();
    expect(refundTraceNumber('')).toBeNull();
    expect(refundTraceNumber(null)).toBeNull();
  });
});
