import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import { sendError } from '../errors';

declare module 'fastify' {
  interface FastifyInstance {
    /** Aborted when the app starts closing, for work that should stop early (queued batch orders). */
    readonly shutdownSignal: AbortSignal;
  }
}

class ShuttingDown extends Error {
  constructor() {
    super('service shutting down');
  }
}

/** Requests of a connection that reached their handler and are not answered yet. */
const IN_HANDLER = Symbol('requestsInHandler');
/** Set once a response on this connection carried `Connection: close`: nothing after it can be answered. */
const LAST_RESPONSE_SENT = Symbol('lastResponseSent');
type TrackedSocket = Socket & { [IN_HANDLER]?: number; [LAST_RESPONSE_SENT]?: boolean };

/**
 * Shutdown without a request charged and left unanswered, and without a client holding it up. A fastify-plugin:
 * its hooks apply to every route, and it decorates the app with `shutdownSignal`.
 *
 * - When closing begins, every connection with no request in a handler is closed at once: idle keep-alive ones (Node
 *   does that too) and those whose request never completed (stalled headers or body), which would otherwise hold
 *   the shutdown until the drain timeout. Such a request never started: nothing was charged.
 * - A connection's last unanswered response carries `Connection: close`, so Node ends the socket right after it --
 *   not an earlier one: with HTTP pipelining a second order may already be at payment-service, and closing after the
 *   first answer would lose the second.
 * - A request that would start on a connection whose last response is already out is answered 503 and not started.
 */
export const gracefulClose = fp(
  async (app) => {
    const closing = new AbortController();
    app.decorate('shutdownSignal', closing.signal);
    const sockets = new Set<TrackedSocket>();
    app.server.on('connection', (socket: TrackedSocket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });

    app.addHook('preClose', async () => {
      closing.abort(new ShuttingDown());
      for (const socket of sockets) if (!socket[IN_HANDLER]) socket.destroy();
    });
    app.addHook('preHandler', async (request, reply) => {
      const socket = request.raw.socket as TrackedSocket;
      if (socket[LAST_RESPONSE_SENT]) {
        return sendError(
          reply.header('connection', 'close'),
          'service_unavailable',
          'not processed: the service is shutting down',
        );
      }
      socket[IN_HANDLER] = (socket[IN_HANDLER] ?? 0) + 1;
    });
    app.addHook('onSend', async (request, reply, payload) => {
      const socket = request.raw.socket as TrackedSocket;
      if (closing.signal.aborted && (socket[IN_HANDLER] ?? 0) <= 1) {
        reply.header('connection', 'close');
        socket[LAST_RESPONSE_SENT] = true;
      }
      return payload;
    });
    app.addHook('onResponse', async (request) => {
      const socket = request.raw.socket as TrackedSocket;
      if (socket[IN_HANDLER]) socket[IN_HANDLER] -= 1;
    });
  },
  { name: 'graceful-close' },
);
