// The OpAMP listener against clients that misbehave: each is cut off with the close code that says why, and none can
// hold more than its share.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeServerToAgent, encodeAgentToServer, type ServerToAgent } from '@otel-stack/protos/opamp';
import { readTenants } from '@otel-stack/tenancy';
import WebSocket from 'ws';
import { toTenantsDocument } from '../src/collector-config';
import { HEALTH_PATH, OPAMP_PATH, OpampServer } from '../src/opamp-server';
import { FakeAgent, testControlPlane } from './fake-agent';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TEMPLATE = readFileSync(path.join(ROOT, 'collector/otel-collector.yaml'), 'utf8');
const LIMITS = { maxAgents: 2, maxMessageBytes: 64 * 1024, messagesPerSecond: 5, helloTimeoutMs: 300 };
const AGENT_TOKEN = 'test-agent-token-not-a-secret';

let server: OpampServer;
let url: string;
let controlPlane: ReturnType<typeof testControlPlane>['controlPlane'];
const open: WebSocket[] = [];

beforeAll(async () => {
  controlPlane = testControlPlane(TEMPLATE).controlPlane;
  await controlPlane.ensureDesired({
    samplingPercentage: 100,
    tenants: toTenantsDocument(readTenants(ROOT)),
    endpoints: {},
  });
  server = new OpampServer({
    controlPlane,
    limits: LIMITS,
    agentToken: undefined,
    log: { info: () => {}, warn: () => {} },
  });
  const address = await server.listen('127.0.0.1', 0);
  url = `ws://127.0.0.1:${address.port}${OPAMP_PATH}`;
});

afterEach(() => {
  for (const ws of open.splice(0)) ws.terminate();
});

afterAll(() => server.close());

interface Client {
  ws: WebSocket;
  messages: ServerToAgent[];
  closed: Promise<{ code: number; reason: string }>;
}

async function connect(target = url, headers: Record<string, string> = {}): Promise<Client> {
  const ws = new WebSocket(target, { headers });
  open.push(ws);
  const messages: ServerToAgent[] = [];
  ws.on('message', (data: Buffer) => messages.push(decodeServerToAgent(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, closed };
}

/** The HTTP status a refused upgrade got. */
function refusedWith(target: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => {});
  });
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('OpAMP over WebSocket', () => {
  it('answers plain HTTP only on GET /healthz (probes), 426 Upgrade Required elsewhere', async () => {
    const base = url.replace('ws://', 'http://').replace(OPAMP_PATH, '');
    const health = await fetch(`${base}${HEALTH_PATH}`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    for (const [method, target] of [
      ['GET', OPAMP_PATH],
      ['POST', HEALTH_PATH],
      ['GET', '/agents'],
    ] as const) {
      const res = await fetch(`${base}${target}`, { method });
      expect({ method, target, status: res.status }).toEqual({ method, target, status: 426 });
    }
  });

  it('answers an agent with its instance UID and the desired config', async () => {
    const client = await connect();
    const agent = new FakeAgent();
    client.ws.send(encodeAgentToServer(agent.hello()));
    await until(() => client.messages.length > 0);
    expect(Buffer.from(client.messages[0]?.instanceUid ?? []).toString('hex')).toBe(agent.instanceId);
    expect(Buffer.from(client.messages[0]?.remoteConfig?.configHash ?? []).toString('hex')).toBe(
      controlPlane.desired?.hash,
    );
    client.ws.close();
    await client.closed;
    await until(() => controlPlane.registry.get(agent.instanceId)?.connected === false);
    expect(controlPlane.registry.get(agent.instanceId)?.connected).toBe(false);
  });

  it.each([
    ['garbage bytes', Buffer.from([0, 0xff, 0xff, 0xff, 0xff]), 1007, 'not an AgentToServer message'],
    ['an instance UID of the wrong length', null, 1007, 'instance_uid must be 16 bytes'],
  ])('closes on %s', async (_what, frame, code, reason) => {
    const client = await connect();
    const agent = new FakeAgent();
    const bad = frame ?? encodeAgentToServer({ ...agent.hello(), instanceUid: new Uint8Array(3) });
    client.ws.send(bad);
    expect(await client.closed).toEqual({ code, reason });
    expect(client.messages[0]?.errorResponse?.errorMessage).toBe(reason);
  });

  it('closes on a text frame (1003)', async () => {
    const client = await connect();
    client.ws.send('hello');
    expect(await client.closed).toEqual({ code: 1003, reason: 'binary frames only' });
  });

  it('closes on a frame over the size limit (1009)', async () => {
    const client = await connect();
    client.ws.send(Buffer.alloc(LIMITS.maxMessageBytes + 1));
    expect((await client.closed).code).toBe(1009);
  });

  it('closes a connection that floods (1008) after its burst', async () => {
    const client = await connect();
    const agent = new FakeAgent();
    for (let i = 0; i < 50; i++) client.ws.send(encodeAgentToServer(agent.hello()));
    expect(await client.closed).toEqual({ code: 1008, reason: 'too many messages' });
    // The burst (twice the rate) was answered, nothing after it.
    expect(client.messages.filter((m) => m.errorResponse === undefined).length).toBe(LIMITS.messagesPerSecond * 2);
  });

  it('closes a connection that says nothing (1008)', async () => {
    const client = await connect();
    expect(await client.closed).toEqual({ code: 1008, reason: 'no message' });
  });

  it('closes a connection whose instance UID changes (1008)', async () => {
    const client = await connect();
    client.ws.send(encodeAgentToServer(new FakeAgent().hello()));
    client.ws.send(encodeAgentToServer(new FakeAgent().hello()));
    expect(await client.closed).toEqual({ code: 1008, reason: 'instance_uid changed' });
  });

  it('refuses connections beyond the limit (503) and other paths (404)', async () => {
    await connect();
    await connect();
    expect(await refusedWith(url)).toBe(503);
    expect(await refusedWith(url.replace(OPAMP_PATH, '/v1/other'))).toBe(404);
  });

  it('with an agent token, refuses agents without it (401)', async () => {
    const guarded = new OpampServer({
      controlPlane,
      limits: LIMITS,
      agentToken: AGENT_TOKEN,
      log: { info: () => {}, warn: () => {} },
    });
    const { port } = await guarded.listen('127.0.0.1', 0);
    const target = `ws://127.0.0.1:${port}${OPAMP_PATH}`;
    try {
      expect(await refusedWith(target)).toBe(401);
      expect(await refusedWith(target, { authorization: 'Bearer wrong-token-of-same-size!!' })).toBe(401);
      const client = await connect(target, { authorization: `Bearer ${AGENT_TOKEN}` });
      client.ws.send(encodeAgentToServer(new FakeAgent().hello()));
      await until(() => client.messages.length > 0);
      expect(client.messages).toHaveLength(1);
    } finally {
      await guarded.close();
    }
  });
});
