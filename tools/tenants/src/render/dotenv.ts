// .env: the lines under the tenants' heading, up to the next blank line (TENANTS and the Jaeger UI host ports).
// Every other line is hand-written and left as it is.
import { namesOf, servicesTenants, type Tenants } from '@otel-stack/tenancy';

export const DOTENV_FILE = '.env';

const HEADING = '# --- Tenants: generated from tenants.yaml';

function block(tenants: Tenants): string[] {
  return [
    `# Tenants with a Jaeger of their own, accepted by both services; any other tenant is \`${tenants.fallback.id}\`.`,
    `TENANTS=${servicesTenants(tenants.backends)}`,
    '# Host ports of the Jaeger UIs (bound to HOST_BIND).',
    ...tenants.backends.map((b) => `${namesOf(b).uiPortVariable}=${b.uiPort}`),
  ];
}

export function renderDotEnv(tenants: Tenants, text: string): string {
  const lines = text.split('\n');
  const heading = lines.findIndex((line) => line.startsWith(HEADING));
  if (heading < 0) throw new Error(`${DOTENV_FILE}: no line starting "${HEADING}" to put the tenants under`);
  const blank = lines.findIndex((line, i) => i > heading && line.trim() === '');
  const end = blank < 0 ? lines.length : blank;
  return [...lines.slice(0, heading + 1), ...block(tenants), ...lines.slice(end)].join('\n');
}
