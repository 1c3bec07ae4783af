/**
 * docker-compose.yml + .env: valid against the Compose Specification, and internally consistent (addresses point at
 * services and ports that exist, start order has something to wait for, images pinned, every variable defined,
 * the collector and the Jaegers mount the tested configs, every Jaeger keeps its spans on a volume of its own,
 * memory limits everywhere with runtime limits below them).
 */
import fs from 'node:fs';
import { namesOf, readTenants, servicesTenants } from '@otel-stack/tenants';
import Ajv from 'ajv';
import { readCollectorFacts } from './lib/collector-config';
import {
  type ComposeService,
  DEFAULT_STACK,
  dependsOn,
  environmentOf,
  loadCompose,
  OPAMP_STACK,
  passedThrough,
} from './lib/compose';
import { defaultsOf, restatedDefaults } from './lib/defaults';
import { JAEGER_CONFIG, JAEGER_UID, readJaegerFacts } from './lib/jaeger-config';
import {
  COLLECTOR_CONFIG,
  isEndpointVariable,
  isPinnedImage,
  maxOldSpaceBytes,
  parseEndpoint,
  parseMemory,
  ROOT,
  readRepoFile,
  repoPath,
} from './lib/repo';

const tenants = readTenants(ROOT);
const collectorFacts = readCollectorFacts();
const jaegerFacts = readJaegerFacts();
const opampRelease = /^ {2}version: *([0-9.]+)/m.exec(readRepoFile('collector/opamp/builder-config.yaml'))?.[1];

/** Images of collectors that run collector/otel-collector.yaml: the upstream one, and ours under the supervisor. */
const isCollectorImage = (image = '') =>
  image.startsWith('otel/opentelemetry-collector') || image.startsWith('otelcol-otel-stack-opamp:');

/** The ports each service listens on, derived from what configures them, not from what the compose file claims. */
function listeningPorts(name: string, service: ComposeService): Set<number> {
  const env = environmentOf(service);
  if (isCollectorImage(service.image)) return new Set(collectorFacts.listenPorts);
  if (service.image?.startsWith('jaegertracing/jaeger:')) return new Set(jaegerFacts.listenPorts);
  if (service.build && env.has('PORT')) return new Set([Number(env.get('PORT'))]);
  if (service.build && name === 'control-plane')
    return new Set([Number(env.get('OPAMP_PORT') ?? defaultsOf(name).get('OPAMP_PORT'))]);
  if (service.build && name === 'load-generator') return new Set();
  if (service.image?.startsWith('busybox:')) return new Set();
  throw new Error(`compose test does not know which ports ${name} (${service.image}) listens on: teach it`);
}

const stacks = [
  { files: DEFAULT_STACK, ...loadCompose(DEFAULT_STACK) },
  { files: OPAMP_STACK, ...loadCompose(OPAMP_STACK) },
];

test('.env defines every variable the stacks use, and each of its entries is used by one of them', () => {
  const used = new Set(stacks.flatMap((stack) => [...stack.interpolation.used]));
  const unused = [...(stacks[0]?.dotEnv.keys() ?? [])].filter((key) => !used.has(key));
  expect(unused).toEqual([]);
});

