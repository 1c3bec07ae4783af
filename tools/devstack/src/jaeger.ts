import { spawn } from 'node:child_process';
import path from 'node:path';
import { BINARIES, ROOT } from './binaries';
import type { ReceivedSpan } from './otlp-receiver';
import { ManagedProcess, track } from './processes';

/** Jaeger's OTLP-shaped trace (query API v3): what the collector exported, as Jaeger stored it. */
export interface OtlpKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string; boolValue?: boolean; doubleValue?: number };
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  events?: Array<{ name: string; attributes?: OtlpKeyValue[] }>;
  status?: { code?: number; message?: string };
}
export interface OtlpResourceSpans {
  resource?: { attributes?: OtlpKeyValue[] };
  scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
}

/** A span with its resource, flattened from the v3 answer. */
export interface StoredSpan extends OtlpSpan {
  resource: OtlpKeyValue[];
}

export interface JaegerPorts {
  readonly otlpGrpc: number;
  readonly queryHttp: number;
  readonly queryGrpc: number;
  readonly health: number;
}

export interface JaegerOptions {
  /**
   * Run jaeger/config.yaml, the config of the compose and Kubernetes Jaegers, with Badger's files in
   * `directory` (what it holds survives a restart), instead of the native stack's in-memory config; that config
   * also receives OTLP/HTTP, on `otlpHttpPort`.
   */
  readonly badger?: { readonly directory: string; readonly otlpHttpPort: number };
  /** Config properties changed for this run, as `--set` takes them (`processors.batch.timeout=2s`). */
  readonly overrides?: readonly string[];
}

const MEMORY_CONFIG = path.join(ROOT, 'tools/jaeger/config.yaml');
const BADGER_CONFIG = path.join(ROOT, 'jaeger/config.yaml');

/** The string value of attribute `key`, if any. */
export function attr(attributes: OtlpKeyValue[] | undefined, key: string): string | undefined {
  const value = attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? value?.intValue;
}

/**
 * One Jaeger v2 (built from its Go module) on loopback. By default with the native stack's config
 * (tools/jaeger/config.yaml): in-memory storage, so a restart starts empty; `badger` keeps its spans on disk.
 */
export class Jaeger {
  readonly name: string;
  readonly ports: JaegerPorts;
  readonly #options: JaegerOptions;
  #process: ManagedProcess | undefined;

  constructor(name: string, ports: JaegerPorts, options: JaegerOptions = {}) {
    this.name = name;
    this.ports = ports;
    this.#options = options;
  }

  get process(): ManagedProcess | undefined {
    return this.#process;
  }

  /** host:port of its OTLP/gRPC receiver, as the collector's exporter is configured. */
  get otlpEndpoint(): string {
    return `127.0.0.1:${this.ports.otlpGrpc}`;
  }

  /** Base URL of its OTLP/HTTP receiver (Badger config only), as `sendOtlpJson` takes it. */
  get otlpHttpUrl(): string | undefined {
    const port = this.#options.badger?.otlpHttpPort;
    return port === undefined ? undefined : `http://127.0.0.1:${port}`;
  }

  get queryUrl(): string {
    return `http://127.0.0.1:${this.ports.queryHttp}`;
  }

