import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';

const identity = (b: Buffer): Buffer => b;

/** OTLP/gRPC TraceService.Export, with the messages left as bytes. */
const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/**
 * An OTLP/gRPC trace receiver that accepts every export and decodes nothing (an empty ExportTraceServiceResponse is
 * zero bytes): it stands for a collector on another machine, so the load measured on the shared 2 cores is the
 * services', not a receiver's protobuf decoding. grpc-js decompresses gzip requests itself. Loopback only.
 */
export class NullReceiver {
  requests = 0;
  bytes = 0;
  readonly #server = new Server();
  #port = 0;

  async start(): Promise<void> {
    this.#server.addService(TRACE_SERVICE, {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        this.requests++;
        this.bytes += call.request.length;
        callback(null, Buffer.alloc(0));
      },
    });
    this.#port = await new Promise<number>((resolve, reject) =>
      this.#server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
  }

  /** For OTEL_EXPORTER_OTLP_ENDPOINT. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.tryShutdown(() => resolve()));
  }
}
