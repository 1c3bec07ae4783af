// The control plane's decisions: what to answer each agent, when to send it the desired config, when a push has
// applied or failed, and the rollback after a failure. No I/O here but the store: the OpAMP server carries the
// messages and the admin API asks for changes.
import { create } from '@bufbuild/protobuf';
import {
  AgentCapabilities,
  type AgentToServer,
  ServerCapabilities,
  type ServerToAgent,
  ServerToAgentFlags,
  ServerToAgentSchema,
} from '@otel-stack/protos/opamp';
import type { AgentRegistry, AgentView } from './agents';
import { type ConfigParameters, configHash, renderConfig } from './collector-config';
import type { DesiredConfig, DesiredConfigStore, Rollout } from './desired-config';
import { checkMasking, parseConfig } from './masking-gate';

const SERVER_CAPABILITIES =
  ServerCapabilities.ServerCapabilities_AcceptsStatus |
  ServerCapabilities.ServerCapabilities_OffersRemoteConfig |
  ServerCapabilities.ServerCapabilities_AcceptsEffectiveConfig;

/** Where the messages for one agent go: its current connection. */
export interface AgentChannel {
  send(message: ServerToAgent): void;
  close(reason: string): void;
}

export interface ControlPlaneLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface ControlPlaneOptions {
  readonly template: string;
  /** Runs the collector's own validation; rejects with the reason. */
  readonly validate: (yaml: string) => Promise<void>;
  readonly store: DesiredConfigStore;
  readonly registry: AgentRegistry;
  readonly log: ControlPlaneLog;
}

export interface PushResult {
  readonly hash: string;
  readonly changed: boolean;
  /** Connected agents the config was sent to. */
  readonly sentTo: number;
}

function acceptsRemoteConfig(agent: AgentView): boolean {
  return (BigInt(agent.capabilities) & BigInt(AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig)) !== 0n;
}

export class ControlPlane {
  readonly #channels = new Map<string, { channel: AgentChannel; sentHash: string | undefined }>();
  readonly #templateConfig: Record<string, unknown>;
  // Pushes run one at a time: each is checked against, and replaces, the one before.
  #pushing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ControlPlaneOptions) {
    this.#templateConfig = parseConfig(options.template);
  }

  get registry(): AgentRegistry {
    return this.options.registry;
  }

  get desired(): DesiredConfig | undefined {
    return this.options.store.desired;
  }

  get rollouts(): readonly Rollout[] {
    return this.options.store.rollouts;
  }

  /** A desired config from the start: the stored one, or the template rendered with `defaults`. */
  async ensureDesired(defaults: ConfigParameters): Promise<void> {
    if (this.options.store.desired) return;
    await this.pushRendered(defaults);
  }

  /** Renders the template with `parameters` and pushes the result. */
  pushRendered(parameters: ConfigParameters): Promise<PushResult> {
    return this.push(renderConfig(this.options.template, parameters), parameters);
  }

  /** Checks `yaml` (masking on every path, then the collector's validation), makes it desired and sends it. */
  push(yaml: string, parameters: ConfigParameters | null): Promise<PushResult> {
    const run = this.#pushing.then(async () => {
      checkMasking(parseConfig(yaml), this.#templateConfig);
      await this.options.validate(yaml);
      const hash = configHash(yaml);
      if (hash === this.options.store.desired?.hash) return { hash, changed: false, sentTo: 0 };
      this.options.store.set({ yaml, hash, parameters, createdAt: new Date().toISOString() });
      this.options.log.info({ hash }, 'desired config changed');
      return { hash, changed: true, sentTo: this.#sendDesiredToAll() };
    });
    this.#pushing = run.catch(() => undefined);
    return run;
  }

  connected(instanceId: string, channel: AgentChannel): void {
    // One connection per agent: a reconnecting agent's new connection wins over one that has not noticed yet.
    this.#channels.get(instanceId)?.channel.close('replaced by a newer connection');
    this.#channels.set(instanceId, { channel, sentHash: undefined });
  }

  disconnected(instanceId: string, channel: AgentChannel): void {
    // A newer connection of the same agent may have replaced this one already.
    if (this.#channels.get(instanceId)?.channel !== channel) return;
    this.#channels.delete(instanceId);
    this.options.registry.disconnected(instanceId);
  }

  /** The answer to one message of a connected agent. */
  onMessage(message: AgentToServer): ServerToAgent {
    const change = this.options.registry.update(message);
    const { agent } = change;
    const desired = this.options.store.desired;
    if (change.remoteConfigChanged && desired && agent.remoteConfig.hash === desired.hash) {
      if (agent.remoteConfig.status === 'APPLIED') this.options.store.markApplied(desired.hash);
      if (agent.remoteConfig.status === 'FAILED') this.#rollBack(agent);
    }
    const response = create(ServerToAgentSchema, {
      instanceUid: message.instanceUid,
      capabilities: BigInt(SERVER_CAPABILITIES),
      flags: change.needsFullState ? BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState) : 0n,
    });
    const remote = this.#remoteConfigFor(agent);
    if (remote) response.remoteConfig = remote;
    return response;
  }

  #rollBack(agent: AgentView): void {
    const previous = this.options.store.rollBack(agent.instanceId, agent.remoteConfig.errorMessage);
    this.options.log.warn(
      { instanceId: agent.instanceId, hash: agent.remoteConfig.hash, rolledBackTo: previous?.hash ?? null },
      'config failed on an agent: rolled back',
    );
    if (previous) this.#sendDesiredToAll(agent.instanceId);
  }

  /** The desired config for `agent`, if it should be sent now: once per connection and hash. */
  #remoteConfigFor(agent: AgentView): ServerToAgent['remoteConfig'] {
    const desired = this.options.store.desired;
    const entry = this.#channels.get(agent.instanceId);
    if (!desired || !entry || !acceptsRemoteConfig(agent)) return undefined;
    if (agent.remoteConfig.hash === desired.hash || entry.sentHash === desired.hash) return undefined;
    entry.sentHash = desired.hash;
    return {
      $typeName: 'opamp.proto.AgentRemoteConfig',
      configHash: Buffer.from(desired.hash, 'hex'),
      config: {
        $typeName: 'opamp.proto.AgentConfigMap',
        configMap: {
          // One file, key "": the supervisor merges the remote config's files by key.
          '': { $typeName: 'opamp.proto.AgentConfigFile', body: Buffer.from(desired.yaml), contentType: 'text/yaml' },
        },
      },
    };
  }

  /** Sends the desired config to every connected agent that needs it (`except` gets it in the reply it awaits). */
  #sendDesiredToAll(except?: string): number {
    let sent = 0;
    for (const [instanceId, entry] of this.#channels) {
      const agent = this.options.registry.get(instanceId);
      if (!agent) continue;
      const remoteConfig = instanceId === except ? undefined : this.#remoteConfigFor(agent);
      if (!remoteConfig) continue;
      entry.channel.send(
        create(ServerToAgentSchema, {
          instanceUid: Buffer.from(instanceId, 'hex'),
          capabilities: BigInt(SERVER_CAPABILITIES),
          remoteConfig,
        }),
      );
      sent++;
    }
    return sent;
  }
}
