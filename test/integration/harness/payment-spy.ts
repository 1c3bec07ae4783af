import * as grpc from '@grpc/grpc-js';
import { loadPaymentProto } from '@otel-stack/protos';

/**
 * A stand-in payment-service that approves every charge and records the metadata order-api sent with it, so a
 * test can see exactly which baggage crossed the boundary.
 */
export class PaymentSpy {
  readonly calls: Array<{ baggage: string[]; traceparent: string[] }> = [];
  readonly #server = new grpc.Server();
  port = 0;

  async start(): Promise<void> {
    const { PaymentService } = loadPaymentProto();
    this.#server.addService(PaymentService.service, {
      Charge: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        this.calls.push({
          baggage: call.metadata.get('baggage').map(String),
          traceparent: call.metadata.get('traceparent').map(String),
        });
        callback(null, { paymentId: 'pay_spy', outcome: 'CHARGE_OUTCOME_APPROVED', cardLast4: '4242' });
      },
    });
    this.port = await new Promise<number>((resolve, reject) =>
      this.#server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
  }

  stop(): void {
    this.#server.forceShutdown();
  }
}
