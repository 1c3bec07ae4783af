// AgentToServer messages as an OpAMP agent (the supervisor) sends them, for the tests.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  AgentCapabilities,
  type AgentToServer,
  AgentToServerSchema,
  RemoteConfigStatuses,
} from '@otel-stack/protos/opamp';
import { AgentRegistry } from '../src/agents';
import { ControlPlane } from '../src/control-plane';
import { DesiredConfigStore } from '../src/desired-config';

export const SUPERVISOR_CAPABILITIES = BigInt(
  AgentCapabilities.AgentCapabilities_ReportsStatus |
    AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig |
    AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig |
    AgentCapabilities.AgentCapabilities_ReportsHealth |
    AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
);

/** The fields of an AgentToServer to set (nested messages may be plain objects). */
type Init = Omit<MessageInitShape<typeof AgentToServerSchema>, 'instanceUid' | 'sequenceNum' | '$typeName'>;

export class FakeAgent {
  readonly uid = new Uint8Array(randomBytes(16));
  #sequence = 0n;

  get instanceId(): string {
    return Buffer.from(this.uid).toString('hex');
  }

  /** The first message of a connection: the full state. */
  hello(fields: Init = {}): AgentToServer {
    return this.message({
      capabilities: SUPERVISOR_CAPABILITIES,
      agentDescription: {
        $typeName: 'opamp.proto.AgentDescription',
        identifyingAttributes: [
          {
            $typeName: 'opamp.proto.KeyValue',
            key: 'service.name',
            value: { $typeName: 'opamp.proto.AnyValue', value: { case: 'stringValue', value: 'otelcol-test' } },
          },
        ],
        nonIdentifyingAttributes: [],
      },
      health: {
        $typeName: 'opamp.proto.ComponentHealth',
        healthy: true,
        startTimeUnixNano: 0n,
        lastError: '',
        status: 'StatusOK',
        statusTimeUnixNano: 0n,
        componentHealthMap: {},
      },
      ...fields,
    });
  }

  /** A later message: what changed only. */
  message(fields: Init = {}): AgentToServer {
    this.#sequence += 1n;
    return create(AgentToServerSchema, { instanceUid: this.uid, sequenceNum: this.#sequence, ...fields });
  }

  status(hash: string, status: RemoteConfigStatuses, errorMessage = ''): AgentToServer {
    return this.message({
      remoteConfigStatus: {
        $typeName: 'opamp.proto.RemoteConfigStatus',
        lastRemoteConfigHash: Buffer.from(hash, 'hex'),
        status,
        errorMessage,
      },
    });
  }
}

export { RemoteConfigStatuses };

/** A control plane with a state directory of its own and a validation that passes unless told otherwise. */
export function testControlPlane(
  template: string,
  options: { stateDir?: string; validate?: (yaml: string) => Promise<void> } = {},
): { controlPlane: ControlPlane; stateDir: string; warnings: object[] } {
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'control-plane-test-'));
  const warnings: object[] = [];
  const controlPlane = new ControlPlane({
    template,
    validate: options.validate ?? (async () => {}),
    store: new DesiredConfigStore(stateDir),
    registry: new AgentRegistry(8),
    log: { info: () => {}, warn: (fields) => warnings.push(fields) },
  });
  return { controlPlane, stateDir, warnings };
}
