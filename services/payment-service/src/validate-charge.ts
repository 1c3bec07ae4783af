import type { ChargeInput, ChargeRequest__Output } from '@otel-stack/protos';

// ISO 4217 alphabetic codes as the runtime's ICU data knows them (no hand-maintained list to drift).
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CARD_DIGITS = /^\d{12,19}$/;

/**
 * Checks a request field by field. Returns the first problem as a message meant for the caller (answered with
 * INVALID_ARGUMENT), or the validated charge, its amount a safe integer. Messages never repeat the card number.
 */
export function validateCharge(
  req: ChargeRequest__Output,
): { ok: true; charge: ChargeInput } | { ok: false; message: string } {
  if (!ORDER_ID.test(req.orderId)) {
    return { ok: false, message: 'order_id: required, 1-64 characters of letters, digits, "_" or "-"' };
  }
  // proto-loader hands int64 over as a decimal string (longs: String), so nothing was rounded on the way in.
  if (!/^\d+$/.test(req.amountCents) || BigInt(req.amountCents) <= 0n) {
    return { ok: false, message: 'amount_cents: must be greater than 0' };
  }
  if (BigInt(req.amountCents) > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, message: `amount_cents: must be at most ${Number.MAX_SAFE_INTEGER}` };
  }
  if (!CURRENCIES.has(req.currency)) {
    return { ok: false, message: 'currency: must be an ISO 4217 code such as "USD"' };
  }
  if (!CARD_DIGITS.test(req.cardNumber)) {
    return { ok: false, message: 'card_number: must be 12 to 19 digits' };
  }
  return {
    ok: true,
    charge: {
      orderId: req.orderId,
      amountCents: Number(req.amountCents),
      currency: req.currency,
      cardNumber: req.cardNumber,
    },
  };
}
