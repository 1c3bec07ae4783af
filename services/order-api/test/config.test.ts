import { ORDER_API_DEFAULTS, readOrderApiConfig } from '../src/config';

describe('readOrderApiConfig', () => {
  it('uses the documented defaults', () => {
    expect(readOrderApiConfig({})).toEqual({
      apiKeys: undefined,
      host: '0.0.0.0',
      port: 8080,
      paymentServiceAddr: 'localhost:50051',
      paymentTimeoutMs: 2000,
      batchConcurrency: 8,
      bodyLimitBytes: 262144,
      limits: { requestTimeoutMs: 10_000, headersTimeoutMs: 5_000, keepAliveTimeoutMs: 5_000, maxConnections: 1024 },
      logLevel: 'info',
    });
    expect(ORDER_API_DEFAULTS.PORT).toBe('8080');
  });

  it.each([
    [{ PORT: '80000' }, /PORT must be a whole number from 0 to 65535/],
    [{ PORT: '' }, /PORT must be a whole number/],
    [{ PAYMENT_TIMEOUT_MS: '0' }, /PAYMENT_TIMEOUT_MS/],
    [{ PAYMENT_SERVICE_ADDR: 'http://payment:50051' }, /PAYMENT_SERVICE_ADDR must be host:port/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ REQUEST_TIMEOUT_MS: '0' }, /REQUEST_TIMEOUT_MS must be a whole number from 100/],
    [{ HEADERS_TIMEOUT_MS: '20000' }, /HEADERS_TIMEOUT_MS \(20000\) must not exceed REQUEST_TIMEOUT_MS \(10000\)/],
    [{ MAX_CONNECTIONS: 'lots' }, /MAX_CONNECTIONS must be a whole number/],
    [{ HOST: 'all interfaces' }, /HOST must be an IP address or a host name/],
    [{ BATCH_CONCURRENCY: '0' }, /BATCH_CONCURRENCY must be a whole number from 1 to 64/],
    [{ API_KEYS: 'k-test-aaaaaaaaaaaaaaaa:tenant_z' }, /API_KEYS entry 1: tenant "tenant_z" is not in TENANTS/],
  ])('rejects %j', (env, message) => {
    expect(() => readOrderApiConfig(env)).toThrow(message);
  });
});

it('reads API_KEYS against TENANTS', () => {
  const { apiKeys } = readOrderApiConfig({ TENANTS: 'acme', API_KEYS: 'k-test-aaaaaaaaaaaaaaaa:acme' });
  expect(apiKeys?.tenantFor('k-test-aaaaaaaaaaaaaaaa')).toBe('acme');
});
