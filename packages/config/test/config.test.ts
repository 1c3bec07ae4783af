import { ConfigError, readLogLevel, readNumber } from '../src';

describe('readNumber', () => {
  it('accepts values in range', () => {
    expect(readNumber('PORT', '8080', { min: 0, max: 65535, integer: true })).toBe(8080);
    expect(readNumber('RATE', '0.25', { min: 0, max: 1 })).toBe(0.25);
  });

  it.each([
    ['', { min: 0, max: 10 }, /^X must be a number from 0 to 10, got ""$/],
    ['  ', { min: 0, max: 10 }, /got " {2}"/],
    ['ten', { min: 0, max: 10 }, /got "ten"/],
    ['Infinity', { min: 0, max: 10 }, /got "Infinity"/],
    ['11', { min: 0, max: 10 }, /from 0 to 10/],
    ['-1', { min: 0, max: 10 }, /from 0 to 10/],
    ['1.5', { min: 0, max: 10, integer: true }, /^X must be a whole number from 0 to 10, got "1.5"$/],
  ])('rejects %j (%j)', (raw, range, message) => {
    expect(() => readNumber('X', raw, range)).toThrow(ConfigError);
    expect(() => readNumber('X', raw, range)).toThrow(message);
  });
});

describe('readLogLevel', () => {
  it('accepts pino levels and names the allowed ones otherwise', () => {
    expect(readLogLevel('debug')).toBe('debug');
    expect(() => readLogLevel('loud')).toThrow(
      /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"$/,
    );
  });
});
