/**
 * Static checks of the Dockerfile and .dockerignore (no Docker engine here: bundle.test.ts runs the part of the
 * build that can run, with the same script and the same start command).
 */
import YAML from 'yaml';
import { loadCompose, OPAMP_STACK } from './lib/compose';
import { effective, execForm, parseDockerfile } from './lib/dockerfile';
import { isPinnedImage, readRepoFile } from './lib/repo';

const { globalArgs, stages } = parseDockerfile();
const stageNames = stages.map((s) => s.name);
/** A Dockerfile variable reference, `${NAME}`, as it appears in the file. */
const ref = (name: string) => `\${${name}}`;

describe('Dockerfile', () => {
  test('multi-stage: build, runtime, and the three final targets compose builds', () => {
    expect(stageNames).toEqual(['build', 'runtime', 'service', 'load-generator', 'control-plane']);
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
    expect(effective(stages, 'control-plane', 'USER')).toBe('1000:1000');
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

/** What collector/opamp/supervisor.yaml tells the supervisor to run, and where it keeps its state. */
const supervisorConfig = YAML.parse(readRepoFile('collector/opamp/supervisor.yaml')) as {
  agent: { executable: string; config_files: string[] };
  storage: { directory: string };
};
const opampImage = parseDockerfile(readRepoFile('collector/opamp/Dockerfile'));
const opampRuntime = opampImage.stages.at(-1);
const instructions = (keyword: string) =>
  (opampRuntime?.instructions ?? []).filter((i) => i.keyword === keyword).map((i) => i.args);
const dotEnv = loadCompose(OPAMP_STACK).dotEnv;

describe('collector/opamp/Dockerfile (the collector under the OpAMP Supervisor)', () => {
  test('builds from pinned images equal to .env, with the manifest release of ocb and the pinned go.sum', () => {
    for (const arg of ['GO_IMAGE', 'BUSYBOX_IMAGE']) {
      const value = opampImage.globalArgs.get(arg) ?? '';
      expect({ arg, value, pinned: isPinnedImage(value) }).toEqual({ arg, value: dotEnv.get(arg), pinned: true });
    }
    expect(opampImage.stages.map((stage) => stage.from)).toEqual([ref('GO_IMAGE'), ref('BUSYBOX_IMAGE')]);
    const runs = opampImage.stages[0]?.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args) ?? [];
    const envs = opampImage.stages[0]?.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args) ?? [];
    // Static binaries (the runtime has no libc of Go's choosing), and no toolchain download.
    expect(envs.join(' ')).toMatch(/CGO_ENABLED=0/);
    expect(envs.join(' ')).toMatch(/GOTOOLCHAIN=local/);
    expect(runs.join('\n')).toMatch(/go install "go\.opentelemetry\.io\/collector\/cmd\/builder@v\$\{release\}"/);
    expect(runs.join('\n')).toContain('cp go.sum /src/.build/otelcol-opamp/go.sum');
    expect(runs.join('\n')).toContain('builder --config=builder-config.yaml');
    // The supervisor as scripts/build-opamp.sh builds it: the same module, go.mod and go.sum as the pins.
    const supervisorBuild = /go build -mod=readonly -trimpath -o \S+\s+(\S+)/.exec(runs.join('\n'))?.[1];
    expect(readRepoFile('scripts/build-opamp.sh')).toContain(supervisorBuild ?? 'no supervisor build');
    // builder-config.yaml's output_path is where the binary is copied from.
    const manifest = YAML.parse(readRepoFile('collector/opamp/builder-config.yaml')) as {
      dist: { name: string; output_path: string };
    };
    expect(manifest.dist.output_path).toBe('../../.build/otelcol-opamp');
    expect(instructions('COPY')).toContain(
      `--from=build /src/.build/otelcol-opamp/${manifest.dist.name} ${supervisorConfig.agent.executable}`,
    );
  });

  test('runs the supervisor with the config of collector/opamp/supervisor.yaml, as uid 10001, stopping on SIGINT', () => {
    expect(execForm(instructions('ENTRYPOINT').at(-1) ?? '')).toEqual(['/usr/local/bin/opampsupervisor']);
    expect(execForm(instructions('CMD').at(-1) ?? '')).toEqual(['--config=/etc/otelcol/supervisor.yaml']);
    expect(instructions('COPY')).toContain('supervisor.yaml local.yaml /etc/otelcol/');
    expect(supervisorConfig.agent.config_files.at(-1)).toBe('/etc/otelcol/local.yaml');
    expect(instructions('USER')).toEqual(['10001:10001']);
    // The supervisor (0.149.0) drains the collector on SIGINT only.
    expect(instructions('STOPSIGNAL')).toEqual(['SIGINT']);
    expect(loadCompose(OPAMP_STACK).resolved.services['otel-collector']?.stop_signal).toBe('SIGINT');
  });

  test("the directories it writes to are the runtime user's: the supervisor's storage and the queues", () => {
    const stateCopy = instructions('COPY').find((args) => args.startsWith('--from=build --chown=10001:10001'));
    expect(stateCopy).toBe('--from=build --chown=10001:10001 /out/state/ /var/lib/otelcol/');
    const made = opampImage.stages[0]?.instructions.find((i) => i.args.startsWith('mkdir -p /out/state/'))?.args;
    expect(made?.split(' ').slice(2)).toEqual(['/out/state/supervisor', '/out/state/file_storage']);
    expect(supervisorConfig.storage.directory).toBe('/var/lib/otelcol/supervisor');
  });

  test("the control plane's image validates with the agents' binary, copied from this image", () => {
    const copy = stages
      .find((s) => s.name === 'control-plane')
      ?.instructions.find((i) => i.keyword === 'COPY' && i.args.startsWith('--from=otelcol-opamp '));
    expect(copy?.args).toBe(
      `--from=otelcol-opamp ${supervisorConfig.agent.executable} ${supervisorConfig.agent.executable}`,
    );
    expect(effective(stages, 'control-plane', 'ENV')).toContain(
      `COLLECTOR_VALIDATOR=${supervisorConfig.agent.executable}`,
    );
    // compose provides the `otelcol-opamp` context: the image it builds for otel-collector.
    const build = loadCompose(OPAMP_STACK).resolved.services['control-plane']?.build as
      | { additional_contexts?: Record<string, string> }
      | undefined;
    expect(build?.additional_contexts).toEqual({ 'otelcol-opamp': 'service:otel-collector' });
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
