// tools/tenants/src/backends.ts: tenants.yaml as TypeScript, for the code that names a backend.
import type { Tenants } from '@otel-stack/tenancy';

export const BACKENDS_FILE = 'tools/tenants/src/backends.ts';

export function renderBackends(tenants: Tenants): string {
  const entries = tenants.backends.map(
    (b) => `  { id: '${b.id}', jaeger: '${b.jaeger}', uiPort: ${b.uiPort}, fallback: ${b.fallback} },`,
  );
  return [
    '// Generated from tenants.yaml by `./scripts/pnpm generate`: edit tenants.yaml, then run it.',
    '// Code that names a backend (`pipeline.jaegers.tenant_a`) needs the ids as literal types, which a file read at',
    '// runtime cannot give; test/deploy/tenants.test.ts fails while this copy differs from tenants.yaml.',
    "import type { Backend } from '@otel-stack/tenancy';",
    '',
    "/** The backends in tenants.yaml's order: the tenants, then the fallback. */",
    'export const TENANT_BACKENDS = [',
    ...entries,
    '] as const satisfies readonly Backend[];',
    '',
  ].join('\n');
}
