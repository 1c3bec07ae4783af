import type { ChargeInput, ChargeOutcome, PaymentClient } from '../src/payment-client';

/** A PaymentClient whose answer each test decides. Records every charge it was asked for. */
export class FakePayments implements PaymentClient {
  readonly charges: ChargeInput[] = [];
  serving = true;
  next: (input: ChargeInput) => Promise<ChargeOutcome> = async (input) => ({
    outcome: 'approved',
    paymentId: 'pay_test',
    cardLast4: input.cardNumber.slice(-4),
  });

  charge(input: ChargeInput): Promise<ChargeOutcome> {
    this.charges.push(input);
    return this.next(input);
  }

  async isServing(): Promise<boolean> {
    return this.serving;
  }

  close(): void {}
}
