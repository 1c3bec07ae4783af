import YAML from 'yaml';
import { readRepoFile } from './repo';

/** The config the compose and Kubernetes Jaegers run (the persistence test runs it too). */
export const JAEGER_CONFIG = 'jaeger/config.yaml';
/** The user of the jaegertracing/jaeger image: what its data volume must belong to. */
export const JAEGER_UID = 10001;

export interface JaegerFacts {
  /** OTLP gRPC/HTTP, the query API (HTTP: UI, gRPC) and healthcheckv2, as a container without overrides listens. */
  readonly listenPorts: ReadonlySet<number>;
  /** Where Badger keeps its files unless JAEGER_BADGER_DIR says otherwise: the volume goes there. */
  readonly dataDir: string;
  readonly badgerDirs: { readonly keys: string; readonly values: string };
  readonly ephemeral: boolean;
  /** The storage backends the pipeline writes to and the query API reads from. */
  readonly writesTo: string;
  readonly readsFrom: string;
}

type Tree = Record<string, unknown>;
const get = (tree: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Tree)[key] : undefined), tree);

function portOf(endpoint: unknown): number | undefined {
  const match = typeof endpoint === 'string' ? /:(\d+)$/.exec(endpoint) : null;
  return match ? Number(match[1]) : undefined;
}

/** The config with every `${env:NAME:-default}` at its default: what a container that sets none of them runs. */
export function readJaegerFacts(text = readRepoFile(JAEGER_CONFIG)): JaegerFacts {
  const atDefaults = text.replace(
    /\$\{env:[A-Za-z_][A-Za-z0-9_]*(?::-([^}]*))?\}/g,
    (_whole, fallback) => fallback ?? '',
  );
  const config = YAML.parse(atDefaults) as Tree;
  const endpoints = [
    get(config, 'receivers', 'otlp', 'protocols', 'grpc', 'endpoint'),
    get(config, 'receivers', 'otlp', 'protocols', 'http', 'endpoint'),
    get(config, 'extensions', 'jaeger_query', 'http', 'endpoint'),
    get(config, 'extensions', 'jaeger_query', 'grpc', 'endpoint'),
    get(config, 'extensions', 'healthcheckv2', 'http', 'endpoint'),
  ];
  const store = String(get(config, 'extensions', 'jaeger_query', 'storage', 'traces'));
  const badger = get(config, 'extensions', 'jaeger_storage', 'backends', store, 'badger');
  const dataDir = /\$\{env:JAEGER_BADGER_DIR:-([^}]*)\}/.exec(text)?.[1] ?? '';
  return {
    listenPorts: new Set(endpoints.map(portOf).filter((port) => port !== undefined)),
    dataDir,
    badgerDirs: {
      keys: String(get(badger, 'directories', 'keys')),
      values: String(get(badger, 'directories', 'values')),
    },
    ephemeral: get(badger, 'ephemeral') !== false,
    writesTo: String(get(config, 'exporters', 'jaeger_storage_exporter', 'trace_storage')),
    readsFrom: store,
  };
}
