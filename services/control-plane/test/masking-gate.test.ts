import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { checkMasking, MASKING_PROCESSOR, MaskingGateError, parseConfig } from '../src/masking-gate';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TEMPLATE_TEXT = readFileSync(path.join(ROOT, 'collector/otel-collector.yaml'), 'utf8');
const TEMPLATE = parseConfig(TEMPLATE_TEXT);
/** A copy of the masking processor's definition to change (parsed again: same realm as the one compared with). */
const masking = (): unknown => (parseConfig(TEMPLATE_TEXT).processors as Record<string, unknown>)[MASKING_PROCESSOR];

interface Pipeline {
  receivers: string[];
  processors: string[];
  exporters: string[];
}

const UNCHANGED = masking();

/** A config with these pipelines; `changeable`: its own copy of the masking processor, to change. */
function configWith(
  pipelines: Record<string, Pipeline>,
  connectors: string[],
  changeable = false,
): Record<string, unknown> {
  return {
    processors: { [MASKING_PROCESSOR]: changeable ? masking() : UNCHANGED, memory_limiter: {} },
    connectors: Object.fromEntries(connectors.map((c) => [c, {}])),
    service: { pipelines },
  };
}

/**
 * The rule by brute force: walk every path from a receiver through pipelines and connectors to an exporter; every
 * one must pass a pipeline with the masking processor.
 */
function everyPathMasked(pipelines: Record<string, Pipeline>, connectors: Set<string>): boolean {
  const entries = Object.entries(pipelines);
  const walk = (id: string, masked: boolean, seen: Set<string>): boolean => {
    const p = pipelines[id] as Pipeline;
    const m = masked || p.processors.includes(MASKING_PROCESSOR);
    return p.exporters.every((e) => {
      if (!connectors.has(e)) return m;
      return entries
        .filter(([next, q]) => q.receivers.includes(e) && !seen.has(next))
        .every(([next]) => walk(next, m, new Set([...seen, next])));
    });
  };
  return entries.every(([id, p]) => p.receivers.every((r) => connectors.has(r)) || walk(id, false, new Set([id])));
}

describe('checkMasking: the masking processor on every path from a receiver to an exporter', () => {
  it('accepts collector/otel-collector.yaml itself', () => {
    expect(() => checkMasking(TEMPLATE, TEMPLATE)).not.toThrow();
  });

  it('refuses a config without the masking processor, or with other rules under its name', () => {
    const pipelines = { traces: { receivers: ['otlp'], processors: [MASKING_PROCESSOR], exporters: ['otlp_grpc/x'] } };
    const without = configWith(pipelines, [], true);
    delete (without.processors as Record<string, unknown>)[MASKING_PROCESSOR];
    expect(() => checkMasking(without, TEMPLATE)).toThrow('processors: transform/pii is missing');
    const weakened = configWith(pipelines, [], true);
    const rules = (weakened.processors as Record<string, { trace_statements: unknown[] }>)[MASKING_PROCESSOR];
    rules?.trace_statements.pop();
    expect(() => checkMasking(weakened, TEMPLATE)).toThrow('differs from the masking rules');
    const errorMode = configWith(pipelines, [], true);
    const errorModeRules = (errorMode.processors as Record<string, { error_mode: string }>)[MASKING_PROCESSOR];
    if (errorModeRules) errorModeRules.error_mode = 'ignore';
    expect(() => checkMasking(errorMode, TEMPLATE)).toThrow('differs from the masking rules');
  });

  it('refuses logs and metrics pipelines (the rules are span rules)', () => {
    const config = configWith(
      { 'logs/x': { receivers: ['otlp'], processors: [MASKING_PROCESSOR], exporters: ['otlp_grpc/x'] } },
      [],
    );
    expect(() => checkMasking(config, TEMPLATE)).toThrow('service.pipelines.logs/x: only traces pipelines');
  });

  it('refuses a pipeline that exports without masking, and one fed through a connector by such a pipeline', () => {
    const direct = configWith({ traces: { receivers: ['otlp'], processors: [], exporters: ['otlp_grpc/x'] } }, []);
    expect(() => checkMasking(direct, TEMPLATE)).toThrow(MaskingGateError);
    const viaConnector = configWith(
      {
        'traces/in': { receivers: ['otlp'], processors: [MASKING_PROCESSOR], exporters: ['routing'] },
        'traces/side': { receivers: ['otlp'], processors: [], exporters: ['routing'] },
        'traces/out': { receivers: ['routing'], processors: [], exporters: ['otlp_grpc/x'] },
      },
      ['routing'],
    );
    expect(() => checkMasking(viaConnector, TEMPLATE)).toThrow(
      'service.pipelines.traces/out: exports spans that can bypass transform/pii',
    );
  });

  it('agrees with walking every path, for any arrangement of pipelines and connectors', () => {
    const RECEIVERS = ['otlp', 'c1', 'c2'];
    const EXPORTERS = ['otlp_grpc/x', 'c1', 'c2'];
    const pipeline = fc.record({
      receivers: fc.subarray(RECEIVERS, { minLength: 1 }),
      processors: fc.subarray([MASKING_PROCESSOR, 'memory_limiter']),
      exporters: fc.subarray(EXPORTERS, { minLength: 1 }),
    });
    fc.assert(
      fc.property(fc.array(pipeline, { minLength: 1, maxLength: 5 }), (list) => {
        const pipelines = Object.fromEntries(list.map((p, i) => [`traces/p${i}`, p]));
        const connectors = new Set(['c1', 'c2']);
        const expected = everyPathMasked(pipelines, connectors);
        let accepted = true;
        try {
          checkMasking(configWith(pipelines, [...connectors]), TEMPLATE);
        } catch (err) {
          if (!(err instanceof MaskingGateError)) throw err;
          accepted = false;
        }
        expect(accepted).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('says where the config is not YAML or not a collector config', () => {
    expect(() => parseConfig('a: [')).toThrow(/^config: not YAML/);
    expect(() => parseConfig('- a')).toThrow('config: expected a map');
    expect(() => checkMasking({ processors: { [MASKING_PROCESSOR]: masking() } }, TEMPLATE)).toThrow(
      'service: expected a map',
    );
  });
});
