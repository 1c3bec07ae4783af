/**
 * The traffic library: POST /orders one at a time (`sendOrder`) or as a run (`LoadRun`) over an undici Pool, with
 * an outcome summary (`Stats`). The load generator's CLI, `pnpm demo` and the BSP tuning script use it; importable
 * as `load-generator/traffic`.
 */
import { type Dispatcher, Pool, request } from 'undici';
import type { PlannedOrder } from './scenario';
import { progressLine, Stats } from './stats';

const TICK_MS = 10;

/** `path` under the target's own path: `http://host/api` + `orders` -> `http://host/api/orders`. */
export function endpointUrl(target: URL, path: string): URL {
  const base = target.pathname.endsWith('/') ? target.pathname : `${target.pathname}/`;
  return new URL(`${base}${path}`, target.origin);
}

/**
 * `timeout`, the error's code (`ECONNREFUSED`, ...) or its name; read by property, not `instanceof`, because the
 * error may come from another realm (jest runs this code in a VM context).
 */
function errorCode(err: unknown): string {
  const { name, code } = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; code?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  if (typeof code === 'string') return code;
  return typeof name === 'string' ? name : 'unknown';
}

/** An HTTP answer with its body, or the error code when none came back (`timeout`, `ECONNREFUSED`, ...). */
export type Answer = { readonly status: number; readonly body: string } | { readonly error: string };

export interface SendOptions {
  readonly timeoutMs: number;
  /** Sent as well, e.g. a `traceparent`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Where the connections come from; undici's global agent by default. */
  readonly dispatcher?: Dispatcher;
}

/** One POST of the order to `url`, its tenant as W3C baggage. Never throws: a failed request is an `error` answer. */
export async function sendOrder(url: URL, order: PlannedOrder, options: SendOptions): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  // order-api resolves the effective tenant from the baggage (unknown names become `default`).
  if (order.tenant !== null) headers.baggage = `tenant_id=${order.tenant}`;
  try {
    const response = await request(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(order.body),
      signal: AbortSignal.timeout(options.timeoutMs),
      dispatcher: options.dispatcher,
    });
    return { status: response.statusCode, body: await response.body.text() };
  } catch (err) {
    return { error: errorCode(err) };
  }
}

