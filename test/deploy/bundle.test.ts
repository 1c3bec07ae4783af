/**
 * The part of the image build that runs without Docker: scripts/bundle-service.sh (the script the Dockerfile
 * RUNs) bundles each service into a temporary directory outside the workspace, and the bundle is started with the
 * Dockerfile's own ENTRYPOINT and probed with its own HEALTHCHECK command. Needs `pnpm build` first.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@otel-stack/devstack';
import { sampleOrder } from 'load-generator/fixtures';
import { effective, execForm, parseDockerfile } from './lib/dockerfile';
import { ROOT, repoPath } from './lib/repo';

const BUNDLE_SCRIPT = repoPath('scripts', 'bundle-service.sh');
const { stages } = parseDockerfile();
const ENTRYPOINT = execForm(effective(stages, 'service', 'ENTRYPOINT') ?? '') ?? [];
const HEALTHCHECK =
  execForm((effective(stages, 'service', 'HEALTHCHECK') ?? '').replace(/^(--\S+\s+)*CMD\s+/, '')) ?? [];

/** `node` in an image command is the Node.js running these tests (the toolchain's Node 24). */
const resolveNode = (argv: string[]): [string, string[]] => [
  argv[0] === 'node' ? process.execPath : (argv[0] ?? ''),
  argv.slice(1),
];

/** The environment of a container: no jest NODE_OPTIONS, telemetry exporting to a port nobody listens on. */
function containerEnv(extra: Record<string, string>, closedPort: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    NODE_ENV: 'production',
    NODE_OPTIONS: '',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}`,
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    SHUTDOWN_FLUSH_TIMEOUT_MS: '1000',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

function bundle(service: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bundle-${service}-`));
  execFileSync(BUNDLE_SCRIPT, [service, dir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return dir;
}

/** Every symlink in the bundle must stay inside it: a link into the workspace would dangle in the image. */
function linksLeavingBundle(dir: string): string[] {
  const leaving: string[] = [];
  const root = fs.realpathSync(dir);
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isSymbolicLink()) {
        const target = path.resolve(path.dirname(full), fs.readlinkSync(full));
        if (!target.startsWith(root + path.sep)) leaving.push(`${path.relative(root, full)} -> ${target}`);
      } else if (entry.isDirectory()) {
        walk(full);
      }
    }
  };
  walk(root);
  return leaving;
}

function runHealthcheck(cwd: string, env: NodeJS.ProcessEnv, extraArgs: string[] = []): Promise<number> {
  const [command, args] = resolveNode(HEALTHCHECK);
  return new Promise((resolve) => {
    execFile(command, [...args, ...extraArgs], { cwd, env, timeout: 10_000 }, (err) => {
      resolve(err ? (typeof err.code === 'number' ? err.code : 1) : 0);
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => resolve('still running'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? String(signal));
    });
  });
}

