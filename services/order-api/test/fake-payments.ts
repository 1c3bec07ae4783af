import type { ChargeInput, ChargeResult } from '@otel-stack/protos';
import type { PaymentClient } from '../src/payment-client';

/** A PaymentClient whose answer each test decides. Records every charge it was asked for. */
export class FakePayments implements PaymentClient {
  readonly charges: ChargeInput[] = [];
  serving = true;
  next: (input: ChargeInput) => Promise<ChargeResult> = async (input) => ({
    outcome: 'approved',
    paymentId: 'pay_test',
    cardLast4: input.cardNumber.slice(-4),
  });

  charge(input: ChargeInput): Promise<ChargeResult> {
    this.charges.push(input);
    return this.next(input);
  }

  async isServing(): Promise<boolean> {
    return this.serving;
  }

  close(): void {}
}
