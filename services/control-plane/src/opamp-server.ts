// OpAMP over WebSocket (the specification's transport): one binary frame per message, AgentToServer in,
// ServerToAgent out, on ws://host:port/v1/opamp. Everything an agent can hold is bounded: connections, frame size,
// message rate, the time to its first message; a dead peer is found by ping.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { create } from '@bufbuild/protobuf';
import {
  decodeAgentToServer,
  encodeServerToAgent,
  OpampFrameError,
  ServerErrorResponseType,
  type ServerToAgent,
  ServerToAgentSchema,
} from '@otel-stack/protos/opamp';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { instanceIdOf } from './agents';
import type { OpampLimits } from './config';
import type { AgentChannel, ControlPlane, ControlPlaneLog } from './control-plane';

export const OPAMP_PATH = '/v1/opamp';
/** Plain `GET` on the OpAMP port: 200 while the process serves (container healthcheck, Kubernetes probes). */
export const HEALTH_PATH = '/healthz';

// WebSocket close codes (RFC 6455).
const CLOSE = { unsupported: 1003, invalidPayload: 1007, policy: 1008 } as const;
const PING_INTERVAL_MS = 30_000;
// An instance UID is 16 bytes (a UUID, v7 recommended).
const INSTANCE_UID_BYTES = 16;

export interface OpampServerOptions {
  readonly controlPlane: ControlPlane;
  readonly limits: OpampLimits;
  /** When set, agents must send `Authorization: Bearer <token>` with the upgrade request. */
  readonly agentToken: string | undefined;
  readonly log: ControlPlaneLog;
}

function refuse(socket: Socket, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function bearerMatches(request: IncomingMessage, token: string): boolean {
  const given = Buffer.from(request.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A token bucket: `rate` messages a second, bursts of twice that. */
function rateLimiter(rate: number): () => boolean {
  let tokens = rate * 2;
  let last = performance.now();
  return () => {
    const now = performance.now();
    tokens = Math.min(rate * 2, tokens + ((now - last) / 1000) * rate);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

export class OpampServer {
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  #pinger: NodeJS.Timeout | undefined;

  constructor(private readonly options: OpampServerOptions) {
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: options.limits.maxMessageBytes });
    this.#http = createServer((req, res) => {
      // The one plain-HTTP answer: liveness for probes and healthchecks, which cannot reach the admin API on loopback.
      if (req.method === 'GET' && (req.url ?? '').split('?')[0] === HEALTH_PATH) {
        res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end('ok\n');
        return;
      }
      res.writeHead(426, { 'content-type': 'text/plain', connection: 'close' }).end('OpAMP over WebSocket only\n');
    });
    this.#http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      const pathname = (request.url ?? '').split('?')[0];
      if (pathname !== OPAMP_PATH) return refuse(socket, 404, 'Not Found');
      if (options.agentToken !== undefined && !bearerMatches(request, options.agentToken)) {
        return refuse(socket, 401, 'Unauthorized');
      }
      if (this.#wss.clients.size >= options.limits.maxAgents) return refuse(socket, 503, 'Service Unavailable');
      this.#wss.handleUpgrade(request, socket, head, (ws) => this.#serve(ws));
    });
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(port, host, () => resolve());
    });
    this.#pinger = setInterval(() => this.#ping(), PING_INTERVAL_MS).unref();
    return this.#http.address() as AddressInfo;
  }

  async close(): Promise<void> {
    clearInterval(this.#pinger);
    for (const ws of this.#wss.clients) ws.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #ping(): void {
    for (const ws of this.#wss.clients) {
      const alive = ws as WebSocket & { alive?: boolean };
      if (alive.alive === false) {
        ws.terminate();
        continue;
      }
      alive.alive = false;
      ws.ping();
    }
  }

  #serve(ws: WebSocket): void {
    const { controlPlane, limits, log } = this.options;
    const allow = rateLimiter(limits.messagesPerSecond);
    let instanceId: string | undefined;
    const channel: AgentChannel = {
      send: (message: ServerToAgent) => ws.send(encodeServerToAgent(message)),
      close: (reason: string) => ws.close(CLOSE.policy, reason),
    };
    const hello = setTimeout(() => ws.close(CLOSE.policy, 'no message'), limits.helloTimeoutMs);
    const fail = (code: number, reason: string, type = ServerErrorResponseType.ServerErrorResponseType_BadRequest) => {
      channel.send(create(ServerToAgentSchema, { errorResponse: { type, errorMessage: reason } }));
      ws.close(code, reason);
    };
    (ws as WebSocket & { alive?: boolean }).alive = true;
    ws.on('pong', () => {
      (ws as WebSocket & { alive?: boolean }).alive = true;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      clearTimeout(hello);
      if (!allow()) return fail(CLOSE.policy, 'too many messages');
      if (!isBinary || !(data instanceof Buffer)) return fail(CLOSE.unsupported, 'binary frames only');
      let message: ReturnType<typeof decodeAgentToServer>;
      try {
        message = decodeAgentToServer(data);
      } catch (err) {
        if (err instanceof OpampFrameError) return fail(CLOSE.invalidPayload, 'not an AgentToServer message');
        throw err;
      }
      if (message.instanceUid.length !== INSTANCE_UID_BYTES) {
        return fail(CLOSE.invalidPayload, 'instance_uid must be 16 bytes');
      }
      const id = instanceIdOf(message.instanceUid);
      if (instanceId !== undefined && id !== instanceId) return fail(CLOSE.policy, 'instance_uid changed');
      if (instanceId === undefined) {
        instanceId = id;
        controlPlane.connected(id, channel);
        log.info({ instanceId: id }, 'agent connected');
      }
      try {
        channel.send(controlPlane.onMessage(message));
      } catch (err) {
        // Ours, not the agent's (the state directory could not be written, ...): it may retry.
        log.warn({ instanceId: id, err: String(err) }, 'could not handle an agent message');
        channel.send(
          create(ServerToAgentSchema, {
            instanceUid: message.instanceUid,
            errorResponse: {
              type: ServerErrorResponseType.ServerErrorResponseType_Unavailable,
              errorMessage: 'the control plane could not handle the message',
            },
          }),
        );
      }
    });
    ws.on('close', () => {
      clearTimeout(hello);
      if (instanceId === undefined) return;
      controlPlane.disconnected(instanceId, channel);
      log.info({ instanceId }, 'agent disconnected');
    });
    ws.on('error', () => ws.terminate());
  }
}
