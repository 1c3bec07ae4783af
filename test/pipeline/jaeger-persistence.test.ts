// The compose and Kubernetes Jaegers' storage, on the real Jaeger: jaeger/config.yaml keeps what it
// was given across a restart (SIGTERM, then a new process on the same directory). The control is the same config
// with the in-memory store in Badger's place, the store the native stack runs: after the same restart it is empty.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  freePort,
  Jaeger,
  type ResourceSpec,
  randomTraceId,
  type StoredSpan,
  sendOtlpJson,
} from '@otel-stack/devstack';
import { waitForTraces } from './harness/traces';

const TRACES = 20;
const SPANS_PER_TRACE = 3;
const IN_MEMORY = [
  'extensions.jaeger_storage.backends.memory_store.memory.max_traces=1000',
  'exporters.jaeger_storage_exporter.trace_storage=memory_store',
  'extensions.jaeger_query.storage.traces=memory_store',
];

/** A trace of a root span and two children, tagged so that every span is recognisably this test's. */
function traceOf(traceId: string, index: number): ResourceSpec {
  const root = traceId.slice(0, 16);
  return {
    resource: { 'service.name': 'persistence-check', 'service.namespace': 'otel-stack-tests' },
    spans: [
      { traceId, spanId: root, name: 'POST /orders', attributes: { 'order.index': index } },
      { traceId, parentSpanId: root, name: 'payment.Payment/Authorize', attributes: { 'rpc.system': 'grpc' } },
      {
        traceId,
        parentSpanId: root,
        name: 'insert order',
        status: { code: 2, message: 'test failure' },
        events: [{ name: 'exception', attributes: { 'exception.type': 'TestError' } }],
      },
    ],
  };
}

const whole = (spans: readonly StoredSpan[]): boolean => spans.length === SPANS_PER_TRACE;

/** What a stored trace is, independent of the order the query API returns its spans in. */
const canonical = (spans: readonly StoredSpan[]): StoredSpan[] =>
  [...spans].sort((a, b) => a.spanId.localeCompare(b.spanId));

/** Bytes of every file under `dir`. */
function sizeOf(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

/** A Jaeger on the Badger config, on free ports, with its files in `directory`. */
async function badgerJaeger(name: string, directory: string, overrides: readonly string[] = []): Promise<Jaeger> {
  const ports = {
    otlpGrpc: await freePort(),
    queryHttp: await freePort(),
    queryGrpc: await freePort(),
    health: await freePort(),
  };
  return new Jaeger(name, ports, { badger: { directory, otlpHttpPort: await freePort() }, overrides });
}

/** Starts `jaeger`, sends TRACES traces, reads them back, stops it, starts it again: what it holds before and after. */
async function restartWithTraces(jaeger: Jaeger): Promise<{
  before: Map<string, StoredSpan[]>;
  after: Map<string, StoredSpan[] | undefined>;
}> {
  const traceIds = Array.from({ length: TRACES }, randomTraceId);
  await jaeger.start();
  try {
    await sendOtlpJson(jaeger.otlpHttpUrl ?? '', traceIds.map(traceOf));
    const before = await waitForTraces(jaeger, traceIds, whole, 20_000);
    // A clean stop: Badger writes what it holds in memory to its files before the process exits.
    const stopped = await jaeger.process?.terminate();
    expect({ exit: stopped?.code, signal: stopped?.signal }).toEqual({ exit: 0, signal: null });
    await jaeger.start();
    const after = new Map<string, StoredSpan[] | undefined>();
    for (const id of traceIds) after.set(id, await jaeger.trace(id));
    return { before, after };
  } finally {
    await jaeger.stop();
  }
}

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jaeger-badger-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('Jaeger on Badger (jaeger/config.yaml)', () => {
  test('keeps every trace across a restart on the same directory, span for span', async () => {
    const dir = tempDir();
    const { before, after } = await restartWithTraces(await badgerJaeger('badger', dir));
    expect(before.size).toBe(TRACES);
    for (const [traceId, spans] of before) {
      expect({ traceId, spans: canonical(after.get(traceId) ?? []) }).toEqual({ traceId, spans: canonical(spans) });
    }
    // The spans are in the directory, in Badger's two places.
    expect(readdirSync(dir).sort()).toEqual(['keys', 'values']);
    expect(sizeOf(path.join(dir, 'keys'))).toBeGreaterThan(0);
  }, 60_000);

  test('the control: with the in-memory store instead, the same restart loses every trace', async () => {
    // The Badger backend stays configured (and opens its directory); nothing writes to it or reads from it.
    const { before, after } = await restartWithTraces(await badgerJaeger('memory', tempDir(), IN_MEMORY));
    expect(before.size).toBe(TRACES);
    expect([...after.values()].filter((spans) => spans !== undefined)).toEqual([]);
  }, 60_000);
});
