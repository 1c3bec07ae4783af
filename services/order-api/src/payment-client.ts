import * as grpc from '@grpc/grpc-js';
import {
  type ChargeInput,
  type ChargeResult,
  checkServing,
  createHealthClient,
  fromChargeResponse,
  type HealthCheckClient,
  loadPaymentProto,
  type PaymentServiceClient,
} from '@otel-stack/protos';

/**
 * Why a charge could not be made, decided once here from the gRPC status:
 * - `unavailable`: payment-service unreachable, overloaded or too slow (UNAVAILABLE, DEADLINE_EXCEEDED)
 * - `invalid_argument`: payment-service refused the request as invalid (INVALID_ARGUMENT)
 * - `failed`: anything else, INTERNAL included
 */
type PaymentFailureKind = 'unavailable' | 'invalid_argument' | 'failed';

export class PaymentError extends Error {
  override name = 'PaymentError';
  constructor(
    readonly kind: PaymentFailureKind,
    message: string,
    readonly grpcCode?: grpc.status,
  ) {
    super(message);
  }
}

export function failureKindOf(code: grpc.status): PaymentFailureKind {
  switch (code) {
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
      return 'unavailable';
    case grpc.status.INVALID_ARGUMENT:
      return 'invalid_argument';
    default:
      return 'failed';
  }
}

/** What order-api needs from payment-service. Routes depend on this, so tests can pass a fake. */
export interface PaymentClient {
  /** The charge's result (a decline included); a charge that could not be made rejects with a PaymentError. */
  charge(input: ChargeInput): Promise<ChargeResult>;
  /** Whether payment-service answers its gRPC health check with SERVING. Never throws. */
  isServing(): Promise<boolean>;
  close(): void;
}

const HEALTH_CHECK_TIMEOUT_MS = 1_000;

/** payment-service became unreachable, or reachable again: reported once per change, with the address tried. */
type ReachabilityChange =
  | { readonly reachable: false; readonly address: string; readonly reason: string }
  | { readonly reachable: true; readonly address: string };

export class GrpcPaymentClient implements PaymentClient {
  readonly #client: PaymentServiceClient;
  readonly #health: HealthCheckClient;
  readonly #timeoutMs: number;
  readonly #address: string;
  readonly #onChange: (change: ReachabilityChange) => void;
  /** Unknown until the first answer; a change is reported only when this flips. */
  #reachable: boolean | undefined;

  constructor(address: string, timeoutMs: number, onChange: (change: ReachabilityChange) => void = () => {}) {
    this.#address = address;
    this.#onChange = onChange;
    const { PaymentService } = loadPaymentProto();
    this.#client = new PaymentService(address, grpc.credentials.createInsecure());
    // Same channel as Charge: readiness reports on the connection orders actually use.
    this.#health = createHealthClient(address, { channelOverride: this.#client.getChannel() });
    this.#timeoutMs = timeoutMs;
  }

  charge(input: ChargeInput): Promise<ChargeResult> {
    return new Promise((resolve, reject) => {
      this.#client.Charge(input, { deadline: Date.now() + this.#timeoutMs }, (err, response) => {
        const unreachable = err !== null && failureKindOf(err.code) === 'unavailable';
        this.#observe(unreachable ? err.details || err.message : undefined);
        if (err) {
          reject(new PaymentError(failureKindOf(err.code), err.details || err.message, err.code));
          return;
        }
        if (!response) {
          reject(new PaymentError('failed', 'payment-service sent no response'));
          return;
        }
        const result = fromChargeResponse(response);
        if (result) resolve(result);
        else reject(new PaymentError('failed', `payment-service answered an unknown outcome "${response.outcome}"`));
      });
    });
  }

  /** `reason` when the call found payment-service unreachable, undefined when it answered. */
  #observe(reason: string | undefined): void {
    const reachable = reason === undefined;
    if (this.#reachable === reachable || (this.#reachable === undefined && reachable)) {
      this.#reachable = reachable;
      return;
    }
    this.#reachable = reachable;
    this.#onChange(
      reason === undefined
        ? { reachable: true, address: this.#address }
        : { reachable: false, address: this.#address, reason },
    );
  }

  async isServing(): Promise<boolean> {
    return (await checkServing(this.#health, HEALTH_CHECK_TIMEOUT_MS)).serving;
  }

  close(): void {
    this.#client.close();
  }
}
