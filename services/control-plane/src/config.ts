import { isIP } from 'node:net';
import path from 'node:path';
import { ConfigError, readHost, readLogLevel, readNumber } from '@otel-stack/config';

export { ConfigError };

/** control-plane configuration: every variable, its default, and its validation, in one place. */
export interface ControlPlaneConfig {
  /** The OpAMP WebSocket listener (agents connect to ws://host:port/v1/opamp). */
  readonly opampHost: string;
  readonly opampPort: number;
  /** The admin HTTP API: loopback unless ADMIN_HOST says otherwise, and then only with ADMIN_TOKEN. */
  readonly adminHost: string;
  readonly adminPort: number;
  readonly adminToken: string | undefined;
  /** When set, agents must present it (`Authorization: Bearer`, the supervisor's `server.headers`). */
  readonly opampAgentToken: string | undefined;
  /** The collector binary whose `validate` command checks every config before it is sent. */
  readonly collectorValidator: string;
  /** The collector config pushes are rendered from (collector/otel-collector.yaml). */
  readonly collectorConfigTemplate: string;
  /** The tenants the first config is rendered with (tenants.yaml). */
  readonly tenantsFile: string;
  /** Where the desired config is kept across restarts. */
  readonly stateDir: string;
  readonly limits: OpampLimits;
  readonly logLevel: string;
}

/** What agents can hold: connections, message sizes and rates. */
export interface OpampLimits {
  /** Agents connected at once; further connections are refused with 503 before the WebSocket upgrade. */
  readonly maxAgents: number;
  /** Largest AgentToServer frame; a larger one closes the connection (1009). */
  readonly maxMessageBytes: number;
  /** Messages per second one connection may send (a burst of twice that is allowed); beyond, it is closed (1008). */
  readonly messagesPerSecond: number;
  /** A connection must send its first message within this. */
  readonly helloTimeoutMs: number;
}

// The repository's layout, which the image keeps: dist/ is services/control-plane/dist.
const ROOT = path.resolve(__dirname, '..', '..', '..');

export const CONTROL_PLANE_DEFAULTS = {
  OPAMP_HOST: '0.0.0.0',
  OPAMP_PORT: '4320',
  ADMIN_HOST: '127.0.0.1',
  ADMIN_PORT: '4321',
  COLLECTOR_VALIDATOR: 'otelcol-contrib',
  COLLECTOR_CONFIG_TEMPLATE: path.join(ROOT, 'collector', 'otel-collector.yaml'),
  TENANTS_FILE: path.join(ROOT, 'tenants.yaml'),
  STATE_DIR: '.control-plane',
  OPAMP_MAX_AGENTS: '256',
  OPAMP_MAX_MESSAGE_BYTES: String(4 * 1024 * 1024),
  OPAMP_MESSAGES_PER_SECOND: '20',
  OPAMP_HELLO_TIMEOUT_MS: '10000',
  LOG_LEVEL: 'info',
} as const;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export function readControlPlaneConfig(env: NodeJS.ProcessEnv = process.env): ControlPlaneConfig {
  const value = (name: keyof typeof CONTROL_PLANE_DEFAULTS) => env[name] ?? CONTROL_PLANE_DEFAULTS[name];
  const whole = (name: keyof typeof CONTROL_PLANE_DEFAULTS, min: number, max: number) =>
    readNumber(name, value(name), { min, max, integer: true });
  const adminHost = readHost('ADMIN_HOST', value('ADMIN_HOST'));
  const adminToken = env.ADMIN_TOKEN === undefined || env.ADMIN_TOKEN === '' ? undefined : env.ADMIN_TOKEN;
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('ADMIN_TOKEN must be at least 16 characters');
  }
  if (!isLoopback(adminHost) && adminToken === undefined) {
    throw new ConfigError(`ADMIN_TOKEN must be set when ADMIN_HOST is not a loopback address (got "${adminHost}")`);
  }
  const agentToken =
    env.OPAMP_AGENT_TOKEN === undefined || env.OPAMP_AGENT_TOKEN === '' ? undefined : env.OPAMP_AGENT_TOKEN;
  if (agentToken !== undefined && agentToken.length < 16) {
    throw new ConfigError('OPAMP_AGENT_TOKEN must be at least 16 characters');
  }
  const file = (name: 'COLLECTOR_VALIDATOR' | 'COLLECTOR_CONFIG_TEMPLATE' | 'TENANTS_FILE' | 'STATE_DIR') => {
    const raw = value(name).trim();
    if (raw === '') throw new ConfigError(`${name} must not be empty`);
    return raw;
  };
  return {
    opampHost: readHost('OPAMP_HOST', value('OPAMP_HOST')),
    opampPort: whole('OPAMP_PORT', 0, 65535),
    adminHost,
    adminPort: whole('ADMIN_PORT', 0, 65535),
    adminToken,
    opampAgentToken: agentToken,
    collectorValidator: file('COLLECTOR_VALIDATOR'),
    collectorConfigTemplate: path.resolve(file('COLLECTOR_CONFIG_TEMPLATE')),
    tenantsFile: path.resolve(file('TENANTS_FILE')),
    stateDir: path.resolve(file('STATE_DIR')),
    limits: {
      maxAgents: whole('OPAMP_MAX_AGENTS', 1, 100_000),
      maxMessageBytes: whole('OPAMP_MAX_MESSAGE_BYTES', 64 * 1024, 64 * 1024 * 1024),
      messagesPerSecond: whole('OPAMP_MESSAGES_PER_SECOND', 1, 10_000),
      helloTimeoutMs: whole('OPAMP_HELLO_TIMEOUT_MS', 100, 600_000),
    },
    logLevel: readLogLevel(value('LOG_LEVEL')),
  };
}
