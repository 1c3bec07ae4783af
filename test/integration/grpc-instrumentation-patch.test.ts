// instrumentation-grpc is patched (patches/, pnpm's patchedDependencies) so that it stops doing work per call that
// depends only on the method or the client: a JSON.stringify for a debug line nobody logs, a shimmer wrapper around
// every server call's sendMetadata when no response metadata is captured, the method name split and the channel
// target parsed with a regex on every client call. This proves, in a real process with the preload, that the patch
// is applied -- without it every counter below is one per call -- and that the spans keep their names and attributes.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { OtlpReceiver } from '@otel-stack/devstack';

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
  console.log(JSON.stringify({ port, calls: sendMetadataWrapped.length, sendMetadataWrapped: sendMetadataWrapped.filter(Boolean).length, stringified, channelLookups }));
  // The preload's SIGTERM handler flushes the spans, then exits.
  process.kill(process.pid, 'SIGTERM');
});
`;

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = new OtlpReceiver();
  await receiver.start();
});
afterAll(() => receiver.stop());

test('instrumentation-grpc does no per-call work that depends only on the method or the client', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--require', PRELOAD, '-e', PROBE], {
    cwd: ORDER_API,
    env: {
      PATH: process.env.PATH ?? '',
      OTEL_SERVICE_NAME: 'order-api',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
    encoding: 'utf8',
  });
  const { port, ...result } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, number>;
  // Unpatched, each of the last three is CALLS: every call's sendMetadata wrapped, one debug JSON.stringify per
  // server call, the channel target looked up (and parsed) per client call.
  expect(result).toEqual({ calls: CALLS, sendMetadataWrapped: 0, stringified: 0, channelLookups: 1 });

  // The spans are those of the unpatched instrumentation: names, kinds and attributes on every call.
  const spans = receiver.spans.map((span) => ({ name: span.name, kind: span.kind, attributes: span.attributes }));
  const rpc = { 'rpc.system': 'grpc', 'rpc.service': 'probe.Echo', 'rpc.method': 'Say', 'rpc.grpc.status_code': '0' };
  const client = {
    name: 'grpc.probe.Echo/Say',
    kind: 'CLIENT',
    attributes: expect.objectContaining({ ...rpc, 'server.address': '127.0.0.1', 'server.port': String(port) }),
  };
  const server = { name: 'grpc.probe.Echo/Say', kind: 'SERVER', attributes: expect.objectContaining(rpc) };
  expect(spans.filter((s) => s.kind === 'CLIENT')).toEqual(Array(CALLS).fill(client));
  expect(spans.filter((s) => s.kind === 'SERVER')).toEqual(Array(CALLS).fill(server));
});
