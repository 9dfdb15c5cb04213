import { agentNote, BillingFieldError } from '../../../src/domain/billing/agent-note';
import { checkDunningAccountChange, checkDunningIdentityConfirmation, InvalidDunningActionError } from '../../../src/domain/billing/dunning';
import { identityConfirmation, IdentityNotConfirmedError, requireConfirmedIdentity } from '../../../src/domain/billing/identity';

const confirmed = identityConfirmation('agent-bo', 'one-time code to the account e-mail', Date.UTC(2026, 10, 25));

describe('identity before any account change', () => {
  it('records who confirmed, how and when', () => {
    expect(confirmed).toEqual({ confirmedBy: 'agent-bo', method: 'one-time code to the account e-mail', at: '2026-11-25T00:00:00.000Z' });
    expect(requireConfirmedIdentity(confirmed, 'cancel')).toBe(confirmed);
  });

  it('refuses an account change without it, naming the missing confirmation and the action', () => {
    for (const action of ['cancel_subscription', 'apply_retention_offer'] as const) {
      const err = (() => {
        try {
          checkDunningAccountChange({ status: 'dunning', identity: null, offerApplied: false }, action);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(IdentityNotConfirmedError);
      expect(err).toMatchObject({ missing: 'identityConfirmation', action });
      expect((err as Error).message).toMatch(/confirm the customer's identity/);
    }
  });

  it('allows the change once confirmed, while dunning runs; an offer once', () => {
    expect(() => checkDunningAccountChange({ status: 'dunning', identity: confirmed, offerApplied: false }, 'cancel_subscription')).not.toThrow();
    expect(() => checkDunningAccountChange({ status: 'dunning', identity: confirmed, offerApplied: false }, 'apply_retention_offer')).not.toThrow();
    expect(() => checkDunningAccountChange({ status: 'dunning', identity: confirmed, offerApplied: true }, 'apply_retention_offer')).toThrow(/already applied/);
  });

  it('a closed case names its state first, identity or not', () => {
    for (const status of ['recovered', 'exhausted', 'cancelled'] as const) {
      expect(() => checkDunningAccountChange({ status, identity: null, offerApplied: false }, 'cancel_subscription')).toThrow(InvalidDunningActionError);
      expect(() => checkDunningAccountChange({ status, identity: confirmed, offerApplied: false }, 'cancel_subscription')).toThrow(`the dunning case is ${status}`);
    }
  });

  it('identity is confirmed once, and only while dunning runs', () => {
    expect(() => checkDunningIdentityConfirmation({ status: 'dunning', identity: null })).not.toThrow();
    expect(() => checkDunningIdentityConfirmation({ status: 'dunning', identity: confirmed })).toThrow(/already confirmed by agent-bo/);
    expect(() => checkDunningIdentityConfirmation({ status: 'recovered', identity: null })).toThrow(InvalidDunningActionError);
  });

  it('agent notes are bounded and never carry a card number', () => {
    expect(agentNote('method', '  sms code ')).toBe('sms code');
    expect(() => agentNote('method', '   ')).toThrow(BillingFieldError);
    expect(() => agentNote('reason', 'x'.repeat(501), 500)).toThrow(/1–500/);
    expect(() => identityConfirmation('a', 'read back card 4242 4242 4242 4242', 0)).toThrow(expect.objectContaining({ field: 'method', message: 'method: must not contain a card number' }));
  });
});
