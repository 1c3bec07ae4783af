import path from 'node:path';
import { findServicePackage, parseTenants, readTelemetryConfig } from '../src/config';

const entry = path.join(__dirname, '..', 'src', 'register.ts');

describe('readTelemetryConfig', () => {
  it('defaults: tenants tenant_a and tenant_b, bounded shutdown, name and version from package.json', () => {
    const config = readTelemetryConfig({}, entry);
    expect(config).toEqual({
      serviceName: '@otel-stack/telemetry',
      serviceVersion: '0.1.0',
      tenants: new Set(['tenant_a', 'tenant_b']),
      apiKeys: undefined,
      baggageAllowlist: new Set(['tenant_id']),
      shutdownDrainTimeoutMs: 10_000,
      shutdownFlushTimeoutMs: 5_000,
      disabledInstrumentations: new Set(),
    });
  });

  it('OTEL_NODE_DISABLED_INSTRUMENTATIONS: the named instrumentations, trimmed', () => {
    const config = readTelemetryConfig({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: ' pino , grpc,' }, entry);
    expect(config.disabledInstrumentations).toEqual(new Set(['pino', 'grpc']));
  });

  it.each([
    [{ TENANTS: 'tenant_a,bad tenant' }, /TENANTS: "bad tenant" is not a valid tenant name/],
    [{ SHUTDOWN_DRAIN_TIMEOUT_MS: '-1' }, /SHUTDOWN_DRAIN_TIMEOUT_MS must be a whole number from 0 to 600000/],
    [{ SHUTDOWN_FLUSH_TIMEOUT_MS: 'soon' }, /SHUTDOWN_FLUSH_TIMEOUT_MS/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, /OTLP\/gRPC only/],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, /OTLP\/gRPC only/],
    [{ TENANTS: '' }, /^TENANTS is empty: list at least one tenant/],
    [{ TENANTS: ' , ' }, /^TENANTS is empty/],
    [
      { OTEL_TRACES_EXPORTER: 'zipkin' },
      /^OTEL_TRACES_EXPORTER: "zipkin" is not supported \(allowed: otlp, console, none\)$/,
    ],
    [{ OTEL_TRACES_EXPORTER: 'otlp,jaeger' }, /^OTEL_TRACES_EXPORTER: "jaeger" is not supported/],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, /^OTEL_TRACES_SAMPLER: "sometimes" is not supported \(allowed: always_on, /],
    [
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' },
      /^OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1/,
    ],
    [{ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' }, /^OTEL_TRACES_SAMPLER_ARG/],
    [
      { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino,express' },
      /^OTEL_NODE_DISABLED_INSTRUMENTATIONS: "express" is not supported \(allowed: http, grpc, fastify, pino\)$/,
    ],
  ])('rejects %j', (env, message) => expect(() => readTelemetryConfig(env, entry)).toThrow(message));

  it('accepts grpc as the protocol', () => {
    expect(() => readTelemetryConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, entry)).not.toThrow();
  });

  it.each([
    { OTEL_TRACES_EXPORTER: 'otlp' },
    { OTEL_TRACES_EXPORTER: 'console, otlp' },
    { OTEL_TRACES_EXPORTER: 'none' },
    { OTEL_TRACES_SAMPLER: 'parentbased_always_on' },
    { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' },
    { OTEL_TRACES_SAMPLER: 'traceidratio' },
  ])('accepts %j', (env) => expect(() => readTelemetryConfig(env, entry)).not.toThrow());
});

describe('parseTenants', () => {
  it('trims and drops empty entries', () => {
    expect(parseTenants(' tenant_a , ,tenant-b ')).toEqual(new Set(['tenant_a', 'tenant-b']));
  });
});

describe('findServicePackage', () => {
  it('falls back when there is no package.json above the entry', () => {
    expect(findServicePackage('/nonexistent-root-dir/x/main.js')).toEqual({
      name: 'unknown_service:node',
      version: '0.0.0',
    });
  });
});
