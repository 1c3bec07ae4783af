import { validateCharge } from '../src/validate-charge';

const valid = { orderId: 'ord_1', amountCents: '2500', currency: 'USD', cardNumber: '4242424242424242' };

describe('validateCharge', () => {
  it('accepts a well-formed request and converts the amount', () => {
    expect(validateCharge(valid)).toEqual({ ok: true, charge: { ...valid, amountCents: 2500 } });
  });

  it.each([
    [{ orderId: '' }, /^order_id: required/],
    [{ orderId: 'x'.repeat(65) }, /^order_id/],
    [{ amountCents: '0' }, /^amount_cents: must be greater than 0/],
    [{ amountCents: '-5' }, /^amount_cents: must be greater than 0/],
    [{ amountCents: '9007199254740992' }, /^amount_cents: must be at most 9007199254740991/],
    [{ currency: '' }, /^currency: must be an ISO 4217 code/],
    [{ currency: 'usd' }, /^currency/],
    [{ currency: 'XYZ' }, /^currency/],
    [{ cardNumber: '' }, /^card_number: must be 12 to 19 digits/],
    [{ cardNumber: '4242 4242 4242 4242' }, /^card_number/],
    [{ cardNumber: '4'.repeat(20) }, /^card_number/],
  ])('rejects %j', (patch, message) => {
    const result = validateCharge({ ...valid, ...patch });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(message);
      expect(result.message).not.toContain(valid.cardNumber);
    }
  });

  it('knows ISO 4217 codes beyond USD', () => {
    for (const currency of ['EUR', 'JPY', 'GBP', 'CHF']) expect(validateCharge({ ...valid, currency }).ok).toBe(true);
  });
});
