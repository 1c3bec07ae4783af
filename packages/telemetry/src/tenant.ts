import {
  type Context,
  propagation,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** The W3C baggage entry a caller uses to name its tenant. */
export const TENANT_BAGGAGE_KEY = 'tenant_id';
/** The span attribute the collector routes on. Every span of both services carries it. */
export const TENANT_ATTRIBUTE = 'tenant.id';
/** Where traces of unknown, missing or not allow-listed tenants go. */
export const DEFAULT_TENANT = 'default';

/** The effective tenant: the requested one if it is allow-listed, otherwise `default`. */
export function resolveTenant(requested: string | undefined, allowed: ReadonlySet<string>): string {
  return requested !== undefined && allowed.has(requested) ? requested : DEFAULT_TENANT;
}

/** The tenant carried by a context's baggage (already resolved at extraction), or `default`. */
export function tenantOf(ctx: Context): string {
  return propagation.getBaggage(ctx)?.getEntry(TENANT_BAGGAGE_KEY)?.value ?? DEFAULT_TENANT;
}

/**
 * W3C baggage propagation that resolves the tenant the moment a request enters the process.
 *
 * Resolving at extraction (rather than in a route handler) means the context every span starts from — the HTTP or
 * gRPC SERVER span included — already holds the effective tenant, and the baggage injected into downstream calls
 * carries the effective tenant instead of whatever the caller sent. Other baggage entries pass through unchanged.
 */
export class TenantBaggagePropagator implements TextMapPropagator {
  readonly #w3c = new W3CBaggagePropagator();
  readonly #allowed: ReadonlySet<string>;

  constructor(allowedTenants: ReadonlySet<string>) {
    this.#allowed = allowedTenants;
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    this.#w3c.inject(context, carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const extracted = this.#w3c.extract(context, carrier, getter);
    const baggage = propagation.getBaggage(extracted) ?? propagation.createBaggage();
    const requested = baggage.getEntry(TENANT_BAGGAGE_KEY)?.value;
    const effective = resolveTenant(requested, this.#allowed);
    return propagation.setBaggage(extracted, baggage.setEntry(TENANT_BAGGAGE_KEY, { value: effective }));
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
    span.setAttribute(TENANT_ATTRIBUTE, tenantOf(parentContext));
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
