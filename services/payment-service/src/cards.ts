/** Card rules: the Luhn check and the test cards (approved, declined, insufficient funds, processor error). All numbers here are public test numbers. */

type DeclineReason = 'card_declined' | 'insufficient_funds' | 'invalid_card';

/** What the processor does with a card, in the words of the ChargeResult it leads to. */
export type CardVerdict =
  | { readonly outcome: 'approved' }
  | { readonly outcome: 'declined'; readonly declineReason: DeclineReason }
  /** The processor itself fails: answered with gRPC INTERNAL. */
  | { readonly outcome: 'processor_error' };

const TEST_CARDS: ReadonlyMap<string, CardVerdict> = new Map<string, CardVerdict>([
  ['4000000000000002', { outcome: 'declined', declineReason: 'card_declined' }],
  ['4000000000009995', { outcome: 'declined', declineReason: 'insufficient_funds' }],
  ['4000000000000119', { outcome: 'processor_error' }],
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
  if (!passesLuhn(cardNumber)) return { outcome: 'declined', declineReason: 'invalid_card' };
  return TEST_CARDS.get(cardNumber) ?? { outcome: 'approved' };
}
