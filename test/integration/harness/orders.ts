/** HTTP helpers for the tests; the test data itself (sample order, fake customer, test cards) is load-generator/fixtures. */
import { sampleOrder } from 'load-generator/fixtures';

export interface HttpResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly ms: number;
}

/** POST /orders with optional extra headers (baggage, traceparent). */
export async function postOrder(
  baseUrl: string,
  body: unknown = sampleOrder(),
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
