// docker-compose.yml: one service per Jaeger (`<<: *jaeger` plus its published UI port), and the collector waiting
// for each of them. Everything else in the file is hand-written and left as it is.
import { type Document, isMap, Pair, Scalar, type YAMLMap } from 'yaml';
import { type Backend, JAEGER_UI_PORT, namesOf, type Tenants } from '../tenants';
import { keyOf, mapAt, mergeKey, mergesAnchor, parseEditable, print, replacePairs } from './document';

export const COMPOSE_FILE = 'docker-compose.yml';

/** The anchor of the settings every Jaeger service shares (`x-jaeger: &jaeger`). */
const JAEGER_ANCHOR = 'jaeger';
const COLLECTOR_SERVICE = 'otel-collector';

function jaegerService(doc: Document, backend: Backend, shared: YAMLMap): Pair {
  const service = doc.createNode({
    ports: [
      {
        target: JAEGER_UI_PORT,
        published: `\${${namesOf(backend).uiPortVariable}}`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's interpolation, not a JS template
        host_ip: '${HOST_BIND}',
        protocol: 'tcp',
      },
    ],
  }) as YAMLMap;
  service.items.unshift(new Pair(mergeKey(), doc.createAlias(shared)));
  const key = new Scalar(backend.jaeger);
  key.spaceBefore = true;
  return new Pair(key, service);
}

export function renderCompose(tenants: Tenants, text: string): string {
  const doc = parseEditable(text, COMPOSE_FILE);
  const shared = doc.getIn(['x-jaeger'], true);
  if (!isMap(shared) || shared.anchor !== JAEGER_ANCHOR) {
    throw new Error(`${COMPOSE_FILE}: x-jaeger must be the map anchored as &${JAEGER_ANCHOR}`);
  }
  const services = mapAt(doc, ['services'], COMPOSE_FILE);
  const isJaeger = (p: Pair) => mergesAnchor(p.value, JAEGER_ANCHOR);
  const jaegers = new Set([...services.items.filter(isJaeger).map(keyOf), ...tenants.backends.map((b) => b.jaeger)]);
  replacePairs(
    services,
    isJaeger,
    tenants.backends.map((b) => jaegerService(doc, b, shared)),
  );

  const dependsOn = mapAt(doc, ['services', COLLECTOR_SERVICE, 'depends_on'], COMPOSE_FILE);
  replacePairs(
    dependsOn,
    (p) => jaegers.has(keyOf(p)),
    tenants.backends.map((b) => new Pair(new Scalar(b.jaeger), doc.createNode({ condition: 'service_healthy' }))),
  );
  return print(doc);
}
