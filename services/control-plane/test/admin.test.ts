import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readTenants } from '@otel-stack/tenancy';
import type { FastifyInstance } from 'fastify';
import { buildAdminApp } from '../src/admin/app';
import { toTenantsDocument } from '../src/collector-config';
import { ConfigInvalidError } from '../src/validate-config';
import { FakeAgent, RemoteConfigStatuses, testControlPlane } from './fake-agent';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TEMPLATE = readFileSync(path.join(ROOT, 'collector/otel-collector.yaml'), 'utf8');
const TENANTS = toTenantsDocument(readTenants(ROOT));
const TOKEN = 'test-admin-token-not-a-secret';

async function app(
  token?: string,
): Promise<{ app: FastifyInstance; cp: ReturnType<typeof testControlPlane>['controlPlane'] }> {
  const { controlPlane } = testControlPlane(TEMPLATE, {
    validate: async (yaml) => {
      if (yaml.includes('decision_wait: never')) throw new ConfigInvalidError("'decision_wait' invalid duration");
    },
  });
  await controlPlane.ensureDesired({ samplingPercentage: 100, tenants: TENANTS, endpoints: {} });
  return { app: await buildAdminApp({ controlPlane, token }), cp: controlPlane };
}

describe('admin API', () => {
  it('GET /agents: each agent with instance ID, health, effective config hash and remote-config status', async () => {
    const { app: a, cp } = await app();
    const agent = new FakeAgent();
    cp.connected(agent.instanceId, { send: () => {}, close: () => {} });
    cp.onMessage(agent.hello());
    cp.onMessage(agent.status(cp.desired?.hash ?? '', RemoteConfigStatuses.RemoteConfigStatuses_APPLIED));
    const res = await a.inject({ method: 'GET', url: '/agents' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      agents: [
        expect.objectContaining({
          instanceId: agent.instanceId,
          connected: true,
          health: { healthy: true, status: 'StatusOK', lastError: '' },
          effectiveConfigHash: null,
          remoteConfig: { hash: cp.desired?.hash, status: 'APPLIED', errorMessage: '' },
        }),
      ],
    });
    expect((await a.inject({ method: 'GET', url: `/agents/${agent.instanceId}` })).json()).toMatchObject({
      instanceId: agent.instanceId,
      effectiveConfig: null,
    });
  });

  it('POST /config/changes: a new sampling percentage is pushed as a whole config (202 with its hash)', async () => {
    const { app: a, cp } = await app();
    const res = await a.inject({ method: 'POST', url: '/config/changes', payload: { samplingPercentage: 25 } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ hash: cp.desired?.hash, changed: true, sentTo: 0 });
    const config = (await a.inject({ method: 'GET', url: '/config' })).json();
    expect(config.parameters).toEqual({ samplingPercentage: 25, tenants: TENANTS, endpoints: {} });
    expect(config.yaml).toContain('sampling_percentage: 25');
  });

  it.each([
    ['an unknown field', { samplingPercentage: 5, extra: 1 }, 400, 'invalid_request'],
    ['no change at all', {}, 400, 'invalid_request'],
    ['a percentage over 100', { samplingPercentage: 101 }, 400, 'invalid_request'],
    [
      'a tenant id the tenancy rules refuse',
      { tenants: { ...TENANTS, tenants: [{ id: 'a b', jaeger: 'jaeger-x', uiPort: 1 }] } },
      400,
      'invalid_request',
    ],
    ['an endpoint for no backend', { endpoints: { tenant_z: '127.0.0.1:4317' } }, 400, 'invalid_request'],
  ])('POST /config/changes with %s is refused', async (_what, payload, status, code) => {
    const { app: a, cp } = await app();
    const before = cp.desired?.hash;
    const res = await a.inject({ method: 'POST', url: '/config/changes', payload });
    expect([res.statusCode, res.json().error.code]).toEqual([status, code]);
    expect(cp.desired?.hash).toBe(before);
  });

  it('PUT /config: refused with 422 when masking is bypassed or the collector refuses it; the reason says why', async () => {
    const { app: a, cp } = await app();
    const yaml = cp.desired?.yaml ?? '';
    const bypass = await a.inject({
      method: 'PUT',
      url: '/config',
      payload: { yaml: yaml.replace('processors: [memory_limiter, transform/pii, tail_sampling]', 'processors: []') },
    });
    expect(bypass.statusCode).toBe(422);
    expect(bypass.json().error).toEqual({
      code: 'config_rejected',
      message: expect.stringContaining('exports spans that can bypass transform/pii'),
    });
    const invalid = await a.inject({
      method: 'PUT',
      url: '/config',
      payload: { yaml: yaml.replace('decision_wait: 10s', 'decision_wait: never') },
    });
    expect(invalid.json()).toEqual({ error: { code: 'config_invalid', message: "'decision_wait' invalid duration" } });
    const notYaml = await a.inject({ method: 'PUT', url: '/config', payload: { yaml: 'a: [' } });
    expect([notYaml.statusCode, notYaml.json().error.code]).toEqual([422, 'config_rejected']);
    const changes = await a.inject({ method: 'PUT', url: '/config', payload: { yaml } });
    expect(changes.json()).toMatchObject({ changed: false });
  });

  it('answers errors in the envelope: 404 (path masked), 415, 413', async () => {
    const { app: a } = await app();
    const missing = await a.inject({ method: 'GET', url: '/agents/4111111111111111/x' });
    expect(missing.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /agents/****1111/x' } });
    const text = await a.inject({
      method: 'PUT',
      url: '/config',
      headers: { 'content-type': 'text/plain' },
      payload: 'a: 1',
    });
    expect([text.statusCode, text.json().error.code]).toEqual([415, 'unsupported_media_type']);
    const big = await a.inject({ method: 'PUT', url: '/config', payload: { yaml: 'x'.repeat(3 * 1024 * 1024) } });
    expect([big.statusCode, big.json().error.code]).toEqual([413, 'payload_too_large']);
    const unknownAgent = await a.inject({ method: 'GET', url: `/agents/${'0'.repeat(32)}` });
    expect([unknownAgent.statusCode, unknownAgent.json().error.code]).toEqual([404, 'not_found']);
  });

  it('with a token: every route but /healthz needs it', async () => {
    const { app: a } = await app(TOKEN);
    expect((await a.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: TOKEN }]) {
      const res = await a.inject({ method: 'GET', url: '/agents', headers });
      expect([res.statusCode, res.json().error.code]).toEqual([401, 'unauthorized']);
    }
    const ok = await a.inject({ method: 'GET', url: '/agents', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
  });
});
