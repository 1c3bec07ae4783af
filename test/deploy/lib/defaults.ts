// The services' own defaults, for the checks that compose and Kubernetes do not restate them: a default lives in
// the service's config (services/*/src/config.ts, packages/telemetry/src/config.ts), or in the collector config's
// `${env:NAME:-default}`, and nowhere else.
import { TELEMETRY_DEFAULTS } from '../../../packages/telemetry/src/config';
import { CONTROL_PLANE_DEFAULTS } from '../../../services/control-plane/src/config';
import { ORDER_API_DEFAULTS } from '../../../services/order-api/src/config';
import { PAYMENT_DEFAULTS } from '../../../services/payment-service/src/config';
import { readCollectorFacts } from './collector-config';

const SERVICE_DEFAULTS: Record<string, Readonly<Record<string, string>>> = {
  'order-api': { ...TELEMETRY_DEFAULTS, ...ORDER_API_DEFAULTS },
  'payment-service': { ...TELEMETRY_DEFAULTS, ...PAYMENT_DEFAULTS },
  'control-plane': CONTROL_PLANE_DEFAULTS,
};

/**
 * Set although they may equal a default, on purpose: PORT is the port the deployment exposes, probes and routes to
 * (the tests keep it equal to the service's default), TENANTS is tenants.yaml's list, which the services' default
 * happens to match only until a tenant is added.
 */
export const EXPLICIT = new Set(['PORT', 'TENANTS']);

/** The defaults of the service `name` (a workload of ours, or the collector), by variable. */
export function defaultsOf(name: string): ReadonlyMap<string, string> {
  if (name === 'otel-collector') {
    const defaults = [...readCollectorFacts().envDefaults].flatMap(([k, v]) => (v === undefined ? [] : [[k, v]]));
    return new Map(defaults as Array<[string, string]>);
  }
  return new Map(Object.entries(SERVICE_DEFAULTS[name] ?? {}));
}

/** The variables of `env` that only restate the default of `name` (EXPLICIT ones aside). */
export function restatedDefaults(name: string, env: ReadonlyMap<string, string>): string[] {
  const defaults = defaultsOf(name);
  return [...env].filter(([k, v]) => !EXPLICIT.has(k) && defaults.get(k) === v).map(([k]) => k);
}
