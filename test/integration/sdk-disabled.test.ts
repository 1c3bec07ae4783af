// OTEL_SDK_DISABLED=true means nothing of OpenTelemetry runs: the preload installs no instrumentation, so http,
// grpc-js and Fastify stay exactly as their authors wrote them, and no SDK module is even loaded (a baseline without tracing costs nothing of it).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ORDER_API = path.resolve(__dirname, '../../services/order-api');
const PRELOAD = require.resolve('@otel-stack/telemetry/register', { paths: [ORDER_API] });

/** What a process started with the preload sees of the modules the instrumentations patch. */
const PROBE = `
const http = require('node:http');
const grpc = require('@grpc/grpc-js');
const channel = require('node:diagnostics_channel').channel('fastify.initialization');
require('fastify');
console.log(JSON.stringify({
  http: Boolean(http.Server.prototype.emit.__wrapped || http.request.__wrapped),
  grpc: Boolean(grpc.Server.prototype.register.__wrapped || grpc.makeGenericClientConstructor.__wrapped),
  fastify: channel.hasSubscribers,
  sdkModules: Object.keys(require.cache).some((f) => /@opentelemetry[\\/](sdk-|instrumentation|exporter-)|@fastify[\\/]otel/.test(f)),
}));
process.exit(0);
`;

function patchedModules(env: Record<string, string>): Record<string, boolean> {
  const out = execFileSync(process.execPath, ['--require', PRELOAD, '-e', PROBE], {
    cwd: ORDER_API,
    env: { PATH: process.env.PATH ?? '', OTEL_TRACES_EXPORTER: 'none', OTEL_SERVICE_NAME: 'order-api', ...env },
    encoding: 'utf8',
  });
  const line = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Record<string, boolean>;
}

test('with the SDK enabled, the preload instruments http, grpc-js and Fastify', () => {
  expect(patchedModules({})).toEqual({ http: true, grpc: true, fastify: true, sdkModules: true });
});

test('with OTEL_SDK_DISABLED=true, none of them is touched', () => {
  expect(patchedModules({ OTEL_SDK_DISABLED: 'true' })).toEqual({
    http: false,
    grpc: false,
    fastify: false,
    sdkModules: false,
  });
});
