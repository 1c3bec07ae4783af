import YAML from 'yaml';
import { COLLECTOR_CONFIG, readRepoFile } from './repo';

export interface CollectorFacts {
  /** Ports the collector listens on according to its config (receivers, health_check, own metrics). */
  readonly listenPorts: ReadonlySet<number>;
  readonly healthPort: number;
  /** `${env:NAME:-default}` references in the config. */
  readonly envDefaults: ReadonlyMap<string, string | undefined>;
  /** The file_storage directory default. */
  readonly storageDir: string | undefined;
}

function portOf(endpoint: unknown): number | undefined {
  if (typeof endpoint !== 'string') return undefined;
  const match = /:(\d+)$/.exec(endpoint);
  return match ? Number(match[1]) : undefined;
}

type Tree = Record<string, unknown>;
const get = (tree: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Tree)[key] : undefined), tree);

/** Reads what the deployments need to know from collector/otel-collector.yaml (the file itself is not ours). */
export function readCollectorFacts(text = readRepoFile(COLLECTOR_CONFIG)): CollectorFacts {
  const config = YAML.parse(text, { merge: true }) as Tree;
  const ports = new Set<number>();
  for (const protocol of ['grpc', 'http']) {
    const port = portOf(get(config, 'receivers', 'otlp', 'protocols', protocol, 'endpoint'));
    if (port !== undefined) ports.add(port);
  }
  const healthPort = portOf(get(config, 'extensions', 'health_check', 'endpoint')) ?? 13133;
  ports.add(healthPort);
  const readers = get(config, 'service', 'telemetry', 'metrics', 'readers');
  for (const reader of Array.isArray(readers) ? readers : []) {
    const port = get(reader, 'pull', 'exporter', 'prometheus', 'port');
    if (typeof port === 'number') ports.add(port);
  }
  const envDefaults = new Map<string, string | undefined>();
  for (const match of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g)) {
    envDefaults.set(match[1] ?? '', match[2]);
  }
  return { listenPorts: ports, healthPort, envDefaults, storageDir: envDefaults.get('COLLECTOR_STORAGE_DIR') };
}