/** Polls `GET <target>/readyz` until it answers 200. Resolves false when `waitS` passes or `stopped()` turns true. */
export async function waitUntilReady(
  config: { readonly target: URL; readonly waitS: number },
  stopped: () => boolean,
  log: (line: string) => void,
): Promise<boolean> {
  if (config.waitS <= 0) return true;
  const url = endpointUrl(config.target, 'readyz');
  const deadline = Date.now() + config.waitS * 1000;
  let last = '';
  while (!stopped() && Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return true;
      last = `HTTP ${response.status}`;
    } catch (err) {
      // fetch() rejects with a TypeError whose cause says what went wrong.
      last = errorCode((err as { cause?: unknown } | undefined)?.cause ?? err);
    }
    if (last !== '') log(`waiting for ${url.href} (${last})`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (!stopped()) log(`gave up waiting for ${url.href} after ${config.waitS}s (last: ${last || 'no answer'})`);
  return false;
}

export type TrafficOptions = (
  | {
      /**
       * Open loop: requests started per second, for `durationS`. They start on schedule whatever the latency of
       * earlier ones, so a slow target shows up as growing latency and, past `concurrency` requests in flight, as
       * skipped requests; the offered rate is never silently lowered (no coordinated omission).
       */
      readonly rate: number;
      readonly durationS: number;
    }
  | {
      /** Closed loop: this many requests, each connection sending its next one as soon as it has an answer. */
      readonly count: number;
    }
) & {
  /** Where POST /orders goes: `${target}/orders`. */
  readonly target: URL;
  /** Most requests in flight at once, and HTTP connections. */
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** Progress line interval in seconds (0 or absent: none). */
  readonly reportEveryS?: number;
};

export interface RunResult {
  readonly stats: Stats;
  /** Seconds from the first request to the end of the schedule (open loop) or the last answer (closed loop). */
  readonly elapsedS: number;
  /** Requests still in flight when the run gave up waiting for them. */
  readonly unfinished: number;
}

/** One run of traffic: the orders come from `nextOrder` (the seeded scenario, or the same fixture every time). */
export class LoadRun {
  readonly stats = new Stats();
  readonly #options: TrafficOptions;
  readonly #nextOrder: () => PlannedOrder;
  readonly #log: (line: string) => void;
  readonly #pool: Pool;
  readonly #url: URL;
  #inFlight = 0;
  #stopRequested = false;
  #wake: (() => void) | undefined;

  constructor(options: TrafficOptions, nextOrder: () => PlannedOrder, log: (line: string) => void = () => {}) {
    this.#options = options;
    this.#nextOrder = nextOrder;
    this.#log = log;
    this.#url = endpointUrl(options.target, 'orders');
    this.#pool = new Pool(options.target.origin, {
      connections: options.concurrency,
      pipelining: 1,
      connectTimeout: Math.min(options.timeoutMs, 10_000),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Ends the run early (SIGINT/SIGTERM); in-flight requests still get `timeoutMs` to finish. */
  stop(): void {
    this.#stopRequested = true;
    this.#wake?.();
  }

  get stopRequested(): boolean {
    return this.#stopRequested;
  }

  async run(): Promise<RunResult> {
    const started = performance.now();
    const elapsedS = () => (performance.now() - started) / 1000;
    const { reportEveryS = 0 } = this.#options;
    const progress =
      reportEveryS > 0
        ? setInterval(() => {
            this.#log(progressLine(this.stats, elapsedS(), this.#inFlight));
            this.stats.window.reset();
          }, reportEveryS * 1000)
        : undefined;

    if ('count' in this.#options) await this.#closedLoop(this.#options.count);
    else await this.#openLoop(this.#options.rate, this.#options.durationS, elapsedS);
    const scheduleEndS = elapsedS();
    if (progress) clearInterval(progress);

    // Drain: the requests already started get their timeout to finish, then the pool is torn down.
    const drainDeadline = Date.now() + this.#options.timeoutMs + 500;
    while (this.#inFlight > 0 && Date.now() < drainDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const unfinished = this.#inFlight;
    await (unfinished > 0 ? this.#pool.destroy() : this.#pool.close());
    return { stats: this.stats, elapsedS: scheduleEndS, unfinished };
  }

  async #openLoop(rate: number, durationS: number, elapsedS: () => number): Promise<void> {
    let scheduled = 0;
    while (!this.#stopRequested) {
      const now = elapsedS();
      if (now >= durationS) break;
      const due = Math.floor(now * rate) - scheduled;
      for (let i = 0; i < due; i++) {
        scheduled++;
        if (this.#inFlight >= this.#options.concurrency) {
          this.stats.skipped++;
        } else {
          void this.#send();
        }
      }
      // Sleep until the next request is due (at most TICK_MS, so stop() and the end are noticed quickly).
      const nextDueS = (scheduled + 1) / rate;
      const sleepMs = Math.max(1, Math.min(TICK_MS, (nextDueS - elapsedS()) * 1000, (durationS - elapsedS()) * 1000));
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, sleepMs);
      });
    }
  }

  async #closedLoop(count: number): Promise<void> {
    let started = 0;
    const connection = async () => {
      while (!this.#stopRequested && started < count) {
        started++;
        await this.#send();
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#options.concurrency, count) }, connection));
  }

  async #send(): Promise<void> {
    const order = this.#nextOrder();
    this.stats.recordSent(order.tenant);
    this.#inFlight++;
    const started = performance.now();
    const answer = await sendOrder(this.#url, order, { timeoutMs: this.#options.timeoutMs, dispatcher: this.#pool });
    this.#inFlight--;
    this.stats.recordDone(answer, performance.now() - started, order.card);
    if ('status' in answer && answer.status === 201) this.#keepTraceId(order.tenant, answer.body);
  }

  #keepTraceId(tenant: string | null, body: string): void {
    const key = tenant ?? '(no baggage)';
    if (this.stats.sampleTraceIds.has(key)) return;
    try {
      const traceId = (JSON.parse(body) as { traceId?: unknown }).traceId;
      if (typeof traceId === 'string') this.stats.sampleTraceIds.set(key, traceId);
    } catch {
      // Not JSON: nothing to keep.
    }
  }
}
