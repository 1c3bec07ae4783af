/**
 * k8s/: renders with `kubectl kustomize k8s/` (what `kubectl apply -k k8s/` applies), every object is valid for
 * the Kubernetes schemas, and the policy checks hold: probes, resources, Pod Security "restricted", pinned images,
 * PDBs, the network flows, the downward API in OTEL_RESOURCE_ATTRIBUTES, the two collector tiers (tier 1 finding
 * tier 2 through its headless Service, tier 2's queues on volumes of their own) and their ConfigMaps being the files
 * of collector/, otel-collector.yaml and the Jaeger config the very files docker compose mounts, and a
 * PersistentVolumeClaim of its own for every Jaeger.
 */
import fs from 'node:fs';
import { namesOf, readTenants, servicesTenants } from '@otel-stack/tenants';
import { readCollectorFacts } from './lib/collector-config';
import { parseDotEnv } from './lib/compose';
import { defaultsOf, restatedDefaults } from './lib/defaults';
import { JAEGER_CONFIG, JAEGER_UID, readJaegerFacts } from './lib/jaeger-config';
import {
  connectionAllowed,
  type Endpoint,
  type K8sObject,
  kubectlAvailable,
  renderKustomization,
  selectorMatches,
  validateAgainstSchemas,
} from './lib/k8s';
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
  TIER1_CONFIG,
  TIER2_OVERLAY,
} from './lib/repo';

const NAMESPACE = 'otel-stack';
const tenants = readTenants(ROOT);
const JAEGERS = tenants.backends.map((b) => b.jaeger);
const jaegerFacts = readJaegerFacts();
const JAEGER_PORTS = jaegerFacts.listenPorts;
const hasKubectl = kubectlAvailable();
if (!hasKubectl) {
  // CI and the development machines have kubectl; say loudly why nothing ran where it is missing.
  process.stderr.write('test/deploy/k8s.test.ts: kubectl not found on PATH: Kubernetes manifest checks SKIPPED\n');
}
const describeWithKubectl = hasKubectl ? describe : describe.skip;

