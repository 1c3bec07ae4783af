import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The parts of a V8 .cpuprofile (as `node --cpu-prof` writes it) this summary reads. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  /** Self time by function, top N, in % of all samples. */
  readonly topFunctions: Array<{ fn: string; where: string; selfPercent: number }>;
  /** Self time by where the code comes from (package, node internals, GC, idle); µs per request when known. */
  readonly byOrigin: Array<{ origin: string; selfPercent: number; selfUsPerRequest?: number }>;
  /** Requests served while profiling (when known): what turns shares into µs per request. */
  readonly requests?: number;
}

/** `…/node_modules/.pnpm/x@1/node_modules/@scope/pkg/dist/a.js` → `@scope/pkg`; node internals; our packages. */
function originOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(program)') return '(program: native, not attributed)';
  if (url === '') return '(native / no url)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const m = /\/(packages|services)\/([^/]+)\//.exec(url);
  return m ? `${m[2]} (this repo)` : url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) return url.slice(nm + '/node_modules/'.length);
  const m = /\/((packages|services)\/.+)$/.exec(url);
  return m?.[1] ?? url.replace(/^file:\/\//, '');
}

export function summarizeProfile(file: string, requests?: number, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    total += dt;
  });
  const byFn = new Map<string, { fn: string; where: string; us: number }>();
  const byOrigin = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${fn} ${where}`;
    const entry = byFn.get(key) ?? { fn, where, us: 0 };
    entry.us += us;
    byFn.set(key, entry);
    const origin = originOf(url, functionName);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + us);
  }
  const pct = (us: number) => Math.round((us / total) * 1000) / 10;
  return {
    file,
    totalMs: total / 1000,
    topFunctions: [...byFn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ fn: e.fn, where: e.where, selfPercent: pct(e.us) })),
    byOrigin: [...byOrigin.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([origin, us]) => ({
        origin,
        selfPercent: pct(us),
        ...(requests ? { selfUsPerRequest: Math.round((us / requests) * 10) / 10 } : {}),
      }))
      .filter((o) => o.selfPercent >= 0.5 || (o.selfUsPerRequest ?? 0) >= 1),
    ...(requests ? { requests } : {}),
  };
}

/** The profile `node --cpu-prof` wrote for `pid` in `dir` (CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile). */
export function profileOf(dir: string, pid: number): string | undefined {
  const name = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && f.split('.')[3] === String(pid));
  return name ? path.join(dir, name) : undefined;
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) console.log(JSON.stringify(summarizeProfile(file), null, 2));
}
