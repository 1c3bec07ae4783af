// Editing a YAML file in place with the `yaml` library's Document API: the generated parts are replaced node by
// node, so the hand-written parts keep their comments, anchors, quoting and blank lines.
import { type Document, isAlias, isMap, isScalar, type Pair, parseDocument, Scalar, type YAMLMap, YAMLSeq } from 'yaml';

export function parseEditable(text: string, file: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
  return doc;
}

/** The same layout as the files are written in: no line folding, `[a, b]` flow lists, `key:` for an empty value. */
export function print(doc: Document): string {
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false, nullStr: '' });
}

export function mapAt(doc: Document, keys: readonly string[], file: string): YAMLMap {
  const node = doc.getIn(keys, true);
  if (!isMap(node)) throw new Error(`${file}: ${keys.join('.')} is not a map`);
  return node;
}

export function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : '';
}

/** A `[a, b]` list. */
export function flowList(items: readonly string[]): YAMLSeq {
  const seq = new YAMLSeq();
  seq.items.push(...items.map((item) => new Scalar(item)));
  seq.flow = true;
  return seq;
}

/** `<<` as a key: the value (a map or an alias of one) is merged into the map holding the pair. */
export const mergeKey = (): Scalar => new Scalar('<<');

/** Whether `map` merges the node anchored as `anchor` (`<<: *anchor`). */
export function mergesAnchor(map: unknown, anchor: string): boolean {
  return isMap(map) && map.items.some((p) => keyOf(p) === '<<' && isAlias(p.value) && p.value.source === anchor);
}

/**
 * Replaces the pairs of `map` that `generated` selects with `fresh`, at the place of the first one replaced (at the
 * end when none was there yet): hand-written pairs before and after keep their places.
 */
export function replacePairs(map: YAMLMap, generated: (pair: Pair) => boolean, fresh: readonly Pair[]): void {
  const first = map.items.findIndex((p) => generated(p));
  const kept = map.items.filter((p) => !generated(p));
  const at = first < 0 ? kept.length : map.items.slice(0, first).filter((p) => !generated(p)).length;
  kept.splice(at, 0, ...fresh);
  map.items = kept;
}
