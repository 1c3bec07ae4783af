// The check every config passes before it is sent: the masking processor, exactly as the template defines it, on
// every path from a receiver to an exporter. A config that drops it, weakens it, or routes spans around it (a
// pipeline without it that exports, or a connector that feeds such a pipeline) is refused.
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';

/** The processor of collector/otel-collector.yaml that masks card numbers and e-mail addresses. */
export const MASKING_PROCESSOR = 'transform/pii';

interface Pipeline {
  readonly receivers: readonly string[];
  readonly processors: readonly string[];
  readonly exporters: readonly string[];
}

export class MaskingGateError extends Error {
  override name = 'MaskingGateError';
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MaskingGateError(`${where}: expected a map`);
  }
  return value as Record<string, unknown>;
}

function names(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new MaskingGateError(`${where}: expected a list of component ids`);
  }
  return value;
}

/** The YAML of a config as data; `${env:...}` references stay text, which is what the comparison needs. */
export function parseConfig(yaml: string): Record<string, unknown> {
  try {
    return record(parse(yaml, { maxAliasCount: 1000 }), 'config');
  } catch (err) {
    if (err instanceof MaskingGateError) throw err;
    throw new MaskingGateError(`config: not YAML (${(err as Error).message.split('\n')[0]})`);
  }
}

/**
 * Throws a MaskingGateError naming the first path that bypasses masking. `template` is the config the masking
 * processor's definition is taken from.
 */
export function checkMasking(config: Record<string, unknown>, template: Record<string, unknown>): void {
  const expected = record(template.processors, 'template processors')[MASKING_PROCESSOR];
  const processors = record(config.processors ?? {}, 'processors');
  if (!(MASKING_PROCESSOR in processors)) {
    throw new MaskingGateError(`processors: ${MASKING_PROCESSOR} is missing; every span must pass it`);
  }
  if (!isDeepStrictEqual(processors[MASKING_PROCESSOR], expected)) {
    throw new MaskingGateError(
      `processors.${MASKING_PROCESSOR}: differs from the masking rules of collector/otel-collector.yaml; change them there`,
    );
  }
  const connectors = new Set(Object.keys(record(config.connectors ?? {}, 'connectors')));
  const service = record(config.service, 'service');
  const pipelines = new Map<string, Pipeline>();
  for (const [id, raw] of Object.entries(record(service.pipelines, 'service.pipelines'))) {
    const where = `service.pipelines.${id}`;
    const p = record(raw, where);
    const signal = id.split('/')[0];
    if (signal !== 'traces') {
      // The masking rules are span rules: a logs or metrics pipeline would carry data they never look at.
      throw new MaskingGateError(`${where}: only traces pipelines are accepted (the masking rules cover spans)`);
    }
    pipelines.set(id, {
      receivers: names(p.receivers, `${where}.receivers`),
      processors: names(p.processors, `${where}.processors`),
      exporters: names(p.exporters, `${where}.exporters`),
    });
  }

  // masked(p): every span that reaches p's exporters has passed the masking processor.
  const memo = new Map<string, boolean>();
  const masked = (id: string, visiting: Set<string>): boolean => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    // A cycle adds no receiver of its own (and the collector refuses cycles): it cannot bring unmasked spans.
    if (visiting.has(id)) return true;
    const pipeline = pipelines.get(id) as Pipeline;
    visiting.add(id);
    const result =
      pipeline.processors.includes(MASKING_PROCESSOR) ||
      pipeline.receivers.every(
        (receiver) =>
          connectors.has(receiver) &&
          [...pipelines].every(([other, p]) => !p.exporters.includes(receiver) || masked(other, visiting)),
      );
    visiting.delete(id);
    memo.set(id, result);
    return result;
  };
  for (const [id, pipeline] of pipelines) {
    const exportsOut = pipeline.exporters.some((e) => !connectors.has(e));
    if (exportsOut && !masked(id, new Set())) {
      throw new MaskingGateError(
        `service.pipelines.${id}: exports spans that can bypass ${MASKING_PROCESSOR} (from a receiver, or through a connector fed by such a pipeline)`,
      );
    }
  }
}
