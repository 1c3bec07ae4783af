// k8s/tenants/: a kustomization per backend that names its copy of the Jaeger in k8s/jaeger/, and one that lists them
// with the TENANTS both services read and a copy of tenants.yaml for the control plane (k8s/opamp/): kustomize reads
// no file outside k8s/, and the copy is checked like every generated file. Every file here is generated whole.

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

/** tenants.yaml's copy in k8s/tenants/: byte for byte, as the control plane reads the original elsewhere. */
export const K8S_TENANTS_COPY = `${K8S_TENANTS_DIR}/tenants.yaml`;

/** Every file of k8s/tenants/, by path from the repository root; `tenantsText` is tenants.yaml as it is. */
export function renderK8sTenants(tenants: Tenants, tenantsText: string): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    `${K8S_TENANTS_DIR}/kustomization.yaml`,
    yaml(
      'One Jaeger per tenant and the fallback one; ConfigMap tenancy: the tenants both services accept (TENANTS) ' +
        'and\n# tenants.yaml, which the control plane of k8s/opamp/ renders its first config with.',
      {
        ...KUSTOMIZATION,
        resources: tenants.backends.map(backendDir),
        configMapGenerator: [
          {
            name: 'tenancy',
            literals: [`TENANTS=${servicesTenants(tenants.backends)}`],
            files: ['tenants.yaml'],
          },
        ],
      },
    ),
  );
  files.set(K8S_TENANTS_COPY, tenantsText);
  for (const backend of tenants.backends) {
    files.set(`${K8S_TENANTS_DIR}/${backendDir(backend)}/kustomization.yaml`, backendKustomization(backend));
  }
  return files;
}
