// Generated from tenants.yaml by `./scripts/pnpm generate`: edit tenants.yaml, then run it.
// Code that names a backend (`pipeline.jaegers.tenant_a`) needs the ids as literal types, which a file read at
// runtime cannot give; test/deploy/tenants.test.ts fails while this copy differs from tenants.yaml.
import type { Backend } from '@otel-stack/tenancy';

/** The backends in tenants.yaml's order: the tenants, then the fallback. */
export const TENANT_BACKENDS = [
  { id: 'tenant_a', jaeger: 'jaeger-tenant-a', uiPort: 16686, fallback: false },
  { id: 'tenant_b', jaeger: 'jaeger-tenant-b', uiPort: 16687, fallback: false },
  { id: 'default', jaeger: 'jaeger-default', uiPort: 16688, fallback: true },
] as const satisfies readonly Backend[];
