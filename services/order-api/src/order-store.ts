import type { StoredOrder } from './schemas/order';

export type { StoredOrder };

export interface OrderStore {
  save(order: StoredOrder): Promise<void>;
  /**
   * The order, only if `tenant` placed it. Every read names its tenant, so no caller can forget the check: another
   * tenant's order is indistinguishable from one that does not exist.
   */
  get(tenant: string, orderId: string): Promise<StoredOrder | undefined>;
}

/**
 * Keeps the most recent `capacity` orders in memory (a demo store: a restart forgets them). The cap keeps a
 * long-running load test from growing the heap without bound; the oldest order is dropped first.
 */
export class InMemoryOrderStore implements OrderStore {
  readonly #orders = new Map<string, StoredOrder>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  async save(order: StoredOrder): Promise<void> {
    this.#orders.set(order.orderId, order);
    if (this.#orders.size > this.#capacity) {
      const oldest = this.#orders.keys().next();
      if (!oldest.done) this.#orders.delete(oldest.value);
    }
  }

  async get(tenant: string, orderId: string): Promise<StoredOrder | undefined> {
    const order = this.#orders.get(orderId);
    return order?.tenant === tenant ? order : undefined;
  }
}
