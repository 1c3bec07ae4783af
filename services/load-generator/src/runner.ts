/**
 * The open-loop traffic loop over an undici Pool: requests start on schedule (rate x elapsed time), whatever the
 * latency of earlier ones, so a slow target shows up as growing latency and, past `concurrency` requests in
 * flight, as skipped requests; it never silently lowers the offered rate (no coordinated omission).
 */
import { Pool } from 'undici';
import type { LoadConfig } from './config';
import { createRandom, planOrder } from './scenario';
import { type Outcome, progressLine, Stats } from './stats';

const TICK_MS = 10;

export interface RunResult {
  readonly stats: Stats;
  readonly elapsedS: number;
  /** Requests still in flight when the run gave up waiting for them. */
  readonly unfinished: number;
}

function errorCode(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
    const code = (err as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
    return err.name;
  }
  return 'unknown';
}

function endpoint(target: URL, path: string): string {
  const base = target.pathname.endsWith('/') ? target.pathname : `${target.pathname}/`;
  return `${base}${path}`;
}

/** Polls `GET <target>/readyz` until it answers 200. Resolves false when `waitS` passes or `stopped()` turns true. */
export async function waitUntilReady(config: LoadConfig, stopped: () => boolean, log: (line: string) => void) {
  if (config.waitS <= 0) return true;
  const url = new URL(endpoint(config.target, 'readyz'), config.target.origin);
  const deadline = Date.now() + config.waitS * 1000;
  let last = '';
  while (!stopped() && Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return true;
      last = `HTTP ${response.status}`;
    } catch (err) {
      last = errorCode(err instanceof Error && err.cause instanceof Error ? err.cause : err);
    }
    if (last !== '') log(`waiting for ${url.href} (${last})`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (!stopped()) log(`gave up waiting for ${url.href} after ${config.waitS}s (last: ${last || 'no answer'})`);
  return false;
}

export class LoadRun {
  readonly stats = new Stats();
  readonly #config: LoadConfig;
  readonly #log: (line: string) => void;
  readonly #pool: Pool;
  readonly #random: () => number;
  readonly #path: string;
  #inFlight = 0;
  #stopRequested = false;
  #wake: (() => void) | undefined;

  constructor(config: LoadConfig, log: (line: string) => void) {
    this.#config = config;
    this.#log = log;
    this.#random = createRandom(config.seed);
    this.#path = endpoint(config.target, 'orders');
    this.#pool = new Pool(config.target.origin, {
      connections: config.concurrency,
      pipelining: 1,
      connectTimeout: Math.min(config.timeoutMs, 10_000),
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
    });
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Ends the schedule early (SIGINT/SIGTERM); in-flight requests still get `timeoutMs` to finish. */
  stop(): void {
    this.#stopRequested = true;
    this.#wake?.();
  }

  get stopRequested(): boolean {
    return this.#stopRequested;
  }

  async run(): Promise<RunResult> {
    const { rate, durationS, concurrency, reportEveryS } = this.#config;
    const started = performance.now();
    const elapsedS = () => (performance.now() - started) / 1000;
    let scheduled = 0;

    const progress =
      reportEveryS > 0
        ? setInterval(() => {
            this.#log(progressLine(this.stats, elapsedS(), this.#inFlight));
            this.stats.window.reset();
          }, reportEveryS * 1000)
        : undefined;

    while (!this.#stopRequested) {
      const now = elapsedS();
      if (now >= durationS) break;
      const due = Math.floor(now * rate) - scheduled;
      for (let i = 0; i < due; i++) {
        scheduled++;
        if (this.#inFlight >= concurrency) {
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
    const scheduleEndS = elapsedS();
    if (progress) clearInterval(progress);

    // Drain: the requests already started get their timeout to finish, then the pool is torn down.
    const drainDeadline = Date.now() + this.#config.timeoutMs + 500;
    while (this.#inFlight > 0 && Date.now() < drainDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const unfinished = this.#inFlight;
    await (unfinished > 0 ? this.#pool.destroy() : this.#pool.close());
    return { stats: this.stats, elapsedS: scheduleEndS, unfinished };
  }

  async #send(): Promise<void> {
    const order = planOrder(this.#random, this.#config);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    // W3C baggage: order-api resolves the effective tenant from it (unknown names become `default`).
    if (order.tenant !== null) headers.baggage = `tenant_id=${order.tenant}`;
    this.stats.recordSent(order.tenant);
    this.#inFlight++;
    const started = performance.now();
    let outcome: Outcome;
    try {
      const response = await this.#pool.request({
        method: 'POST',
        path: this.#path,
        headers,
        body: JSON.stringify(order.body),
        signal: AbortSignal.timeout(this.#config.timeoutMs),
      });
      const text = await response.body.text();
      outcome = { status: response.statusCode };
      if (response.statusCode === 201) this.#keepTraceId(order.tenant, text);
    } catch (err) {
      outcome = { error: errorCode(err) };
    }
    this.#inFlight--;
    this.stats.recordDone(outcome, performance.now() - started, order.card);
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
