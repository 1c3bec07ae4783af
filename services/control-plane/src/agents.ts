// What the control plane knows of each agent: only what the agent itself reported on its own connection.
import { createHash } from 'node:crypto';
import { type AgentToServer, type AnyValue, type KeyValue, RemoteConfigStatuses } from '@otel-stack/protos/opamp';
import { redactPii } from '@otel-stack/redact';

export type RemoteConfigState = 'UNSET' | 'APPLIED' | 'APPLYING' | 'FAILED';

export interface AgentView {
  readonly instanceId: string;
  readonly connected: boolean;
  readonly identifyingAttributes: Readonly<Record<string, string>>;
  readonly nonIdentifyingAttributes: Readonly<Record<string, string>>;
  readonly capabilities: number;
  readonly health: { readonly healthy: boolean; readonly status: string; readonly lastError: string } | null;
  readonly effectiveConfigHash: string | null;
  readonly remoteConfig: { readonly hash: string; readonly status: RemoteConfigState; readonly errorMessage: string };
  readonly lastFailure: { readonly hash: string; readonly errorMessage: string; readonly at: string } | null;
  readonly lastSeen: string;
}

interface Agent {
  instanceId: string;
  connected: boolean;
  identifying: Record<string, string>;
  nonIdentifying: Record<string, string>;
  capabilities: number;
  health: AgentView['health'];
  effectiveConfig: string | null;
  effectiveConfigHash: string | null;
  remoteConfig: { hash: string; status: RemoteConfigState; errorMessage: string };
  lastFailure: AgentView['lastFailure'];
  lastSeen: Date;
  sequenceNum: bigint;
}

// Bounds on what one agent can take of the control plane's memory, whatever it sends: the registry holds up to twice
// OPAMP_MAX_AGENTS agents, so 512 of these at the defaults.
const MAX_ATTRIBUTES = 64;
const MAX_TEXT = 256;
/** The effective config kept for GET /agents/:id (its hash is of the whole); ours is ~16 KiB. */
export const MAX_EFFECTIVE_CONFIG_CHARS = 256 * 1024;

function text(value: string): string {
  const masked = redactPii(value);
  return masked.length > MAX_TEXT ? `${masked.slice(0, MAX_TEXT)}...` : masked;
}

function display(value: AnyValue | undefined): string {
  const v = value?.value;
  if (v === undefined) return '';
  switch (v.case) {
    case 'stringValue':
      return v.value;
    case 'boolValue':
    case 'intValue':
    case 'doubleValue':
      return String(v.value);
    case undefined:
      return '';
    default:
      return `(${v.case})`;
  }
}

function attributes(list: readonly KeyValue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list.slice(0, MAX_ATTRIBUTES)) out[text(kv.key)] = text(display(kv.value));
  return out;
}

function statusName(status: RemoteConfigStatuses): RemoteConfigState {
  switch (status) {
    case RemoteConfigStatuses.RemoteConfigStatuses_APPLIED:
      return 'APPLIED';
    case RemoteConfigStatuses.RemoteConfigStatuses_APPLYING:
      return 'APPLYING';
    case RemoteConfigStatuses.RemoteConfigStatuses_FAILED:
      return 'FAILED';
    default:
      return 'UNSET';
  }
}

/** The effective config as one text: the config map's files in key order (the supervisor sends one, key ""). */
function configText(message: AgentToServer): string | null {
  const files = message.effectiveConfig?.configMap?.configMap;
  if (!files) return null;
  const decoder = new TextDecoder();
  return Object.keys(files)
    .sort()
    .map((key) => decoder.decode(files[key]?.body ?? new Uint8Array()))
    .join('\n');
}

export function instanceIdOf(uid: Uint8Array): string {
  return Buffer.from(uid).toString('hex');
}

/** What changed with a message, for the rollout logic. */
export interface StatusChange {
  readonly agent: AgentView;
  /** The agent reported a new remote-config status (hash or state changed). */
  readonly remoteConfigChanged: boolean;
  /** The message was a partial state the registry cannot complete: ask for the full state. */
  readonly needsFullState: boolean;
}

export class AgentRegistry {
  readonly #agents = new Map<string, Agent>();

  /** Remembers at most `capacity` agents; the longest-disconnected ones are forgotten first. */
  constructor(private readonly capacity: number) {}

