// Nothing outlives a failing test: a process that starts the whole pipeline and then dies of an uncaught error
// leaves no service, collector or Jaeger behind (devstack kills its children when its process exits).
import { spawn } from 'node:child_process';
import { BACKENDS, isListening } from '@otel-stack/devstack';

const SCRIPT = `
const { startPipeline } = require('@otel-stack/devstack');
startPipeline().then((p) => {
  const ports = [p.ports.orderApi, p.ports.payment, ...Object.values(p.ports.collector),
    ...Object.values(p.ports.jaegers).flatMap((j) => Object.values(j))];
  console.log(JSON.stringify(ports));
  throw new Error('a test failed');
});
`;

it('a crash after starting the pipeline leaves nothing listening', async () => {
  const child = spawn(process.execPath, ['-e', SCRIPT], { cwd: __dirname, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
  const ports = JSON.parse(stdout.trim().split('\n')[0] ?? '[]') as number[];
  // Both services, the collector's five (OTLP gRPC and HTTP, health, metrics, pprof), four per Jaeger.
  expect(ports).toHaveLength(2 + 5 + 4 * BACKENDS.length);
  // SIGKILL is immediate, but the kernel may take a moment to close the sockets.
  await new Promise((r) => setTimeout(r, 500));
  for (const port of ports) expect(`${port} ${await isListening(port)}`).toBe(`${port} false`);
}, 60_000);
