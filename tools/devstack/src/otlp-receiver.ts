import { MockOtlpServer, normalizeTrace } from '@elastic/mockotlpserver';

/** One exported span, flattened with the service that sent it. */
export interface ReceivedSpan {
  readonly service: string;
  readonly scope: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER' | 'UNSPECIFIED';
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: ReadonlyArray<{ name: string; attributes: Readonly<Record<string, unknown>> }>;
  readonly status: 'UNSET' | 'OK' | 'ERROR';
  /** Start time in nanoseconds since the epoch. */
  readonly startTimeUnixNano: bigint;
  readonly durationMs: number;
  readonly resource: Readonly<Record<string, unknown>>;
}

function kindOf(kind: string): ReceivedSpan['kind'] {
  return (kind.replace('SPAN_KIND_', '') || 'UNSPECIFIED') as ReceivedSpan['kind'];
}

function statusOf(code: string | number | undefined): ReceivedSpan['status'] {
  if (code === 'STATUS_CODE_ERROR' || code === 2) return 'ERROR';
  if (code === 'STATUS_CODE_OK' || code === 1) return 'OK';
  return 'UNSET';
}

/**
 * A real OTLP/gRPC receiver (the maintained @elastic/mockotlpserver) on a free loopback port, collecting every
 * span the services export.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly #server: MockOtlpServer;
  readonly #listeners: Array<(span: ReceivedSpan) => void> = [];

  /** `port` 0 picks a free port. */
  constructor(port = 0) {
    this.#server = new MockOtlpServer({
      services: ['grpc'],
      grpcHostname: '127.0.0.1',
      grpcPort: port,
      logLevel: 'warn',
      onTrace: (request) => this.#collect(request),
    });
  }

  /** Calls `listener` for every span received from now on. */
  onSpan(listener: (span: ReceivedSpan) => void): void {
    this.#listeners.push(listener);
  }

  async start(): Promise<void> {
    await this.#server.start();
  }

  /** For OTEL_EXPORTER_OTLP_ENDPOINT. */
  get endpoint(): string {
    const url = this.#server.grpcUrl;
    if (!url) throw new Error('receiver not started');
    return `http://127.0.0.1:${url.port}`;
  }

  async stop(): Promise<void> {
    await this.#server.close();
  }

  #collect(request: unknown): void {
    for (const rs of normalizeTrace(request).resourceSpans ?? []) {
      const resource = rs.resource?.attributes ?? {};
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          const span: ReceivedSpan = {
            service: String(resource['service.name']),
            scope: ss.scope?.name ?? '',
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            name: s.name,
            kind: kindOf(s.kind),
            attributes: s.attributes ?? {},
            events: (s.events ?? []).map((e) => ({ name: e.name, attributes: e.attributes ?? {} })),
            status: statusOf(s.status?.code),
            startTimeUnixNano: BigInt(s.startTimeUnixNano ?? 0),
            durationMs: Number(BigInt(s.endTimeUnixNano ?? 0) - BigInt(s.startTimeUnixNano ?? 0)) / 1e6,
            resource,
          };
          this.spans.push(span);
          for (const listener of this.#listeners) listener(span);
        }
      }
    }
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  /** Waits until `traceId` has at least `count` spans (services export in batches, asynchronously). */
  async waitForTrace(traceId: string, count: number, timeoutMs = 10_000): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const spans = this.trace(traceId);
      if (spans.length >= count) return spans;
      if (Date.now() > deadline) {
        throw new Error(
          `trace ${traceId}: expected ${count} spans, got ${spans.length}: ${spans.map((s) => `${s.service}/${s.name}`).join(', ')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
