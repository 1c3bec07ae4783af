import { type Static, Type } from 'typebox';

/** Limits keep every order total far below Number.MAX_SAFE_INTEGER: 100 items x 1,000 x 10,000,000 cents = 1e12. */
export const LIMITS = {
  maxItems: 100,
  maxQuantity: 1_000,
  maxUnitPriceCents: 10_000_000,
  maxBatchOrders: 100,
} as const;

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

const OrderItem = Type.Object(
  {
    sku: Id,
    quantity: Type.Integer({ minimum: 1, maximum: LIMITS.maxQuantity }),
    unitPriceCents: Type.Integer({ minimum: 1, maximum: LIMITS.maxUnitPriceCents }),
  },
  { additionalProperties: false },
);

export const CreateOrderBody = Type.Object(
  {
    customer: Type.Object(
      {
        id: Id,
        email: Type.String({ format: 'email', maxLength: 254 }),
      },
      { additionalProperties: false },
    ),
    items: Type.Array(OrderItem, { minItems: 1, maxItems: LIMITS.maxItems }),
    payment: Type.Object(
      {
        cardNumber: Type.String({ pattern: '^[0-9]{12,19}$' }),
        // Three upper-case letters here; payment-service checks the code against ISO 4217.
        currency: Type.String({ pattern: '^[A-Z]{3}$' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type CreateOrderBody = Static<typeof CreateOrderBody>;

export const BatchBody = Type.Object(
  { orders: Type.Array(CreateOrderBody, { minItems: 1, maxItems: LIMITS.maxBatchOrders }) },
  { additionalProperties: false },
);
export type BatchBody = Static<typeof BatchBody>;

export const OrderIdParams = Type.Object({ orderId: Id }, { additionalProperties: false });
export type OrderIdParams = Static<typeof OrderIdParams>;

export const CreatedOrder = Type.Object({
  orderId: Type.String(),
  status: Type.Literal('paid'),
  amountCents: Type.Integer(),
  currency: Type.String(),
  paymentId: Type.String(),
  cardLast4: Type.String(),
  traceId: Type.String(),
});
export type CreatedOrder = Static<typeof CreatedOrder>;

/** A paid order as order-api keeps and returns it: never the full card number, only its last four digits. */
export const StoredOrderResponse = Type.Object({
  orderId: Type.String(),
  status: Type.Literal('paid'),
  tenant: Type.String(),
  customerId: Type.String(),
  items: Type.Array(Type.Object({ sku: Type.String(), quantity: Type.Integer(), unitPriceCents: Type.Integer() })),
  amountCents: Type.Integer(),
  currency: Type.String(),
  paymentId: Type.String(),
  cardLast4: Type.String(),
  createdAt: Type.String(),
});

export type StoredOrder = Static<typeof StoredOrderResponse>;

const ErrorDetail = Type.Object({ code: Type.String(), message: Type.String() });
export const ErrorEnvelope = Type.Object({ error: ErrorDetail });

export const BatchResponse = Type.Object({
  results: Type.Array(
    Type.Union([
      Type.Object({ index: Type.Integer(), status: Type.Literal(201), order: CreatedOrder }),
      Type.Object({ index: Type.Integer(), status: Type.Integer(), error: ErrorDetail }),
    ]),
  ),
});
