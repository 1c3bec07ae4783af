import { fromChargeResponse, toChargeResponse } from '@otel-stack/protos';
import { ChargeFailedError, charge } from '../src/charge';

const request = { orderId: 'ord_1', amountCents: 2500, currency: 'USD', cardNumber: '4242424242424242' };
const noFaults = { failureRate: 0, latencyMs: 0 };

describe('charge', () => {
  it('approves with a payment ID and the last four digits', async () => {
    await expect(charge(request, noFaults)).resolves.toEqual({
      outcome: 'approved',
      paymentId: expect.stringMatching(/^pay_/),
      cardLast4: '4242',
    });
  });

  it('declines as an outcome, not an error', async () => {
    await expect(charge({ ...request, cardNumber: '4000000000009995' }, noFaults)).resolves.toEqual({
      outcome: 'declined',
      declineReason: 'insufficient_funds',
      cardLast4: '9995',
    });
  });

  it('fails with a non-retryable error for the processor-error card', async () => {
    const failure = charge({ ...request, cardNumber: '4000000000000119' }, noFaults);
    await expect(failure).rejects.toBeInstanceOf(ChargeFailedError);
    await expect(failure).rejects.toMatchObject({ retryable: false });
  });

  it('injects retryable failures at PAYMENT_FAILURE_RATE', async () => {
    const failing = { failureRate: 0.25, latencyMs: 0 };
    await expect(charge(request, { ...failing, random: () => 0.2 })).rejects.toMatchObject({ retryable: true });
    await expect(charge(request, { ...failing, random: () => 0.3 })).resolves.toMatchObject({ outcome: 'approved' });
  });

  it('crosses the wire unchanged; an outcome the client does not know is no result', async () => {
    // What proto-loader hands the client: every field present, '' when unset.
    const unset = { paymentId: '', declineReason: '', cardLast4: '' };
    type Received = Parameters<typeof fromChargeResponse>[0];
    for (const cardNumber of ['4242424242424242', '4000000000009995']) {
      const result = await charge({ ...request, cardNumber }, noFaults);
      expect(fromChargeResponse({ ...unset, ...toChargeResponse(result) } as Received)).toEqual(result);
    }
    expect(fromChargeResponse({ ...unset, outcome: 'CHARGE_OUTCOME_UNSPECIFIED' })).toBeUndefined();
  });

  it('adds PAYMENT_LATENCY_MS', async () => {
    const started = Date.now();
    await charge(request, { failureRate: 0, latencyMs: 120 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });
});
