// The facts about the pinned collector release the tests rely on (collector/facts/*.json, stamped with their
// version and where each entry was verified).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLLECTOR_DIR, type Kind } from './config';

export interface Verified {
  verified: string;
  note?: string;
}
export interface OttlFunction extends Verified {
  kind: 'editor' | 'converter';
  minArgs: number;
  maxArgs: number;
}
/** What the tail_sampling processor accepts at the pinned release (facts file: componentFacts.tail_sampling). */
export interface TailSamplingFacts extends Verified {
  keys: string[];
  defaults: Record<string, string | number>;
  decisionCacheKeys: string[];
  policyFields: Record<string, string[]>;
  statusCodes: string[];
  fieldTypes: Record<string, string>;
}
export interface Facts {
  distribution: string;
  version: string;
  image: string;
  verificationLevels: Record<string, string>;
  components: Record<Kind, Record<string, Verified>>;
  deprecatedAliases: Partial<Record<Kind, Record<string, Verified & { use: string }>>>;
  removed: Partial<Record<Kind, Record<string, Verified & { since: string }>>>;
  removedKeys: Array<Verified & { path: string[]; why: string }>;
  deprecatedValues: Array<Verified & { componentType: string; field: string; value: string; why: string }>;
  componentFacts: Record<string, Verified> & { tail_sampling: TailSamplingFacts };
  ottl: { functionList: string; functions: Record<string, OttlFunction> };
}

export const FACTS_PATH = join(COLLECTOR_DIR, 'facts', 'otelcol-contrib-0.159.0.json');

export function loadFacts(): Facts {
  // The JSON file is data written by us; its shape is checked by facts.test.ts.
  return JSON.parse(readFileSync(FACTS_PATH, 'utf8')) as Facts;
}
