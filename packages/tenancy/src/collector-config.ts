// collector/otel-collector.yaml: the routing table and its default, one `otlp_grpc/<id>` exporter and one
// `traces/<id>` pipeline per backend. Everything else in the file is hand-written and left as it is.
import { type Document, isMap, isScalar, isSeq, Pair, Scalar, type YAMLMap } from 'yaml';
import { flowList, keyOf, mapAt, mergeKey, parseEditable, print, replacePairs } from './document';
import { type Backend, JAEGER_OTLP_GRPC_PORT, namesOf, type Tenants } from './tenants';

export const COLLECTOR_CONFIG_FILE = 'collector/otel-collector.yaml';

const EXPORTER_TYPE = 'otlp_grpc/';

function routeFor(doc: Document, tenant: Backend): YAMLMap {
  return doc.createNode({
    context: 'span',
    condition: `span.attributes["tenant.id"] == "${tenant.id}"`,
    pipelines: flowList([namesOf(tenant).pipeline]),
  });
}

/**
 * The settings every exporter shares are written once, in the first exporter, as `<<: &anchor {...}`; the others
 * merge `*anchor`. That pair is the template: it moves to the first exporter written, comments and all.
 */
function sharedSettings(exporters: YAMLMap): Pair {
  for (const exporter of exporters.items) {
    if (!keyOf(exporter).startsWith(EXPORTER_TYPE) || !isMap(exporter.value)) continue;
    const shared = exporter.value.items.find((p) => keyOf(p) === '<<' && isMap(p.value) && p.value.anchor);
    if (shared) return shared;
  }
  throw new Error(`${COLLECTOR_CONFIG_FILE}: no ${EXPORTER_TYPE}* exporter has the shared settings (<<: &anchor)`);
}

function exporterFor(doc: Document, backend: Backend, shared: Pair, first: boolean): Pair {
  const endpoint = `\${env:${namesOf(backend).endpointVariable}:-${backend.jaeger}:${JAEGER_OTLP_GRPC_PORT}}`;
  const settings = doc.createNode({ endpoint }) as YAMLMap;
  const sharedMap = shared.value as YAMLMap;
  settings.items.push(first ? shared : new Pair(mergeKey(), doc.createAlias(sharedMap)));
  return new Pair(new Scalar(namesOf(backend).exporter), settings);
}

function pipelineFor(doc: Document, backend: Backend): Pair {
  const pipeline = doc.createNode({
    receivers: flowList(['routing']),
    exporters: flowList([namesOf(backend).exporter]),
  });
  return new Pair(new Scalar(namesOf(backend).pipeline), pipeline);
}

/** The pipelines the routing connector feeds: one per backend. */
function fedByRouting(pipeline: Pair): boolean {
  const receivers = isMap(pipeline.value) ? pipeline.value.get('receivers', true) : undefined;
  return isSeq(receivers) && receivers.items.some((r) => isScalar(r) && r.value === 'routing');
}

export function renderCollectorConfig(tenants: Tenants, text: string): string {
  const doc = parseEditable(text, COLLECTOR_CONFIG_FILE);
  const routing = mapAt(doc, ['connectors', 'routing'], COLLECTOR_CONFIG_FILE);
  routing.set('default_pipelines', flowList([namesOf(tenants.fallback).pipeline]));
  routing.set('table', doc.createNode(tenants.tenants.map((t) => routeFor(doc, t))));

  const exporters = mapAt(doc, ['exporters'], COLLECTOR_CONFIG_FILE);
  const shared = sharedSettings(exporters);
  replacePairs(
    exporters,
    (p) => keyOf(p).startsWith(EXPORTER_TYPE),
    tenants.backends.map((b, i) => exporterFor(doc, b, shared, i === 0)),
  );

  const pipelines = mapAt(doc, ['service', 'pipelines'], COLLECTOR_CONFIG_FILE);
  replacePairs(
    pipelines,
    fedByRouting,
    tenants.backends.map((b) => pipelineFor(doc, b)),
  );
  return print(doc);
}
