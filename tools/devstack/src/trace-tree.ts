import type { ReceivedSpan } from './otlp-receiver';

/** The attributes worth a glance in a terminal; everything else is in the logs or a real backend. */
const SHOWN_ATTRIBUTES = [
  'tenant.id',
  'http.response.status_code',
  'rpc.grpc.status_code',
  'order.status',
  'payment.outcome',
  'payment.decline_reason',
  'user.email',
  'user.hash',
  'payment.card.number',
];

function describe(span: ReceivedSpan): string {
  const attrs = SHOWN_ATTRIBUTES.filter((k) => span.attributes[k] !== undefined)
    .map((k) => `${k}=${String(span.attributes[k])}`)
    .join(' ');
  const status = span.status === 'ERROR' ? ' ERROR' : '';
  const exceptions = span.events
    .filter((e) => e.name === 'exception')
    .map((e) => ` exception="${String(e.attributes['exception.message'])}"`)
    .join('');
  return `${span.name} [${span.service} ${span.kind}] ${span.durationMs.toFixed(1)} ms${status} ${attrs}${exceptions}`.trimEnd();
}

/**
 * One trace as an indented tree, parents before children, siblings by start time. Spans whose parent was not
 * received (a caller outside this stack) are shown as roots.
 */
export function formatTraceTree(spans: readonly ReceivedSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, ReceivedSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  for (const list of children.values()) list.sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1));

  const lines = [`trace ${spans[0]?.traceId ?? '?'} (${spans.length} spans)`];
  const walk = (parent: string | undefined, prefix: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((span, i) => {
      const last = i === list.length - 1;
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${describe(span)}`);
      walk(span.spanId, `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(undefined, '');
  return lines.join('\n');
}
