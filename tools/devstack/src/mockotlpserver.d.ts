// Minimal typings for the parts of @elastic/mockotlpserver the tests use (the package ships none for its API).
declare module '@elastic/mockotlpserver' {
  export interface MockOtlpServerOptions {
    services?: Array<'http' | 'grpc' | 'ui'>;
    grpcHostname?: string;
    grpcPort?: number;
    logLevel?: string;
    onTrace?: (request: unknown) => void;
  }
  export class MockOtlpServer {
    constructor(options?: MockOtlpServerOptions);
    grpcUrl: URL | null;
    start(): Promise<void>;
    close(): Promise<void>;
  }
  /** Hex IDs, attribute maps, enum names; see the package's lib/normalize.js. */
  export function normalizeTrace(request: unknown): NormalizedTraceRequest;
  export interface NormalizedTraceRequest {
    resourceSpans?: Array<{
      resource?: { attributes?: Record<string, unknown> };
      scopeSpans?: Array<{
        scope?: { name?: string };
        spans?: Array<{
          traceId: string;
          spanId: string;
          parentSpanId?: string;
          name: string;
          kind: string;
          /** Decimal strings. */
          startTimeUnixNano?: string;
          endTimeUnixNano?: string;
          attributes?: Record<string, unknown>;
          events?: Array<{ name: string; attributes?: Record<string, unknown> }>;
          status?: { code?: string | number; message?: string };
        }>;
      }>;
    }>;
  }
}
