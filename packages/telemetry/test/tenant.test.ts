import { context, defaultTextMapGetter, defaultTextMapSetter, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { parseApiKeys, parseBaggageAllowlist } from '../src/config';
import { resolveTenant, TenantBaggagePropagator, TenantSpanProcessor, tenantOf } from '../src/tenant';

const allowed = new Set(['tenant_a', 'tenant_b']);
const propagator = new TenantBaggagePropagator({
  tenants: allowed,
  baggageAllowlist: parseBaggageAllowlist('session'),
});

function extract(headers: Record<string, string>, p: TenantBaggagePropagator = propagator) {
  return p.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

function entries(headers: Record<string, string>, p: TenantBaggagePropagator = propagator) {
  return Object.fromEntries(
    (propagation.getBaggage(extract(headers, p))?.getAllEntries() ?? []).map(([k, e]) => [k, e.value]),
  );
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

  // W3C baggage keys are tokens, taken literally: a percent-encoded key is not the key it decodes to.
  it.each(['tenant%5Fid=tenant_a', 'tenant%5fid=tenant_a', '%74enant_id=tenant_a', 'tenant_id%20=tenant_a'])(
    'an encoded key never becomes tenant_id: %s',
    (baggage) => {
      expect(tenantOf(extract({ baggage }))).toBe('default');
    },
  );

  // The same for an allow-listed key (session): an encoded spelling of it is not forwarded as `session`.
  it.each(['sess%69on=s-1', '%73ession=s-1', 'session%20=s-1'])(
    'an encoded key never becomes session: %s',
    (baggage) => {
      expect(entries({ baggage })).toEqual({ tenant_id: 'default' });
    },
  );

  it('a literal key next to an encoded one still counts', () => {
    expect(tenantOf(extract({ baggage: 'tenant%5Fid=tenant_b,tenant_id=tenant_a' }))).toBe('tenant_a');
  });

  it('drops every inbound entry that is not on the allow-list, so it is never forwarded', () => {
    expect(entries({ baggage: 'tenant_id=tenant_a,session=s-1,role=admin,user.email=ada%40example.com' })).toEqual({
      tenant_id: 'tenant_a',
      session: 's-1',
    });
  });
});

describe('TenantBaggagePropagator with API keys (the edge)', () => {
  const keyA = 'k-test-aaaaaaaaaaaaaaaa';
  const keyB = 'k-test-bbbbbbbbbbbbbbbb';
  const edge = new TenantBaggagePropagator({
    tenants: allowed,
    apiKeys: parseApiKeys(`${keyA}:tenant_a,${keyB}:tenant_b`, allowed),
    baggageAllowlist: parseBaggageAllowlist(''),
  });

  it('takes the tenant from the key, whatever the baggage claims', () => {
    expect(tenantOf(extract({ 'x-api-key': keyA, baggage: 'tenant_id=tenant_b' }, edge))).toBe('tenant_a');
    expect(tenantOf(extract({ 'x-api-key': keyB }, edge))).toBe('tenant_b');
  });

  it('gives default to a missing or unknown key (the request is refused with 401 anyway)', () => {
    expect(tenantOf(extract({ baggage: 'tenant_id=tenant_a' }, edge))).toBe('default');
    expect(tenantOf(extract({ 'x-api-key': 'k-test-zzzzzzzzzzzzzzzz', baggage: 'tenant_id=tenant_a' }, edge))).toBe(
      'default',
    );
  });
});

describe('parseApiKeys', () => {
  it.each([
    ['short:tenant_a', /API_KEYS entry 1: a key is 16-128 characters/],
    ['k-test-aaaaaaaaaaaaaaaa:tenant_z', /API_KEYS entry 1: tenant "tenant_z" is not in TENANTS/],
    ['k-test-aaaaaaaaaaaaaaaa', /API_KEYS entry 1: expected key:tenant/],
    [
      'k-test-aaaaaaaaaaaaaaaa:tenant_a,k-test-aaaaaaaaaaaaaaaa:tenant_b',
      /API_KEYS entry 2: the same key appears twice/,
    ],
  ])('rejects %s without echoing the key', (raw, message) => {
    expect(() => parseApiKeys(raw, allowed)).toThrow(message);
    try {
      parseApiKeys(raw, allowed);
    } catch (err) {
      expect(String(err)).not.toContain('aaaaaaaaaaaaaaaa');
    }
  });

  it('is off when unset or empty', () => {
    expect(parseApiKeys(undefined, allowed)).toBeUndefined();
    expect(parseApiKeys(' ', allowed)).toBeUndefined();
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
