import { type Context, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_HTTP_RESPONSE_STATUS_CODE as STATUS_CODE } from '@opentelemetry/semantic-conventions';

/**
 * Client errors are not span errors: a span that ends with status ERROR while it recorded a 4xx response status is
 * put back to UNSET, its exception event kept. The OpenTelemetry HTTP conventions mark a SERVER span ERROR for 5xx
 * only; instrumentation-http does, but @fastify/otel marks its `request` span ERROR for any error Fastify raises --
 * a 400 for a schema violation, a 415 -- and the collector's tail sampling keeps every ERROR trace, so every bad
 * request would be kept.
 */
export class ClientErrorSpanProcessor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    const status = span.attributes[STATUS_CODE];
    if (span.status.code !== SpanStatusCode.ERROR || typeof status !== 'number' || status < 400 || status >= 500)
      return;
    // setStatus cannot go back to UNSET (the API only moves a status forward); the SDK's span keeps its status in a
    // plain field, which onEnding may still change: the span is not ended yet.
    (span as unknown as { status: { code: SpanStatusCode } }).status = { code: SpanStatusCode.UNSET };
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
