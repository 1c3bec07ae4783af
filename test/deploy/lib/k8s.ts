import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import YAML from 'yaml';
import { ROOT } from './repo';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are arbitrary JSON; the tests narrow what they read.
  [key: string]: any;
};

export function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

/** `kubectl kustomize k8s/` from the repository root: the same rendering `kubectl apply -k k8s/` applies. */
export function renderKustomization(dir = 'k8s/'): { text: string; objects: K8sObject[] } {
  const text = execFileSync('kubectl', ['kustomize', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const objects = YAML.parseAllDocuments(text)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
  return { text, objects };
}

export interface SchemaResult {
  readonly kind: string;
  readonly name: string;
  readonly error: string | null;
}

/** Validates objects against the Kubernetes schemas of `kubernetes-models` (in a child process: see the script). */
export function validateAgainstSchemas(objects: unknown[]): SchemaResult[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'validate-k8s.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
  });
  return JSON.parse(out) as SchemaResult[];
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

/** Kubernetes label-selector semantics (an empty selector matches everything). */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in labels;
    const value = labels[key];
    if (operator === 'In' && !(has && values.includes(value ?? ''))) return false;
    if (operator === 'NotIn' && has && values.includes(value ?? '')) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** A pod as NetworkPolicies see it; `namespace` undefined with `external` means outside the cluster. */
export interface Endpoint {
  readonly namespace: string;
  readonly namespaceLabels: Record<string, string>;
  readonly labels: Record<string, string>;
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: Array<{ port?: number | string; protocol?: string }>;
}

function peerMatches(peer: Peer, policyNamespace: string, other: Endpoint | 'external'): boolean {
  if (peer.ipBlock) return other === 'external';
  if (other === 'external') return false;
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, other.namespaceLabels)) return false;
  } else if (other.namespace !== policyNamespace) {
    return false;
  }
  return selectorMatches(peer.podSelector, other.labels);
}

function ruleAllows(
  rule: Rule,
  peers: Peer[] | undefined,
  policyNamespace: string,
  other: Endpoint | 'external',
  port: number,
): boolean {
  const portOk =
    rule.ports === undefined ||
    rule.ports.length === 0 ||
    rule.ports.some((p) => p.port === undefined || Number(p.port) === port);
  const peerOk = peers === undefined || peers.length === 0 || peers.some((p) => peerMatches(p, policyNamespace, other));
  return portOk && peerOk;
}

/**
 * Whether `policies` let `source` open a TCP connection to `destination` on `port` (NetworkPolicy semantics:
 * a pod selected by a policy of a type is isolated for that direction; allowed if any selecting policy's rule
 * allows it). Named ports are not resolved: the manifests use numbers in policies.
 */
export function connectionAllowed(
  policies: K8sObject[],
  source: Endpoint | 'external',
  destination: Endpoint,
  port: number,
): boolean {
  const types = (p: K8sObject): string[] => p.spec.policyTypes ?? ['Ingress'];
  const ingressPolicies = policies.filter(
    (p) =>
      p.metadata.namespace === destination.namespace &&
      types(p).includes('Ingress') &&
      selectorMatches(p.spec.podSelector, destination.labels),
  );
  const ingressOk =
    ingressPolicies.length === 0 ||
    ingressPolicies.some((p) =>
      ((p.spec.ingress ?? []) as Rule[]).some((rule) =>
        ruleAllows(rule, rule.from, destination.namespace, source, port),
      ),
    );
  if (source === 'external') return ingressOk;
  const egressPolicies = policies.filter(
    (p) =>
      p.metadata.namespace === source.namespace &&
      types(p).includes('Egress') &&
      selectorMatches(p.spec.podSelector, source.labels),
  );
  const egressOk =
    egressPolicies.length === 0 ||
    egressPolicies.some((p) =>
      ((p.spec.egress ?? []) as Rule[]).some((rule) => ruleAllows(rule, rule.to, source.namespace, destination, port)),
    );
  return ingressOk && egressOk;
}
