/**
 * `./scripts/pnpm generate [root]`: rewrites every generated file (see generate.ts: the files that list tenants, from
 * tenants.yaml, and tier 1's copy of the masking, from collector/otel-collector.yaml) in this checkout, or in the
 * copy at `root`. Prints what it changed; a bad tenants.yaml stops it with one line.
 */
import path from 'node:path';
import { TenantsError } from '@otel-stack/tenancy';
import { writeGenerated } from './generate';

const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', '..'));
try {
  const changed = writeGenerated(root);
  process.stdout.write(
    changed.length === 0 ? 'generate: every file is current\n' : `generate: rewrote\n  ${changed.join('\n  ')}\n`,
  );
} catch (err) {
  if (!(err instanceof TenantsError)) throw err;
  process.stderr.write(`generate: ${err.message}\n`);
  process.exitCode = 1;
}
