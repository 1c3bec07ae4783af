/**
 * PII hygiene in our own code: every log line both services write during a varied run — request logs, rejections,
 * payment failures, errors — is scanned for card numbers and email addresses. None may appear. (The spans carry
 * them on purpose, for the collector to mask; logs have no collector in between.)
 */
import { type RunningService, startService, unusedPort, withStack } from '@otel-stack/devstack';
import { FAKE_CUSTOMER, sampleOrder, TEST_CARDS } from 'load-generator/fixtures';
import { postOrder } from './harness/orders';

/**
 * A 13-19 digit run passing Luhn, not part of a decimal number (responseTime) and not starting with 1 (timestamps
 * in milliseconds do, and no test card does).
 */
function cardLikeRuns(text: string): string[] {
  const luhn = (digits: string) =>
    [...digits].reverse().reduce((sum, ch, i) => {
      let d = Number(ch);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      return sum + d;
    }, 0) %
      10 ===
    0;
  return (text.match(/(?<![0-9.])[2-9][0-9]{12,18}(?![0-9])/g) ?? []).filter(luhn);
}
const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

it('no card number or email reaches any log line, whatever happens', async () => {
  const logs: RunningService[] = [];
  await withStack({ payment: { LOG_LEVEL: 'trace' }, orders: { LOG_LEVEL: 'trace' } }, async (stack) => {
    logs.push(stack.orders, stack.payment);
    const base = stack.baseUrl;
    const json = { 'content-type': 'application/json' };

    // Outcomes: approved, declined, insufficient funds, invalid card, processor failure.
    for (const card of Object.values(TEST_CARDS))
      await postOrder(base, sampleOrder(card), { baggage: 'tenant_id=tenant_a' });
    // Batches with the same mix.
    await fetch(`${base}/orders/batch`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ orders: Object.values(TEST_CARDS).map((c) => sampleOrder(c)) }),
    });
    // Invalid input that contains PII: a bad field next to a card and an email, PII in the URL and in headers.
    await postOrder(base, { ...sampleOrder(), items: [] });
    await postOrder(base, { ...sampleOrder(), customer: { id: 'c 1', email: FAKE_CUSTOMER.email } });
    await postOrder(base, { ...sampleOrder(), extra: TEST_CARDS.approved });
    await fetch(`${base}/orders?card=${TEST_CARDS.approved}&email=${encodeURIComponent(FAKE_CUSTOMER.email)}`, {
      method: 'DELETE',
    });
    await fetch(`${base}/orders/${TEST_CARDS.approved}`);
    await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: TEST_CARDS.approved,
    });
    await postOrder(base, sampleOrder(), {
      baggage: `tenant_id=tenant_a,email=${encodeURIComponent(FAKE_CUSTOMER.email)}`,
    });
    await fetch(`${base}/orders`, {
      method: 'POST',
      headers: json,
      body: `{"payment":{"cardNumber":"${TEST_CARDS.approved}"`,
    });
    // Shutdown logs too (the final span accounting, shutdown messages).
    await Promise.all([stack.orders.terminate(), stack.payment.terminate()]);

    // payment-service unreachable: order-api's failure path.
    const lonely = await startService('order-api', {
      env: {
        LOG_LEVEL: 'trace',
        OTEL_TRACES_EXPORTER: 'none',
        PAYMENT_SERVICE_ADDR: `127.0.0.1:${await unusedPort()}`,
      },
    });
    logs.push(lonely);
    await postOrder(`http://127.0.0.1:${lonely.port}`, sampleOrder(), {});
    await lonely.terminate();

    const everything = logs.flatMap((s) => s.output).join('\n');
    expect(everything.length).toBeGreaterThan(10_000); // the run really logged (trace level, every request)
    expect(cardLikeRuns(everything)).toEqual([]);
    for (const card of Object.values(TEST_CARDS)) expect(everything).not.toContain(card);
    expect(everything.match(EMAIL) ?? []).toEqual([]);
  });
});
