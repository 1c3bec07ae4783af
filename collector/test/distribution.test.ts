// Our collector distribution (builder-config.yaml) against what the configs use and what the deployments run:
// exactly the components the configs use, one release for every module, and that release in every image tag.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BINARIES, requireBinaries } from '@otel-stack/devstack';
import { readTenants } from '@otel-stack/tenants';
import YAML from 'yaml';
import { parseDotEnv } from '../../test/deploy/lib/compose';
import { renderKustomization } from '../../test/deploy/lib/k8s';
import {
  COLLECTOR_DIR,
  CONFIG_PATH,
  DEBUG_OVERLAY_PATH,
  KINDS,
  type Kind,
  referenced,
  resolvedConfig,
  STATIC_RESOLVER,
  TIER1_PATH,
  TIER2_OVERLAY_PATH,
  typeOf,
} from './lib/config';

const ROOT = path.join(COLLECTOR_DIR, '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

interface Manifest {
  dist: { version: string; output_path: string; name: string };
  [kind: string]: unknown;
}
const manifest = YAML.parse(read('collector/builder-config.yaml')) as Manifest;
const gomods = (kind: string): string[] =>
  ((manifest[kind] as Array<{ gomod: string }> | undefined) ?? []).map((entry) => entry.gomod);

const dotEnv = parseDotEnv(read('.env'));
const imageTag = (variable: string): string | undefined => dotEnv.get(variable)?.split(':')[1];

/**
 * Component types the shipped configs use, by kind: the file, the file with the debug overlay, and the two tiers
 * (tier 2 is the file with its overlay).
 */
function usedTypes(): Record<Kind, string[]> {
  const used = {} as Record<Kind, Set<string>>;
  for (const kind of KINDS) used[kind] = new Set();
  const shipped = [
    [CONFIG_PATH],
    [CONFIG_PATH, DEBUG_OVERLAY_PATH],
    [TIER1_PATH, STATIC_RESOLVER],
    [CONFIG_PATH, TIER2_OVERLAY_PATH],
  ];
  for (const files of shipped) {
    const refs = referenced(resolvedConfig(files));
    for (const kind of KINDS) for (const id of refs[kind]) used[kind].add(typeOf(id));
  }
  return Object.fromEntries(KINDS.map((k) => [k, [...used[k]].sort()])) as Record<Kind, string[]>;
}

describe('collector distribution', () => {
  requireBinaries();
  const listed = YAML.parse(execFileSync(BINARIES.collector, ['components'], { encoding: 'utf8' })) as Record<
    string,
    Array<{ name: string; module: string }>
  >;
  const built = Object.fromEntries(KINDS.map((k) => [k, listed[k] ?? []]));

  it('has exactly the components the shipped configs use (as the built binary lists them)', () => {
    const inBinary = Object.fromEntries(KINDS.map((k) => [k, (built[k] ?? []).map((c) => c.name).sort()]));
    expect(inBinary).toEqual(usedTypes());
  });

  it('the built binary is the manifest: the same modules at the same versions', () => {
    const inBinary = KINDS.flatMap((k) => (built[k] ?? []).map((c) => c.module)).sort();
    expect(inBinary).toEqual(KINDS.flatMap((k) => gomods(k)).sort());
    expect(execFileSync(BINARIES.collector, ['--version'], { encoding: 'utf8' }).trim()).toBe(
      `${manifest.dist.name} version ${manifest.dist.version}`,
    );
  });

  it('every component module is at the one release, the providers at one core release', () => {
    const versions = new Set(KINDS.flatMap((k) => gomods(k)).map((m) => m.split(' ')[1]));
    expect([...versions]).toEqual([`v${manifest.dist.version}`]);
    const providers = new Set(gomods('providers').map((m) => m.split(' ')[1]));
    expect(providers.size).toBe(1);
    expect([...providers][0]).toMatch(/^v1\.\d+\.\d+$/);
  });

  it('go.sum pins every module of the manifest', () => {
    const sum = read('collector/go.sum');
    for (const gomod of [...KINDS.flatMap((k) => gomods(k)), ...gomods('providers')]) {
      expect(sum).toContain(`${gomod} h1:`);
    }
  });

  it('the masking bench times the processors of that release (tools/bench/masking-cost/go.mod)', () => {
    const core = gomods('providers')[0]?.split(' ')[1];
    const required = [...read('tools/bench/masking-cost/go.mod').matchAll(/^\s+(\S+) (v\S+)/gm)];
    const collectorModules = required.filter(([, module]) =>
      /^(go\.opentelemetry\.io\/collector|github\.com\/open-telemetry\/opentelemetry-collector-contrib)\//.test(
        module ?? '',
      ),
    );
    expect(collectorModules.map(([, module]) => module)).toContain(
      'github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor',
    );
    for (const [line, , version] of collectorModules) {
      expect({ line, ok: version === `v${manifest.dist.version}` || version === core }).toEqual({ line, ok: true });
    }
  });

  it('compose and Kubernetes run the collector image of that release', () => {
    expect(dotEnv.get('OTELCOL_IMAGE')).toBe(`otel/opentelemetry-collector-contrib:${manifest.dist.version}`);
    const images = renderKustomization()
      .objects.flatMap((o) => o.spec?.template?.spec?.containers ?? [])
      .map((c: { image: string }) => c.image)
      .filter((image: string) => image.startsWith('otel/opentelemetry-collector'));
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toBe(`otel/opentelemetry-collector-contrib:${manifest.dist.version}`);
  });
});

describe('Jaeger', () => {
  // Jaeger publishes its v2 releases on the Go module as v1.x tags of the same commits.
  const MODULE_TO_RELEASE: Record<string, string> = { 'v1.76.0': '2.13.0' };
  const goMod = read('tools/jaeger/go.mod');
  const moduleVersion = /^\tgithub\.com\/jaegertracing\/jaeger (v[0-9.]+)/m.exec(goMod)?.[1] ?? '';

  it('the module built here is the release compose and Kubernetes run', () => {
    const release = MODULE_TO_RELEASE[moduleVersion];
    expect(release).toBeDefined();
    expect(imageTag('JAEGER_IMAGE')).toBe(release);
    const images = renderKustomization()
      .objects.flatMap((o) => o.spec?.template?.spec?.containers ?? [])
      .map((c: { image: string }) => c.image)
      .filter((image: string) => image.startsWith('jaegertracing/'));
    expect(images).toHaveLength(readTenants(ROOT).backends.length);
    for (const image of images) expect(image).toBe(`jaegertracing/jaeger:${release}`);
  });

  it('the built binary reports that release', () => {
    requireBinaries();
    const out = execFileSync(BINARIES.jaeger, ['version'], { encoding: 'utf8' });
    expect(out).toContain(`"gitVersion":"v${MODULE_TO_RELEASE[moduleVersion]}"`);
  });
});
