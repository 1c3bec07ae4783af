/** Card rules: the Luhn check and the test cards (approved, declined, insufficient funds, processor error). All numbers here are public test numbers. */

export type DeclineReason = 'card_declined' | 'insufficient_funds' | 'invalid_card';

export type CardVerdict =
  | { readonly kind: 'approve' }
  | { readonly kind: 'decline'; readonly reason: DeclineReason }
  /** The processor itself fails: answered with gRPC INTERNAL. */
  | { readonly kind: 'processor_error' };

const TEST_CARDS: ReadonlyMap<string, CardVerdict> = new Map<string, CardVerdict>([
  ['4000000000000002', { kind: 'decline', reason: 'card_declined' }],
  ['4000000000009995', { kind: 'decline', reason: 'insufficient_funds' }],
  ['4000000000000119', { kind: 'processor_error' }],
]);

/** Whether a string of digits passes the Luhn checksum. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** What happens to a charge on this card. Any other number that passes Luhn is approved (4242424242424242 too). */
export function verdictFor(cardNumber: string): CardVerdict {
  if (!passesLuhn(cardNumber)) return { kind: 'decline', reason: 'invalid_card' };
  return TEST_CARDS.get(cardNumber) ?? { kind: 'approve' };
}
