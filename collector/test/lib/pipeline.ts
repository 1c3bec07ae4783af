// Glue for the tests: the masking statements as the collector sees them (after confmap expansion), parsed,
// and helpers to run them on sample spans.
import { CONFIG_PATH, get, loadConfig, loadRaw, strings, type YamlMap } from './config';
import { type AttrValue, type ResourceSpans, runStatements, type Span } from './evaluator';
import { parseStatement, type Statement } from './ottl';

export const MASKING_PROCESSOR = 'transform/pii';
export const TAIL_SAMPLER = 'tail_sampling';

export function maskingStatementSources(cfg: YamlMap = loadConfig()): string[] {
  return strings(get(cfg, 'processors', MASKING_PROCESSOR, 'trace_statements'));
}

export function maskingStatements(cfg: YamlMap = loadConfig()): Statement[] {
  return maskingStatementSources(cfg).map(parseStatement);
}

/** Raw YAML text of the statements (before `$$` -> `$`), to check the escaping itself. */
export function rawMaskingStatements(): string[] {
  return strings(get(loadRaw(CONFIG_PATH), 'processors', MASKING_PROCESSOR, 'trace_statements'));
}

export function emptySpan(name = 'op'): Span {
  return { name, status: { code: 0, message: '' }, attributes: {}, events: [] };
}

export function resourceSpans(spans: Span[], resource: Record<string, AttrValue> = {}): ResourceSpans[] {
  return [{ resource: { attributes: resource }, spans }];
}

export function mask(data: ResourceSpans[], statements: Statement[] = maskingStatements()): ResourceSpans[] {
  return runStatements(statements, data);
}
