/**
 * Masks card-number-like digit runs and email addresses in free text we echo (request paths in logs, paths in
 * error messages). Not a security boundary — spans go through the collector's masking — but our own logs and
 * answers must not repeat personal data a client put in a URL.
 */
const CARD_LIKE = /(?<![0-9])[0-9](?:[ -]?[0-9]){11,18}(?![0-9])/g;
const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

export function redactPii(text: string): string {
  return text.replace(CARD_LIKE, (run) => `****${run.replace(/[^0-9]/g, '').slice(-4)}`).replace(EMAIL, '[email]');
}
