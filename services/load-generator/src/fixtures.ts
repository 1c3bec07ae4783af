/**
 * The test data every traffic source of the repository sends (this generator, `pnpm demo`, `pnpm bench`, the
 * integration and pipeline tests): fake on purpose and recognisably so, since the services record PII on spans for
 * the collector to mask. Importable as `load-generator/fixtures`.
 */

/**
 * The public test cards payment-service knows, by what it does with each (its card table decides the behaviour;
 * services/load-generator/test/fixtures.test.ts holds every name here to it).
 */
export const TEST_CARDS = {
  /** Charged. Any other number passing Luhn is too. */
  approved: '4242424242424242',
  /** Declined: `card_declined`. */
  declined: '4000000000000002',
  /** Declined: `insufficient_funds`. */
  insufficientFunds: '4000000000009995',
  /** Declined: `invalid_card`, the number fails the Luhn check. */
  invalidLuhn: '4242424242424241',
  /** The charge fails with gRPC INTERNAL. */
  failing: '4000000000000119',
} as const;
export type CardKind = keyof typeof TEST_CARDS;

/** The status POST /orders answers for an order paid with each card: 402 for a decline, 502 for a failed charge. */
export const EXPECTED_STATUS = {
  approved: 201,
  declined: 402,
  insufficientFunds: 402,
  invalidLuhn: 402,
  failing: 502,
} as const satisfies Record<CardKind, number>;

/** A customer on a reserved domain (example.com). */
export const FAKE_CUSTOMER = { id: 'c-42', email: 'ada@example.com' } as const;

/** The body of POST /orders. */
export interface OrderBody {
  customer: { id: string; email: string };
  items: { sku: string; quantity: number; unitPriceCents: number }[];
  payment: { cardNumber: string; currency: string };
}

/** The README's sample order (2 x BOOK-1 at 12.50 USD, 2500 cents in all), paid with `cardNumber`. */
export function sampleOrder(cardNumber: string = TEST_CARDS.approved): OrderBody {
  return {
    customer: { ...FAKE_CUSTOMER },
    items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 }],
    payment: { cardNumber, currency: 'USD' },
  };
}
