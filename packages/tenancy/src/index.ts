// The stack's tenancy rules, shipped: what a tenant is (tenants.yaml's schema and checks), the names derived from it,
// and the collector config that routes each tenant to its own Jaeger. `pnpm generate` (tools/tenants) writes the
// repository's files with them; the control plane (services/control-plane) renders the configs it pushes with them.
export { COLLECTOR_CONFIG_FILE, renderCollectorConfig } from './collector-config';
export {
  flowList,
  keyOf,
  mapAt,
  mergeKey,
  mergesAnchor,
  parseEditable,
  print,
  replacePairs,
} from './document';
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
} from './tenants';
