/**
 * tenants.yaml and the files generated from it (and tier 1's copy of the collector's masking): every one is current,
 * and a tenant added to tenants.yaml reaches the collector config, docker compose, Kubernetes and the dev tooling
 * through `./scripts/pnpm generate` alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { namesOf, parseTenants, readTenants, staleFiles, TENANT_BACKENDS, writeGenerated } from '@otel-stack/tenants';
import YAML from 'yaml';
import { environmentOf, loadComposeTexts } from './lib/compose';
import { readJaegerFacts } from './lib/jaeger-config';
import { kubectlAvailable, renderKustomization } from './lib/k8s';
import { ROOT } from './lib/repo';
import { copyOfGeneratorFiles, copyWithExtraTenant, EXTRA_TENANT, generatedWithExtraTenant } from './lib/tenants';

const FIX = "edit tenants.yaml or otel-collector.yaml's transform/pii, then run ./scripts/pnpm generate";
/** Every file a tenant added to tenants.yaml changes, tenants.yaml aside. */
const CHANGED_BY_A_TENANT = [
  '.env',
  'collector/otel-collector.yaml',
  'docker-compose.yml',
  'k8s/tenants/kustomization.yaml',
  'k8s/tenants/tenants.yaml',
  `k8s/tenants/${EXTRA_TENANT.id}/kustomization.yaml`,
  'tools/tenants/src/backends.ts',
].sort();

describe('tenants.yaml', () => {
  test('lists the tenants of the contract, with their Jaegers and UI ports, and `default` as the fallback', () => {
    const { tenants, fallback } = readTenants(ROOT);
    expect(tenants.map((t) => [t.id, t.jaeger, t.uiPort])).toEqual(
      expect.arrayContaining([
        ['tenant_a', 'jaeger-tenant-a', 16686],
        ['tenant_b', 'jaeger-tenant-b', 16687],
      ]),
    );
    expect([fallback.id, fallback.jaeger, fallback.uiPort]).toEqual(['default', 'jaeger-default', 16688]);
  });

  test('every file generated from it is current', () => {
    const stale = staleFiles(ROOT);
    expect({ stale, fix: stale.length > 0 ? FIX : '' }).toEqual({ stale: [], fix: '' });
    expect(TENANT_BACKENDS.map((b) => b.id)).toEqual(readTenants(ROOT).backends.map((b) => b.id));
  });

  test('the check fails while a change to tenants.yaml is not generated', () => {
    expect(staleFiles(copyWithExtraTenant()).sort()).toEqual(CHANGED_BY_A_TENANT);
  });

  test.each([
    ['collector/otel-collector.yaml', 'its masking changed and not copied to tier 1'],
    ['collector/tier1.yaml', "tier 1's copy of the masking edited by hand"],
  ])('the check fails while %s has %s', (file, _what) => {
    const dir = copyOfGeneratorFiles();
    const edited = path.join(dir, file);
    const text = readFileSync(edited, 'utf8');
    const statement = `'delete_key(span.attributes, "user.email")'`;
    expect(text).toContain(statement);
    writeFileSync(edited, text.replace(statement, `'delete_key(span.attributes, "user.phone")'`));
    expect(staleFiles(dir)).toEqual(['collector/tier1.yaml']);
    expect(writeGenerated(dir)).toEqual(['collector/tier1.yaml']);
    expect(readFileSync(path.join(dir, 'collector/tier1.yaml'), 'utf8')).toContain(
      file === 'collector/tier1.yaml' ? statement : `"user.phone")'`,
    );
  });

  test("the check fails while k8s/tenants/tenants.yaml (the control plane's copy) is edited by hand", () => {
    const dir = copyOfGeneratorFiles();
    const copy = path.join(dir, 'k8s/tenants/tenants.yaml');
    writeFileSync(copy, readFileSync(copy, 'utf8').replace('uiPort: 16687', 'uiPort: 16690'));
    expect(staleFiles(dir)).toEqual(['k8s/tenants/tenants.yaml']);
    expect(writeGenerated(dir)).toEqual(['k8s/tenants/tenants.yaml']);
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(path.join(dir, 'tenants.yaml'), 'utf8'));
  });

  test.each([
    [
      'an unknown key',
      'tenants:\n  - {id: a, jaeger: jaeger-a, uiPort: 1, port: 2}\nfallback: {id: d, jaeger: jaeger-d, uiPort: 3}',
      /unknown key port/,
    ],
    [
      'a port twice',
      'tenants:\n  - {id: a, jaeger: jaeger-a, uiPort: 1}\nfallback: {id: d, jaeger: jaeger-d, uiPort: 1}',
      /uiPort 1 appears twice/,
    ],
    [
      'a Jaeger name kustomize cannot suffix',
      'tenants:\n  - {id: a, jaeger: tracing-a, uiPort: 1}\nfallback: {id: d, jaeger: jaeger-d, uiPort: 3}',
      /jaeger-<name>/,
    ],
    [
      'an id TENANTS refuses',
      'tenants:\n  - {id: "a b", jaeger: jaeger-a, uiPort: 1}\nfallback: {id: d, jaeger: jaeger-d, uiPort: 3}',
      /tenants\[0\]\.id/,
    ],
    ['no fallback', 'tenants:\n  - {id: a, jaeger: jaeger-a, uiPort: 1}\n', /fallback: expected a map/],
  ])('rejects %s', (_what, text, message) => {
    expect(() => parseTenants(text)).toThrow(message);
  });
});

