import fs from 'node:fs';
import path from 'node:path';

/** The repository root (test/deploy/lib -> ../../..). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

export function repoPath(...parts: string[]): string {
  return path.join(ROOT, ...parts);
}

export function readRepoFile(...parts: string[]): string {
  return fs.readFileSync(repoPath(...parts), 'utf8');
}

/** The collector config both deployments use (also what collector/test checks). */
export const COLLECTOR_CONFIG = 'collector/otel-collector.yaml';
/** The two-tier collector Kubernetes runs: tier 1's config, and tier 2's overlay over COLLECTOR_CONFIG. */
export const TIER1_CONFIG = 'collector/tier1.yaml';
export const TIER2_OVERLAY = 'collector/tier2.yaml';

/** A pinned image reference: an explicit version tag (x.y.z, optionally with a suffix) or a digest; never latest. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([^:/]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== 'latest' && /^v?\d+\.\d+\.\d+([.-][0-9A-Za-z.-]+)?$/.test(tag);
}

/** `host:port` or `scheme://host:port/...` -> host and port (the scheme's default port when none is given). */
export function parseEndpoint(value: string): { host: string; port: number } | undefined {
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\//i.test(value);
  if (withScheme) {
    try {
      const url = new URL(value);
      const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      return { host: url.hostname, port };
    } catch {
      return undefined;
    }
  }
  const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  return match ? { host: match[1] ?? '', port: Number(match[2]) } : undefined;
}

/** Environment variables whose value is an address of another component. */
export function isEndpointVariable(name: string, value: string): boolean {
  return /(_ADDR|_ENDPOINT|_URL)$/.test(name) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

/** `512m`, `384Mi`, `1g`, `1Gi`, `400MiB` -> bytes. */
export function parseMemory(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*(b|k|kb|ki|kib|m|mb|mi|mib|g|gb|gi|gib)?$/i.exec(value.trim());
  if (!match) throw new Error(`not a memory size: "${value}"`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit === 'b' ? 1 : unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : 1024 ** 3;
  return Number(match[1]) * factor;
}

/** `--max-old-space-size=192` in a NODE_OPTIONS value -> bytes. */
export function maxOldSpaceBytes(nodeOptions: string | undefined): number | undefined {
  const match = /--max-old-space-size=(\d+)/.exec(nodeOptions ?? '');
  return match ? Number(match[1]) * 1024 ** 2 : undefined;
}