describe('production bundles (scripts/bundle-service.sh, started like the image starts them)', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const logs = new Map<string, string>();
  let paymentDir = '';
  let orderDir = '';
  let paymentPort = 0;
  let orderPort = 0;
  let closedPort = 0;
  let payment: ChildProcess | undefined;
  let orderApi: ChildProcess | undefined;

  function start(name: string, cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
    const [command, args] = resolveNode(ENTRYPOINT);
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    logs.set(name, '');
    const append = (chunk: Buffer) => logs.set(name, (logs.get(name) ?? '') + chunk.toString());
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    for (const service of ['order-api', 'payment-service', 'load-generator']) {
      if (!fs.existsSync(repoPath('services', service, 'dist', 'main.js'))) {
        throw new Error(
          `services/${service}/dist/main.js is missing: run \`./scripts/pnpm build\` before the deploy tests`,
        );
      }
    }
    [paymentPort, orderPort, closedPort] = await Promise.all([freePort(), freePort(), freePort()]);
    paymentDir = bundle('payment-service');
    orderDir = bundle('order-api');
    dirs.push(paymentDir, orderDir);
  }, 120_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    ['payment-service', () => paymentDir],
    ['order-api', () => orderDir],
  ])('%s: self-contained bundle outside the workspace, production dependencies only', (service, dirOf) => {
    const dir = dirOf();
    expect(path.relative(ROOT, dir).startsWith('..')).toBe(true);
    expect((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string }).name).toBe(
      service,
    );
    expect(fs.existsSync(path.join(dir, 'dist', 'main.js'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'dist', 'healthcheck.js'))).toBe(true);
    expect(linksLeavingBundle(dir)).toEqual([]);
    // Workspace packages are copied in, resolvable from the bundle, and resolve to files inside it.
    const requireFromBundle = createRequire(path.join(dir, 'package.json'));
    for (const specifier of ['@otel-stack/telemetry/register', '@otel-stack/protos']) {
      const resolved = fs.realpathSync(requireFromBundle.resolve(specifier));
      expect({ specifier, inside: resolved.startsWith(fs.realpathSync(dir) + path.sep) }).toEqual({
        specifier,
        inside: true,
      });
    }
    const protosDir = path.dirname(path.dirname(fs.realpathSync(requireFromBundle.resolve('@otel-stack/protos'))));
    expect(fs.existsSync(path.join(protosDir, 'payment', 'v1', 'payment.proto'))).toBe(true);
    // The instrumentation-grpc the bundle loads is the patched one (patches/, pnpm's patchedDependencies).
    const requireFromTelemetry = createRequire(
      fs.realpathSync(requireFromBundle.resolve('@otel-stack/telemetry/register')),
    );
    const grpcInstrumentation = requireFromTelemetry.resolve('@opentelemetry/instrumentation-grpc');
    const instrumentationSource = path.join(path.dirname(grpcInstrumentation), 'instrumentation.cjs');
    expect(fs.readFileSync(instrumentationSource, 'utf8')).toContain('netAttributesByClient');
    // No development tooling in an image.
    const store = fs.readdirSync(path.join(dir, 'node_modules', '.pnpm'));
    for (const devOnly of ['typescript@', 'jest@', '@swc+core@', '@biomejs+biome@', 'kubernetes-models@']) {
      expect({ devOnly, present: store.some((entry) => entry.startsWith(devOnly)) }).toEqual({
        devOnly,
        present: false,
      });
    }
  });

  test('payment-service starts with the image ENTRYPOINT and answers the gRPC health check', async () => {
    const env = containerEnv({ PORT: String(paymentPort) }, closedPort);
    payment = start('payment-service', paymentDir, env);
    // The image's HEALTHCHECK command, run in the bundle with the container's environment.
    await waitFor('payment-service HEALTHCHECK to pass', async () => (await runHealthcheck(paymentDir, env)) === 0);

    // And a Check of our own, with the gRPC libraries the bundle ships.
    const requireFromBundle = createRequire(path.join(paymentDir, 'package.json'));
    const grpc = requireFromBundle('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
    const { service } = requireFromBundle('grpc-health-check') as {
      service: import('@grpc/grpc-js').ServiceDefinition;
    };
    const Client = grpc.makeClientConstructor(service, 'grpc.health.v1.Health');
    const client = new Client(`127.0.0.1:${paymentPort}`, grpc.credentials.createInsecure()) as unknown as {
      check(req: { service: string }, cb: (err: Error | null, res?: { status: string | number }) => void): void;
      close(): void;
    };
    const status = await new Promise<string | number | undefined>((resolve, reject) =>
      client.check({ service: 'payment.v1.PaymentService' }, (err, res) => (err ? reject(err) : resolve(res?.status))),
    );
    client.close();
    expect([status === 'SERVING' || status === 1, logs.get('payment-service')]).toEqual([
      true,
      logs.get('payment-service'),
    ]);
  });

  test('payment-service healthcheck fails against a closed port', async () => {
    const env = containerEnv({ PORT: String(closedPort), HEALTHCHECK_TIMEOUT_MS: '1000' }, closedPort);
    expect(await runHealthcheck(paymentDir, env)).not.toBe(0);
  });

  test('order-api starts with the image ENTRYPOINT, passes its HEALTHCHECK and serves an order through the bundled payment-service', async () => {
    const env = containerEnv({ PORT: String(orderPort), PAYMENT_SERVICE_ADDR: `127.0.0.1:${paymentPort}` }, closedPort);
    orderApi = start('order-api', orderDir, env);
    const base = `http://127.0.0.1:${orderPort}`;
    await waitFor('order-api /healthz', async () => (await fetch(`${base}/healthz`)).status === 200);
    expect(await runHealthcheck(orderDir, env)).toBe(0);
    await waitFor('order-api /readyz', async () => (await fetch(`${base}/readyz`)).status === 200);
    const response = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', baggage: 'tenant_id=tenant_a' },
      body: JSON.stringify(sampleOrder()),
    });
    const body = (await response.json()) as { status?: string; amountCents?: number; traceId?: string };
    expect([response.status, body.status, body.amountCents]).toEqual([201, 'paid', 2500]);
    expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  test('order-api healthcheck fails against a closed port', async () => {
    const env = containerEnv({ PORT: String(closedPort), HEALTHCHECK_TIMEOUT_MS: '1000' }, closedPort);
    expect(await runHealthcheck(orderDir, env)).not.toBe(0);
  });

  test('SIGTERM to the node process (PID 1 in the container) stops both services cleanly', async () => {
    expect(orderApi).toBeDefined();
    expect(payment).toBeDefined();
    orderApi?.kill('SIGTERM');
    payment?.kill('SIGTERM');
    const [orderExit, paymentExit] = await Promise.all([
      exitOf(orderApi as ChildProcess, 15_000),
      exitOf(payment as ChildProcess, 15_000),
    ]);
    expect({ orderExit, paymentExit }).toEqual({ orderExit: 0, paymentExit: 0 });
  });

  test('load-generator bundles the same way and starts with its image ENTRYPOINT', () => {
    const dir = bundle('load-generator');
    dirs.push(dir);
    expect(linksLeavingBundle(dir)).toEqual([]);
    const [command, args] = resolveNode(execForm(effective(stages, 'load-generator', 'ENTRYPOINT') ?? '') ?? []);
    const help = execFileSync(command, [...args, '--help'], {
      cwd: dir,
      env: containerEnv({}, closedPort),
      encoding: 'utf8',
    });
    expect(help).toContain('Usage: load-generator');
  });

  test('control-plane bundles the same way, starts with its image ENTRYPOINT, passes its HEALTHCHECK and answers its CLI', async () => {
    const dir = bundle('control-plane');
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'control-plane-state-'));
    dirs.push(dir, state);
    expect(linksLeavingBundle(dir)).toEqual([]);
    const [opampPort, adminPort] = await Promise.all([freePort(), freePort()]);
    const env = containerEnv(
      {
        OPAMP_PORT: String(opampPort),
        ADMIN_PORT: String(adminPort),
        STATE_DIR: state,
        // The image's files, mounted from the repository in compose and Kubernetes.
        COLLECTOR_CONFIG_TEMPLATE: repoPath('collector', 'otel-collector.yaml'),
        TENANTS_FILE: repoPath('tenants.yaml'),
        // The image copies the agents' collector as validator; this test is about the bundle, so any command that
        // exits 0 will do (the pipeline tests validate with the real one).
        COLLECTOR_VALIDATOR: 'true',
      },
      closedPort,
    );
    const run = (stage: string, keyword: 'ENTRYPOINT' | 'HEALTHCHECK') =>
      resolveNode(execForm((effective(stages, stage, keyword) ?? '').replace(/^(--\S+\s+)*CMD\s+/, '')) ?? []);
    const [command, args] = run('control-plane', 'ENTRYPOINT');
    const child = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const [health, healthArgs] = run('control-plane', 'HEALTHCHECK');
    const healthcheck = () =>
      new Promise<number>((resolve) =>
        execFile(health, healthArgs, { cwd: dir, env, timeout: 10_000 }, (err) =>
          resolve(err ? (typeof err.code === 'number' ? err.code : 1) : 0),
        ),
      );
    await waitFor('control-plane HEALTHCHECK to pass', async () => (await healthcheck()) === 0);
    const cli = execFileSync(process.execPath, ['dist/cli.js', 'config'], {
      cwd: dir,
      env: { ...env, CONTROL_PLANE_URL: `http://127.0.0.1:${adminPort}` },
      encoding: 'utf8',
    });
    expect(cli).toMatch(/sampling/i);
    child.kill('SIGTERM');
    expect(await exitOf(child, 10_000)).toBe(0);
    expect(await healthcheck()).not.toBe(0);
  });
});
