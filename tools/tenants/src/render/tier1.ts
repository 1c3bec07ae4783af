// collector/tier1.yaml: its transform/pii processor, a copy of the one in collector/otel-collector.yaml, so the
// masking statements are written once. Everything else in tier1.yaml is hand-written and left as it is.

import { COLLECTOR_CONFIG_FILE, keyOf, mapAt, parseEditable, print } from '@otel-stack/tenancy';
import { isMap, Pair, Scalar } from 'yaml';

export const TIER1_CONFIG_FILE = 'collector/tier1.yaml';

const MASKING_PROCESSOR = 'transform/pii';
const NOTE =
  ` Generated from ${COLLECTOR_CONFIG_FILE} by \`./scripts/pnpm generate\`: edit the masking there, then run it.\n` +
  ' collector/README.md "Masking rules" explains the statements.';

export function renderTier1Config(collectorText: string, tier1Text: string): string {
  const masking = parseEditable(collectorText, COLLECTOR_CONFIG_FILE).getIn(['processors', MASKING_PROCESSOR], true);
  if (!isMap(masking)) throw new Error(`${COLLECTOR_CONFIG_FILE}: processors.${MASKING_PROCESSOR} is not a map`);

  const doc = parseEditable(tier1Text, TIER1_CONFIG_FILE);
  const processors = mapAt(doc, ['processors'], TIER1_CONFIG_FILE);
  const at = processors.items.findIndex((p) => keyOf(p) === MASKING_PROCESSOR);
  if (at < 0) throw new Error(`${TIER1_CONFIG_FILE}: no processors.${MASKING_PROCESSOR} to replace`);
  const key = new Scalar(MASKING_PROCESSOR);
  key.spaceBefore = true;
  key.commentBefore = NOTE;
  processors.items[at] = new Pair(key, masking.clone());
  return print(doc);
}
