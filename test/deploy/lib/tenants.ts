import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TENANTS_FILE, writeGenerated } from '@otel-stack/tenants';
import { parseDocument, YAMLSeq } from 'yaml';
import { repoPath } from './repo';

/** What `generate` reads and writes, and what kustomize needs to render k8s/. */
const GENERATOR_FILES = [
  TENANTS_FILE,
  '.env',
  'docker-compose.yml',
  'k8s',
  'collector/otel-collector.yaml',
  'collector/tier1.yaml',
  'collector/tier2.yaml',
  'collector/kustomization.yaml',
  'jaeger/kustomization.yaml',
  'jaeger/config.yaml',
  'tools/tenants/src/backends.ts',
];

/** A tenant that the repository does not have. */
export const EXTRA_TENANT = { id: 'tenant_new', jaeger: 'jaeger-tenant-new', uiPort: 16699 } as const;

/** A copy of the generator's files in a temporary directory. */
export function copyOfGeneratorFiles(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tenants-'));
  for (const file of GENERATOR_FILES) cpSync(repoPath(file), path.join(dir, file), { recursive: true });
  return dir;
}

/** copyOfGeneratorFiles, with EXTRA_TENANT appended to tenants.yaml. */
export function copyWithExtraTenant(): string {
  const dir = copyOfGeneratorFiles();
  const tenantsFile = path.join(dir, TENANTS_FILE);
  const doc = parseDocument(readFileSync(tenantsFile, 'utf8'));
  const tenants = doc.get('tenants', true);
  if (!(tenants instanceof YAMLSeq)) throw new Error(`${TENANTS_FILE}: tenants is not a list`);
  tenants.add(doc.createNode(EXTRA_TENANT));
  writeFileSync(tenantsFile, doc.toString());
  return dir;
}

/** copyWithExtraTenant, regenerated: what `./scripts/pnpm generate` makes of a tenant added. */
export function generatedWithExtraTenant(): { dir: string; changed: string[] } {
  const dir = copyWithExtraTenant();
  return { dir, changed: writeGenerated(dir) };
}