describe(`a tenant added to tenants.yaml (${EXTRA_TENANT.id}), generated`, () => {
  const { dir, changed } = generatedWithExtraTenant();
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  const names = namesOf(EXTRA_TENANT);

  test('touches the generated files only, and generating again changes nothing', () => {
    expect([...changed].sort()).toEqual(CHANGED_BY_A_TENANT);
    expect(writeGenerated(dir)).toEqual([]);
  });

  test("the collector routes the tenant's spans to its own pipeline and exporter, its Jaeger the default endpoint", () => {
    const config = YAML.parse(read('collector/otel-collector.yaml'), { merge: true });
    expect(config.connectors.routing.table).toContainEqual({
      context: 'span',
      condition: `span.attributes["tenant.id"] == "${EXTRA_TENANT.id}"`,
      pipelines: [names.pipeline],
    });
    expect(config.service.pipelines[names.pipeline]).toEqual({ receivers: ['routing'], exporters: [names.exporter] });
    const exporter = config.exporters[names.exporter];
    expect(exporter.endpoint).toBe(`\${env:${names.endpointVariable}:-${EXTRA_TENANT.jaeger}:4317}`);
    // The same shared settings (queue, retries, TLS) as every other tenant's exporter.
    const { endpoint: _a, ...shared } = exporter;
    const { endpoint: _b, ...others } = config.exporters[namesOf(TENANT_BACKENDS[0]).exporter];
    expect(shared).toEqual(others);
  });

  test('docker compose runs its Jaeger on its UI port and its own data volume, and the collector waits for it', () => {
    const { resolved } = loadComposeTexts([read('docker-compose.yml')], read('.env'));
    const jaeger = resolved.services[EXTRA_TENANT.jaeger];
    expect(jaeger?.image).toBe(resolved.services[TENANT_BACKENDS[0].jaeger]?.image);
    expect(jaeger?.ports).toEqual([
      { target: 16686, published: String(EXTRA_TENANT.uiPort), host_ip: '127.0.0.1', protocol: 'tcp' },
    ]);
    const volume = `${EXTRA_TENANT.jaeger}-data`;
    expect(jaeger?.volumes).toEqual([{ type: 'volume', source: volume, target: readJaegerFacts().dataDir }]);
    expect(Object.keys(resolved.volumes ?? {})).toContain(volume);
    const init = resolved.services['jaeger-data-init'];
    const mount = init?.volumes?.find((v) => typeof v === 'object' && v.source === volume);
    expect(init?.command).toContain(typeof mount === 'object' ? mount.target : 'no mount of the volume');
    expect(resolved.services['otel-collector']?.depends_on).toMatchObject({
      [EXTRA_TENANT.jaeger]: { condition: 'service_healthy' },
    });
    for (const service of ['order-api', 'payment-service'])
      expect(
        environmentOf(resolved.services[service] ?? {})
          .get('TENANTS')
          ?.split(','),
      ).toContain(EXTRA_TENANT.id);
  });

  (kubectlAvailable() ? test : test.skip)('Kubernetes runs its Jaeger and both services accept it', () => {
    const { objects } = renderKustomization(path.join(dir, 'k8s'));
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget']) {
      const object = objects.find((o) => o.kind === kind && o.metadata.name === EXTRA_TENANT.jaeger);
      expect({ kind, instance: object?.metadata.labels?.['app.kubernetes.io/instance'] }).toEqual({
        kind,
        instance: EXTRA_TENANT.jaeger,
      });
    }
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === EXTRA_TENANT.jaeger);
    expect(deployment?.spec.selector.matchLabels['app.kubernetes.io/instance']).toBe(EXTRA_TENANT.jaeger);
    // Its own claim and ConfigMap, under the names its copy's suffix gives them.
    const suffix = EXTRA_TENANT.jaeger.slice('jaeger'.length);
    const volumes = deployment?.spec.template.spec.volumes ?? [];
    expect(
      volumes.map((v: { persistentVolumeClaim?: { claimName: string } }) => v.persistentVolumeClaim?.claimName),
    ).toContain(`jaeger-data${suffix}`);
    expect(objects.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === `jaeger-data${suffix}`)).toBe(
      true,
    );
    const configMap = volumes.find((v: { configMap?: { name: string } }) => v.configMap)?.configMap.name;
    expect(configMap).toMatch(new RegExp(`^jaeger-config${suffix}-[a-z0-9]{10}$`));
    expect(objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === configMap)).toBe(true);
    const tenancy = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('tenancy-'));
    expect(tenancy?.data.TENANTS.split(',')).toContain(EXTRA_TENANT.id);
    expect(tenancy?.data['tenants.yaml']).toBe(read('tenants.yaml'));
  });

  test('the dev tooling gets its Jaeger too', () => {
    expect(read('tools/tenants/src/backends.ts')).toContain(
      `{ id: '${EXTRA_TENANT.id}', jaeger: '${EXTRA_TENANT.jaeger}', uiPort: ${EXTRA_TENANT.uiPort}, fallback: false }`,
    );
  });
});
