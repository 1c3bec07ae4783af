import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');

/** The binaries of the real pipeline, built from their Go modules into .build/ (git-ignored). */
export const BINARIES = {
  collector: path.join(ROOT, '.build/otelcol/otelcol-otel-stack'),
  jaeger: path.join(ROOT, '.build/jaeger/jaeger'),
} as const;

const BUILD_SCRIPTS = {
  collector: path.join(ROOT, 'scripts/build-collector.sh'),
  jaeger: path.join(ROOT, 'scripts/build-jaeger.sh'),
} as const;
const OPAMP_BUILD_SCRIPT = path.join(ROOT, 'scripts/build-opamp.sh');

export type BinaryName = keyof typeof BINARIES;

/** The binaries that are not built yet. */
export function missingBinaries(): BinaryName[] {
  return (Object.keys(BINARIES) as BinaryName[]).filter((name) => !existsSync(BINARIES[name]));
}

/** For tests: fails with one line saying how to get the binaries (`pnpm test` builds them first). */
export function requireBinaries(): void {
  const missing = missingBinaries();
  if (missing.length > 0) {
    throw new Error(
      `${missing.map((name) => BINARIES[name]).join(' and ')} not built: run ./scripts/pnpm pipeline:build (needs Go)`,
    );
  }
}

/**
 * Runs the build scripts (each is a no-op when its binary is current), their progress going to stderr. Resolves to
 * false with the scripts' own one-line reason (e.g. no Go) already printed.
 */
export async function buildBinaries(options: { opamp?: boolean } = {}): Promise<boolean> {
  const scripts = [...Object.values(BUILD_SCRIPTS), ...(options.opamp ? [OPAMP_BUILD_SCRIPT] : [])];
  for (const script of scripts) {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('bash', [script], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
      child.once('error', () => resolve(1));
      child.once('exit', resolve);
    });
    if (code !== 0) return false;
  }
  return true;
}
