/**
 * k8s/opamp/: renders with `kubectl kustomize k8s/opamp/` (what `kubectl apply -k k8s/opamp/` applies), every object
 * is valid for the Kubernetes schemas, the default stack is all there, collector tier 2 runs under the OpAMP
 * Supervisor with collector/opamp/supervisor.yaml and collector/tier2.yaml as its local config, the control plane
 * reads the very collector/otel-collector.yaml and tenants.yaml, images match .env, and the network lets tier 2 and
 * nothing else reach the control plane, which reaches nothing. Not run on a cluster: rendered and checked only.
 */
import YAML from 'yaml';
import { parseDotEnv } from './lib/compose';
import {
  connectionAllowed,
  type Endpoint,
  type K8sObject,
  kubectlAvailable,
  renderKustomization,
  selectorMatches,
  validateAgainstSchemas,
} from './lib/k8s';
import { COLLECTOR_CONFIG, maxOldSpaceBytes, parseMemory, readRepoFile, TIER2_OVERLAY } from './lib/repo';

const NAMESPACE = 'otel-stack';
const SUPERVISOR_CONFIG = 'collector/opamp/supervisor.yaml';
const hasKubectl = kubectlAvailable();
if (!hasKubectl) {
  process.stderr.write('test/deploy/k8s-opamp.test.ts: kubectl not found on PATH: OpAMP manifest checks SKIPPED\n');
}
const describeWithKubectl = hasKubectl ? describe : describe.skip;

// biome-ignore lint/suspicious/noExplicitAny: pod and container specs are read field by field below.
type Spec = Record<string, any>;

const withoutHash = (name: string) => name.replace(/-[a-z0-9]{10}$/, '-<hash>');
const idOf = (o: K8sObject) => `${o.kind}/${withoutHash(o.metadata.name)}`;

/** The content a container sees at `file`: through its mount, the volume (ConfigMap or projected) and the item. */
function fileInPod(objects: K8sObject[], pod: Spec, container: Spec, file: string): string | undefined {
  const mount = (container.volumeMounts ?? []).find(
    (m: Spec) => file === m.mountPath || (m.subPath === undefined && file.startsWith(`${m.mountPath}/`)),
  );
  const volume = (pod.volumes ?? []).find((v: Spec) => v.name === mount?.name);
  if (!mount || !volume) return undefined;
  const relative = mount.mountPath === file ? mount.subPath : file.slice(mount.mountPath.length + 1);
  const sources: Spec[] = volume.projected?.sources ?? [volume];
  for (const { configMap } of sources) {
    const data = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === configMap?.name)?.data ?? {};
    const items: Array<{ key: string; path: string }> =
      configMap?.items ?? Object.keys(data).map((key) => ({ key, path: key }));
    const item = items.find((i) => i.path === relative);
    if (item) return data[item.key];
  }
  return undefined;
}