describe.each(stacks)('$files', ({ resolved, interpolation, dotEnv }) => {
  const services = resolved.services;
  const listening = new Map(Object.entries(services).map(([name, s]) => [name, listeningPorts(name, s)]));

  test('validates against the Compose Specification schema', () => {
    const schema = JSON.parse(readRepoFile('test/deploy/schemas/compose-spec.json')) as Record<string, unknown>;
    // The schema names its draft-07 meta-schema without the trailing '#'; ajv knows draft-07 under its own id.
    delete schema.$schema;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(resolved);
    expect(ajv.errorsText(validate.errors, { separator: '\n' })).toBe('No errors');
    expect(ok).toBe(true);
  });

  test('uses plain variable references only, and every variable is defined in .env', () => {
    expect(interpolation.unsupported).toEqual([]);
    expect([...interpolation.undefinedVars]).toEqual([]);
  });

  test('every image is pinned to an explicit version (no latest), build base images included', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, image: service.image, pinned: isPinnedImage(service.image ?? '') }).toEqual({
        name,
        image: service.image,
        pinned: true,
      });
      if (!service.build) continue;
      // The base images a build is given (NODE_IMAGE, GO_IMAGE, BUSYBOX_IMAGE): at least one, each pinned.
      const bases = Object.entries(service.build.args ?? {}).filter(([arg]) => arg.endsWith('_IMAGE'));
      expect({ name, bases: bases.length > 0 }).toEqual({ name, bases: true });
      for (const [arg, base] of bases)
        expect({ name, arg, base, pinned: isPinnedImage(base) }).toEqual({ name, arg, base, pinned: true });
    }
  });

  test('images built here are named after the workspace service they build, tagged with its version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (!service.build) continue;
      if (service.build.context === 'collector/opamp') {
        // The collector under the OpAMP Supervisor: named after its distribution, tagged with its release.
        expect({ name, image: service.image }).toEqual({ name, image: `otelcol-otel-stack-opamp:${opampRelease}` });
        continue;
      }
      const target = service.build.args?.SERVICE ?? '';
      const pkg = JSON.parse(readRepoFile('services', target, 'package.json')) as { name: string; version: string };
      expect({ name, image: service.image }).toEqual({ name, image: `${pkg.name}:${pkg.version}` });
      expect(service.build.context).toBe('.');
      expect(service.build.dockerfile).toBe('Dockerfile');
      expect(service.build.args?.PNPM_VERSION).toBe(
        (JSON.parse(readRepoFile('package.json')) as { packageManager: string }).packageManager.replace('pnpm@', ''),
      );
    }
  });

  test('every address in an environment variable points at a defined service and a port it listens on', () => {
    const checked: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of environmentOf(service)) {
        if (!isEndpointVariable(key, value)) continue;
        const endpoint = parseEndpoint(value);
        expect({ service: name, key, value, parsed: endpoint !== undefined }).toEqual({
          service: name,
          key,
          value,
          parsed: true,
        });
        if (!endpoint) continue;
        expect({ service: name, key, host: endpoint.host, defined: endpoint.host in services }).toEqual({
          service: name,
          key,
          host: endpoint.host,
          defined: true,
        });
        const ports = [...(listening.get(endpoint.host) ?? [])];
        expect({ service: name, key, value, listens: ports.includes(endpoint.port) }).toEqual({
          service: name,
          key,
          value,
          listens: true,
        });
        checked.push(`${name}.${key}`);
      }
    }
    // The addresses the stack depends on are among those checked (a renamed variable would silently skip them).
    expect(checked).toEqual(
      expect.arrayContaining([
        'order-api.PAYMENT_SERVICE_ADDR',
        'order-api.OTEL_EXPORTER_OTLP_ENDPOINT',
        'payment-service.OTEL_EXPORTER_OTLP_ENDPOINT',
        'load-generator.TARGET_URL',
      ]),
    );
  });

  test('the contract addresses (services, ports, endpoints)', () => {
    const env = (service: string) => environmentOf(services[service] ?? {});
    expect(env('order-api').get('PAYMENT_SERVICE_ADDR')).toBe('payment-service:50051');
    expect(env('order-api').get('PORT')).toBe('8080');
    expect(env('payment-service').get('PORT')).toBe('50051');
    for (const service of ['order-api', 'payment-service']) {
      expect(env(service).get('OTEL_EXPORTER_OTLP_ENDPOINT')).toBe('http://otel-collector:4317');
      const attributes = env(service).get('OTEL_RESOURCE_ATTRIBUTES') ?? '';
      const keys = attributes.split(',').map((pair) => pair.split('=')[0]);
      expect(keys).toEqual(expect.arrayContaining(['service.namespace', 'deployment.environment.name']));
      // service.version is the package version, the SDK's default: the image tag (checked above) is the same.
      expect(keys).not.toContain('service.version');
      expect(attributes).not.toMatch(/=(,|$)/); // no empty value from a missing variable
    }
    expect(env('load-generator').get('TARGET_URL')).toBe('http://order-api:8080');
  });

  test('the collector config defaults (used when a variable is not set) point at compose services too', () => {
    const collectorEnv = environmentOf(services['otel-collector'] ?? {});
    const checked: string[] = [];
    for (const [variable, fallback] of collectorFacts.envDefaults) {
      if (collectorEnv.has(variable) || fallback === undefined) continue;
      const endpoint = parseEndpoint(fallback);
      if (!endpoint) continue;
      expect({ variable, fallback, listens: listening.get(endpoint.host)?.has(endpoint.port) ?? false }).toEqual({
        variable,
        fallback,
        listens: true,
      });
      checked.push(variable);
    }
    // Every exporter of tenants.yaml's backends reaches its Jaeger through its default.
    expect(checked).toEqual(expect.arrayContaining(tenants.backends.map((b) => namesOf(b).endpointVariable)));
  });

  test('no environment value restates a default; the explicit ones equal it (PORT) or tenants.yaml (TENANTS)', () => {
    for (const [name, service] of Object.entries(services)) {
      const env = environmentOf(service);
      expect({ name, restated: restatedDefaults(name, env) }).toEqual({ name, restated: [] });
      const port = defaultsOf(name).get('PORT');
      if (env.has('PORT')) expect({ name, port: env.get('PORT') }).toEqual({ name, port });
      if (env.has('TENANTS'))
        expect({ name, tenants: env.get('TENANTS') }).toEqual({ name, tenants: servicesTenants(tenants.backends) });
      // A variable passed through from the caller's environment is one the service reads (with its default).
      const unknown = passedThrough(service).filter((variable) => !defaultsOf(name).has(variable));
      expect({ name, unknown }).toEqual({ name, unknown: [] });
    }
    for (const name of ['order-api', 'payment-service'])
      expect({ name, tenants: environmentOf(services[name] ?? {}).get('TENANTS') }).toEqual({
        name,
        tenants: servicesTenants(tenants.backends),
      });
  });

  test('published and exposed ports and healthcheck URLs are ports the service listens on', () => {
    const published = new Map<string, string>();
    for (const [name, service] of Object.entries(services)) {
      const ports = listening.get(name) ?? new Set();
      for (const port of service.expose ?? [])
        expect({ name, port, listens: ports.has(Number(port)) }).toEqual({ name, port, listens: true });
      for (const entry of service.ports ?? []) {
        expect(typeof entry).toBe('object'); // long syntax only: explicit target, published and host_ip
        if (typeof entry !== 'object') continue;
        expect({ name, target: entry.target, listens: ports.has(Number(entry.target)) }).toEqual({
          name,
          target: entry.target,
          listens: true,
        });
        const hostPort = `${entry.host_ip ?? '0.0.0.0'}:${entry.published}`;
        expect({ hostPort, takenBy: published.get(hostPort) }).toEqual({ hostPort, takenBy: undefined });
        published.set(hostPort, name);
      }
      const test = service.healthcheck?.test;
      for (const arg of Array.isArray(test) ? test : []) {
        const endpoint = /^https?:\/\//.test(arg) ? parseEndpoint(arg) : undefined;
        if (endpoint)
          expect({ name, url: arg, listens: ports.has(endpoint.port) }).toEqual({ name, url: arg, listens: true });
      }
    }
    // The contract: order-api on host port 8080, the tenants' Jaeger UIs on 16686 / 16687 / 16688.
    const hostPortOf = (service: string, target: number) =>
      (services[service]?.ports ?? []).flatMap((p) =>
        typeof p === 'object' && p.target === target ? [String(p.published)] : [],
      );
    expect(hostPortOf('order-api', 8080)).toEqual(['8080']);
    expect(hostPortOf('jaeger-tenant-a', 16686)).toEqual(['16686']);
    expect(hostPortOf('jaeger-tenant-b', 16686)).toEqual(['16687']);
    expect(hostPortOf('jaeger-default', 16686)).toEqual(['16688']);
    for (const backend of tenants.backends)
      expect({ jaeger: backend.jaeger, ui: hostPortOf(backend.jaeger, 16686) }).toEqual({
        jaeger: backend.jaeger,
        ui: [String(backend.uiPort)],
      });
  });

  test('depends_on: targets exist; service_healthy targets have a healthcheck; one-shots are not restarted', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [target, condition] of dependsOn(service)) {
        const dependency = services[target];
        expect({ name, target, exists: dependency !== undefined }).toEqual({ name, target, exists: true });
        if (condition === 'service_healthy') {
          const hasCheck = Array.isArray(dependency?.healthcheck?.test) && dependency?.healthcheck?.disable !== true;
          expect({ name, target, condition, hasHealthcheck: hasCheck }).toEqual({
            name,
            target,
            condition,
            hasHealthcheck: true,
          });
        }
        if (condition === 'service_completed_successfully')
          expect({ target, restart: dependency?.restart }).toEqual({ target, restart: 'no' });
      }
    }
  });

  test('healthchecks run without a shell (exec form, no CMD-SHELL)', () => {
    for (const [name, service] of Object.entries(services)) {
      const test = service.healthcheck?.test;
      if (test === undefined) continue;
      expect({ name, form: Array.isArray(test) ? test[0] : 'string (shell)' }).toEqual({ name, form: 'CMD' });
    }
    // Every long-running service has one, except the upstream collector, whose scratch image cannot run one
    // (documented); the supervised collector's image can.
    const without = Object.entries(services)
      .filter(([, s]) => s.restart === 'unless-stopped' && !s.healthcheck)
      .map(([name]) => name);
    const upstreamCollectors = Object.entries(services)
      .filter(([, s]) => s.image?.startsWith('otel/opentelemetry-collector'))
      .map(([name]) => name);
    expect(without).toEqual(upstreamCollectors);
  });

  test(`every Jaeger runs ${JAEGER_CONFIG}, on Badger that persists, where --config points`, () => {
    expect(jaegerFacts).toMatchObject({ ephemeral: false, writesTo: jaegerFacts.readsFrom });
    for (const backend of tenants.backends) {
      const jaeger = services[backend.jaeger] ?? {};
      const command = Array.isArray(jaeger.command) ? jaeger.command : [];
      const configPath = command.find((arg) => arg.startsWith('--config='))?.slice('--config='.length);
      const config = (jaeger.configs ?? []).find((c) => typeof c === 'object' && c.target === configPath);
      const source = typeof config === 'object' ? config.source : undefined;
      expect({ jaeger: backend.jaeger, file: resolved.configs?.[source ?? '']?.file }).toEqual({
        jaeger: backend.jaeger,
        file: `./${JAEGER_CONFIG}`,
      });
      expect(environmentOf(jaeger).has('JAEGER_BADGER_DIR')).toBe(false);
    }
    expect(fs.existsSync(repoPath(JAEGER_CONFIG))).toBe(true);
    for (const dir of Object.values(jaegerFacts.badgerDirs))
      expect(dir.startsWith(`${jaegerFacts.dataDir}/`)).toBe(true);
  });

  test(`every Jaeger keeps its spans on a named volume of its own, handed to uid ${JAEGER_UID} before it starts`, () => {
    const owners = new Map<string, string>();
    for (const backend of tenants.backends) {
      const jaeger = services[backend.jaeger] ?? {};
      const data = (jaeger.volumes ?? []).find((v) => typeof v === 'object' && v.target === jaegerFacts.dataDir);
      const volume = typeof data === 'object' ? data : undefined;
      expect({
        jaeger: backend.jaeger,
        type: volume?.type,
        named: (volume?.source ?? '') in (resolved.volumes ?? {}),
      }).toEqual({
        jaeger: backend.jaeger,
        type: 'volume',
        named: true,
      });
      const source = volume?.source ?? '';
      expect({ volume: source, sharedWith: owners.get(source) }).toEqual({ volume: source, sharedWith: undefined });
      owners.set(source, backend.jaeger);
      // A one-shot it waits for mounts the same volume and gives that directory to Jaeger's user.
      const handedOver = [...dependsOn(jaeger)].some(([name, condition]) => {
        const init = services[name];
        const mount = (init?.volumes ?? []).find((v) => typeof v === 'object' && v.source === source);
        const command = Array.isArray(init?.command) ? init.command : [];
        return (
          condition === 'service_completed_successfully' &&
          typeof mount === 'object' &&
          command[0] === 'chown' &&
          command[1] === `${JAEGER_UID}:${JAEGER_UID}` &&
          command.includes(mount.target)
        );
      });
      expect({ jaeger: backend.jaeger, handedOver }).toEqual({ jaeger: backend.jaeger, handedOver: true });
    }
  });

  test('memory limits on every service, with the runtime limits (heap, GOMEMLIMIT) below them', () => {
    for (const [name, service] of Object.entries(services)) {
      const limit = service.deploy?.resources?.limits?.memory ?? service.mem_limit;
      expect({ name, hasLimit: limit !== undefined }).toEqual({ name, hasLimit: true });
      if (limit === undefined) continue;
      const bytes = parseMemory(limit);
      const env = environmentOf(service);
      if (service.build && !isCollectorImage(service.image)) {
        // V8 heap plus ~60-100 MB of code, buffers and gRPC/HTTP native memory must fit (measured, see docs).
        const heap = maxOldSpaceBytes(env.get('NODE_OPTIONS'));
        expect({ name, heapSet: heap !== undefined }).toEqual({ name, heapSet: true });
        expect({ name, heapShare: (heap ?? bytes) / bytes <= 0.6 }).toEqual({ name, heapShare: true });
      }
      if (isCollectorImage(service.image) || service.image?.startsWith('jaegertracing/')) {
        const goLimit = env.get('GOMEMLIMIT');
        expect({ name, goMemLimit: goLimit !== undefined }).toEqual({ name, goMemLimit: true });
        const share = parseMemory(goLimit ?? '0') / bytes;
        expect({ name, goShare: share >= 0.5 && share <= 0.9 }).toEqual({ name, goShare: true });
      }
    }
  });

  test('restart policy, rotated logs and a read-only root filesystem everywhere', () => {
    for (const [name, service] of Object.entries(services)) {
      const oneShot = name.endsWith('-init') || (service.profiles ?? []).includes('load');
      expect({ name, restart: service.restart }).toEqual({ name, restart: oneShot ? 'no' : 'unless-stopped' });
      expect({ name, driver: service.logging?.driver }).toEqual({ name, driver: 'json-file' });
      expect(service.logging?.options).toMatchObject({
        'max-size': expect.any(String),
        'max-file': expect.any(String),
      });
      expect({ name, readOnly: service.read_only }).toEqual({ name, readOnly: true });
    }
    // The same log settings everywhere (one YAML anchor in docker-compose.yml, the same values in the overlay).
    const logging = Object.values(services).map((s) => JSON.stringify(s.logging));
    expect(new Set(logging).size).toBe(1);
  });

  test('the load generator runs only with the "load" profile', () => {
    const profiled = Object.entries(services).filter(([, s]) => (s.profiles ?? []).length > 0);
    expect(profiled.map(([name, s]) => [name, s.profiles])).toEqual([['load-generator', ['load']]]);
  });

  test('.env pins the same Node.js image and pnpm version as the Dockerfile and package.json', () => {
    const dockerfile = readRepoFile('Dockerfile');
    expect(dockerfile).toContain(`ARG NODE_IMAGE=${dotEnv.get('NODE_IMAGE')}`);
    expect(dockerfile).toContain(`ARG PNPM_VERSION=${dotEnv.get('PNPM_VERSION')}`);
    const packageManager = (JSON.parse(readRepoFile('package.json')) as { packageManager: string }).packageManager;
    expect(packageManager).toBe(`pnpm@${dotEnv.get('PNPM_VERSION')}`);
    const nodeVersion = readRepoFile('.node-version').trim();
    expect(dotEnv.get('NODE_IMAGE')).toMatch(new RegExp(`^node:${nodeVersion.replace(/\./g, '\\.')}-`));
  });
});

