import type { FastifyInstance } from 'fastify';

class ShuttingDown extends Error {
  constructor() {
    super('service shutting down');
  }
}

/**
 * Returns a signal that is aborted when the app starts closing, for work that should stop early (queued batch
 * orders). While the app is closing, every response carries `Connection: close`. Node's server.close() closes the
 * connections that are idle at that moment, but a keep-alive connection whose request was still in flight would
 * stay open after its response and hold the shutdown until the drain timeout. With this header Node ends the
 * socket as soon as the in-flight response is written.
 */
export function registerGracefulClose(app: FastifyInstance): AbortSignal {
  const closing = new AbortController();
  app.addHook('preClose', async () => {
    closing.abort(new ShuttingDown());
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing.signal.aborted) reply.header('connection', 'close');
    return payload;
  });
  return closing.signal;
}
