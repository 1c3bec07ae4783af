import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { log } from './log';

/** The batch span processor's own counter (OpenTelemetry SDK self-observability semantic conventions). */
const PROCESSED_SPANS = 'otel.sdk.processor.span.processed';

export interface SpanTotals {
  /** Handed to the exporter and accepted by it. */
  readonly exported: number;
  /** Dropped because the queue was full (`error.type=queue_full`): the collector never saw them. */
  readonly dropped: number;
  /** Handed to the exporter, which failed (collector unreachable, timeout, ...). */
  readonly failed: number;
}

/** A reader that exports nothing: the totals are read on demand, in process. */
class InProcessReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/**
 * Counts what happened to every sampled span after it ended: exported, dropped (queue full) or failed export.
 * The BatchSpanProcessor reports this itself through its self-observability meter; we give it a meter provider
 * that nobody exports, read it every `intervalMs`, and log when spans were lost. The logs are the one place every
 * deployment already looks at, and the count is exact (it comes from the processor's own decisions).
 */
export class SpanAccounting {
  readonly #reader = new InProcessReader();
  readonly meterProvider = new MeterProvider({ readers: [this.#reader] });
  #reported: SpanTotals = { exported: 0, dropped: 0, failed: 0 };
  #timer: NodeJS.Timeout | undefined;

  async totals(): Promise<SpanTotals> {
    const { resourceMetrics } = await this.#reader.collect();
    let exported = 0;
    let dropped = 0;
    let failed = 0;
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== PROCESSED_SPANS) continue;
        for (const point of metric.dataPoints) {
          const value = typeof point.value === 'number' ? point.value : 0;
          const errorType = point.attributes[ATTR_ERROR_TYPE];
          if (errorType === undefined) exported += value;
          else if (errorType === 'queue_full') dropped += value;
          else failed += value;
        }
      }
    }
    return { exported, dropped, failed };
  }

  /** Logs a warning whenever spans were dropped or failed since the last check. */
  startReporting(intervalMs: number): void {
    this.#timer = setInterval(() => void this.#reportLosses(), intervalMs);
    this.#timer.unref();
  }

  async #reportLosses(): Promise<void> {
    const now = await this.totals();
    const dropped = now.dropped - this.#reported.dropped;
    const failed = now.failed - this.#reported.failed;
    if (dropped > 0 || failed > 0) {
      log('warn', 'spans lost', {
        droppedQueueFull: dropped,
        failedExport: failed,
        totals: now,
        hint:
          dropped > 0
            ? 'raise OTEL_BSP_MAX_QUEUE_SIZE or lower the span rate (sampling)'
            : 'is the collector reachable?',
      });
    }
    this.#reported = now;
  }

  /** The final line at shutdown, after the last flush: what became of every span this process ended. */
  async reportFinal(): Promise<void> {
    clearInterval(this.#timer);
    const totals = await this.totals();
    log(totals.dropped > 0 || totals.failed > 0 ? 'warn' : 'info', 'span export totals', { ...totals });
  }
}
