import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode } from '@msgpack/msgpack';

/** The most a trace payload may be; dd-trace flushes every second, far below this at the bench's rates. */
const MAX_BODY_BYTES = 64 * 2 ** 20;

/**
 * A stand-in for the Datadog agent on loopback, so dd-trace's peer variant exports as it would in production
 * (msgpack over HTTP every second) without an agent on these cores. It accepts `PUT|POST /v0.4/traces` and answers
 * what the agent answers (an empty sampling-rate map); everything else gets 200 and is dropped. With `countSpans`,
 * it decodes each payload (an array of traces, each an array of spans) and counts the spans of each service; for throughput runs it
 * does not decode, like the OTLP null receiver.
 */
export class DdAgentStub {
  /** Spans received per `service` (only with `countSpans`). */
  readonly spansByService = new Map<string, number>();
  payloads = 0;
  readonly #countSpans: boolean;
  readonly #server = http.createServer((req, res) => this.#handle(req, res));

  constructor(options: { countSpans?: boolean } = {}) {
    this.#countSpans = options.countSpans ?? false;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
  }

  /** For DD_TRACE_AGENT_URL. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        req.destroy();
        return;
      }
      if (this.#countSpans) chunks.push(chunk);
    });
    req.on('end', () => {
      if (req.url?.startsWith('/v0.4/traces')) {
        this.payloads++;
        if (this.#countSpans && size > 0) {
          const traces = decode(Buffer.concat(chunks)) as Array<Array<{ service?: string }>>;
          for (const span of traces.flat()) {
            const service = span.service ?? '';
            this.spansByService.set(service, (this.spansByService.get(service) ?? 0) + 1);
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"rate_by_service":{}}');
        return;
      }
      res.writeHead(200).end();
    });
  }
}
