// instrumentation-grpc is patched (patches/, pnpm's patchedDependencies) so that it stops doing work per call that
// depends only on the method or the client: a JSON.stringify for a debug line nobody logs, a shimmer wrapper around
// every server call's sendMetadata when no response metadata is captured, the method name split and the channel
// target parsed with a regex on every client call. This proves, in a real process with the preload, that the patch
// is applied: without it every counter below is one per call. The spans themselves are checked by tracing.test.ts.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ORDER_API = path.resolve(__dirname, '../../services/order-api');
const PRELOAD = require.resolve('@otel-stack/telemetry/register', { paths: [ORDER_API] });
const CALLS = 5;

/** A unary echo service through grpc-js's loadPackageDefinition (the path the services take), CALLS calls. */
const PROBE = `
const grpc = require('@grpc/grpc-js');
const id = (b) => b;
const method = { path: '/probe.Echo/Say', requestStream: false, responseStream: false, originalName: 'say',
  requestSerialize: id, requestDeserialize: id, responseSerialize: id, responseDeserialize: id };
const { probe } = grpc.loadPackageDefinition({ 'probe.Echo': { Say: method } });
const sendMetadataWrapped = [];
const server = new grpc.Server();
server.addService(probe.Echo.service, {
  Say: (call, callback) => { sendMetadataWrapped.push(Boolean(call.sendMetadata.__wrapped)); callback(null, call.request); },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), async (err, port) => {
  if (err) throw err;
  const client = new probe.Echo('127.0.0.1:' + port, grpc.credentials.createInsecure());
  let channelLookups = 0;
  const getChannel = client.getChannel.bind(client);
  client.getChannel = () => { channelLookups++; return getChannel(); };
  const stringify = JSON.stringify;
  let stringified = 0;
  JSON.stringify = function (...args) { stringified++; return stringify.apply(this, args); };
  for (let i = 0; i < ${CALLS}; i++) {
    await new Promise((resolve, reject) => client.say(Buffer.from('x'), (e) => (e ? reject(e) : resolve())));
  }
  JSON.stringify = stringify;
  console.log(JSON.stringify({ calls: sendMetadataWrapped.length, sendMetadataWrapped: sendMetadataWrapped.filter(Boolean).length, stringified, channelLookups }));
  process.exit(0);
});
`;

test('instrumentation-grpc does no per-call work that depends only on the method or the client', () => {
  const out = execFileSync(process.execPath, ['--require', PRELOAD, '-e', PROBE], {
    cwd: ORDER_API,
    env: { PATH: process.env.PATH ?? '', OTEL_TRACES_EXPORTER: 'none', OTEL_SERVICE_NAME: 'order-api' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '') as Record<string, number>;
  // Unpatched, each of the last three is CALLS: every call's sendMetadata wrapped, one debug JSON.stringify per
  // server call, the channel target looked up (and parsed) per client call.
  expect(result).toEqual({ calls: CALLS, sendMetadataWrapped: 0, stringified: 0, channelLookups: 1 });
});
