// One definition of card-like in TypeScript, held to the collector's vectors, then attacked with generated inputs:
// cards and emails in many encodings and positions must never come out raw.
import fc from 'fast-check';
import { CARD_VECTORS, EMAIL_VECTORS, UNTOUCHED_VECTORS } from '../../../collector/test/vectors';
import { decodeLeniently, redactPii } from '../src';

describe('the collector masking vectors', () => {
  it.each([...CARD_VECTORS, ...EMAIL_VECTORS, ...UNTOUCHED_VECTORS].map((v) => [v.name, v] as const))(
    '%s',
    (_name, v) => expect(redactPii(v.input)).toBe(v.expected),
  );
});

describe('decodeLeniently', () => {
  it.each([
    ['card%204242', 'card 4242'],
    ['%2540', '@'],
    ['bad %ZZ escape and %E2%82 half a character', 'bad %ZZ escape and %E2%82 half a character'],
    ['%34%32%34%32', '4242'],
  ])('%s -> %s', (input, output) => expect(decodeLeniently(input)).toBe(output));
});

// Public test PANs only (and Luhn-valid numbers generated from test prefixes): never real cards.
const PANS = ['4242424242424242', '4000000000000002', '5555555555554444', '378282246310005', '6011000990139424'];
const SEPARATORS = ['', ' ', '-', '.', '_', '/', '+'];

/** A PAN written the ways clients and frameworks write it. */
const encodedPan = fc
  .record({
    pan: fc.constantFrom(...PANS),
    separator: fc.constantFrom(...SEPARATORS),
    group: fc.constantFrom(4, 3, 5),
    encodeSeparators: fc.boolean(),
    encodeDigits: fc.boolean(),
    doubleEncode: fc.boolean(),
  })
  .map(({ pan, separator, group, encodeSeparators, encodeDigits, doubleEncode }) => {
    const groups = pan.match(new RegExp(`.{1,${group}}`, 'g')) ?? [pan];
    const pct = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    const sep = encodeSeparators && separator ? pct(separator) : separator;
    let text = groups.map((g) => (encodeDigits ? [...g].map(pct).join('') : g)).join(sep);
    if (doubleEncode) text = text.replace(/%/g, '%25');
    return { pan, text };
  });

const encodedEmail = fc
  .record({
    user: fc.constantFrom('ada', 'grace.hopper', 'ops+alerts'),
    domain: fc.constantFrom('example.com', 'example.org'),
  })
  .chain(({ user, domain }) =>
    fc
      .constantFrom(
        `${user}@${domain}`,
        `${user}%40${domain}`,
        `${user}%40${domain.replace('.', '%2E')}`,
        `${user}%2540${domain}`,
      )
      .map((text) => ({ email: `${user}@${domain}`, text })),
  );

/** Text around a secret that does not glue it to a letter or digit. */
const surrounding = fc.constantFrom('', ' ', '/orders/', '?card=', '&q=', ': ', '"', '(', ' x ', '/');

describe('generated inputs', () => {
  it('a card number in any of these encodings and positions never comes out raw', () => {
    fc.assert(
      fc.property(encodedPan, surrounding, surrounding, ({ pan, text }, before, after) => {
        const out = redactPii(`${before}${text}${after}`);
        expect(out.replace(/[^0-9]/g, '')).not.toContain(pan);
        expect(out).toContain(`****`);
      }),
      { numRuns: 2_000 },
    );
  });

  it('an email in any of these encodings never comes out raw', () => {
    fc.assert(
      fc.property(encodedEmail, surrounding, surrounding, ({ email, text }, before, after) => {
        const out = redactPii(`${before}${text}${after}`);
        expect(decodeLeniently(out)).not.toContain(email);
        expect(out).toContain('[REDACTED_EMAIL]');
      }),
      { numRuns: 1_000 },
    );
  });

  it('text without digits runs or @ is left alone (beyond decoding)', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z /?=&._-]{0,40}$/), (text) => expect(redactPii(text)).toBe(text)));
  });
});
