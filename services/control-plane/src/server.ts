// Starts the control plane: the desired config (stored, or rendered from the template and tenants.yaml), the OpAMP
// listener and the admin API. `main.ts` runs it from the environment; the CLI's `serve` and the tests call it.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parseTenants, type Tenants, TenantsError } from '@otel-stack/tenancy';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildAdminApp } from './admin/app';
import { AgentRegistry } from './agents';
import { toTenantsDocument } from './collector-config';
import type { ControlPlaneConfig } from './config';
import { ControlPlane } from './control-plane';
import { DesiredConfigStore } from './desired-config';
import { OpampServer } from './opamp-server';
import { validateWithCollector } from './validate-config';

/** The tail-sampling percentage of the first config (the template's own default: keep every trace). */
export const DEFAULT_SAMPLING_PERCENTAGE = 100;

export interface RunningControlPlane {
  readonly opamp: AddressInfo;
  readonly admin: AddressInfo;
  readonly controlPlane: ControlPlane;
  close(): Promise<void>;
}

export async function startControlPlane(config: ControlPlaneConfig): Promise<RunningControlPlane> {
  const log = pino({ name: 'control-plane', level: config.logLevel });
  const template = readFileSync(config.collectorConfigTemplate, 'utf8');
  const controlPlane = new ControlPlane({
    template,
    validate: (yaml) => validateWithCollector(config.collectorValidator, yaml),
    store: new DesiredConfigStore(config.stateDir),
    // Twice the connections: room to remember agents that went away without forgetting connected ones.
    registry: new AgentRegistry(config.limits.maxAgents * 2),
    log,
  });
  await controlPlane.ensureDesired({
    samplingPercentage: DEFAULT_SAMPLING_PERCENTAGE,
    tenants: toTenantsDocument(readTenantsFile(config.tenantsFile)),
    endpoints: {},
  });
  const opampServer = new OpampServer({ controlPlane, limits: config.limits, agentToken: config.opampAgentToken, log });
  const opamp = await opampServer.listen(config.opampHost, config.opampPort);
  let admin: FastifyInstance | undefined;
  try {
    admin = await buildAdminApp({ controlPlane, token: config.adminToken, log });
    await admin.listen({ host: config.adminHost, port: config.adminPort });
  } catch (err) {
    await opampServer.close();
    throw err;
  }
  const adminApp = admin;
  log.info({ opamp: opamp.port, admin: (adminApp.server.address() as AddressInfo).port }, 'control plane listening');
  return {
    opamp,
    admin: adminApp.server.address() as AddressInfo,
    controlPlane,
    async close() {
      await adminApp.close();
      await opampServer.close();
    },
  };
}

function readTenantsFile(file: string): Tenants {
  try {
    return parseTenants(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof TenantsError) throw new TenantsError(`TENANTS_FILE ${file}: ${err.message}`);
    throw err;
  }
}
