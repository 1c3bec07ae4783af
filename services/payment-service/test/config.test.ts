import { readPaymentConfig } from '../src/config';

describe('readPaymentConfig', () => {
  it('uses the documented defaults', () => {
    expect(readPaymentConfig({})).toEqual({
      host: '0.0.0.0',
      port: 50051,
      failureRate: 0,
      latencyMs: 0,
      logLevel: 'info',
    });
  });

  it.each([
    [{ PORT: 'grpc' }, /PORT must be a whole number/],
    [{ PAYMENT_FAILURE_RATE: '-0.1' }, /PAYMENT_FAILURE_RATE must be a number from 0 to 1/],
    [{ PAYMENT_FAILURE_RATE: 'half' }, /PAYMENT_FAILURE_RATE/],
    [{ PAYMENT_LATENCY_MS: '1.5' }, /PAYMENT_LATENCY_MS must be a whole number/],
    [{ LOG_LEVEL: 'chatty' }, /LOG_LEVEL must be one of/],
    [{ HOST: 'every interface' }, /HOST must be an IP address or a host name/],
    [{ HOST: '0.0.0.0:50051' }, /HOST must be an IP address or a host name/],
  ])('rejects %j', (env, message) => expect(() => readPaymentConfig(env)).toThrow(message));

  it.each(['127.0.0.1', '::1', '::', 'payment-service'])('binds HOST=%s', (host) => {
    expect(readPaymentConfig({ HOST: host }).host).toBe(host);
  });
});
