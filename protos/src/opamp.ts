// OpAMP over WebSocket (opamp/v1/opamp.proto): the messages, and the frame every message travels in.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  type AgentToServer,
  AgentToServerSchema,
  type ServerToAgent,
  ServerToAgentSchema,
} from './generated/opamp/v1/opamp_pb';

export * from './generated/opamp/v1/opamp_pb';

/**
 * The specification's WebSocket header: a varint before the message, 0 in this version of the protocol. Agents from
 * before the header (2023) sent none; a message that starts with any other byte is read as one of those.
 */
const HEADER = 0;

/** Thrown for a frame that is not an AgentToServer message. */
export class OpampFrameError extends Error {
  override name = 'OpampFrameError';
}

export function decodeAgentToServer(frame: Uint8Array): AgentToServer {
  const body = frame[0] === HEADER ? frame.subarray(1) : frame;
  try {
    return fromBinary(AgentToServerSchema, body);
  } catch (err) {
    throw new OpampFrameError(`not an AgentToServer message: ${(err as Error).message}`);
  }
}

export function encodeServerToAgent(message: ServerToAgent): Uint8Array {
  const body = toBinary(ServerToAgentSchema, message);
  const frame = new Uint8Array(body.length + 1);
  frame[0] = HEADER;
  frame.set(body, 1);
  return frame;
}

/** The other direction, for agents written in TypeScript (the tests' fake agents). */
export function encodeAgentToServer(message: AgentToServer): Uint8Array {
  const body = toBinary(AgentToServerSchema, message);
  const frame = new Uint8Array(body.length + 1);
  frame[0] = HEADER;
  frame.set(body, 1);
  return frame;
}

export function decodeServerToAgent(frame: Uint8Array): ServerToAgent {
  return fromBinary(ServerToAgentSchema, frame[0] === HEADER ? frame.subarray(1) : frame);
}
