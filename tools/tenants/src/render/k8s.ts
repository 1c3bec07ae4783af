// k8s/tenants/: a kustomization per backend that names its copy of the Jaeger in k8s/jaeger/, and one that lists them
// with the TENANTS both services read. Every file here is generated whole.

import { type Backend, servicesTenants, type Tenants } from '@otel-stack/tenancy';
import { stringify } from 'yaml';

export const K8S_TENANTS_DIR = 'k8s/tenants';

const HEADER = '# Generated from tenants.yaml by `./scripts/pnpm generate`: edit tenants.yaml, then run it.\n';
const KUSTOMIZATION = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

const yaml = (what: string, value: unknown): string => `${HEADER}# ${what}\n${stringify(value, { lineWidth: 0 })}`;

/** Directory (under k8s/tenants/) of a backend's kustomization. */
export const backendDir = (backend: Backend): string => backend.id;

function backendKustomization(backend: Backend): string {
  const role = backend.fallback ? 'every other tenant' : backend.id;
  return yaml(`The Jaeger of ${role}: k8s/jaeger/ as ${backend.jaeger}.`, {
    ...KUSTOMIZATION,
    resources: ['../../jaeger'],
    nameSuffix: backend.jaeger.slice('jaeger'.length),
    labels: [{ pairs: { 'app.kubernetes.io/instance': backend.jaeger }, includeSelectors: true }],
  });
}

/** Every file of k8s/tenants/, by path from the repository root. */
export function renderK8sTenants(tenants: Tenants): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    `${K8S_TENANTS_DIR}/kustomization.yaml`,
    yaml('One Jaeger per tenant and the fallback one; the tenants both services accept (ConfigMap tenancy).', {
      ...KUSTOMIZATION,
      resources: tenants.backends.map(backendDir),
      configMapGenerator: [{ name: 'tenancy', literals: [`TENANTS=${servicesTenants(tenants.backends)}`] }],
    }),
  );
  for (const backend of tenants.backends) {
    files.set(`${K8S_TENANTS_DIR}/${backendDir(backend)}/kustomization.yaml`, backendKustomization(backend));
  }
  return files;
}
