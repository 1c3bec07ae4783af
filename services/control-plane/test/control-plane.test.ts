import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ServerToAgent, ServerToAgentFlags } from '@otel-stack/protos/opamp';
import { readTenants } from '@otel-stack/tenancy';
import { type ConfigParameters, toTenantsDocument } from '../src/collector-config';
import type { AgentChannel } from '../src/control-plane';
import { MaskingGateError } from '../src/masking-gate';
import { ConfigInvalidError } from '../src/validate-config';
import { FakeAgent, RemoteConfigStatuses, testControlPlane } from './fake-agent';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TEMPLATE = readFileSync(path.join(ROOT, 'collector/otel-collector.yaml'), 'utf8');
const PARAMETERS: ConfigParameters = {
  samplingPercentage: 100,
  tenants: toTenantsDocument(readTenants(ROOT)),
  endpoints: {},
};
const { APPLIED, APPLYING, FAILED } = {
  APPLIED: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
  APPLYING: RemoteConfigStatuses.RemoteConfigStatuses_APPLYING,
  FAILED: RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
};

function channel(): AgentChannel & { sent: ServerToAgent[]; closed: string[] } {
  const sent: ServerToAgent[] = [];
  const closed: string[] = [];
  return { sent, closed, send: (m) => sent.push(m), close: (r) => closed.push(r) };
}
const hashOf = (m: ServerToAgent | undefined) => Buffer.from(m?.remoteConfig?.configHash ?? []).toString('hex');
const bodyOf = (m: ServerToAgent | undefined) =>
  Buffer.from(m?.remoteConfig?.config?.configMap['']?.body ?? []).toString('utf8');

async function started() {
  const t = testControlPlane(TEMPLATE);
  await t.controlPlane.ensureDesired(PARAMETERS);
  return t;
}

