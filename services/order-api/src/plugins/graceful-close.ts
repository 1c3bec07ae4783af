import type { FastifyInstance } from 'fastify';

/**
 * While the app is closing, every response carries `Connection: close`. Node's server.close() closes the
 * connections that are idle at that moment, but a keep-alive connection whose request was still in flight would
 * stay open after its response and hold the shutdown until the drain timeout. With this header Node ends the
 * socket as soon as the in-flight response is written.
 */
export function registerGracefulClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}
