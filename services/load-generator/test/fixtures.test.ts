/**
 * The fixtures' card names against payment-service's card table, the one source of each card's behaviour: a card
 * whose name says "declined" must be declined there, for the reason the name says.
 */
import { type CardVerdict, verdictFor } from '../../payment-service/src/cards';
import { type CardKind, EXPECTED_STATUS, FAKE_CUSTOMER, sampleOrder, TEST_CARDS } from '../src/fixtures';

const VERDICT: Record<CardKind, CardVerdict> = {
  approved: { outcome: 'approved' },
  declined: { outcome: 'declined', declineReason: 'card_declined' },
  insufficientFunds: { outcome: 'declined', declineReason: 'insufficient_funds' },
  invalidLuhn: { outcome: 'declined', declineReason: 'invalid_card' },
  failing: { outcome: 'processor_error' },
};

/** How order-api answers each verdict (README: 201 paid, 402 payment_declined, 502 payment_error). */
const STATUS_OF: Record<CardVerdict['outcome'], number> = { approved: 201, declined: 402, processor_error: 502 };

test.each(Object.entries(TEST_CARDS) as Array<[CardKind, string]>)(
  '%s (%s) does what its name says',
  (kind, number) => {
    expect(verdictFor(number)).toEqual(VERDICT[kind]);
    expect(EXPECTED_STATUS[kind]).toBe(STATUS_OF[VERDICT[kind].outcome]);
  },
);

test('every card is a different number', () => {
  expect(new Set(Object.values(TEST_CARDS)).size).toBe(Object.keys(TEST_CARDS).length);
});

test('the sample order: fake customer, one item, the card it is given', () => {
  expect(sampleOrder()).toEqual({
    customer: { id: 'c-42', email: 'ada@example.com' },
    items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 }],
    payment: { cardNumber: TEST_CARDS.approved, currency: 'USD' },
  });
  expect(sampleOrder(TEST_CARDS.failing).payment.cardNumber).toBe(TEST_CARDS.failing);
  expect(FAKE_CUSTOMER.email).toMatch(/@example\.com$/);
  // A fresh object each time: a test that edits its order cannot change the next one's.
  const edited = sampleOrder();
  edited.customer.email = 'changed@example.com';
  expect(sampleOrder().customer.email).toBe(FAKE_CUSTOMER.email);
});
