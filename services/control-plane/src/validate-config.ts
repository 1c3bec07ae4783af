import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { redactPii } from '@otel-stack/redact';

export class ConfigInvalidError extends Error {
  override name = 'ConfigInvalidError';
}

const TIMEOUT_MS = 30_000;
// A log line of the collector's (`2026-...Z  error  caller  message`): the message part is what counts.
const LOG_PREFIX = /^\d{4}-\d{2}-\d{2}T\S+\s+(?:error|warn|info|debug)\s+\S+\s+/i;

/**
 * What the collector said, from its first `Error:` on, in one line and masked: the config is an operator's input
 * and may hold anything.
 */
export function reasonOf(output: string): string {
  const lines = output.split('\n').map((line) => line.replace(LOG_PREFIX, '').trim());
  const usage = lines.findIndex((line) => line.startsWith('Usage:'));
  const relevant = lines.slice(0, usage === -1 ? undefined : usage);
  const first = relevant.findIndex((line) => line.startsWith('Error:'));
  const reason = relevant
    .slice(Math.max(first, 0))
    .filter((line) => line !== '')
    .join(' ');
  const text = reason === '' ? 'the collector refused the config without saying why' : reason;
  return redactPii(text.length > 2000 ? `${text.slice(0, 2000)}...` : text);
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
