import { ConfigError, readControlPlaneConfig } from './config';
import { startControlPlane } from './server';

function fatal(msg: string, err?: unknown): never {
  process.stderr.write(
    `${JSON.stringify({ level: 60, name: 'control-plane', msg, ...(err !== undefined && { err: String(err) }) })}\n`,
  );
  process.exit(1);
}

async function main(): Promise<void> {
  let config: ReturnType<typeof readControlPlaneConfig>;
  try {
    config = readControlPlaneConfig();
  } catch (err) {
    if (err instanceof ConfigError) fatal(`invalid configuration: ${err.message}`);
    throw err;
  }
  const running = await startControlPlane(config);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    running.close().then(
      () => process.exit(0),
      (err: unknown) => fatal('shutdown failed', err),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => fatal('failed to start', err));
