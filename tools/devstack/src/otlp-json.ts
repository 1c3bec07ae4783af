import { randomBytes } from 'node:crypto';

/** An attribute value as OTLP/JSON writes it. */
type OtlpValue = { stringValue: string } | { intValue: string } | { boolValue: boolean };

function otlpValue(value: string | number | boolean): OtlpValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'number') return { intValue: String(value) };
  return { boolValue: value };
}

function otlpAttributes(attributes: Record<string, string | number | boolean>) {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: otlpValue(value) }));
}

export const randomTraceId = (): string => randomBytes(16).toString('hex');
export const randomSpanId = (): string => randomBytes(8).toString('hex');

export interface SpanSpec {
  readonly traceId: string;
  readonly spanId?: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly attributes?: Record<string, string | number | boolean>;
  readonly events?: ReadonlyArray<{ name: string; attributes: Record<string, string | number | boolean> }>;
  readonly status?: { code: 0 | 1 | 2; message?: string };
  readonly durationMs?: number;
}

export interface ResourceSpec {
  readonly resource: Record<string, string | number | boolean>;
  readonly spans: readonly SpanSpec[];
}

/** The OTLP/JSON body of a trace export request (what an SDK sends to /v1/traces). */
function otlpTraceRequest(resources: readonly ResourceSpec[]) {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceSpans: resources.map((r) => ({
      resource: { attributes: otlpAttributes(r.resource) },
      scopeSpans: [
        {
          scope: { name: 'otel-stack-tests' },
          spans: r.spans.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId ?? randomSpanId(),
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            kind: 1,
            startTimeUnixNano: String(now),
            endTimeUnixNano: String(now + BigInt(Math.round((s.durationMs ?? 5) * 1_000_000))),
            attributes: otlpAttributes(s.attributes ?? {}),
            events: (s.events ?? []).map((e) => ({
              timeUnixNano: String(now + 1_000n),
              name: e.name,
              attributes: otlpAttributes(e.attributes),
            })),
            status: s.status ?? { code: 0 },
          })),
        },
      ],
    })),
  };
}

/** Sends spans over OTLP/HTTP (JSON) to a collector's receiver; throws unless the whole request was accepted. */
export async function sendOtlpJson(baseUrl: string, resources: readonly ResourceSpec[]): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(otlpTraceRequest(resources)),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.text();
  if (res.status !== 200 || body.includes('rejectedSpans')) throw new Error(`OTLP export: ${res.status} ${body}`);
}
