// docker-compose.yml: one service per Jaeger (`<<: *jaeger`, its data volume and its published UI port), the named
// volumes, the one-shot that hands every data volume to Jaeger's user, and the collector waiting for each Jaeger.
// Everything else in the file is hand-written and left as it is.

import {
  type Backend,
  JAEGER_UI_PORT,
  keyOf,
  mapAt,
  mergeKey,
  mergesAnchor,
  namesOf,
  parseEditable,
  print,
  replacePairs,
  type Tenants,
} from '@otel-stack/tenancy';
import { type Document, isMap, isSeq, Pair, Scalar, type YAMLMap } from 'yaml';

export const COMPOSE_FILE = 'docker-compose.yml';

/** The anchor of the settings every Jaeger service shares (`x-jaeger: &jaeger`). */
const JAEGER_ANCHOR = 'jaeger';
const COLLECTOR_SERVICE = 'otel-collector';
const DATA_INIT_SERVICE = 'jaeger-data-init';
/** Where each Jaeger mounts its volume: the Badger directory of jaeger/config.yaml. */
const JAEGER_DATA_DIR = '/var/lib/jaeger';
/** Where the one-shot mounts them all, one directory per Jaeger. */
const INIT_MOUNTS_DIR = '/volumes';

const dataVolume = (jaeger: string): string => `${jaeger}-data`;
const initMount = (backend: Backend): string => `${INIT_MOUNTS_DIR}/${backend.jaeger}`;

const volumeMount = (source: string, target: string) => ({ type: 'volume', source, target });

const quoted = (value: string): Scalar => {
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
};

function jaegerService(doc: Document, backend: Backend, shared: YAMLMap): Pair {
  const service = doc.createNode({
    volumes: [volumeMount(dataVolume(backend.jaeger), JAEGER_DATA_DIR)],
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

/** The one-shot's command keeps its hand-written words (`chown <uid>:<gid>`) and names every Jaeger's mount. */
function renderDataInit(doc: Document, tenants: Tenants): void {
  const init = mapAt(doc, ['services', DATA_INIT_SERVICE], COMPOSE_FILE);
  const command = init.get('command', true);
  if (!isSeq(command)) throw new Error(`${COMPOSE_FILE}: services.${DATA_INIT_SERVICE}.command must be a list`);
  const isMountPath = (item: unknown) => String(item instanceof Scalar ? item.value : item).startsWith(INIT_MOUNTS_DIR);
  command.items = [
    ...command.items.filter((item) => !isMountPath(item)),
    ...tenants.backends.map((b) => quoted(initMount(b))),
  ];
  init.set('volumes', doc.createNode(tenants.backends.map((b) => volumeMount(dataVolume(b.jaeger), initMount(b)))));
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
  renderDataInit(doc, tenants);

  const volumes = mapAt(doc, ['volumes'], COMPOSE_FILE);
  const jaegerVolumes = new Set([...jaegers].map(dataVolume));
  replacePairs(
    volumes,
    (p) => jaegerVolumes.has(keyOf(p)),
    tenants.backends.map((b) => new Pair(new Scalar(dataVolume(b.jaeger)), null)),
  );

  const dependsOn = mapAt(doc, ['services', COLLECTOR_SERVICE, 'depends_on'], COMPOSE_FILE);
  replacePairs(
    dependsOn,
    (p) => jaegers.has(keyOf(p)),
    tenants.backends.map((b) => new Pair(new Scalar(b.jaeger), doc.createNode({ condition: 'service_healthy' }))),
  );
  return print(doc);
}
