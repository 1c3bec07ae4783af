/**
 * docker-compose.opamp.yml over docker-compose.yml: what the overlay changes (compose.test.ts checks the merged
 * stack like the default one), and the merge rules the checks rely on.
 */
import YAML from 'yaml';
import { OPAMP_PATH } from '../../services/control-plane/src/opamp-server';
import { readCollectorFacts } from './lib/collector-config';
import { DEFAULT_STACK, environmentOf, loadCompose, mergeCompose, OPAMP_STACK, readComposeFile } from './lib/compose';
import { COLLECTOR_CONFIG, parseEndpoint, readRepoFile } from './lib/repo';

const opamp = loadCompose(OPAMP_STACK).resolved;
const plain = loadCompose(DEFAULT_STACK).resolved;
const collector = opamp.services['otel-collector'] ?? {};
const controlPlane = opamp.services['control-plane'] ?? {};
const supervisorConfig = YAML.parse(readRepoFile('collector/opamp/supervisor.yaml')) as {
  server: { endpoint: string };
  storage: { directory: string };
};
const mounts = (service: typeof collector) =>
  (service.volumes ?? []).flatMap((v) => (typeof v === 'object' ? [v] : []));

describe('merging compose files as docker compose does', () => {
  const merge = (base: string, overlay: string) => mergeCompose(readComposeFile(base), readComposeFile(overlay));

  test('!reset drops, !override replaces, command replaces, volumes are unique by target, lists append', () => {
    const base = `
services:
  a:
    command: [x]
    volumes: [{ type: volume, source: one, target: /data }, { type: volume, source: two, target: /other }]
    expose: ["1"]
    environment: { A: "1", B: "2" }
  b:
    volumes: [{ type: volume, source: one, target: /data }]
`;
    const overlay = `
services:
  a:
    command: !reset null
    volumes: [{ type: volume, source: three, target: /data }]
    expose: ["2"]
    environment: { B: "3" }
  b:
    volumes: !override [{ type: volume, source: four, target: /elsewhere }]
`;
    expect(merge(base, overlay)).toEqual({
      services: {
        a: {
          volumes: [
            { type: 'volume', source: 'three', target: '/data' },
            { type: 'volume', source: 'two', target: '/other' },
          ],
          expose: ['1', '2'],
          environment: { A: '1', B: '3' },
        },
        b: { volumes: [{ type: 'volume', source: 'four', target: '/elsewhere' }] },
      },
    });
  });

  test('healthcheck.test and entrypoint are replaced, not appended', () => {
    const merged = merge(
      'services: { a: { entrypoint: [x], healthcheck: { test: [CMD, x], interval: 5s } } }',
      'services: { a: { entrypoint: [y], healthcheck: { test: [CMD, y] } } }',
    );
    expect(merged).toEqual({
      services: { a: { entrypoint: ['y'], healthcheck: { test: ['CMD', 'y'], interval: '5s' } } },
    });
  });
});

describe('docker-compose.opamp.yml', () => {
  test('adds the control plane and changes only the collector; every other service is the default one', () => {
    expect(Object.keys(opamp.services).sort()).toEqual([...Object.keys(plain.services), 'control-plane'].sort());
    for (const [name, service] of Object.entries(plain.services)) {
      if (name === 'otel-collector') continue;
      expect({ name, service: opamp.services[name] }).toEqual({ name, service });
    }
  });

  test("the collector runs the image's supervisor: no --config of the plain collector, no mounted collector config", () => {
    expect(collector.image?.startsWith('otelcol-otel-stack-opamp:')).toBe(true);
    expect(collector.command).toBeUndefined();
    expect(mounts(collector).some((m) => m.type === 'bind' || m.source === `./${COLLECTOR_CONFIG}`)).toBe(false);
    // It still publishes what the plain collector does (OTLP for host processes, health, metrics).
    expect(collector.ports).toEqual(plain.services['otel-collector']?.ports);
  });

  test("the supervisor's storage and the queues are on named volumes, at the paths its configs use", () => {
    const targets = new Map(mounts(collector).map((m) => [m.target, m]));
    expect(targets.get(supervisorConfig.storage.directory)).toMatchObject({ type: 'volume' });
    expect(targets.get(readCollectorFacts().storageDir ?? '')).toMatchObject({
      type: 'volume',
      source: 'collector-queue',
    });
    for (const mount of mounts(collector)) expect(Object.keys(opamp.volumes ?? {})).toContain(mount.source);
  });

  test("supervisor.yaml's default server is the control-plane service, on the port and path it serves", () => {
    const endpoint = /\$\{env:OPAMP_SERVER_ENDPOINT:-([^}]+)\}/.exec(supervisorConfig.server.endpoint)?.[1] ?? '';
    expect(new URL(endpoint).pathname).toBe(OPAMP_PATH);
    const address = parseEndpoint(endpoint);
    expect(address?.host).toBe('control-plane');
    expect((controlPlane.expose ?? []).map(Number)).toEqual([address?.port]);
    expect(environmentOf(collector).has('OPAMP_SERVER_ENDPOINT')).toBe(false);
  });

  test('the control plane renders from the very collector config and tenants.yaml, mounted where its variables point', () => {
    const env = environmentOf(controlPlane);
    const fileAt = (target: string | undefined) => {
      const entry = (controlPlane.configs ?? []).find((c) => typeof c === 'object' && c.target === target);
      return opamp.configs?.[typeof entry === 'object' ? entry.source : '']?.file;
    };
    expect(fileAt(env.get('COLLECTOR_CONFIG_TEMPLATE'))).toBe(`./${COLLECTOR_CONFIG}`);
    expect(fileAt(env.get('TENANTS_FILE'))).toBe('./tenants.yaml');
  });

  test('the admin API is not reachable from outside its container: loopback (the default), nothing published', () => {
    const env = environmentOf(controlPlane);
    expect(env.has('ADMIN_HOST')).toBe(false);
    expect(env.has('ADMIN_TOKEN')).toBe(false);
    expect(controlPlane.ports).toBeUndefined();
    // Its desired config survives a restart: STATE_DIR (the image's) is a named volume.
    expect(mounts(controlPlane).find((m) => m.target === '/var/lib/control-plane')).toMatchObject({ type: 'volume' });
  });

  test('the collector starts after the control plane is healthy, and is healthy once it runs a pushed config', () => {
    expect(collector.depends_on).toMatchObject({ 'control-plane': { condition: 'service_healthy' } });
    const url = (collector.healthcheck?.test as string[] | undefined)?.find((arg) => arg.startsWith('http://'));
    expect(parseEndpoint(url ?? '')?.port).toBe(readCollectorFacts().healthPort);
  });
});
