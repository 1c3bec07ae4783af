import type { ChargeResponse, ChargeResponse__Output } from './generated/payment/v1/ChargeResponse';

/** A charge as both services handle it: a ChargeRequest with the amount as a safe integer. */
export interface ChargeInput {
  readonly orderId: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly cardNumber: string;
}

/**
 * What a charge came to: payment-service returns it, order-api's payment client returns it. A decline is a result,
 * not an error; a charge that could not be made is a gRPC error and never a ChargeResult.
 */
export type ChargeResult =
  | { readonly outcome: 'approved'; readonly paymentId: string; readonly cardLast4: string }
  | { readonly outcome: 'declined'; readonly declineReason: string; readonly cardLast4: string };

export function toChargeResponse(result: ChargeResult): ChargeResponse {
  return result.outcome === 'approved'
    ? { outcome: 'CHARGE_OUTCOME_APPROVED', paymentId: result.paymentId, cardLast4: result.cardLast4 }
    : { outcome: 'CHARGE_OUTCOME_DECLINED', declineReason: result.declineReason, cardLast4: result.cardLast4 };
}

/** The result a response carries; undefined for an outcome this version does not know (UNSPECIFIED included). */
export function fromChargeResponse(response: ChargeResponse__Output): ChargeResult | undefined {
  switch (response.outcome) {
    case 'CHARGE_OUTCOME_APPROVED':
      return { outcome: 'approved', paymentId: response.paymentId, cardLast4: response.cardLast4 };
    case 'CHARGE_OUTCOME_DECLINED':
      return { outcome: 'declined', declineReason: response.declineReason, cardLast4: response.cardLast4 };
    default:
      return undefined;
  }
}
