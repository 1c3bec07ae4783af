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
    ['4242424242424242', { kind: 'approve' }],
    ['4000000000000002', { kind: 'decline', reason: 'card_declined' }],
    ['4000000000009995', { kind: 'decline', reason: 'insufficient_funds' }],
    ['4000000000000119', { kind: 'processor_error' }],
    ['4242424242424241', { kind: 'decline', reason: 'invalid_card' }],
    ['5555555555554444', { kind: 'approve' }],
  ])('%s -> %j', (card, verdict) => expect(verdictFor(card)).toEqual(verdict));
});
