/**
 * What one request of the generated traffic looks like: which tenant sends it, which card pays, what is in the
 * basket. Customers are `user<n>@example.com` (a reserved domain) and the cards are the fixtures' test cards.
 */
import type { LoadConfig, TenantShare } from './config';
import { type CardKind, type OrderBody, TEST_CARDS } from './fixtures';

/** mulberry32: a tiny, fast, seedable PRNG; the run is reproducible from its seed. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DECLINES: readonly CardKind[] = ['declined', 'insufficientFunds', 'invalidLuhn'];
const SKUS = ['BOOK-1', 'BOOK-2', 'MUG-1', 'PEN-3', 'SHIRT-M', 'SHIRT-L', 'CABLE-USB-C', 'LAMP-7'] as const;
const CURRENCIES = ['USD', 'USD', 'USD', 'EUR', 'GBP'] as const;

export interface PlannedOrder {
  /** `tenant_id` baggage value, or null for a request without baggage. */
  readonly tenant: string | null;
  readonly card: CardKind;
  readonly body: OrderBody;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** A shuffled copy (Fisher-Yates), reproducible from the run's seed. */
function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

export function pickTenant(random: () => number, shares: readonly TenantShare[]): string | null {
  const total = shares.reduce((sum, s) => sum + s.weight, 0);
  let point = random() * total;
  for (const share of shares) {
    point -= share.weight;
    if (point < 0 && share.weight > 0) return share.tenant;
  }
  // Floating point leftovers land on the last share with a weight.
  return [...shares].reverse().find((s) => s.weight > 0)?.tenant ?? null;
}

export function pickCard(random: () => number, declineRate: number, failureRate: number): CardKind {
  const point = random();
  if (point < failureRate) return 'failing';
  if (point < failureRate + declineRate) return pick(random, DECLINES);
  return 'approved';
}

export function planOrder(
  random: () => number,
  config: Pick<LoadConfig, 'tenants' | 'declineRate' | 'failureRate'>,
): PlannedOrder {
  const tenant = pickTenant(random, config.tenants);
  const card = pickCard(random, config.declineRate, config.failureRate);
  const customer = Math.floor(random() * 10_000);
  // Distinct SKUs: order-api rejects an order that repeats one (400), which is not traffic this generator means.
  const skus = shuffled(random, SKUS).slice(0, 1 + Math.floor(random() * 3));
  const items = skus.map((sku) => ({
    sku,
    quantity: 1 + Math.floor(random() * 4),
    unitPriceCents: 100 * (1 + Math.floor(random() * 99)) + pick(random, [0, 50, 99]),
  }));
  return {
    tenant,
    card,
    body: {
      customer: { id: `c-${customer}`, email: `user${customer}@example.com` },
      items,
      payment: { cardNumber: TEST_CARDS[card], currency: pick(random, CURRENCIES) },
    },
  };
}
