import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readTenants } from '@otel-stack/tenancy';
import { parse } from 'yaml';
import { ConfigRenderError, renderConfig, toTenantsDocument } from '../src/collector-config';
import { reasonOf } from '../src/validate-config';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TEMPLATE = readFileSync(path.join(ROOT, 'collector/otel-collector.yaml'), 'utf8');
const TENANTS = toTenantsDocument(readTenants(ROOT));
type Config = {
  processors: {
    tail_sampling: { policies: Array<{ name: string; probabilistic?: { sampling_percentage: unknown } }> };
  };
  connectors: { routing: { table: Array<{ condition: string; pipelines: string[] }>; default_pipelines: string[] } };
  exporters: Record<string, { endpoint: string }>;
  service: { pipelines: Record<string, { receivers?: string[]; exporters: string[] }> };
};
const render = (parameters: Partial<Parameters<typeof renderConfig>[1]> = {}): Config =>
  parse(renderConfig(TEMPLATE, { samplingPercentage: 100, tenants: TENANTS, endpoints: {}, ...parameters }));

describe('renderConfig: the pushed config is collector/otel-collector.yaml with the parameters', () => {
  it("with tenants.yaml's tenants it is the committed file, but the sampling percentage written as a number", () => {
    const committed = parse(TEMPLATE) as Config;
    const baseline = committed.processors.tail_sampling.policies.find((p) => p.name === 'baseline');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the collector's env syntax, not a JS template
    expect(baseline?.probabilistic?.sampling_percentage).toBe('${env:TAIL_SAMPLING_PERCENTAGE:-100}');
    if (baseline?.probabilistic) baseline.probabilistic.sampling_percentage = 37.5;
    expect(render({ samplingPercentage: 37.5 })).toEqual(committed);
  });

  it('a tenant added: its route, its exporter (endpoint given, the variable still first) and its pipeline', () => {
    const config = render({
      tenants: {
        ...TENANTS,
        tenants: [...TENANTS.tenants, { id: 'tenant_c', jaeger: 'jaeger-tenant-c', uiPort: 16689 }],
      },
      endpoints: { tenant_c: '127.0.0.1:14317' },
    });
    expect(config.connectors.routing.table.at(-1)).toEqual({
      context: 'span',
      condition: 'span.attributes["tenant.id"] == "tenant_c"',
      pipelines: ['traces/tenant_c'],
    });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the collector's env syntax, not a JS template
    expect(config.exporters['otlp_grpc/tenant_c']?.endpoint).toBe('${env:JAEGER_TENANT_C_ENDPOINT:-127.0.0.1:14317}');
    expect(config.service.pipelines['traces/tenant_c']).toEqual({
      receivers: ['routing'],
      exporters: ['otlp_grpc/tenant_c'],
    });
    expect(config.connectors.routing.default_pipelines).toEqual(['traces/default']);
  });

  it('a tenant removed: nothing of it is left', () => {
    const text = renderConfig(TEMPLATE, {
      samplingPercentage: 100,
      tenants: { ...TENANTS, tenants: TENANTS.tenants.filter((t) => t.id !== 'tenant_b') },
      endpoints: {},
    });
    expect(text).not.toMatch(/tenant_b|TENANT_B/);
  });

  it.each([
    [{ samplingPercentage: 101 }, /samplingPercentage must be from 0 to 100/],
    [{ samplingPercentage: Number.NaN }, /samplingPercentage/],
    [{ endpoints: { tenant_z: '127.0.0.1:1' } }, /endpoints.tenant_z: no tenant or fallback has this id/],
    [{ endpoints: { tenant_a: 'http://jaeger:4317' } }, /endpoints.tenant_a: expected host:port/],
    [
      { tenants: { ...TENANTS, tenants: [{ id: 'tenant a"', jaeger: 'jaeger-x', uiPort: 1 }] } },
      /tenants: tenants\[0\]\.id: letters, digits/,
    ],
    [{ tenants: { ...TENANTS, tenants: [{ ...TENANTS.fallback }] } }, /tenants: id default appears twice/],
  ])('%j is refused with the reason', (parameters, message) => {
    expect(() => render(parameters)).toThrow(ConfigRenderError);
    expect(() => render(parameters)).toThrow(message);
  });
});

describe("reasonOf: the collector's validation output as one line", () => {
  it('keeps everything from the first Error:, drops blank lines and the usage text, masks card numbers', () => {
    const output = [
      'Error: failed to get config: cannot unmarshal the configuration: decoding failed due to the following error(s):',
      '',
      '\'processors\' error reading configuration for "tail_sampling": decoding failed due to the following error(s):',
      '',
      '\'decision_wait\' time: invalid duration "4111 1111 1111 1111"',
      'Usage:',
      '  otelcol validate [flags]',
    ].join('\n');
    expect(reasonOf(output)).toBe(
      'Error: failed to get config: cannot unmarshal the configuration: decoding failed due to the following error(s): \'processors\' error reading configuration for "tail_sampling": decoding failed due to the following error(s): \'decision_wait\' time: invalid duration "****1111"',
    );
    expect(reasonOf('')).toBe('the collector refused the config without saying why');
  });
});