  /** `ownProcessGroup`: see StartOptions.ownProcessGroup. */
  async start(options: { ownProcessGroup?: boolean } = {}): Promise<void> {
    const { badger, overrides = [] } = this.#options;
    const config = badger === undefined ? MEMORY_CONFIG : BADGER_CONFIG;
    const args = [`--config=${config}`, ...overrides.map((property) => `--set=${property}`)];
    const child = spawn(BINARIES.jaeger, args, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        JAEGER_OTLP_GRPC_PORT: String(this.ports.otlpGrpc),
        JAEGER_QUERY_HTTP_PORT: String(this.ports.queryHttp),
        JAEGER_QUERY_GRPC_PORT: String(this.ports.queryGrpc),
        JAEGER_HEALTH_PORT: String(this.ports.health),
        JAEGER_LOG_LEVEL: 'warn',
        ...(badger === undefined
          ? {}
          : { JAEGER_BADGER_DIR: badger.directory, JAEGER_OTLP_HTTP_PORT: String(badger.otlpHttpPort) }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.ownProcessGroup ?? false,
    });
    track(child);
    this.#process = new ManagedProcess(`jaeger-${this.name}`, child);
    await waitHealthy(this.#process, `http://127.0.0.1:${this.ports.health}/status`);
  }

  async stop(): Promise<void> {
    await this.#process?.terminate();
  }

  async #get(pathAndQuery: string): Promise<Response> {
    return fetch(`${this.queryUrl}${pathAndQuery}`, { signal: AbortSignal.timeout(10_000) });
  }

  /** Service names Jaeger has spans of. */
  async services(): Promise<string[]> {
    const body = (await (await this.#get('/api/services')).json()) as { data: string[] | null };
    return body.data ?? [];
  }

  /** The trace as stored (v3 API), or undefined while Jaeger has no span of it. */
  async trace(traceId: string): Promise<StoredSpan[] | undefined> {
    const res = await this.#get(`/api/v3/traces/${traceId}`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`jaeger-${this.name}: GET trace ${traceId}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { result: { resourceSpans: OtlpResourceSpans[] } };
    return body.result.resourceSpans.flatMap((rs) =>
      (rs.scopeSpans ?? []).flatMap((ss) =>
        (ss.spans ?? []).map((span) => ({ ...span, resource: rs.resource?.attributes ?? [] })),
      ),
    );
  }

  /**
   * Everything Jaeger holds, as the raw JSON text of the v1 API (`/api/traces` per service: spans, tags, logs,
   * process tags, warnings) and the trace IDs it contains.
   */
  async dump(): Promise<{ json: string; traceIds: Set<string> }> {
    const parts: string[] = [];
    const traceIds = new Set<string>();
    for (const service of await this.services()) {
      const text = await (
        await this.#get(`/api/traces?service=${encodeURIComponent(service)}&limit=10000&lookback=2h`)
      ).text();
      parts.push(text);
      const body = JSON.parse(text) as { data: Array<{ traceID: string }> | null };
      for (const trace of body.data ?? []) traceIds.add(trace.traceID);
    }
    return { json: parts.join('\n'), traceIds };
  }
}

/** A stored span in the shape the terminal tree printer takes. */
export function toReceivedSpan(span: StoredSpan): ReceivedSpan {
  const record = (kvs: OtlpKeyValue[] | undefined): Record<string, unknown> =>
    Object.fromEntries(
      (kvs ?? []).map((a) => [
        a.key,
        a.value.stringValue ?? a.value.intValue ?? a.value.boolValue ?? a.value.doubleValue,
      ]),
    );
  const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
  const start = BigInt(span.startTimeUnixNano);
  return {
    service: attr(span.resource, 'service.name') ?? '?',
    scope: '',
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId || undefined,
    name: span.name,
    kind: KINDS[span.kind ?? 0] ?? 'UNSPECIFIED',
    attributes: record(span.attributes),
    events: (span.events ?? []).map((e) => ({ name: e.name, attributes: record(e.attributes) })),
    status: span.status?.code === 2 ? 'ERROR' : span.status?.code === 1 ? 'OK' : 'UNSET',
    startTimeUnixNano: start,
    durationMs: Number(BigInt(span.endTimeUnixNano) - start) / 1e6,
    resource: record(span.resource),
  };
}

/** Polls an HTTP health endpoint until it answers 200; fails early with the output when the process exits. */
export async function waitHealthy(proc: ManagedProcess, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!proc.running) throw new Error(`${proc.name} exited before it was healthy:\n${proc.output.join('\n')}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${proc.name}: not healthy within ${timeoutMs} ms:\n${proc.output.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