  get connectedCount(): number {
    let n = 0;
    for (const agent of this.#agents.values()) if (agent.connected) n++;
    return n;
  }

  /** Applies one AgentToServer message from the agent's connection. */
  update(message: AgentToServer): StatusChange {
    const instanceId = instanceIdOf(message.instanceUid);
    let agent = this.#agents.get(instanceId);
    const known = agent?.connected === true;
    if (!agent) {
      this.#makeRoom();
      agent = {
        instanceId,
        connected: true,
        identifying: {},
        nonIdentifying: {},
        capabilities: 0,
        health: null,
        effectiveConfig: null,
        effectiveConfigHash: null,
        remoteConfig: { hash: '', status: 'UNSET', errorMessage: '' },
        lastFailure: null,
        lastSeen: new Date(),
        sequenceNum: 0n,
      };
      this.#agents.set(instanceId, agent);
    }
    // A message that follows the one before it may leave unchanged fields out; after a gap, or from an agent this
    // connection has not described yet, only the full state is reliable.
    const needsFullState =
      message.agentDescription === undefined &&
      (!known || (agent.sequenceNum !== 0n && message.sequenceNum !== agent.sequenceNum + 1n));
    agent.connected = true;
    agent.lastSeen = new Date();
    agent.sequenceNum = message.sequenceNum;
    if (message.capabilities !== 0n) agent.capabilities = Number(message.capabilities);
    if (message.agentDescription) {
      agent.identifying = attributes(message.agentDescription.identifyingAttributes);
      agent.nonIdentifying = attributes(message.agentDescription.nonIdentifyingAttributes);
    }
    if (message.health) {
      agent.health = {
        healthy: message.health.healthy,
        status: text(message.health.status),
        lastError: text(message.health.lastError),
      };
    }
    const effective = configText(message);
    if (effective !== null) {
      agent.effectiveConfigHash = createHash('sha256').update(effective).digest('hex');
      agent.effectiveConfig =
        effective.length > MAX_EFFECTIVE_CONFIG_CHARS
          ? `${effective.slice(0, MAX_EFFECTIVE_CONFIG_CHARS)}\n# ... cut at ${MAX_EFFECTIVE_CONFIG_CHARS} characters`
          : effective;
    }
    let remoteConfigChanged = false;
    const status = message.remoteConfigStatus;
    if (status) {
      const next = {
        hash: Buffer.from(status.lastRemoteConfigHash).toString('hex'),
        status: statusName(status.status),
        // The collector's message quotes the config, which is operator input.
        errorMessage: redactPii(status.errorMessage).slice(0, 4000),
      };
      remoteConfigChanged = next.hash !== agent.remoteConfig.hash || next.status !== agent.remoteConfig.status;
      agent.remoteConfig = next;
      if (remoteConfigChanged && next.status === 'FAILED') {
        agent.lastFailure = { hash: next.hash, errorMessage: next.errorMessage, at: new Date().toISOString() };
      }
    }
    if (message.agentDisconnect) agent.connected = false;
    return { agent: this.#view(agent), remoteConfigChanged, needsFullState };
  }

  disconnected(instanceId: string): void {
    const agent = this.#agents.get(instanceId);
    if (agent) agent.connected = false;
  }

  list(): AgentView[] {
    return [...this.#agents.values()].map((a) => this.#view(a));
  }

  get(instanceId: string): (AgentView & { readonly effectiveConfig: string | null }) | undefined {
    const agent = this.#agents.get(instanceId);
    return agent && { ...this.#view(agent), effectiveConfig: agent.effectiveConfig };
  }

  #makeRoom(): void {
    if (this.#agents.size < this.capacity) return;
    const oldest = [...this.#agents.values()]
      .filter((a) => !a.connected)
      .sort((a, b) => a.lastSeen.getTime() - b.lastSeen.getTime())[0];
    if (oldest) this.#agents.delete(oldest.instanceId);
  }

  #view(agent: Agent): AgentView {
    return {
      instanceId: agent.instanceId,
      connected: agent.connected,
      identifyingAttributes: agent.identifying,
      nonIdentifyingAttributes: agent.nonIdentifying,
      capabilities: agent.capabilities,
      health: agent.health,
      effectiveConfigHash: agent.effectiveConfigHash,
      remoteConfig: agent.remoteConfig,
      lastFailure: agent.lastFailure,
      lastSeen: agent.lastSeen.toISOString(),
    };
  }
}
