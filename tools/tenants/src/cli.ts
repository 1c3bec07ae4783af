/**
 * `./scripts/pnpm tenants:generate [root]`: rewrites, from tenants.yaml, every file that lists tenants (see
 * generate.ts) in this checkout, or in the copy at `root`. Prints what it changed; a bad tenants.yaml stops it with
 * one line.
 */
import path from 'node:path';
import { writeGenerated } from './generate';
import { TENANTS_FILE, TenantsError } from './tenants';

const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', '..'));
try {
  const changed = writeGenerated(root);
  process.stdout.write(
    changed.length === 0
      ? `${TENANTS_FILE}: every file is current\n`
      : `${TENANTS_FILE} ->\n  ${changed.join('\n  ')}\n`,
  );
} catch (err) {
  if (!(err instanceof TenantsError)) throw err;
  process.stderr.write(`tenants:generate: ${err.message}\n`);
  process.exitCode = 1;
}
