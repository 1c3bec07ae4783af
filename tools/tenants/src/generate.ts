import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  COLLECTOR_CONFIG_FILE,
  readTenants,
  renderCollectorConfig,
  TENANTS_FILE,
  type Tenants,
} from '@otel-stack/tenancy';
import { BACKENDS_FILE, renderBackends } from './render/backends';
import { COMPOSE_FILE, renderCompose } from './render/compose';
import { DOTENV_FILE, renderDotEnv } from './render/dotenv';
import { K8S_TENANTS_DIR, renderK8sTenants } from './render/k8s';
import { renderTier1Config, TIER1_CONFIG_FILE } from './render/tier1';

export interface Generated {
  /** Every generated file, by path from the repository root, with the content it must have. */
  readonly files: ReadonlyMap<string, string>;
  /** Directories of k8s/tenants/ for backends tenants.yaml no longer lists. */
  readonly obsolete: readonly string[];
}

/**
 * What every generated file must contain, for the checkout at `root`: the files that list tenants (from
 * tenants.yaml) and tier 1's copy of the masking processor (from collector/otel-collector.yaml).
 */
export function generate(root: string, tenants: Tenants = readTenants(root)): Generated {
  const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
  const collectorConfig = renderCollectorConfig(tenants, read(COLLECTOR_CONFIG_FILE));
  const files = new Map<string, string>([
    [COLLECTOR_CONFIG_FILE, collectorConfig],
    [TIER1_CONFIG_FILE, renderTier1Config(collectorConfig, read(TIER1_CONFIG_FILE))],
    [COMPOSE_FILE, renderCompose(tenants, read(COMPOSE_FILE))],
    [DOTENV_FILE, renderDotEnv(tenants, read(DOTENV_FILE))],
    ...renderK8sTenants(tenants, read(TENANTS_FILE)),
    [BACKENDS_FILE, renderBackends(tenants)],
  ]);
  const tenantsDir = path.join(root, K8S_TENANTS_DIR);
  const obsolete = (existsSync(tenantsDir) ? readdirSync(tenantsDir, { withFileTypes: true }) : [])
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${K8S_TENANTS_DIR}/${entry.name}`)
    .filter((dir) => !files.has(`${dir}/kustomization.yaml`));
  return { files, obsolete };
}

const differs = (root: string, [file, content]: [string, string]): boolean => {
  const full = path.join(root, file);
  return !existsSync(full) || readFileSync(full, 'utf8') !== content;
};

/** The generated files that are not what their sources give: missing, different or obsolete. */
export function staleFiles(root: string): string[] {
  const { files, obsolete } = generate(root);
  return [...[...files].filter((entry) => differs(root, entry)).map(([file]) => file), ...obsolete];
}

/** Writes every generated file that differs and removes the obsolete ones; returns what it changed. */
export function writeGenerated(root: string): string[] {
  const { files, obsolete } = generate(root);
  const changed = [...files].filter((entry) => differs(root, entry));
  for (const [file, content] of changed) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  for (const dir of obsolete) rmSync(path.join(root, dir), { recursive: true });
  return [...changed.map(([file]) => file), ...obsolete];
}
