/** `pnpm demo` must work on the first try: on the real pipeline, end to end (with --once), on free ports. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, STACK_PORT_VARIABLES } from '@otel-stack/devstack';
import { FAKE_CUSTOMER, TEST_CARDS } from 'load-generator/fixtures';
import { spawnNodeScript } from '../integration/harness/spawn';

it("sends the samples through the collector and prints each tenant's traces, masked, from its own Jaeger", async () => {
  const env: Record<string, string> = {
    STACK_DIR: mkdtempSync(path.join(os.tmpdir(), 'demo-test-')),
  };
  for (const variable of STACK_PORT_VARIABLES) env[variable] = String(await freePort());
  const demo = spawnNodeScript(require.resolve('@otel-stack/devstack/dist/demo.js'), ['--once'], env);
  const code = await demo.exited;
  const output = demo.output();
  expect({ code, output }).toMatchObject({ code: 0 });
  expect(output).not.toMatch(/Receiver-only/);
  // One section per Jaeger, with that tenant's traces: two for tenant_a, one each for tenant_b and default.
  const sections = output.split(/^=== jaeger /m).slice(1);
  expect(sections.map((s) => [s.split(' ')[0], s.match(/^trace [0-9a-f]{32} \(1[01] spans\)$/gm)?.length])).toEqual([
    ['tenant_a', 2],
    ['tenant_b', 1],
    ['default', 1],
  ]);
  for (const [i, tenant] of ['tenant_a', 'tenant_b', 'default'].entries()) {
    const spanLines = (sections[i] ?? '').split('\n').filter((l) => /[├└]─ /.test(l));
    for (const line of spanLines) expect(line).toContain(`tenant.id=${tenant}`);
  }
  // Masked as stored: the trees never show a raw card or the email, and show the masked forms.
  const trees = sections.join('\n').split('\nStored as')[0] ?? '';
  for (const raw of [...Object.values(TEST_CARDS), FAKE_CUSTOMER.email]) expect(trees).not.toContain(raw);
  expect(trees).toMatch(/payment\.card\.number=\*\*\*\*4242/);
  expect(trees).toMatch(/user\.hash=[0-9a-f]{64}/);
  expect(output).toMatch(/Stopped\./);
}, 90_000);
