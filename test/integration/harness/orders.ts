/** Test data: public test card numbers and an obviously fake customer. */
export const CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  processorError: '4000000000000119',
  failsLuhn: '4242424242424241',
} as const;

export const FAKE_EMAIL = 'ada@example.com';

export function orderBody(cardNumber: string = CARDS.approved) {
  return {
    customer: { id: 'c-42', email: FAKE_EMAIL },
    items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 }],
    payment: { cardNumber, currency: 'USD' },
  };
}

export interface HttpResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly ms: number;
}

/** POST /orders with optional extra headers (baggage, traceparent). */
export async function postOrder(
  baseUrl: string,
  body: unknown = orderBody(),
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const started = Date.now();
  const res = await fetch(`${baseUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, ms: Date.now() - started };
}

export async function get(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  const started = Date.now();
  const res = await fetch(`${baseUrl}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, ms: Date.now() - started };
}