describe('docker-compose.yml alone', () => {
  const defaultStack = stacks[0] ?? loadCompose(DEFAULT_STACK);

  test(`the collector mounts ${COLLECTOR_CONFIG} read-only where its --config points, and its queue volume`, () => {
    const collector = defaultStack.resolved.services['otel-collector'];
    expect(collector).toBeDefined();
    const command = Array.isArray(collector?.command) ? collector.command : [];
    const configPath = command.find((arg) => arg.startsWith('--config='))?.slice('--config='.length);
    const mounts = (collector?.volumes ?? []).filter((v) => typeof v === 'object');
    const configMount = mounts.find((v) => typeof v === 'object' && v.target === configPath);
    expect(configMount).toEqual({ type: 'bind', source: `./${COLLECTOR_CONFIG}`, target: configPath, read_only: true });
    expect(fs.existsSync(repoPath(COLLECTOR_CONFIG))).toBe(true);
    // The persistent queue lives on a named volume at the file_storage directory the config uses.
    const storageDir = environmentOf(collector ?? {}).get('COLLECTOR_STORAGE_DIR') ?? collectorFacts.storageDir;
    const queueMount = mounts.find((v) => typeof v === 'object' && v.target === storageDir);
    expect(queueMount).toMatchObject({ type: 'volume' });
    const volumeName = typeof queueMount === 'object' ? queueMount.source : undefined;
    expect(Object.keys(defaultStack.resolved.volumes ?? {})).toContain(volumeName);
  });
});
