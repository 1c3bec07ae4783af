import { createHash } from 'node:crypto';
import {
  type Context,
  propagation,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { SharedAttributeNames } from './attributes';

/** The W3C baggage entry a caller uses to name its tenant. */
export const TENANT_BAGGAGE_KEY = 'tenant_id';
/** Where traces of unknown, missing or not allow-listed tenants go. */
const DEFAULT_TENANT = 'default';

/** The effective tenant: the requested one if it is allow-listed, otherwise `default`. */
export function resolveTenant(requested: string | undefined, allowed: ReadonlySet<string>): string {
  return requested !== undefined && allowed.has(requested) ? requested : DEFAULT_TENANT;
}

/** The header an edge client authenticates with when API keys are configured. */
export const API_KEY_HEADER = 'x-api-key';

/**
 * API keys, each mapped to its tenant. Keys are looked up by their SHA-256, so the table holds no key in clear and
 * a lookup takes the same path whatever the key.
 */
export class ApiKeys {
  readonly #tenantByHash: ReadonlyMap<string, string>;

  constructor(tenantByKey: ReadonlyMap<string, string>) {
    this.#tenantByHash = new Map([...tenantByKey].map(([key, tenant]) => [ApiKeys.#hash(key), tenant]));
  }

  static #hash(key: string): string {
    return createHash('sha256').update(key).digest('hex');
  }

  /** The tenant of a presented key, or undefined when the key is missing or unknown. */
  tenantFor(presented: string | string[] | undefined): string | undefined {
    const key = Array.isArray(presented) ? presented[0] : presented;
    return key ? this.#tenantByHash.get(ApiKeys.#hash(key)) : undefined;
  }

  get size(): number {
    return this.#tenantByHash.size;
  }
}

interface TenantRules {
  /** Tenants accepted from `tenant_id` baggage. */
  readonly tenants: ReadonlySet<string>;
  /**
   * When set (the edge service, API_KEYS), the tenant comes from the caller's API key only: `tenant_id` baggage
   * from outside is ignored, whatever it says.
   */
  readonly apiKeys?: ApiKeys | undefined;
  /** Baggage entries accepted from callers (BAGGAGE_ALLOWLIST); every other entry is dropped, not forwarded. */
  readonly baggageAllowlist: ReadonlySet<string>;
}

/** The tenant carried by a context's baggage (already resolved at extraction), or `default`. */
export function tenantOf(ctx: Context): string {
  return propagation.getBaggage(ctx)?.getEntry(TENANT_BAGGAGE_KEY)?.value ?? DEFAULT_TENANT;
}

// A W3C baggage key is an RFC 7230 token, taken literally. The W3C propagator percent-decodes keys, so
// `tenant%5Fid=x` would become `tenant_id=x`: members whose key is not a plain token (no `%`) are dropped before it
// sees them. No key we allow-list contains `%`, so nothing legitimate is lost.
const PLAIN_TOKEN = /^[!#$&'*+.^_`|~0-9A-Za-z-]+$/;

function keepLiteralKeys(header: string): string {
  return header
    .split(',')
    .filter((member) => PLAIN_TOKEN.test((member.split(';')[0] ?? '').split('=')[0]?.trim() ?? ''))
    .join(',');
}

function literalBaggageKeys(getter: TextMapGetter): TextMapGetter {
  return {
    keys: (carrier) => getter.keys(carrier),
    get: (carrier, key) => {
      const value = getter.get(carrier, key);
      if (key.toLowerCase() !== 'baggage' || value === undefined) return value;
      return Array.isArray(value) ? value.map(keepLiteralKeys) : keepLiteralKeys(value);
    },
  };
}

/**
 * W3C baggage propagation that resolves the tenant the moment a request enters the process.
 *
 * Resolving at extraction (rather than in a route handler) means the context every span starts from — the HTTP or
 * gRPC SERVER span included — already holds the effective tenant, and the baggage injected into downstream calls
 * carries the effective tenant instead of whatever the caller sent. Inbound entries not on the allow-list are
 * dropped here, so a caller cannot smuggle arbitrary baggage through to internal services.
 */
export class TenantBaggagePropagator implements TextMapPropagator {
  readonly #w3c = new W3CBaggagePropagator();
  readonly #rules: TenantRules;

  constructor(rules: TenantRules) {
    this.#rules = rules;
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    this.#w3c.inject(context, carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const extracted = this.#w3c.extract(context, carrier, literalBaggageKeys(getter));
    const inbound = propagation.getBaggage(extracted);
    const kept = (inbound?.getAllEntries() ?? []).filter(([key]) => this.#rules.baggageAllowlist.has(key));
    const effective = this.#rules.apiKeys
      ? (this.#rules.apiKeys.tenantFor(getter.get(carrier, API_KEY_HEADER)) ?? DEFAULT_TENANT)
      : resolveTenant(inbound?.getEntry(TENANT_BAGGAGE_KEY)?.value, this.#rules.tenants);
    const baggage = propagation
      .createBaggage(Object.fromEntries(kept))
      .setEntry(TENANT_BAGGAGE_KEY, { value: effective });
    return propagation.setBaggage(extracted, baggage);
  }

  fields(): string[] {
    return this.#w3c.fields();
  }
}

/**
 * Stamps `tenant.id` on every span when it starts, from the baggage of the context it starts in.
 * The collector routes span by span, so a span without the attribute would split its trace across tenants.
 */
export class TenantSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    span.setAttribute(SharedAttributeNames.TENANT_ID, tenantOf(parentContext));
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
