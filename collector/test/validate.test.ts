// `otelcol validate` of our collector distribution on every configuration we ship: the file alone, with the debug
// overlay, with the environment docker compose gives it, and the two tiers (alone, and as the Kubernetes manifests
// run them). validate resolves the environment, rejects unknown keys, runs every component's own checks and builds
// the pipelines (bad OTTL fails).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BINARIES, requireBinaries } from '@otel-stack/devstack';
import { environmentOf, loadCompose } from '../../test/deploy/lib/compose';
import { renderKustomization } from '../../test/deploy/lib/k8s';
import { EXTRA_TENANT, generatedWithExtraTenant } from '../../test/deploy/lib/tenants';
import { CONFIG_PATH, DEBUG_OVERLAY_PATH, STATIC_RESOLVER, TIER1_PATH, TIER2_OVERLAY_PATH } from './lib/config';

requireBinaries();

function validate(configs: string[], env: Record<string, string> = {}): { status: number | null; output: string } {
  const run = spawnSync(BINARIES.collector, ['validate', ...configs.map((c) => `--config=${c}`)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const ok = { status: 0, output: '' };

describe('otelcol validate', () => {
  it('accepts otel-collector.yaml with its defaults', () => {
    expect(validate([CONFIG_PATH])).toEqual(ok);
  });

  it('accepts otel-collector.yaml merged with debug.yaml', () => {
    expect(validate([CONFIG_PATH, DEBUG_OVERLAY_PATH])).toEqual(ok);
  });

  it('accepts it with the environment and arguments docker compose gives the collector', () => {
    const service = loadCompose().resolved.services['otel-collector'];
    if (!service) throw new Error('no otel-collector service in docker-compose.yml');
    const bind = (service.volumes ?? []).find((v) => typeof v === 'object' && v.type === 'bind');
    // The compose file mounts collector/otel-collector.yaml where --config points.
    expect(bind).toMatchObject({
      source: './collector/otel-collector.yaml',
      target: '/etc/otelcol-contrib/config.yaml',
    });
    expect(service.command).toEqual(['--config=/etc/otelcol-contrib/config.yaml']);
    expect(validate([CONFIG_PATH], Object.fromEntries(environmentOf(service)))).toEqual(ok);
  });

  it('accepts tier 1 with a static list of tier-2 collectors (test/pipeline/two-tier.test.ts)', () => {
    expect(validate([TIER1_PATH, STATIC_RESOLVER])).toEqual(ok);
  });

  it('refuses tier 1 alone: where tier 2 is, is the part each deployment adds', () => {
    const result = validate([TIER1_PATH]);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/no resolvers specified/);
  });

  it('accepts tier 2: otel-collector.yaml merged with tier2.yaml', () => {
    expect(validate([CONFIG_PATH, TIER2_OVERLAY_PATH])).toEqual(ok);
  });

  it.each(['otel-collector-tier1', 'otel-collector-tier2'])(
    'accepts the ConfigMap, arguments and environment of Kubernetes %s',
    (name) => {
      const { objects } = renderKustomization();
      const workload = objects.find((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.metadata.name === name);
      const pod = workload?.spec.template.spec;
      const container = pod?.containers.find((c: { name: string }) => c.name === 'otel-collector');
      const volume = pod?.volumes.find((v: { configMap?: unknown }) => v.configMap);
      const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap.name);
      const mountPath = container?.volumeMounts.find((m: { name: string }) => m.name === volume?.name)?.mountPath;
      if (!container || !configMap || !mountPath) throw new Error(`${name}: container, ConfigMap or mount not found`);
      // The ConfigMap's files in a directory of ours, every --config argument pointing there instead of the mount.
      const dir = mkdtempSync(path.join(os.tmpdir(), `k8s-${name}-`));
      for (const [key, text] of Object.entries(configMap.data as Record<string, string>)) {
        writeFileSync(path.join(dir, key), text);
      }
      const configs = (container.args as string[]).map((arg) => {
        if (!arg.startsWith('--config=')) throw new Error(`${name}: unexpected argument ${arg}`);
        return arg.slice('--config='.length).replace(`${mountPath}/`, `${dir}/`);
      });
      const env = Object.fromEntries(
        (container.env as Array<{ name: string; value?: string }>).flatMap((e) =>
          e.value === undefined ? [] : [[e.name, e.value]],
        ),
      );
      expect(validate(configs, env)).toEqual(ok);
    },
  );

  it(`accepts the config generated from tenants.yaml with one tenant more (${EXTRA_TENANT.id})`, () => {
    const { dir } = generatedWithExtraTenant();
    expect(validate([path.join(dir, 'collector', 'otel-collector.yaml')])).toEqual(ok);
  });

  it('rejects a config it cannot run (the check can fail)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-collector-'));
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'processors:\n  transform/pii:\n    trace_statements:\n      - \'Mask(span.attributes["x"])\'\n',
    );
    const result = validate([CONFIG_PATH, bad]);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/Mask/);
  });
});
