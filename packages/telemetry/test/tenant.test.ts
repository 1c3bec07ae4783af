import { context, defaultTextMapGetter, defaultTextMapSetter, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resolveTenant, TenantBaggagePropagator, TenantSpanProcessor, tenantOf } from '../src/tenant';

const allowed = new Set(['tenant_a', 'tenant_b']);
const propagator = new TenantBaggagePropagator(allowed);

function extract(headers: Record<string, string>) {
  return propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

describe('resolveTenant', () => {
  it.each([
    ['tenant_a', 'tenant_a'],
    ['tenant_b', 'tenant_b'],
    ['tenant_c', 'default'],
    ['TENANT_A', 'default'],
    ['', 'default'],
    [undefined, 'default'],
  ])('%s -> %s', (requested, effective) => expect(resolveTenant(requested, allowed)).toBe(effective));
});

describe('TenantBaggagePropagator', () => {
  it('keeps an allow-listed tenant and the other entries', () => {
    const ctx = extract({ baggage: 'session=s-1,tenant_id=tenant_a' });
    expect(tenantOf(ctx)).toBe('tenant_a');
    expect(propagation.getBaggage(ctx)?.getEntry('session')?.value).toBe('s-1');
  });

  it('replaces an unknown tenant with default, also in what it injects downstream', () => {
    const ctx = extract({ baggage: 'tenant_id=evil_corp' });
    expect(tenantOf(ctx)).toBe('default');
    const outgoing: Record<string, string> = {};
    propagator.inject(ctx, outgoing, defaultTextMapSetter);
    expect(outgoing.baggage).toBe('tenant_id=default');
  });

  it('sets default when the caller sent no baggage', () => {
    expect(tenantOf(extract({}))).toBe('default');
  });

  it('survives garbage baggage', () => {
    expect(tenantOf(extract({ baggage: ';;;==,,tenant_id' }))).toBe('default');
  });
});

describe('TenantSpanProcessor', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new TenantSpanProcessor(), new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('test');

  beforeEach(() => exporter.reset());

  it('stamps tenant.id from the baggage of the context the span starts in', () => {
    const ctx = extract({ baggage: 'tenant_id=tenant_b' });
    tracer.startSpan('child', {}, ctx).end();
    tracer.startSpan('orphan', {}, ROOT_CONTEXT).end();
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.attributes['tenant.id']])).toEqual([
      ['child', 'tenant_b'],
      ['orphan', 'default'],
    ]);
  });

  it('is independent of the active context (the parent context decides)', () => {
    const ctx = extract({ baggage: 'tenant_id=tenant_a' });
    context.with(extract({ baggage: 'tenant_id=tenant_b' }), () => tracer.startSpan('explicit', {}, ctx).end());
    expect(exporter.getFinishedSpans()[0]?.attributes['tenant.id']).toBe('tenant_a');
  });
});
