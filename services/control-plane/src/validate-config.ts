import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { redactPii } from '@otel-stack/redact';

export class ConfigInvalidError extends Error {
  override name = 'ConfigInvalidError';
}

const TIMEOUT_MS = 30_000;
// The collector's error lines are a timestamped log line or a plain `Error: ...`; this keeps the message part.
const LOG_PREFIX = /^\S+\s+(?:error|ERROR|warn|WARN|info|INFO)\s+\S+\s+/;

/** The lines of the collector's output that say why, masked: the config is an operator's input and may hold anything. */
function reasonOf(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.replace(LOG_PREFIX, '').trim())
    .filter((line) => line !== '' && !line.startsWith('Usage:') && !line.startsWith('Flags:'));
  const reason = lines.find((line) => /error/i.test(line)) ?? lines[0] ?? 'no output';
  return redactPii(reason.length > 2000 ? `${reason.slice(0, 2000)}...` : reason);
}

/**
 * `<collector> validate --config=<file>`: loads the config as the collector would (env resolved, unknown keys
 * refused, every component's checks, the pipeline graph) and starts nothing. Resolves when it passes.
 */
export async function validateWithCollector(binary: string, yaml: string): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'control-plane-validate-'));
  const file = path.join(dir, 'config.yaml');
  try {
    await writeFile(file, yaml, { mode: 0o600 });
    await new Promise<void>((resolve, reject) => {
      execFile(
        binary,
        ['validate', `--config=${file}`],
        { timeout: TIMEOUT_MS, maxBuffer: 1024 * 1024 },
        (err, stdout, stderr) => {
          if (!err) return resolve();
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            return reject(new Error(`COLLECTOR_VALIDATOR: ${binary} not found; it must name a collector binary`));
          }
          reject(new ConfigInvalidError(reasonOf(`${stderr}\n${stdout}`)));
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
