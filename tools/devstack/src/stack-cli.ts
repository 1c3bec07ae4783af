/**
 * `pnpm stack`: the whole pipeline natively, in the foreground -- payment-service, order-api, our collector
 * distribution running collector/otel-collector.yaml and one Jaeger per backend, on compose's host ports on
 * 127.0.0.1. Builds the collector and Jaeger first when they are missing or out of date. Ctrl-C or SIGTERM stops
 * everything: the services flush their spans, the collector decides its last traces and keeps what it could not
 * deliver in its persistent queue (.build/stack/file_storage), then the Jaegers stop (their storage is in memory).
 *
 * `pnpm stack --opamp`: the same, with the collector under the OpAMP Supervisor and its config pushed by the control
 * plane (docs/opamp.md), which keeps its desired config in .build/stack/control-plane.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { sampleOrder } from 'load-generator/fixtures';
import { buildBinaries, ROOT } from './binaries';
import { BACKENDS, Pipeline } from './pipeline';
import { type ManagedProcess, stopChildrenYourselfOnSigterm } from './processes';
import { checkPortsFree, PortError, stackPorts } from './stack-ports';

// The collector's persistent queue and the logs; STACK_DIR moves them (two stacks must never share a queue: the
// second collector cannot open it and fails to start with "failed to start ... exporter: timeout").
const STACK_DIR = process.env.STACK_DIR ? path.resolve(process.env.STACK_DIR) : path.join(ROOT, '.build/stack');
const say = (line: string) => process.stdout.write(`${line}\n`);

/** Starts the stack and resolves once it is up, or prints one line why not and exits 1. */
export async function startNativeStack(options: { quiet?: boolean; opamp?: boolean } = {}): Promise<Pipeline> {
  let ports: ReturnType<typeof stackPorts>;
  try {
    ports = stackPorts(process.env, { opamp: options.opamp ?? false });
    await checkPortsFree(ports.settings);
  } catch (err) {
    if (!(err instanceof PortError)) throw err;
    console.error(`pnpm stack: ${err.message}`);
    process.exit(1);
  }
  if (!(await buildBinaries({ opamp: options.opamp ?? false }))) {
    console.error('pnpm stack: the collector, Jaeger or the OpAMP Supervisor could not be built (see above)');
    process.exit(1);
  }
  const pipeline = new Pipeline(ports.ports, {
    storageDir: path.join(STACK_DIR, 'file_storage'),
    ownProcessGroup: true,
    ...(ports.opamp && { opamp: { ...ports.opamp, stateDir: path.join(STACK_DIR, 'control-plane') } }),
    collector: process.env.TAIL_SAMPLING_PERCENTAGE
      ? { TAIL_SAMPLING_PERCENTAGE: process.env.TAIL_SAMPLING_PERCENTAGE }
      : {},
  });
  try {
    await pipeline.start((what) => {
      if (!options.quiet) say(`starting ${what}`);
    });
  } catch (err) {
    console.error(`pnpm stack: could not start: ${err instanceof Error ? err.message : String(err)}`);
    await pipeline.stop();
    process.exit(1);
  }
  writeLogs(pipeline.processes(), path.join(STACK_DIR, 'logs'));
  return pipeline;
}

/** Each process's output, so far and from now on, in `<dir>/<name>.log`. */
export function writeLogs(processes: readonly ManagedProcess[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const proc of processes) {
    const log = createWriteStream(path.join(dir, `${proc.name}.log`));
    for (const line of proc.output) log.write(`${line}\n`);
    proc.onLine((line) => log.write(`${line}\n`));
  }
}

/** A curl command placing the README's sample order as `tenant`. */
export function curlSampleOrder(baseUrl: string, tenant: string): string {
  return [
    `  curl -s -X POST ${baseUrl}/orders -H 'content-type: application/json' -H 'baggage: tenant_id=${tenant}' \\`,
    `    -d '${JSON.stringify(sampleOrder())}'`,
  ].join('\n');
}

export function describeStack(pipeline: Pipeline): string {
  const { ports } = pipeline;
  const c = ports.collector;
  const jaegers = BACKENDS.map(
    (b) =>
      `  jaeger ${b.padEnd(9)} http://127.0.0.1:${ports.jaegers[b].queryHttp}/api/traces?service=order-api  (query API)`,
  );
  return [
    `  order-api        ${pipeline.baseUrl}  (POST /orders, POST /orders/batch, GET /orders/:id)`,
    `  payment-service  127.0.0.1:${ports.payment}  (gRPC; reflection on)`,
    ...(pipeline.controlPlane
      ? [
          `  control-plane    OpAMP ${pipeline.controlPlane.opampUrl}; admin API ${pipeline.controlPlane.adminUrl}/agents (./scripts/pnpm control-plane agents)`,
        ]
      : []),
    `  otel-collector   OTLP gRPC 127.0.0.1:${c.otlpGrpc}, HTTP 127.0.0.1:${c.otlpHttp}; health http://127.0.0.1:${c.health}/; metrics http://127.0.0.1:${c.metrics}/metrics`,
    ...jaegers,
    `  logs             ${path.join(STACK_DIR, 'logs')}/`,
    '  (Jaeger built from its Go module has no UI -- its page is a placeholder; the query API above works. The UI',
    '   comes with the jaegertracing/jaeger image: docker compose up.)',
  ].join('\n');
}

/** Stops on the first SIGINT/SIGTERM (flushing); a second one kills everything at once. */
export function stopOnSignals(
  pipeline: Pipeline,
  onStopped: () => void = () => process.exit(0),
): (reason: string) => Promise<void> {
  stopChildrenYourselfOnSigterm();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      say(`${signal} again: killing everything now`);
      for (const proc of pipeline.processes()) proc.kill();
      process.exit(130);
    }
    stopping = true;
    say(
      `\n${signal}: stopping -- the services flush their spans, the collector decides its last traces (up to 10 s)...`,
    );
    await pipeline.stop({ drain: true });
    say('Stopped.');
    onStopped();
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // A process of the stack that dies on its own takes the stack down with it, saying which.
  for (const proc of pipeline.processes()) {
    void proc.exited.then(({ code, signal }) => {
      if (stopping) return;
      console.error(
        `${proc.name} exited (${signal ?? code}); stopping the stack. Its log: ${path.join(STACK_DIR, 'logs', `${proc.name}.log`)}`,
      );
      void stop('exit').then(() => process.exit(1));
    });
  }
  return stop;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.some((a) => a !== '--opamp')) {
    console.error('usage: pnpm stack [--opamp]');
    process.exit(2);
  }
  const pipeline = await startNativeStack({ opamp: args.includes('--opamp') });
  stopOnSignals(pipeline);
  say(`\nThe stack is up (Ctrl-C stops it):\n${describeStack(pipeline)}\n`);
  say(`Try it:
${curlSampleOrder(pipeline.baseUrl, 'tenant_a')}
  then, about 10 s later (tail sampling waits for the whole trace):
  curl -s 'http://127.0.0.1:${pipeline.ports.jaegers.tenant_a.queryHttp}/api/traces?service=order-api&limit=1'`);
  if (pipeline.controlPlane) {
    say(`and change the collector's config while it runs (CONTROL_PLANE_URL=${pipeline.controlPlane.adminUrl} if not 4321):
  ./scripts/pnpm control-plane agents
  ./scripts/pnpm control-plane sampling 10`);
  }
}

if (require.main === module) void main();
