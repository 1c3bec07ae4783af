/**
 * Static checks of the Dockerfile and .dockerignore (no Docker engine here: bundle.test.ts runs the part of the
 * build that can run, with the same script and the same start command).
 */
import { effective, execForm, parseDockerfile } from './lib/dockerfile';
import { isPinnedImage, readRepoFile } from './lib/repo';

const { globalArgs, stages } = parseDockerfile();
const stageNames = stages.map((s) => s.name);
/** A Dockerfile variable reference, `${NAME}`, as it appears in the file. */
const ref = (name: string) => `\${${name}}`;

describe('Dockerfile', () => {
  test('multi-stage: build, runtime, and the two final targets compose builds', () => {
    expect(stageNames).toEqual(['build', 'runtime', 'service', 'load-generator']);
  });

  test('the Node.js base image is pinned to an exact version and is the same for build and runtime', () => {
    const nodeImage = globalArgs.get('NODE_IMAGE') ?? '';
    expect(isPinnedImage(nodeImage)).toBe(true);
    expect(nodeImage).toMatch(/^node:\d+\.\d+\.\d+-/);
    expect(stages.find((s) => s.name === 'build')?.from).toBe(ref('NODE_IMAGE'));
    expect(stages.find((s) => s.name === 'runtime')?.from).toBe(ref('NODE_IMAGE'));
  });

  test('the build stage installs the pinned pnpm with npm and bundles with scripts/bundle-service.sh', () => {
    const build = stages.find((s) => s.name === 'build');
    const runs = build?.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args) ?? [];
    const pnpmVersion = (JSON.parse(readRepoFile('package.json')) as { packageManager: string }).packageManager.replace(
      'pnpm@',
      '',
    );
    expect(build?.instructions).toContainEqual({ keyword: 'ARG', args: `PNPM_VERSION=${pnpmVersion}` });
    expect(runs.some((r) => r.includes('npm install -g') && r.includes(`"pnpm@${ref('PNPM_VERSION')}"`))).toBe(true);
    // The one deploy command (bundle.test.ts runs the same script).
    expect(runs).toContain(`./scripts/bundle-service.sh "${ref('SERVICE')}" /out`);
    expect(readRepoFile('scripts/bundle-service.sh')).toMatch(/pnpm --filter "\$service" deploy --prod/);
  });

  test('the runtime runs as a numeric non-root user and copies only the bundle', () => {
    expect(effective(stages, 'service', 'USER')).toBe('1000:1000');
    expect(effective(stages, 'load-generator', 'USER')).toBe('1000:1000');
    const runtime = stages.find((s) => s.name === 'runtime');
    const copies = runtime?.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual(['--from=build /out/ /app/']);
    expect(effective(stages, 'service', 'WORKDIR')).toBe('/app');
  });

  test('services start node directly with the telemetry preload (exec form: node is PID 1 and gets SIGTERM)', () => {
    expect(execForm(effective(stages, 'service', 'ENTRYPOINT') ?? '')).toEqual([
      'node',
      '--require',
      '@otel-stack/telemetry/register',
      'dist/main.js',
    ]);
    // The same command the packages' own `start` scripts run.
    for (const service of ['order-api', 'payment-service']) {
      const pkg = JSON.parse(readRepoFile('services', service, 'package.json')) as { scripts: { start: string } };
      expect(pkg.scripts.start).toBe('node --require @otel-stack/telemetry/register dist/main.js');
    }
    expect(execForm(effective(stages, 'load-generator', 'ENTRYPOINT') ?? '')).toEqual(['node', 'dist/main.js']);
  });

  test('the healthcheck needs no shell: exec form running dist/healthcheck.js', () => {
    const healthcheck = effective(stages, 'service', 'HEALTHCHECK') ?? '';
    const command = healthcheck.replace(/^(--\S+\s+)*CMD\s+/, '');
    expect(execForm(command)).toEqual(['node', 'dist/healthcheck.js']);
  });
});

describe('.dockerignore', () => {
  const entries = readRepoFile('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  test('keeps dependencies, build output, the toolchain, git data and local env files out of the context', () => {
    expect(entries).toEqual(
      expect.arrayContaining(['**/node_modules', '**/dist', '.toolchain', '.git', '.env', '.env.*']),
    );
  });

  test('does not exclude what the build needs', () => {
    for (const needed of [
      'scripts',
      'package.json',
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      '.node-version',
      'services',
      'packages',
      'protos',
      'patches',
    ]) {
      expect({ needed, excluded: entries.includes(needed) }).toEqual({ needed, excluded: false });
    }
  });
});
