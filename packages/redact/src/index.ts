/**
 * Masks card-number-like digit runs and email addresses in free text a service logs or echoes (request paths,
 * order IDs, error messages). Not the security boundary for spans -- the collector masks those -- but our own logs
 * and answers must not repeat personal data a client sent, whatever its encoding.
 *
 * "Card-like" is the collector's definition (collector/otel-collector.yaml), written once here for TypeScript and
 * tested against the same vectors (collector/test/vectors.ts): 13-19 digits, one separator (space, `+`, `-`, `.`,
 * `_`, `/`) allowed between two digits, not touching a letter or digit on either side; a run starting with 1 only
 * with exactly 15 digits (UATP), so unix timestamps in ms, us and ns stay readable. It becomes `****` + its last
 * four digits; an email becomes `[REDACTED_EMAIL]`.
 */

const SEPARATOR = '[ +._/-]';
// The collector's pattern, with look-around for the boundary (RE2 has none, so the collector consumes it):
// the first 9-15 digits, then the last four, kept with their separators (`****4 123`), as the collector keeps them.
const CARD_LIKE = new RegExp(
  `(?<![0-9A-Za-z])(?:[02-9](?:${SEPARATOR}?[0-9]){8,14}|1(?:${SEPARATOR}?[0-9]){10})${SEPARATOR}?([0-9](?:${SEPARATOR}?[0-9]){3})(?![0-9A-Za-z])`,
  'g',
);
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;

/** One round of percent-decoding; escapes that are not valid UTF-8 stay as they are. */
function decodeOnce(text: string): string {
  return text.replace(ESCAPES, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      // Decode what decodes, byte sequence by byte sequence; leave the rest.
      return run.replace(/%[0-9A-Fa-f]{2}/g, (one) => {
        try {
          return decodeURIComponent(one);
        } catch {
          return one;
        }
      });
    }
  });
}

/** Percent-decoding, tolerant of bad escapes, repeated for double and triple encoding (`%2540` -> `%40` -> `@`). */
export function decodeLeniently(text: string): string {
  let current = text;
  for (let round = 0; round < 3; round++) {
    const next = decodeOnce(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

export function redactPii(text: string): string {
  return decodeLeniently(text).replace(CARD_LIKE, '****$1').replace(EMAIL, '[REDACTED_EMAIL]');
}