describeWithKubectl('k8s/opamp/ (kubectl kustomize)', () => {
  let objects: K8sObject[] = [];
  const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const workload = (kind: string, name: string): Spec => named(kind, name)?.spec.template ?? {};
  const controlPlane = () => workload('Deployment', 'control-plane');
  const tier2 = () => workload('StatefulSet', 'otel-collector-tier2');
  const dotEnv = parseDotEnv(readRepoFile('.env'));

  beforeAll(() => {
    objects = renderKustomization('k8s/opamp/').objects;
  });

  test(`every object is valid for the Kubernetes schemas, in namespace ${NAMESPACE}, and the default stack is all there`, () => {
    const results = validateAgainstSchemas(objects);
    expect(results).toHaveLength(objects.length);
    expect(results.filter((r) => r.error !== null)).toEqual([]);
    for (const o of objects.filter((o) => o.kind !== 'Namespace')) {
      expect({ object: idOf(o), namespace: o.metadata.namespace }).toEqual({ object: idOf(o), namespace: NAMESPACE });
    }
    const ids = objects.map(idOf);
    expect(ids).toEqual(expect.arrayContaining(renderKustomization('k8s/').objects.map(idOf)));
    expect(ids).toEqual(
      expect.arrayContaining([
        'Deployment/control-plane',
        'Service/control-plane',
        'PersistentVolumeClaim/control-plane-state',
        'ConfigMap/otel-collector-supervisor-<hash>',
      ]),
    );
  });

  test('images are the ones .env builds (CONTROL_PLANE_IMAGE, OTELCOL_OPAMP_IMAGE)', () => {
    expect(controlPlane().spec?.containers.map((c: Spec) => c.image)).toEqual([dotEnv.get('CONTROL_PLANE_IMAGE')]);
    expect(tier2().spec?.containers.map((c: Spec) => c.image)).toEqual([dotEnv.get('OTELCOL_OPAMP_IMAGE')]);
  });

  test('tier 2 runs the supervisor with collector/opamp/supervisor.yaml, and collector/tier2.yaml as its local.yaml', () => {
    const pod = tier2().spec;
    const container = pod?.containers[0];
    expect(container?.args).toEqual(['--config=/etc/otelcol/supervisor.yaml']);
    const supervisor = YAML.parse(readRepoFile(SUPERVISOR_CONFIG));
    const localFile = supervisor.agent.config_files.at(-1);
    expect({
      supervisor:
        fileInPod(objects, pod, container, '/etc/otelcol/supervisor.yaml') === readRepoFile(SUPERVISOR_CONFIG),
      localFile,
      local: fileInPod(objects, pod, container, localFile) === readRepoFile(TIER2_OVERLAY),
    }).toEqual({ supervisor: true, localFile: '/etc/otelcol/local.yaml', local: true });
  });

  test('tier 2 stops the supervisor with SIGINT from its preStop hook (Kubernetes sends SIGTERM), within the grace period', () => {
    const pod = tier2().spec;
    const hook = pod?.containers[0]?.lifecycle?.preStop;
    // One handler: the base's `sleep` replaced, not merged next to `exec`.
    expect(Object.keys(hook ?? {})).toEqual(['exec']);
    const script = (hook?.exec?.command ?? []).join(' ');
    // Repeated: a SIGINT that reaches the supervisor while it is still starting is lost (0.149.0).
    expect(script).toBe('sh -c sleep 5; while kill -INT 1 2>/dev/null; do sleep 1; done');
    expect(pod?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(20);
  });

  test("tier 2's claim holds its queues and the supervisor's storage, apart; the server default is the control plane's Service", () => {
    const statefulSet = named('StatefulSet', 'otel-collector-tier2');
    const container = tier2().spec?.containers[0];
    const supervisor = YAML.parse(readRepoFile(SUPERVISOR_CONFIG));
    const mounts = [supervisor.storage.directory, '/var/lib/otelcol/file_storage'].map((dir) =>
      container?.volumeMounts.find((m: Spec) => m.mountPath === dir),
    );
    const claims = statefulSet?.spec.volumeClaimTemplates.map((c: K8sObject) => c.metadata.name);
    expect(mounts.map((m) => claims.includes(m?.name))).toEqual([true, true]);
    expect(new Set(mounts.map((m) => m?.subPath ?? '')).size).toBe(2);
    expect(mounts.every((m) => m?.subPath)).toBe(true);
    // Where the supervisor connects: OPAMP_SERVER_ENDPOINT unset, so its default, which must reach the control plane.
    expect(container?.env.map((e: Spec) => e.name)).not.toContain('OPAMP_SERVER_ENDPOINT');
    const fallback = /OPAMP_SERVER_ENDPOINT:-([^}]+)}/.exec(supervisor.server.endpoint)?.[1] ?? '';
    const url = new URL(fallback);
    const service = named('Service', url.hostname);
    const port = service?.spec.ports.find((p: Spec) => p.port === Number(url.port));
    expect(selectorMatches({ matchLabels: service?.spec.selector }, controlPlane().metadata?.labels ?? {})).toBe(true);
    expect(controlPlane().spec?.containers[0].ports).toContainEqual(
      expect.objectContaining({ name: port?.targetPort, containerPort: 4320 }),
    );
  });

  test('the control plane reads collector/otel-collector.yaml and tenants.yaml, keeps its state on its claim, one pod at a time', () => {
    const deployment = named('Deployment', 'control-plane');
    const pod = controlPlane().spec;
    const container = pod?.containers[0];
    const env = new Map<string, string>(container?.env.map((e: Spec) => [e.name, e.value]));
    const file = (variable: string) => fileInPod(objects, pod, container, env.get(variable) ?? '');
    expect({
      template: file('COLLECTOR_CONFIG_TEMPLATE') === readRepoFile(COLLECTOR_CONFIG),
      tenants: file('TENANTS_FILE') === readRepoFile('tenants.yaml'),
    }).toEqual({ template: true, tenants: true });
    const stateDir = /\bSTATE_DIR=(\S+)/.exec(readRepoFile('Dockerfile'))?.[1];
    const state = container?.volumeMounts.find((m: Spec) => m.mountPath === stateDir);
    const volume = pod?.volumes.find((v: Spec) => v.name === state?.name);
    expect({ stateDir, claim: volume?.persistentVolumeClaim?.claimName, set: env.has('STATE_DIR') }).toEqual({
      stateDir: '/var/lib/control-plane',
      claim: 'control-plane-state',
      set: false,
    });
    expect([deployment?.spec.replicas, deployment?.spec.strategy.type]).toEqual([1, 'Recreate']);
  });

  test('both pods: probes on declared ports, requests and limits, Pod Security "restricted", a read-only root', () => {
    for (const [name, template] of [
      ['control-plane', controlPlane()],
      ['otel-collector-tier2', tier2()],
    ] as const) {
      const pod = template.spec;
      expect({
        name,
        token: pod?.automountServiceAccountToken,
        seccomp: pod?.securityContext?.seccompProfile?.type,
      }).toEqual({ name, token: false, seccomp: 'RuntimeDefault' });
      for (const c of pod?.containers ?? []) {
        const declared = new Set(c.ports.flatMap((p: Spec) => [p.name, p.containerPort]));
        const probes = ['startupProbe', 'readinessProbe', 'livenessProbe'].map((p) => c[p]?.httpGet?.port);
        expect({ name, probes: probes.map((port) => declared.has(port)) }).toEqual({
          name,
          probes: [true, true, true],
        });
        const { requests = {}, limits = {} } = c.resources ?? {};
        expect({ name, requests: Object.keys(requests).sort(), limits: Object.keys(limits).sort() }).toEqual({
          name,
          requests: ['cpu', 'memory'],
          limits: ['cpu', 'memory'],
        });
        const env = new Map<string, string>(c.env.map((e: Spec) => [e.name, e.value ?? '']));
        const limit = parseMemory(limits.memory ?? '0');
        const heap = maxOldSpaceBytes(env.get('NODE_OPTIONS')) ?? parseMemory(env.get('GOMEMLIMIT') ?? '0');
        expect({ name, share: heap / limit > 0 && heap / limit <= 0.8 }).toEqual({ name, share: true });
        const sc = c.securityContext ?? {};
        expect({
          name,
          runAsNonRoot: sc.runAsNonRoot,
          readOnlyRootFilesystem: sc.readOnlyRootFilesystem,
          allowPrivilegeEscalation: sc.allowPrivilegeEscalation,
          drop: sc.capabilities?.drop,
        }).toEqual({
          name,
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          drop: ['ALL'],
        });
      }
    }
  });

  test('network: only tier 2 reaches the control plane on 4320; the control plane reaches nothing; 4321 is exposed nowhere', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const namespaceLabels = { 'kubernetes.io/metadata.name': NAMESPACE };
    const pod = (kind: string, name: string): Endpoint => ({
      namespace: NAMESPACE,
      namespaceLabels,
      labels: workload(kind, name).metadata.labels,
    });
    const [cp, t1, t2, orders] = [
      pod('Deployment', 'control-plane'),
      pod('Deployment', 'otel-collector-tier1'),
      pod('StatefulSet', 'otel-collector-tier2'),
      pod('Deployment', 'order-api'),
    ];
    const jaeger = pod('Deployment', 'jaeger-default');
    const flows: Array<[string, Endpoint | 'external', Endpoint, number, boolean]> = [
      ['tier 2 -> control-plane:4320', t2, cp, 4320, true],
      ['tier 2 -> jaeger-default:4317 (unchanged)', t2, jaeger, 4317, true],
      ['tier 1 -> tier 2:4317 (unchanged)', t1, t2, 4317, true],
      ['order-api -> control-plane:4320', orders, cp, 4320, false],
      ['tier 1 -> control-plane:4320', t1, cp, 4320, false],
      ['outside -> control-plane:4320', 'external', cp, 4320, false],
      ['tier 2 -> control-plane:4321 (admin API)', t2, cp, 4321, false],
      ['control-plane -> jaeger-default:4317', cp, jaeger, 4317, false],
      ['control-plane -> tier 2:4317', cp, t2, 4317, false],
    ];
    expect(flows.map(([flow, from, to, port]) => [flow, connectionAllowed(policies, from, to, port)])).toEqual(
      flows.map(([flow, , , , allowed]) => [flow, allowed]),
    );
    // The control plane's own ingress rule, without the sources' egress rules: tier 2 only, whatever else changes.
    const ingressOnly = policies.map((p) => ({
      ...p,
      spec: { ...p.spec, policyTypes: (p.spec.policyTypes ?? ['Ingress']).filter((t: string) => t === 'Ingress') },
    }));
    const others = objects
      .filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.metadata.name !== 'otel-collector-tier2')
      .map((o) => pod(o.kind, o.metadata.name));
    expect(others.filter((from) => connectionAllowed(ingressOnly, from, cp, 4320))).toEqual([]);
    expect(connectionAllowed(ingressOnly, t2, cp, 4320)).toBe(true);
    const exposing = objects.flatMap((o) => {
      const ports = [
        ...(o.spec?.template?.spec?.containers ?? []).flatMap((c: Spec) =>
          (c.ports ?? []).map((p: Spec) => p.containerPort),
        ),
        ...(o.kind === 'Service' ? o.spec.ports.flatMap((p: Spec) => [p.port, p.targetPort]) : []),
        ...(o.kind === 'NetworkPolicy'
          ? [...(o.spec.ingress ?? []), ...(o.spec.egress ?? [])].flatMap((r: Spec) =>
              (r.ports ?? []).map((p: Spec) => p.port),
            )
          : []),
      ];
      return ports.includes(4321) ? [idOf(o)] : [];
    });
    expect(exposing).toEqual([]);
    expect(controlPlane().spec?.containers[0].env.map((e: Spec) => e.name)).not.toContain('ADMIN_HOST');
  });
});
