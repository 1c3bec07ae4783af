// Remote configuration over OpAMP with the real binaries: the control plane (services/control-plane), the OpAMP
// Supervisor running the opamp collector distribution, both services and a Jaeger per backend, plus one for a tenant
// that is added by a push. What each push does is read back from the Jaegers and from the control plane's admin API.
//
// The control plane validates with our main distribution (0.152.0) while the agent runs the opamp one (0.149.0, no
// debug exporter): the version skew a fleet has, and the way to see a config that passes the server's checks fail on
// the agent.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  BACKENDS,
  BINARIES,
  byBackend,
  ControlPlaneProcess,
  freeCollectorPorts,
  freePort,
  Jaeger,
  jaegerEndpoints,
  type RunningService,
  requireBinaries,
  requireOpampBinaries,
  SupervisedCollector,
  startService,
} from '@otel-stack/devstack';
import { TEST_CARDS } from 'load-generator/fixtures';
import { parse } from 'yaml';
import { type SentOrder, sendOrder, waitForTraces } from './harness/traces';

interface AgentJson {
  instanceId: string;
  connected: boolean;
  identifyingAttributes: Record<string, string>;
  health: { healthy: boolean } | null;
  effectiveConfigHash: string | null;
  remoteConfig: { hash: string; status: string; errorMessage: string };
  lastFailure: { hash: string; errorMessage: string } | null;
}
interface ConfigJson {
  hash: string;
  yaml: string;
  parameters: { samplingPercentage: number; tenants: { tenants: unknown[]; fallback: unknown } } | null;
  rollouts: Array<{ hash: string; status: string; failure?: { errorMessage: string }; rolledBackTo?: string }>;
}

const NEW_TENANT = 'tenant_c';
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'control-plane-state-'));
const storageDir = mkdtempSync(path.join(os.tmpdir(), 'otelcol-storage-'));
let jaegers: Record<string, Jaeger>;
let controlPlane: ControlPlaneProcess;
let collector: SupervisedCollector;
let payment: RunningService | undefined;
let orders: RunningService | undefined;
let baseUrl: string;

async function jaegerPorts() {
  return {
    otlpGrpc: await freePort(),
    queryHttp: await freePort(),
    queryGrpc: await freePort(),
    health: await freePort(),
  };
}

async function agents(): Promise<AgentJson[]> {
  return (await controlPlane.call<{ agents: AgentJson[] }>('GET', '/agents')).body.agents;
}

async function desired(): Promise<ConfigJson> {
  return (await controlPlane.call<ConfigJson>('GET', '/config')).body;
}

