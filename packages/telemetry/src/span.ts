import { type Attributes, type Span, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { SharedAttributeNames, SharedEventNames } from './attributes';

/**
 * An error that is the caller's fault (answered 4xx): the use case rejects the request. `inSpan` records it as a
 * `rejected` event and leaves the span's status alone -- per the OpenTelemetry HTTP conventions a client error is not
 * a span error, and the collector keeps every ERROR trace.
 */
export class RejectedError extends Error {
  override name = 'RejectedError';
}

/**
 * Runs `work` inside a new active span and ends the span when the work settles. A throw is recorded where it
 * happens (exception event + status ERROR; a RejectedError only as a `rejected` event, status left UNSET) and
 * rethrown; anything the work considers a business outcome rather
 * than an error (a declined payment) it simply returns, and the span stays UNSET.
 */
export function inSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, (span) => endWhenSettled(span, work));
}

/**
 * `inSpan` for a leaf: the span is a child of the active span but never becomes active itself, which saves the
 * context switch (an AsyncLocalStorage run and the promises around it) per span. Only for work that starts no spans
 * and logs nothing: a span or log line made inside would belong to the parent. Same recording of throws as inSpan.
 */
export function inLeafSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  work: (span: Span) => T | Promise<T>,
): Promise<T> {
  return endWhenSettled(tracer.startSpan(name, { attributes }), work);
}

async function endWhenSettled<T>(span: Span, work: (span: Span) => T | Promise<T>): Promise<T> {
  try {
    return await work(span);
  } catch (err) {
    if (err instanceof RejectedError)
      span.addEvent(SharedEventNames.REJECTED, { [SharedAttributeNames.REJECTION_REASON]: err.message });
    else markFailed(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** Records an error on a span: an `exception` event and status ERROR with the error's message. */
export function markFailed(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}
