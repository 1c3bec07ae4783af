// The collector configs the control plane pushes: collector/otel-collector.yaml with the parameters an operator
// changes (the tail-sampling percentage, the tenants and their Jaegers), rendered with the same rules `pnpm generate`
// writes the file with, so a pushed config and the committed one differ only in those parameters.
import { createHash } from 'node:crypto';
import {
  type Backend,
  mapAt,
  namesOf,
  parseEditable,
  parseTenants,
  print,
  renderCollectorConfig,
  type Tenants,
  TenantsError,
} from '@otel-stack/tenancy';
import { isMap, isSeq } from 'yaml';

/** What an operator changes. */
export interface ConfigParameters {
  /** The probabilistic tail-sampling policy's percentage (errors and slow traces are always kept). */
  readonly samplingPercentage: number;
  /** The tenants and the fallback, as tenants.yaml has them. */
  readonly tenants: TenantsDocument;
  /** OTLP/gRPC endpoint (host:port) of a backend's Jaeger, by backend id, where it is not `<jaeger>:4317`. */
  readonly endpoints: Readonly<Record<string, string>>;
}

/** tenants.yaml's content as data (uiPort included: it is part of the tenancy rules, though the collector ignores it). */
export interface TenantsDocument {
  readonly tenants: readonly { readonly id: string; readonly jaeger: string; readonly uiPort: number }[];
  readonly fallback: { readonly id: string; readonly jaeger: string; readonly uiPort: number };
}

export class ConfigRenderError extends Error {
  override name = 'ConfigRenderError';
}

/** The name of the tail-sampling policy whose percentage the parameters set. */
export const SAMPLING_POLICY = 'baseline';

/** SHA-256 of a config, hex: the hash the control plane sends with it and agents report back. */
export function configHash(yaml: string): string {
  return createHash('sha256').update(yaml).digest('hex');
}

/** Checked with tenants.yaml's own rules (ids, Jaeger names, ports, uniqueness). */
export function checkTenants(document: TenantsDocument): Tenants {
  try {
    // JSON is YAML: the one parser of tenants.yaml checks the document.
    return parseTenants(JSON.stringify(document));
  } catch (err) {
    if (err instanceof TenantsError) throw new ConfigRenderError(`tenants: ${err.message}`);
    throw err;
  }
}

export function toTenantsDocument(tenants: Tenants): TenantsDocument {
  const entry = (b: Backend) => ({ id: b.id, jaeger: b.jaeger, uiPort: b.uiPort });
  return { tenants: tenants.tenants.map(entry), fallback: entry(tenants.fallback) };
}

const HOST_PORT = /^[A-Za-z0-9.-]{1,253}:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/;

export function renderConfig(template: string, parameters: ConfigParameters): string {
  const tenants = checkTenants(parameters.tenants);
  const rendered = renderCollectorConfig(tenants, template);
  const doc = parseEditable(rendered, 'collector config');

  const policies = doc.getIn(['processors', 'tail_sampling', 'policies'], true);
  const baseline = isSeq(policies)
    ? policies.items.find((p) => isMap(p) && p.get('name') === SAMPLING_POLICY)
    : undefined;
  if (!isMap(baseline)) {
    throw new ConfigRenderError(`the template has no tail_sampling policy named ${SAMPLING_POLICY}`);
  }
  const percentage = parameters.samplingPercentage;
  if (!Number.isFinite(percentage) || percentage < 0 || percentage > 100) {
    throw new ConfigRenderError(`samplingPercentage must be from 0 to 100, got ${percentage}`);
  }
  baseline.setIn(['probabilistic', 'sampling_percentage'], percentage);

  const exporters = mapAt(doc, ['exporters'], 'collector config');
  for (const [id, endpoint] of Object.entries(parameters.endpoints)) {
    const backend = tenants.backends.find((b) => b.id === id);
    if (!backend) throw new ConfigRenderError(`endpoints.${id}: no tenant or fallback has this id`);
    if (!HOST_PORT.test(endpoint)) throw new ConfigRenderError(`endpoints.${id}: expected host:port`);
    const names = namesOf(backend);
    // The agent's own variable still wins, as in the committed file; the endpoint given replaces the default.
    exporters.setIn([names.exporter, 'endpoint'], `\${env:${names.endpointVariable}:-${endpoint}}`);
  }
  return print(doc);
}
