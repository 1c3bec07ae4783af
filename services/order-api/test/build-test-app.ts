import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from '../src/app';
import { readOrderApiConfig } from '../src/config';
import { InMemoryOrderStore } from '../src/order-store';
import { FakePayments } from './fake-payments';

/**
 * The app as the unit tests drive it (`app.inject`): a fake payment client, an in-memory store, no logger, the
 * service's default body limit and batch concurrency unless a test needs others.
 */
export async function buildTestApp(
  options: Partial<Omit<AppOptions, 'payments'>> = {},
): Promise<{ app: FastifyInstance; payments: FakePayments }> {
  const defaults = readOrderApiConfig({});
  const payments = new FakePayments();
  const app = await buildApp({
    payments,
    store: new InMemoryOrderStore(),
    bodyLimitBytes: defaults.bodyLimitBytes,
    batchConcurrency: defaults.batchConcurrency,
    logger: false,
    ...options,
  });
  return { app, payments };
}
