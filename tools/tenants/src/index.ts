import { TENANT_BACKENDS } from './backends';

export { TENANT_BACKENDS };
/** A backend of tenants.yaml, with its id as a literal type. */
export type TenantBackend = (typeof TENANT_BACKENDS)[number];

function fallbackOf(backends: readonly TenantBackend[]): TenantBackend {
  const fallback = backends.find((b) => b.fallback);
  if (!fallback) throw new Error('tools/tenants/src/backends.ts has no fallback: run ./scripts/pnpm generate');
  return fallback;
}

/** The backend that receives every span no tenant's route matches. */
export const FALLBACK_BACKEND = fallbackOf(TENANT_BACKENDS);
export {
  type Backend,
  JAEGER_OTLP_GRPC_PORT,
  JAEGER_UI_PORT,
  namesOf,
  parseTenants,
  readTenants,
  servicesTenants,
  TENANTS_FILE,
  type Tenants,
  TenantsError,
} from '@otel-stack/tenancy';
export { type Generated, generate, staleFiles, writeGenerated } from './generate';
