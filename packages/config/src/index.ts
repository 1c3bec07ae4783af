import { isIP } from 'node:net';

/**
 * Configuration comes from the environment, validated at start. Every service reads it with these parsers and
 * reports a bad value with one error type, so `main` can stop with a message that names the variable.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface NumberRange {
  readonly min: number;
  readonly max: number;
  /** Whole numbers only (ports, milliseconds, counts). */
  readonly integer?: boolean;
}

/**
 * The address a server binds (`HOST`): an IPv4 or IPv6 address (`0.0.0.0` all interfaces, `127.0.0.1` loopback
 * only, `::`), or a host name. Anything else is a ConfigError naming `name`.
 */
export function readHost(name: string, raw: string): string {
  const host = raw.trim();
  if (
    isIP(host) === 0 &&
    !/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
      host,
    )
  ) {
    throw new ConfigError(`${name} must be an IP address or a host name (e.g. 0.0.0.0 or 127.0.0.1), got "${raw}"`);
  }
  return host;
}

/** A number within `range`, or a ConfigError naming `name`, the range and the value given. */
export function readNumber(name: string, raw: string, range: NumberRange): number {
  const value = Number(raw);
  const integer = range.integer ?? false;
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < range.min ||
    value > range.max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'a whole number' : 'a number';
    throw new ConfigError(`${name} must be ${kind} from ${range.min} to ${range.max}, got "${raw}"`);
  }
  return value;
}

export const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A pino level (LOG_LEVEL). */
export function readLogLevel(raw: string): string {
  if (!LOG_LEVELS.includes(raw)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return raw;
}