function render(): K8sObject[] {
  try {
    return renderKustomization().objects;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    const hint = fs.existsSync(repoPath('collector', 'kustomization.yaml'))
      ? ''
      : '\ncollector/kustomization.yaml is missing: it is the kustomize Component that turns ' +
        `${COLLECTOR_CONFIG} into the collector ConfigMap (content in docs/deployment.md).`;
    throw new Error(`kubectl kustomize k8s/ failed:\n${stderr}${hint}`);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: container specs are read field by field below.
type Container = Record<string, any>;

describeWithKubectl('k8s/ (kubectl kustomize)', () => {
  let objects: K8sObject[] = [];
  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  /** Every workload: the Deployments and collector tier 2's StatefulSet. */
  const workloads = () => [...ofKind('Deployment'), ...ofKind('StatefulSet')];
  const workload = (name: string) => workloads().find((w) => w.metadata.name === name);
  const containersOf = (d: K8sObject): Container[] => [
    ...(d.spec.template.spec.initContainers ?? []),
    ...d.spec.template.spec.containers,
  ];
  const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

  beforeAll(() => {
    objects = render();
  });

  test(`renders the expected objects, all in namespace ${NAMESPACE}`, () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '-<hash>')}`).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        `Namespace/${NAMESPACE}`,
        'ConfigMap/otel-collector-tier1-<hash>',
        'ConfigMap/otel-collector-tier2-<hash>',
        'ConfigMap/tenancy-<hash>',
        'StatefulSet/otel-collector-tier2',
        ...['order-api', 'payment-service', 'otel-collector-tier1', ...JAEGERS].map((n) => `Deployment/${n}`),
        ...['order-api', 'payment-service', 'otel-collector-tier1', 'otel-collector-tier2', ...JAEGERS].flatMap((n) => [
          `Service/${n}`,
          `PodDisruptionBudget/${n}`,
        ]),
        ...JAEGERS.flatMap((n) => [
          `ConfigMap/${n.replace(/^jaeger/, 'jaeger-config')}-<hash>`,
          `PersistentVolumeClaim/${n.replace(/^jaeger/, 'jaeger-data')}`,
        ]),
      ]),
    );
    for (const object of objects) {
      if (object.kind === 'Namespace') continue;
      expect({ object: `${object.kind}/${object.metadata.name}`, namespace: object.metadata.namespace }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        namespace: NAMESPACE,
      });
    }
  });

  test('every object is valid for the Kubernetes schemas (kubernetes-models)', () => {
    const results = validateAgainstSchemas(objects);
    expect(results).toHaveLength(objects.length);
    expect(results.filter((r) => r.error !== null)).toEqual([]);
  });

  test('the namespace enforces Pod Security "restricted"', () => {
    expect(named('Namespace', NAMESPACE)?.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  test('every container has startup, readiness and liveness probes on a port it declares', () => {
    for (const deployment of workloads()) {
      for (const container of containersOf(deployment)) {
        const where = `${deployment.metadata.name}/${container.name}`;
        const declared = new Set<string | number>(
          (container.ports ?? []).flatMap((p: { name?: string; containerPort: number }) => [
            p.name ?? '',
            p.containerPort,
          ]),
        );
        for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
          const spec = container[probe];
          expect({ where, probe, present: spec !== undefined }).toEqual({ where, probe, present: true });
          const port = spec?.httpGet?.port ?? spec?.grpc?.port ?? spec?.tcpSocket?.port;
          expect({ where, probe, port, declared: declared.has(port) }).toEqual({ where, probe, port, declared: true });
        }
      }
    }
  });

  test('payment-service is probed through its gRPC health service on 50051', () => {
    const container = named('Deployment', 'payment-service')?.spec.template.spec.containers[0];
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      expect(container?.[probe]?.grpc).toEqual({ port: 50051 });
    }
  });

  test('every container has CPU and memory requests and limits, and runtime limits fit under them', () => {
    for (const deployment of workloads()) {
      for (const container of containersOf(deployment)) {
        const where = `${deployment.metadata.name}/${container.name}`;
        const { requests = {}, limits = {} } = container.resources ?? {};
        expect({ where, requests: Object.keys(requests).sort(), limits: Object.keys(limits).sort() }).toEqual({
          where,
          requests: ['cpu', 'memory'],
          limits: ['cpu', 'memory'],
        });
        const limit = parseMemory(limits.memory ?? '0');
        expect({ where, requestWithinLimit: parseMemory(requests.memory ?? '0') <= limit }).toEqual({
          where,
          requestWithinLimit: true,
        });
        const env = new Map<string, string>(
          (container.env ?? []).map((e: { name: string; value?: string }) => [e.name, e.value ?? '']),
        );
        const heap = maxOldSpaceBytes(env.get('NODE_OPTIONS'));
        if (heap !== undefined) expect({ where, heapShare: heap / limit <= 0.6 }).toEqual({ where, heapShare: true });
        if (env.has('GOMEMLIMIT')) {
          const share = parseMemory(env.get('GOMEMLIMIT') ?? '0') / limit;
          expect({ where, goShare: share >= 0.5 && share <= 0.9 }).toEqual({ where, goShare: true });
        }
      }
    }
  });

  test('every pod meets Pod Security "restricted" and has a read-only root filesystem', () => {
    for (const deployment of workloads()) {
      const pod = deployment.spec.template.spec;
      expect({
        name: deployment.metadata.name,
        hostNetwork: pod.hostNetwork ?? false,
        hostPID: pod.hostPID ?? false,
      }).toEqual({
        name: deployment.metadata.name,
        hostNetwork: false,
        hostPID: false,
      });
      expect((pod.volumes ?? []).filter((v: Record<string, unknown>) => 'hostPath' in v)).toEqual([]);
      for (const container of containersOf(deployment)) {
        const where = `${deployment.metadata.name}/${container.name}`;
        const sc = container.securityContext ?? {};
        const podSc = pod.securityContext ?? {};
        expect({
          where,
          allowPrivilegeEscalation: sc.allowPrivilegeEscalation,
          privileged: sc.privileged ?? false,
          drop: sc.capabilities?.drop,
          add: sc.capabilities?.add ?? [],
          runAsNonRoot: sc.runAsNonRoot ?? podSc.runAsNonRoot,
          runAsUserNotRoot: (sc.runAsUser ?? podSc.runAsUser) !== 0,
          seccomp: sc.seccompProfile?.type ?? podSc.seccompProfile?.type,
          readOnlyRootFilesystem: sc.readOnlyRootFilesystem,
        }).toEqual({
          where,
          allowPrivilegeEscalation: false,
          privileged: false,
          drop: ['ALL'],
          add: [],
          runAsNonRoot: true,
          runAsUserNotRoot: true,
          seccomp: 'RuntimeDefault',
          readOnlyRootFilesystem: true,
        });
      }
      expect({ name: deployment.metadata.name, token: pod.automountServiceAccountToken }).toEqual({
        name: deployment.metadata.name,
        token: false,
      });
    }
  });

  test('every image is pinned, and the versions match the compose stack (.env)', () => {
    const dotEnv = parseDotEnv(readRepoFile('.env'));
    const composeImages = new Set([...dotEnv.entries()].filter(([k]) => k.endsWith('_IMAGE')).map(([, v]) => v));
    for (const deployment of workloads()) {
      for (const container of containersOf(deployment)) {
        const image: string = container.image;
        expect({ image, pinned: isPinnedImage(image) }).toEqual({ image, pinned: true });
        expect({ image, sameAsCompose: composeImages.has(image) }).toEqual({ image, sameAsCompose: true });
        expect({ image, pullPolicy: container.imagePullPolicy }).toEqual({ image, pullPolicy: 'IfNotPresent' });
      }
    }
  });

  test('every workload has a PodDisruptionBudget selecting its pods, that never blocks all evictions', () => {
    for (const deployment of workloads()) {
      const labels = deployment.spec.template.metadata.labels;
      const pdbs = ofKind('PodDisruptionBudget').filter((p) => selectorMatches(p.spec.selector, labels));
      expect({ deployment: deployment.metadata.name, pdbs: pdbs.length }).toEqual({
        deployment: deployment.metadata.name,
        pdbs: 1,
      });
      const pdb = pdbs[0];
      if (pdb?.spec.minAvailable !== undefined) {
        expect({
          deployment: deployment.metadata.name,
          evictable: deployment.spec.replicas > pdb.spec.minAvailable,
        }).toEqual({
          deployment: deployment.metadata.name,
          evictable: true,
        });
      }
    }
  });

  test('every Service selects pods, and targets ports those pods declare', () => {
    for (const service of ofKind('Service')) {
      const selected = workloads().filter((d) =>
        selectorMatches({ matchLabels: service.spec.selector }, d.spec.template.metadata.labels),
      );
      expect({ service: service.metadata.name, selects: selected.length }).toEqual({
        service: service.metadata.name,
        selects: 1,
      });
      const declared = new Set(
        selected.flatMap((d) =>
          containersOf(d).flatMap((c) =>
            (c.ports ?? []).flatMap((p: { name?: string; containerPort: number }) => [p.name, p.containerPort]),
          ),
        ),
      );
      for (const port of service.spec.ports) {
        const target = port.targetPort ?? port.port;
        expect({ service: service.metadata.name, target, declared: declared.has(target) }).toEqual({
          service: service.metadata.name,
          target,
          declared: true,
        });
      }
    }
  });

  test('every address in an environment variable points at a Service port that reaches a listening container', () => {
    const collectorPorts = readCollectorFacts().listenPorts;
    const checked: string[] = [];
    for (const deployment of workloads()) {
      for (const container of containersOf(deployment)) {
        for (const { name, value } of (container.env ?? []) as Array<{ name: string; value?: string }>) {
          if (value === undefined || !isEndpointVariable(name, value)) continue;
          const endpoint = parseEndpoint(value);
          const where = `${deployment.metadata.name}.${name}`;
          expect({ where, value, parsed: endpoint !== undefined }).toEqual({ where, value, parsed: true });
          if (!endpoint) continue;
          const service = named('Service', endpoint.host);
          expect({ where, service: endpoint.host, exists: service !== undefined }).toEqual({
            where,
            service: endpoint.host,
            exists: true,
          });
          const servicePort = service?.spec.ports.find((p: { port: number }) => p.port === endpoint.port);
          expect({ where, value, servicePort: servicePort !== undefined }).toEqual({ where, value, servicePort: true });
          // The container behind the Service really listens there (its PORT env, or the component's own config).
          const target = workloads().find((d) =>
            selectorMatches({ matchLabels: service?.spec.selector }, d.spec.template.metadata.labels),
          );
          const targetContainer = target?.spec.template.spec.containers[0];
          const targetPort = targetContainer?.ports.find(
            (p: { name: string; containerPort: number }) =>
              p.name === servicePort?.targetPort || p.containerPort === servicePort?.targetPort,
          )?.containerPort;
          const portEnv = (targetContainer?.env ?? []).find((e: { name: string }) => e.name === 'PORT')?.value;
          const listens =
            portEnv !== undefined
              ? new Set([Number(portEnv)])
              : String(targetContainer?.image).startsWith('otel/')
                ? collectorPorts
                : JAEGER_PORTS;
          expect({ where, targetPort, listens: listens.has(targetPort) }).toEqual({ where, targetPort, listens: true });
          checked.push(where);
        }
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'order-api.PAYMENT_SERVICE_ADDR',
        'order-api.OTEL_EXPORTER_OTLP_ENDPOINT',
        'payment-service.OTEL_EXPORTER_OTLP_ENDPOINT',
      ]),
    );
  });

  test("the collector config's endpoint defaults point at a Service port with a listening Jaeger, one per backend", () => {
    const collector = workload('otel-collector-tier2')?.spec.template.spec.containers[0];
    const set = new Set((collector?.env ?? []).map((e: { name: string }) => e.name));
    for (const backend of tenants.backends) {
      const variable = namesOf(backend).endpointVariable;
      const fallback = readCollectorFacts().envDefaults.get(variable) ?? '';
      const endpoint = parseEndpoint(fallback);
      const service = named('Service', endpoint?.host ?? '');
      const servicePort = service?.spec.ports.find((p: { port: number }) => p.port === endpoint?.port);
      const target = workloads().find((d) =>
        selectorMatches({ matchLabels: service?.spec.selector }, d.spec.template.metadata.labels),
      );
      const containerPort = target?.spec.template.spec.containers[0].ports.find(
        (p: { name: string }) => p.name === servicePort?.targetPort,
      )?.containerPort;
      expect({ variable, set: set.has(variable), fallback, listens: JAEGER_PORTS.has(containerPort) }).toEqual({
        variable,
        set: false,
        fallback: `${backend.jaeger}:4317`,
        listens: true,
      });
    }
  });

  test('no environment value restates a default; PORT equals it, TENANTS (ConfigMap tenancy) is tenants.yaml', () => {
    for (const deployment of workloads()) {
      const name = deployment.metadata.name;
      for (const container of containersOf(deployment)) {
        const env = new Map<string, string>(
          (container.env ?? []).flatMap((e: { name: string; value?: string }) =>
            e.value === undefined ? [] : [[e.name, e.value]],
          ),
        );
        expect({ name, restated: restatedDefaults(name, env) }).toEqual({ name, restated: [] });
        const port = defaultsOf(name).get('PORT');
        if (env.has('PORT')) expect({ name, port: env.get('PORT') }).toEqual({ name, port });
      }
    }
    const tenancy = ofKind('ConfigMap').find((c) => c.metadata.name.startsWith('tenancy-'));
    expect(tenancy?.data).toEqual({
      TENANTS: servicesTenants(tenants.backends),
      'tenants.yaml': readRepoFile('tenants.yaml'),
    });
  });

  test('OTEL_RESOURCE_ATTRIBUTES carries pod, namespace and node from the downward API', () => {
    for (const name of ['order-api', 'payment-service']) {
      const env: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }> =
        named('Deployment', name)?.spec.template.spec.containers[0].env ?? [];
      const index = (variable: string) => env.findIndex((e) => e.name === variable);
      const attributes = env[index('OTEL_RESOURCE_ATTRIBUTES')]?.value ?? '';
      for (const [attribute, fieldPath] of [
        ['k8s.pod.name', 'metadata.name'],
        ['k8s.namespace.name', 'metadata.namespace'],
        ['k8s.node.name', 'spec.nodeName'],
      ] as const) {
        const variable =
          new RegExp(`(?:^|,)${attribute.replace(/\./g, '\\.')}=\\$\\(([A-Z0-9_]+)\\)`).exec(attributes)?.[1] ?? '';
        const definition = env[index(variable)];
        // $(VAR) expands only when VAR is defined earlier in the list.
        expect({
          name,
          attribute,
          fieldPath: definition?.valueFrom?.fieldRef?.fieldPath,
          before: index(variable) >= 0 && index(variable) < index('OTEL_RESOURCE_ATTRIBUTES'),
        }).toEqual({
          name,
          attribute,
          fieldPath,
          before: true,
        });
      }
      const keys = attributes.split(',').map((pair) => pair.split('=')[0]);
      expect(keys).toEqual(expect.arrayContaining(['service.namespace', 'deployment.environment.name']));
      // service.version is the package version, the SDK's default: the image tag (checked above) is the same.
      expect(keys).not.toContain('service.version');
    }
  });

  test('network policies: only order-api is reachable from outside; only our services reach tier 1, only tier 1 reaches tier 2, only tier 2 the Jaegers', () => {
    const policies = ofKind('NetworkPolicy');
    const namespaceLabels = { 'kubernetes.io/metadata.name': NAMESPACE };
    const pod = (name: string): Endpoint => {
      const found = workload(name);
      if (!found) throw new Error(`no workload ${name}`);
      return { namespace: NAMESPACE, namespaceLabels, labels: found.spec.template.metadata.labels };
    };
    const stranger: Endpoint = { namespace: NAMESPACE, namespaceLabels, labels: { app: 'debug-shell' } };
    const otherNamespace: Endpoint = {
      namespace: 'default',
      namespaceLabels: { 'kubernetes.io/metadata.name': 'default' },
      labels: { 'app.kubernetes.io/name': 'order-api' },
    };
    const [tier1, tier2] = ['otel-collector-tier1', 'otel-collector-tier2'];
    const jaegers = JAEGERS;
    const flows: Array<[string, Endpoint | 'external', string, number, boolean]> = [
      ['outside -> order-api:8080', 'external', 'order-api', 8080, true],
      ['other namespace -> order-api:8080', otherNamespace, 'order-api', 8080, true],
      ['order-api -> payment-service:50051', pod('order-api'), 'payment-service', 50051, true],
      ...['order-api', 'payment-service'].flatMap(
        (service): Array<[string, Endpoint, string, number, boolean]> => [
          [`${service} -> ${tier1}:4317`, pod(service), tier1, 4317, true],
          [`${service} -> ${tier2}:4317 (bypassing the masking)`, pod(service), tier2, 4317, false],
        ],
      ),
      [`${tier1} -> ${tier2}:4317`, pod(tier1), tier2, 4317, true],
      ...jaegers.flatMap(
        (j): Array<[string, Endpoint, string, number, boolean]> => [
          [`${tier2} -> ${j}:4317`, pod(tier2), j, 4317, true],
          [`${tier1} -> ${j}:4317 (bypassing tail sampling and routing)`, pod(tier1), j, 4317, false],
        ],
      ),
      ['outside -> payment-service:50051', 'external', 'payment-service', 50051, false],
      ...[tier1, tier2].flatMap(
        (tier): Array<[string, Endpoint | 'external', string, number, boolean]> => [
          [`outside -> ${tier}:4317`, 'external', tier, 4317, false],
          [`other namespace -> ${tier}:4317`, otherNamespace, tier, 4317, false],
          [`stranger pod -> ${tier}:4317`, stranger, tier, 4317, false],
        ],
      ),
      [`${tier2} -> ${tier1}:4317`, pod(tier2), tier1, 4317, false],
      ['stranger pod -> payment-service:50051', stranger, 'payment-service', 50051, false],
      ['payment-service -> order-api:8080', pod('payment-service'), 'order-api', 8080, false],
      ...jaegers.flatMap(
        (j): Array<[string, Endpoint | 'external', string, number, boolean]> => [
          [`outside -> ${j}:4317`, 'external', j, 4317, false],
          [`outside -> ${j}:16686 (UI: port-forward only)`, 'external', j, 16686, false],
          [`order-api -> ${j}:4317 (bypassing the masking)`, pod('order-api'), j, 4317, false],
          [`payment-service -> ${j}:4317`, pod('payment-service'), j, 4317, false],
          [`stranger pod -> ${j}:4317`, stranger, j, 4317, false],
        ],
      ),
    ];
    const verdicts = flows.map(([flow, source, destination, port]) => [
      flow,
      connectionAllowed(policies, source, pod(destination), port),
    ]);
    expect(verdicts).toEqual(flows.map(([flow, , , , allowed]) => [flow, allowed]));
  });

  /** Each tier's ConfigMap: what it holds, and from which files of collector/. */
  const TIER_CONFIGS: Array<[string, Record<string, string>]> = [
    ['otel-collector-tier1', { 'tier1.yaml': TIER1_CONFIG }],
    ['otel-collector-tier2', { 'config.yaml': COLLECTOR_CONFIG, 'tier2.yaml': TIER2_OVERLAY }],
  ];

  test.each(TIER_CONFIGS)(
    '%s: its ConfigMap is the files of collector/, byte for byte, mounted where every --config points',
    (name, files) => {
      const configMaps = ofKind('ConfigMap').filter((c) => c.metadata.name.replace(/-[a-z0-9]{10}$/, '') === name);
      expect(configMaps).toHaveLength(1);
      const configMap = configMaps[0] as K8sObject;
      expect(Object.keys(configMap.data).sort()).toEqual(Object.keys(files).sort());
      for (const [key, file] of Object.entries(files)) {
        expect({
          key,
          file,
          same: Buffer.from(configMap.data[key], 'utf8').equals(fs.readFileSync(repoPath(file))),
        }).toEqual({
          key,
          file,
          same: true,
        });
      }

      const pod = workload(name)?.spec.template.spec;
      const container = pod?.containers[0];
      const volume = pod?.volumes.find(
        (v: { configMap?: { name: string } }) => v.configMap?.name === configMap.metadata.name,
      );
      const mount = container?.volumeMounts.find((m: { name: string }) => m.name === volume?.name);
      const configFiles: string[] = (container?.args ?? [])
        .filter((a: string) => a.startsWith('--config=') && !a.startsWith('--config=yaml:'))
        .map((a: string) => a.slice('--config='.length));
      expect(configFiles.sort()).toEqual(
        Object.keys(files)
          .map((key) => `${mount?.mountPath}/${key}`)
          .sort(),
      );
    },
  );

  test("tier 2's file_storage directory is a volume of its own per replica (volumeClaimTemplates), writable for uid 10001", () => {
    const statefulSet = workload('otel-collector-tier2');
    const container = statefulSet?.spec.template.spec.containers[0];
    const storage =
      container?.env.find((e: { name: string }) => e.name === 'COLLECTOR_STORAGE_DIR')?.value ??
      readCollectorFacts().storageDir;
    const mount = container?.volumeMounts.find((m: { mountPath: string }) => m.mountPath === storage);
    const claims = (statefulSet?.spec.volumeClaimTemplates ?? []).map((c: K8sObject) => c.metadata.name);
    expect({ mount: mount?.name, claimed: claims.includes(mount?.name) }).toEqual({ mount: 'queue', claimed: true });
    expect(statefulSet?.spec.template.spec.volumes.map((v: { name: string }) => v.name)).not.toContain('queue');
    expect(statefulSet?.spec.template.spec.securityContext.fsGroup).toBe(10001);
  });

  test('tier 1 finds tier 2 through the DNS of a headless Service that selects exactly the tier-2 pods, on their OTLP port', () => {
    const args: string[] = workload('otel-collector-tier1')?.spec.template.spec.containers[0].args ?? [];
    const prefix = '--config=yaml:exporters::loadbalancing::resolver::dns::hostname: ';
    const resolvers = args.filter((a) => a.startsWith('--config=yaml:exporters::loadbalancing::resolver::'));
    expect(resolvers).toEqual([
      expect.stringMatching(/^--config=yaml:exporters::loadbalancing::resolver::dns::hostname: /),
    ]);
    const hostname = resolvers[0]?.slice(prefix.length) ?? '';
    const service = named('Service', hostname);
    const statefulSet = workload('otel-collector-tier2');
    expect({ clusterIP: service?.spec.clusterIP, serviceName: statefulSet?.spec.serviceName }).toEqual({
      clusterIP: 'None',
      serviceName: hostname,
    });
    expect(selectorMatches({ matchLabels: service?.spec.selector }, statefulSet?.spec.template.metadata.labels)).toBe(
      true,
    );
    // The resolver's default port (collector/tier1.yaml sets none) is the tier-2 pods' OTLP/gRPC port.
    const grpc = statefulSet?.spec.template.spec.containers[0].ports.find(
      (p: { name: string }) => p.name === 'otlp-grpc',
    );
    expect(grpc?.containerPort).toBe(4317);
    expect(service?.spec.ports.map((p: { port: number }) => p.port)).toEqual([4317]);
  });

  test('both tiers run two replicas', () => {
    for (const name of ['otel-collector-tier1', 'otel-collector-tier2']) {
      expect({ name, replicas: workload(name)?.spec.replicas }).toEqual({ name, replicas: 2 });
    }
  });

  test(`every Jaeger runs its own ConfigMap, ${JAEGER_CONFIG} byte for byte, mounted where --config points`, () => {
    const configMaps = new Set<string>();
    for (const name of JAEGERS) {
      const pod = named('Deployment', name)?.spec.template.spec;
      const container = pod?.containers[0];
      const configArg: string =
        container?.args.find((a: string) => a.startsWith('--config='))?.slice('--config='.length) ?? '';
      const mount = container?.volumeMounts.find((m: { mountPath: string }) => configArg.startsWith(`${m.mountPath}/`));
      const volume = pod?.volumes.find((v: { name: string }) => v.name === mount?.name);
      const item = volume?.configMap?.items?.find(
        (i: { path: string }) => `${mount?.mountPath}/${i.path}` === configArg,
      );
      const configMap = named('ConfigMap', volume?.configMap?.name ?? '');
      expect({ name, configMap: configMap?.metadata.name.startsWith('jaeger-config-') }).toEqual({
        name,
        configMap: true,
      });
      expect(Object.keys(configMap?.data ?? {})).toEqual([item?.key]);
      expect(
        Buffer.from(configMap?.data[item?.key] ?? '', 'utf8').equals(fs.readFileSync(repoPath(JAEGER_CONFIG))),
      ).toBe(true);
      expect((container?.env ?? []).map((e: { name: string }) => e.name)).not.toContain('JAEGER_BADGER_DIR');
      configMaps.add(configMap?.metadata.name ?? '');
    }
    expect(configMaps.size).toBe(JAEGERS.length);
    expect(jaegerFacts).toMatchObject({ ephemeral: false, writesTo: jaegerFacts.readsFrom });
  });

  test(`every Jaeger keeps its spans on a PersistentVolumeClaim of its own, writable for uid ${JAEGER_UID}, one pod at a time`, () => {
    const claims = new Map<string, string>();
    for (const name of JAEGERS) {
      const deployment = named('Deployment', name);
      const pod = deployment?.spec.template.spec;
      const container = pod?.containers[0];
      const mount = container?.volumeMounts.find((m: { mountPath: string }) => m.mountPath === jaegerFacts.dataDir);
      const volume = pod?.volumes.find((v: { name: string }) => v.name === mount?.name);
      const claimName: string = volume?.persistentVolumeClaim?.claimName ?? '';
      const claim = named('PersistentVolumeClaim', claimName);
      expect({
        name,
        claim: claim?.metadata.name,
        accessModes: claim?.spec.accessModes,
        storage: claim?.spec.resources.requests.storage !== undefined,
        sharedWith: claims.get(claimName),
      }).toEqual({ name, claim: claimName, accessModes: ['ReadWriteOnce'], storage: true, sharedWith: undefined });
      claims.set(claimName, name);
      // Badger's lock and a ReadWriteOnce claim: the old pod must be gone before the new one opens the store.
      expect({ name, replicas: deployment?.spec.replicas, strategy: deployment?.spec.strategy.type }).toEqual({
        name,
        replicas: 1,
        strategy: 'Recreate',
      });
      expect({ name, runAsUser: pod?.securityContext.runAsUser, fsGroup: pod?.securityContext.fsGroup }).toEqual({
        name,
        runAsUser: JAEGER_UID,
        fsGroup: JAEGER_UID,
      });
      expect(container?.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain('/tmp');
    }
  });
});