/** Polls until `check` holds for the one agent; fails with the last state seen. */
async function agentWhere(check: (a: AgentJson) => boolean, timeoutMs = 60_000): Promise<AgentJson> {
  const deadline = Date.now() + timeoutMs;
  let last: AgentJson[] = [];
  for (;;) {
    last = await agents().catch(() => []);
    const agent = last.length === 1 ? last[0] : undefined;
    if (agent && check(agent)) return agent;
    if (Date.now() > deadline) throw new Error(`no agent as expected within ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const applied = (hash: string) => (a: AgentJson) =>
  a.connected && a.remoteConfig.hash === hash && a.remoteConfig.status === 'APPLIED';

async function pushChange(body: unknown): Promise<string> {
  const res = await controlPlane.call<{ hash: string; changed: boolean }>('POST', '/config/changes', body);
  expect(res.status).toBe(202);
  await agentWhere(applied(res.body.hash));
  return res.body.hash;
}

beforeAll(async () => {
  requireBinaries();
  requireOpampBinaries();
  jaegers = {};
  for (const backend of [...BACKENDS, NEW_TENANT]) {
    jaegers[backend] = new Jaeger(backend, await jaegerPorts());
    await jaegers[backend].start();
  }
  controlPlane = new ControlPlaneProcess({
    opampPort: await freePort(),
    adminPort: await freePort(),
    stateDir,
    validator: BINARIES.collector,
  });
  await controlPlane.start();
  collector = new SupervisedCollector({
    ports: await freeCollectorPorts(),
    serverUrl: controlPlane.opampUrl,
    env: { ...jaegerEndpoints(byBackend((b) => jaegers[b.id] as Jaeger)), COLLECTOR_STORAGE_DIR: storageDir },
  });
  await collector.start();
  const paymentPort = await freePort();
  const otlp = {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpGrpcEndpoint,
    // The services accept the new tenant from the start; its route comes with a push.
    TENANTS: `tenant_a,tenant_b,${NEW_TENANT}`,
  };
  payment = await startService('payment-service', { env: { ...otlp, HOST: '127.0.0.1', PORT: String(paymentPort) } });
  orders = await startService('order-api', {
    env: { ...otlp, HOST: '127.0.0.1', PAYMENT_SERVICE_ADDR: `127.0.0.1:${paymentPort}` },
  });
  baseUrl = `http://127.0.0.1:${orders.port}`;
}, 180_000);

afterAll(async () => {
  await Promise.all([orders?.terminate(), payment?.terminate()]);
  await collector?.stop();
  await controlPlane?.stop();
  await Promise.all(Object.values(jaegers ?? {}).map((j) => j.stop()));
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(storageDir, { recursive: true, force: true });
});

describe('OpAMP: the supervised collector managed by the control plane', () => {
  let firstHash: string;

  it('the supervisor connects; the control plane pushes the config rendered from otel-collector.yaml and sees it APPLIED', async () => {
    const config = await desired();
    firstHash = config.hash;
    expect(config.parameters?.samplingPercentage).toBe(100);
    const agent = await agentWhere(applied(firstHash));
    expect(agent.instanceId).toMatch(/^[0-9a-f]{32}$/);
    expect(agent.identifyingAttributes['service.name']).toBe('otelcol-otel-stack-opamp');
    expect(agent.health?.healthy).toBe(true);
    expect(agent.effectiveConfigHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("each tenant's traces reach its own Jaeger through the pushed config", async () => {
    const order = await sendOrder(baseUrl, TEST_CARDS.approved, 'tenant_a');
    expect(order.status).toBe(201);
    await waitForTraces(jaegers.tenant_a as Jaeger, [order.traceId]);
  });

  it('sampling 0 %: traces of successful orders are dropped, failed ones kept; back to 100 %: kept again', async () => {
    await pushChange({ samplingPercentage: 0 });
    const approved: SentOrder[] = [];
    for (let i = 0; i < 5; i++) approved.push(await sendOrder(baseUrl, TEST_CARDS.approved, 'tenant_b'));
    const failed = await sendOrder(baseUrl, TEST_CARDS.failing, 'tenant_b');
    expect(failed.status).toBe(502);
    // Sent last, decided last (decision_wait): once it is stored, the approved ones were decided too.
    await waitForTraces(jaegers.tenant_b as Jaeger, [failed.traceId]);
    const stored = (await (jaegers.tenant_b as Jaeger).dump()).traceIds;
    expect(approved.filter((o) => stored.has(o.traceId))).toEqual([]);

    await pushChange({ samplingPercentage: 100 });
    const again = await sendOrder(baseUrl, TEST_CARDS.approved, 'tenant_b');
    await waitForTraces(jaegers.tenant_b as Jaeger, [again.traceId]);
  }, 120_000);

  it("a new tenant pushed with its Jaeger: its traces move from the fallback's Jaeger to its own", async () => {
    const before = await sendOrder(baseUrl, TEST_CARDS.approved, NEW_TENANT);
    await waitForTraces(jaegers.default as Jaeger, [before.traceId]);

    const current = (await desired()).parameters;
    if (!current) throw new Error('the desired config has no parameters');
    await pushChange({
      tenants: {
        ...current.tenants,
        tenants: [...current.tenants.tenants, { id: NEW_TENANT, jaeger: 'jaeger-tenant-c', uiPort: 16689 }],
      },
      endpoints: { [NEW_TENANT]: (jaegers[NEW_TENANT] as Jaeger).otlpEndpoint },
    });
    const after = await sendOrder(baseUrl, TEST_CARDS.approved, NEW_TENANT);
    await waitForTraces(jaegers[NEW_TENANT] as Jaeger, [after.traceId]);
    expect((await (jaegers.default as Jaeger).dump()).traceIds.has(after.traceId)).toBe(false);
  }, 120_000);

  it('configs that drop, weaken or bypass the masking are refused before anything is sent', async () => {
    const { yaml, hash } = await desired();
    const bypasses = {
      'masking left out of the pipeline': yaml.replace(
        'processors: [memory_limiter, transform/pii, tail_sampling]',
        'processors: [memory_limiter, tail_sampling]',
      ),
      'a second pipeline around it': yaml.replace(
        'traces/default:\n      receivers: [routing]',
        'traces/raw:\n      receivers: [otlp]\n      exporters: [otlp_grpc/default]\n    traces/default:\n      receivers: [routing]',
      ),
      'the e-mail rule removed': yaml.replace(
        /\n\s+- 'replace_all_patterns\(span\.attributes, "value", "\[A-Za-z0-9\._%\+-\]\+[^\n]*/,
        '',
      ),
    };
    for (const [what, bad] of Object.entries(bypasses)) {
      // The change must be one the collector would see, not one in a comment.
      expect([what, isDeepStrictEqual(parse(bad), parse(yaml))]).toEqual([what, false]);
      const res = await controlPlane.call<{ error: { code: string } }>('PUT', '/config', { yaml: bad });
      expect([what, res.status, res.body.error.code]).toEqual([what, 422, 'config_rejected']);
    }
    const invalid = await controlPlane.call<{ error: { code: string; message: string } }>('PUT', '/config', {
      yaml: yaml.replace('decision_wait: 10s', 'decision_wait: ten seconds'),
    });
    expect([invalid.status, invalid.body.error.code]).toEqual([422, 'config_invalid']);
    expect(invalid.body.error.message).toContain('decision_wait');
    expect((await desired()).hash).toBe(hash);
    expect((await agents())[0]?.remoteConfig).toMatchObject({ hash, status: 'APPLIED' });
  });

  it('a config the agent refuses is reported FAILED with its message and rolled back; traffic keeps flowing', async () => {
    const { yaml, hash } = await desired();
    const withDebug = yaml
      .replace('\nexporters:\n', '\nexporters:\n  debug:\n    verbosity: basic\n')
      .replace('exporters: [otlp_grpc/default]', 'exporters: [otlp_grpc/default, debug]');
    const pushed = await controlPlane.call<{ hash: string }>('PUT', '/config', { yaml: withDebug });
    expect(pushed.status).toBe(202);
    const during: SentOrder[] = [];
    const agent = await (async () => {
      for (;;) {
        during.push(await sendOrder(baseUrl, TEST_CARDS.approved, 'tenant_a'));
        const a = (await agents())[0];
        if (a?.lastFailure?.hash === pushed.body.hash && a.remoteConfig.hash === hash) return a;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    expect(agent.lastFailure?.errorMessage).toContain('unknown type: "debug"');
    const config = await desired();
    expect(config.hash).toBe(hash);
    expect(config.rollouts[0]).toMatchObject({ hash: pushed.body.hash, status: 'FAILED', rolledBackTo: hash });
    await agentWhere(applied(hash));
    during.push(await sendOrder(baseUrl, TEST_CARDS.approved, 'tenant_a'));
    await waitForTraces(
      jaegers.tenant_a as Jaeger,
      during.map((o) => o.traceId),
    );
  }, 120_000);

  it('a restarted control plane finds the agent again with its state, and pushes nothing new', async () => {
    const { hash, rollouts } = await desired();
    await controlPlane.stop();
    await controlPlane.start();
    const agent = await agentWhere(applied(hash));
    expect(agent.health?.healthy).toBe(true);
    expect(agent.effectiveConfigHash).toMatch(/^[0-9a-f]{64}$/);
    const after = await desired();
    expect(after.hash).toBe(hash);
    expect(after.rollouts).toEqual(rollouts);
    const order = await sendOrder(baseUrl, TEST_CARDS.approved, 'tenant_a');
    await waitForTraces(jaegers.tenant_a as Jaeger, [order.traceId]);
  }, 120_000);
});
