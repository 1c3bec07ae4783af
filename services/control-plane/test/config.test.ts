import path from 'node:path';
import { readControlPlaneConfig } from '../src/config';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('readControlPlaneConfig', () => {
  it('uses the documented defaults: OpAMP on 4320 for the network, the admin API on loopback 4321', () => {
    expect(readControlPlaneConfig({})).toEqual({
      opampHost: '0.0.0.0',
      opampPort: 4320,
      adminHost: '127.0.0.1',
      adminPort: 4321,
      adminToken: undefined,
      opampAgentToken: undefined,
      collectorValidator: 'otelcol-contrib',
      collectorConfigTemplate: path.join(ROOT, 'collector', 'otel-collector.yaml'),
      tenantsFile: path.join(ROOT, 'tenants.yaml'),
      stateDir: path.resolve('.control-plane'),
      limits: { maxAgents: 256, maxMessageBytes: 4 * 1024 * 1024, messagesPerSecond: 20, helloTimeoutMs: 10_000 },
      logLevel: 'info',
    });
  });

  it('exposes the admin API off loopback only with a token', () => {
    expect(() => readControlPlaneConfig({ ADMIN_HOST: '0.0.0.0' })).toThrow(
      'ADMIN_TOKEN must be set when ADMIN_HOST is not a loopback address (got "0.0.0.0")',
    );
    const token = 'test-token-not-a-secret';
    expect(readControlPlaneConfig({ ADMIN_HOST: '0.0.0.0', ADMIN_TOKEN: token })).toMatchObject({
      adminHost: '0.0.0.0',
      adminToken: token,
    });
    for (const loopback of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) {
      expect(readControlPlaneConfig({ ADMIN_HOST: loopback }).adminHost).toBe(loopback);
    }
  });

  it.each([
    [{ OPAMP_PORT: '70000' }, /OPAMP_PORT must be a whole number from 0 to 65535/],
    [{ ADMIN_PORT: 'x' }, /ADMIN_PORT must be a whole number/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN must be at least 16 characters/],
    [{ OPAMP_AGENT_TOKEN: 'short' }, /OPAMP_AGENT_TOKEN must be at least 16 characters/],
    [{ OPAMP_MAX_AGENTS: '0' }, /OPAMP_MAX_AGENTS must be a whole number from 1/],
    [{ OPAMP_MAX_MESSAGE_BYTES: '100' }, /OPAMP_MAX_MESSAGE_BYTES must be a whole number from 65536/],
    [{ COLLECTOR_VALIDATOR: ' ' }, /COLLECTOR_VALIDATOR must not be empty/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ OPAMP_HOST: 'every interface' }, /OPAMP_HOST must be an IP address or a host name/],
  ])('%j is refused with a line naming the variable', (env, message) => {
    expect(() => readControlPlaneConfig(env)).toThrow(message);
  });
});
