import { passesLuhn, verdictFor } from '../src/cards';

describe('passesLuhn', () => {
  it.each(['4242424242424242', '4000000000000002', '4000000000009995', '4000000000000119', '378282246310005', '0'])(
    '%s passes',
    (n) => expect(passesLuhn(n)).toBe(true),
  );
  it.each(['4242424242424241', '4000000000000001', '1234567890123456'])('%s fails', (n) =>
    expect(passesLuhn(n)).toBe(false),
  );
});

describe('verdictFor: the public test cards', () => {
  it.each([
    ['4242424242424242', { outcome: 'approved' }],
    ['4000000000000002', { outcome: 'declined', declineReason: 'card_declined' }],
    ['4000000000009995', { outcome: 'declined', declineReason: 'insufficient_funds' }],
    ['4000000000000119', { outcome: 'processor_error' }],
    ['4242424242424241', { outcome: 'declined', declineReason: 'invalid_card' }],
    ['5555555555554444', { outcome: 'approved' }],
  ])('%s -> %j', (card, verdict) => expect(verdictFor(card)).toEqual(verdict));
});