describe('ControlPlane', () => {
  it('answers a new agent with the desired config, once, and tracks it to APPLIED', async () => {
    const { controlPlane } = await started();
    const desired = controlPlane.desired;
    const agent = new FakeAgent();
    controlPlane.connected(agent.instanceId, channel());
    const first = controlPlane.onMessage(agent.hello());
    expect(hashOf(first)).toBe(desired?.hash);
    expect(bodyOf(first)).toBe(desired?.yaml);
    expect(first.remoteConfig?.config?.configMap['']?.contentType).toBe('text/yaml');
    // Not again on the same connection: neither with a heartbeat that still reports nothing, nor while it applies it.
    expect(controlPlane.onMessage(agent.message({})).remoteConfig).toBeUndefined();
    expect(controlPlane.onMessage(agent.status(desired?.hash ?? '', APPLYING)).remoteConfig).toBeUndefined();
    expect(controlPlane.onMessage(agent.status(desired?.hash ?? '', APPLIED)).remoteConfig).toBeUndefined();
    expect(controlPlane.rollouts[0]).toMatchObject({ hash: desired?.hash, status: 'APPLIED' });
    expect(controlPlane.registry.get(agent.instanceId)).toMatchObject({
      connected: true,
      identifyingAttributes: { 'service.name': 'otelcol-test' },
      health: { healthy: true },
      remoteConfig: { hash: desired?.hash, status: 'APPLIED' },
    });
  });

  it('an agent that does not accept remote config is never sent one', async () => {
    const { controlPlane } = await started();
    const agent = new FakeAgent();
    controlPlane.connected(agent.instanceId, channel());
    expect(controlPlane.onMessage(agent.hello({ capabilities: 1n })).remoteConfig).toBeUndefined();
  });

  it('a push goes to every connected agent that runs another config', async () => {
    const { controlPlane } = await started();
    const agents = [new FakeAgent(), new FakeAgent()];
    const channels = agents.map(() => channel());
    agents.forEach((a, i) => {
      controlPlane.connected(a.instanceId, channels[i] as AgentChannel);
      controlPlane.onMessage(a.hello());
      controlPlane.onMessage(a.status(controlPlane.desired?.hash ?? '', APPLIED));
    });
    const result = await controlPlane.pushRendered({ ...PARAMETERS, samplingPercentage: 10 });
    expect(result).toMatchObject({ changed: true, sentTo: 2 });
    for (const c of channels) {
      expect(hashOf(c.sent.at(-1))).toBe(result.hash);
      expect(bodyOf(c.sent.at(-1))).toContain('sampling_percentage: 10');
    }
    // The same config again changes nothing and sends nothing.
    expect(await controlPlane.pushRendered({ ...PARAMETERS, samplingPercentage: 10 })).toMatchObject({
      changed: false,
      sentTo: 0,
    });
  });

  it('FAILED on an agent: the previous config is desired again and sent back, the push recorded with the message', async () => {
    const { controlPlane, warnings } = await started();
    const before = controlPlane.desired?.hash ?? '';
    const agent = new FakeAgent();
    controlPlane.connected(agent.instanceId, channel());
    controlPlane.onMessage(agent.hello());
    controlPlane.onMessage(agent.status(before, APPLIED));
    const { hash } = await controlPlane.pushRendered({ ...PARAMETERS, samplingPercentage: 5 });
    const reply = controlPlane.onMessage(agent.status(hash, FAILED, '\'exporters\' unknown type: "debug"'));
    expect(hashOf(reply)).toBe(before);
    expect(controlPlane.desired?.hash).toBe(before);
    expect(controlPlane.rollouts[0]).toEqual(
      expect.objectContaining({
        hash,
        status: 'FAILED',
        rolledBackTo: before,
        failure: { instanceId: agent.instanceId, errorMessage: '\'exporters\' unknown type: "debug"' },
      }),
    );
    expect(controlPlane.registry.get(agent.instanceId)?.lastFailure).toMatchObject({ hash });
    expect(warnings).toHaveLength(1);
  });

  it('a partial message from an agent it has not heard from asks for the full state', async () => {
    const { controlPlane } = await started();
    const agent = new FakeAgent();
    controlPlane.connected(agent.instanceId, channel());
    const reply = controlPlane.onMessage(agent.message({}));
    expect(reply.flags & BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState)).not.toBe(0n);
    expect(controlPlane.onMessage(agent.hello()).flags).toBe(0n);
  });

  it('a second connection of the same agent replaces the first', async () => {
    const { controlPlane } = await started();
    const agent = new FakeAgent();
    const first = channel();
    controlPlane.connected(agent.instanceId, first);
    controlPlane.onMessage(agent.hello());
    const second = channel();
    controlPlane.connected(agent.instanceId, second);
    expect(first.closed).toEqual(['replaced by a newer connection']);
    // The first connection's close must not mark the agent gone.
    controlPlane.disconnected(agent.instanceId, first);
    expect(controlPlane.registry.get(agent.instanceId)?.connected).toBe(true);
    controlPlane.disconnected(agent.instanceId, second);
    expect(controlPlane.registry.get(agent.instanceId)?.connected).toBe(false);
  });

  it('refuses a push that bypasses masking, or that the collector refuses, and keeps the desired config', async () => {
    const refusing = testControlPlane(TEMPLATE, {
      validate: async (yaml) => {
        if (yaml.includes('sampling_percentage: 42')) throw new ConfigInvalidError('no 42');
      },
    });
    await refusing.controlPlane.ensureDesired(PARAMETERS);
    const desired = refusing.controlPlane.desired;
    await expect(refusing.controlPlane.pushRendered({ ...PARAMETERS, samplingPercentage: 42 })).rejects.toThrow(
      ConfigInvalidError,
    );
    await expect(
      refusing.controlPlane.push(
        desired?.yaml.replace(
          'processors: [memory_limiter, transform/pii, tail_sampling]',
          'processors: [memory_limiter]',
        ) ?? '',
        null,
      ),
    ).rejects.toThrow(MaskingGateError);
    expect(refusing.controlPlane.desired).toEqual(desired);
  });

  it('a restarted control plane has the same desired config and pushes nothing to an agent that runs it', async () => {
    const { controlPlane, stateDir } = await started();
    const { hash } = await controlPlane.pushRendered({ ...PARAMETERS, samplingPercentage: 20 });
    const again = testControlPlane(TEMPLATE, { stateDir }).controlPlane;
    await again.ensureDesired(PARAMETERS);
    expect(again.desired?.hash).toBe(hash);
    const agent = new FakeAgent();
    again.connected(agent.instanceId, channel());
    expect(
      again.onMessage(agent.hello({ remoteConfigStatus: agent.status(hash, APPLIED).remoteConfigStatus })).remoteConfig,
    ).toBeUndefined();
  });
});

describe('AgentRegistry bounds', () => {
  it('keeps at most the configured number of agents, forgetting the longest-gone first', async () => {
    const { controlPlane } = await started();
    const agents = Array.from({ length: 10 }, () => new FakeAgent());
    for (const agent of agents) {
      const c = channel();
      controlPlane.connected(agent.instanceId, c);
      controlPlane.onMessage(agent.hello());
      controlPlane.disconnected(agent.instanceId, c);
    }
    // testControlPlane's registry holds 8: the first two are forgotten.
    expect(controlPlane.registry.list().map((a) => a.instanceId)).toEqual(agents.slice(2).map((a) => a.instanceId));
  });
});
