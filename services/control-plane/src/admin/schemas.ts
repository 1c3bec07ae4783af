import { Type } from 'typebox';

export const ErrorSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

const Backend = Type.Object(
  {
    id: Type.String({ maxLength: 63 }),
    jaeger: Type.String({ maxLength: 63 }),
    uiPort: Type.Integer({ minimum: 1, maximum: 65535 }),
  },
  { additionalProperties: false },
);

export const TenantsSchema = Type.Object(
  { tenants: Type.Array(Backend, { minItems: 1, maxItems: 100 }), fallback: Backend },
  { additionalProperties: false },
);

/** POST /config/changes: what to change; what is left out stays as it is. */
export const ConfigChangeSchema = Type.Object(
  {
    samplingPercentage: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    tenants: Type.Optional(TenantsSchema),
    endpoints: Type.Optional(
      Type.Record(Type.String({ maxLength: 63 }), Type.String({ maxLength: 260 }), { maxProperties: 101 }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** PUT /config: a whole collector config. */
export const WholeConfigSchema = Type.Object(
  { yaml: Type.String({ minLength: 1, maxLength: 1024 * 1024 }) },
  { additionalProperties: false },
);

const RemoteConfig = Type.Object({
  hash: Type.String(),
  status: Type.Union([
    Type.Literal('UNSET'),
    Type.Literal('APPLIED'),
    Type.Literal('APPLYING'),
    Type.Literal('FAILED'),
  ]),
  errorMessage: Type.String(),
});

export const AgentSchema = Type.Object({
  instanceId: Type.String(),
  connected: Type.Boolean(),
  identifyingAttributes: Type.Record(Type.String(), Type.String()),
  nonIdentifyingAttributes: Type.Record(Type.String(), Type.String()),
  capabilities: Type.Integer(),
  health: Type.Union([
    Type.Object({ healthy: Type.Boolean(), status: Type.String(), lastError: Type.String() }),
    Type.Null(),
  ]),
  effectiveConfigHash: Type.Union([Type.String(), Type.Null()]),
  remoteConfig: RemoteConfig,
  lastFailure: Type.Union([
    Type.Object({ hash: Type.String(), errorMessage: Type.String(), at: Type.String() }),
    Type.Null(),
  ]),
  lastSeen: Type.String(),
});

export const PushResultSchema = Type.Object({
  hash: Type.String(),
  changed: Type.Boolean(),
  sentTo: Type.Integer(),
});
